#!/bin/sh
# Dumps the database (pg_dump, custom format) inside its container, rotating old dumps,
# and copies the dump to $BACKUP_DIR on the host.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

umask 077
# No pipe here: a failed pg_dump must stop the script (set -e), not hide behind tail.
output=$(compose exec -T postgres backup-internal.sh)
dump=$(printf '%s\n' "$output" | tail -n 1)
case "${BACKUP_DIR:-backups}" in
    /*) target="$BACKUP_DIR" ;;
    *) target="$ROOT/${BACKUP_DIR:-backups}" ;;
esac
mkdir -p "$target"
docker cp "$(container_of postgres):$dump" "$target/"
echo "Backup: $target/$(basename "$dump")"

# The host copies rotate like the ones in the volume.
find "$target" -maxdepth 1 -name "${DATABASE_NAME:-oauth_api}-*.dump" | sort -r \
    | tail -n +"$(( ${BACKUP_KEEP:-7} + 1 ))" | while read -r old; do
    rm -f "$old"
done
