#!/bin/sh
# Restores a dump made by backup.sh into the database, replacing what is there (asks first).
# Usage: restore.sh FILE
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
    echo "Usage: $0 BACKUP_FILE (a .dump made by backup.sh)" >&2
    exit 2
fi
confirm "Replace the contents of database ${DATABASE_NAME:-oauth_api} with $1? The api stops meanwhile."
# Nothing may write while the database is replaced; the dump may also predate newer migrations.
compose stop caddy api
container=$(container_of postgres)
docker cp "$1" "$container:/tmp/restore.dump"
compose exec -T postgres pg_restore -U "${DATABASE_MIGRATION_USERNAME:-postgres}" -d "${DATABASE_NAME:-oauth_api}" \
    --clean --if-exists --no-owner --single-transaction /tmp/restore.dump
compose exec -T postgres rm -f /tmp/restore.dump
compose run --rm migrate
compose up -d api caddy
echo "Restored $1, migrated, api and caddy started again."
