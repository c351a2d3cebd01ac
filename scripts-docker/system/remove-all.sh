#!/bin/sh
# Removes every container and the network (asks first); volumes (data) stay.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

confirm "Remove all oauth-api containers and the network? (data volumes stay)"
compose down --remove-orphans
