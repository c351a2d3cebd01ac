#!/bin/sh
# Runs inside the database container (scripts-docker/postgres/backup.sh calls it): a pg_dump in
# custom format into $BACKUP_DIR, keeping the newest $BACKUP_KEEP dumps.
set -e
umask 077  # dumps hold every account: readable by their owner only

backup_dir=${BACKUP_DIR:-/backups}
keep=${BACKUP_KEEP:-7}
database=${POSTGRES_DB:-oauth_api}
user=${POSTGRES_USER:-postgres}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$backup_dir/$database-$stamp.dump"

mkdir -p "$backup_dir"
pg_dump --username "$user" --format custom --no-owner --file "$file.partial" "$database"
mv "$file.partial" "$file"
echo "$file"

# Rotation: the newest $keep dumps stay (names sort by their UTC time stamp).
find "$backup_dir" -maxdepth 1 -name "$database-*.dump" | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
    rm -f "$old"
done
