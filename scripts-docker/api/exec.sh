#!/bin/sh
# Opens a shell in the api container, or runs the given command there
# (for example: java -jar oauth-api.jar check-id-token ...).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -eq 0 ]; then
    compose exec api sh
else
    compose exec api "$@"
fi
