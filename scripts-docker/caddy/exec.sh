#!/bin/sh
# Opens a shell in the Caddy container, or runs the given command there.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -eq 0 ]; then
    compose exec caddy sh
else
    compose exec caddy "$@"
fi
