#!/bin/sh
# First start of an empty data folder (docker-entrypoint-initdb.d): the database exists already
# (POSTGRES_DB, owned by POSTGRES_USER, who runs the migrations); lock down the public schema, set
# UTC, and make the api's own role (DATABASE_APP_USERNAME), which may read and write the rows of
# every table the owner makes, and change none. The schema itself comes from the api's migrations
# (the compose "migrate" service), never from here.
set -e

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-oauth_api}" <<SQL
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER DATABASE "${POSTGRES_DB:-oauth_api}" SET timezone TO 'UTC';
SQL

app_user=${DATABASE_APP_USERNAME:-}
if [ -n "$app_user" ] && [ "$app_user" != "${POSTGRES_USER:-postgres}" ]; then
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-oauth_api}" \
        -v owner="${POSTGRES_USER:-postgres}" -v app="$app_user" \
        -v app_password="${DATABASE_APP_PASSWORD:?DATABASE_APP_PASSWORD is required with DATABASE_APP_USERNAME}" <<'SQL'
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
GRANT USAGE ON SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
fi
