#!/bin/sh
# Opens psql in the database container, or runs the given command there.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -eq 0 ]; then
    compose exec postgres psql -U "${DATABASE_MIGRATION_USERNAME:-postgres}" -d "${DATABASE_NAME:-oauth_api}"
else
    compose exec postgres "$@"
fi
