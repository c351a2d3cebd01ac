#!/bin/sh
# Removes the api container (asks first); volumes stay (system/remove-volumes.sh removes those).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

confirm "Remove the api container?"
compose rm --stop --force api
