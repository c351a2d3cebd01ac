#!/bin/sh
# Removes the caddy container (asks first); volumes stay (system/remove-volumes.sh removes those).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

confirm "Remove the caddy container?"
compose rm --stop --force caddy
