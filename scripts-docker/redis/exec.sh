#!/bin/sh
# Opens redis-cli in the Redis container (authenticated), or runs the given redis-cli arguments there.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

# The password is read inside the container from its own environment: never on a command line.
# shellcheck disable=SC2016
compose exec redis sh -c 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli "$@"' sh "$@"
