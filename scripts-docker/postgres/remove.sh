#!/bin/sh
# Removes the postgres container (asks first); volumes stay (system/remove-volumes.sh removes those).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

confirm "Remove the postgres container?"
compose rm --stop --force postgres
