#!/bin/sh
# Opens redis-cli in the Redis container (authenticated), or runs the given command there.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -eq 0 ]; then
    compose exec -e REDISCLI_AUTH="$REDIS_PASSWORD" redis redis-cli
else
    compose exec -e REDISCLI_AUTH="$REDIS_PASSWORD" redis "$@"
fi
