#!/bin/sh
# Opens a shell in the api container, or runs the given command there. For the jar's own commands
# (users disable, check-id-token) prefer `docker compose run --rm --no-deps api <command>`: a second
# JVM in the running container competes with the api for its memory limit.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -eq 0 ]; then
    compose exec api sh
else
    compose exec api "$@"
fi
