#!/bin/sh
# First start of an empty data folder (docker-entrypoint-initdb.d): the database exists already
# (POSTGRES_DB); lock down the public schema and set UTC. The schema itself comes from the api's
# migrations (the compose "migrate" service), never from here.
set -e

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-oauth_api}" <<SQL
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER DATABASE "${POSTGRES_DB:-oauth_api}" SET timezone TO 'UTC';
SQL
