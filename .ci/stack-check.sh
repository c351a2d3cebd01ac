#!/usr/bin/env bash
# Proves the Docker stack's files offline, with the real programs that read them (no Docker
# engine is needed), then rehearses the stack with native binaries on loopback: PostgreSQL 15 with
# docker/database/postgresql.conf and init-db.sh, redis-server with docker/redis/redis.conf, the
# jar with config.yml and .env.example, and Caddy with docker/caddy/Caddyfile. Needs
# target/oauth-api.jar (./mvnw verify builds it). Every wait is bounded; everything started is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=/dev/null
. .ci/jdk.sh
JAVA=$JAVA_HOME/bin/java
PG_BIN=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "Tools"
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v caddy >/dev/null || missing+=(caddy)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -n "$PG_BIN" ] || missing+=(postgresql-15)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/15/bin)
fi
TOOLS=$ROOT/.ci/.tools
if [ ! -x "$TOOLS/node_modules/.bin/dockerfilelint" ]; then
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent dockerfilelint@1.8.0 >/dev/null
fi

step "docker-compose config accepts docker-compose.yml with .env.example"
docker-compose --env-file .env.example config -q

step "The api believes X-Forwarded-For from Caddy's fixed address alone"
config=$(docker-compose --env-file .env.example config)
trusted=$(printf '%s\n' "$config" | sed -n 's/^ *TRUSTED_PROXIES: *//p' | tr -d "'\"" | sort -u)
caddy_ip=$(printf '%s\n' "$config" | sed -n 's/^ *ipv4_address: *//p' | tr -d "'\"")
if [ -z "$caddy_ip" ] || [ "$trusted" != "$caddy_ip/32" ]; then
  fail "TRUSTED_PROXIES is '$trusted', Caddy's address '$caddy_ip': the api must trust Caddy alone"
fi

step "shellcheck: scripts-docker/, docker/ and bench/"
find scripts-docker docker bench -name '*.sh' -print0 | xargs -0 shellcheck
while IFS= read -r script; do
  [ -x "$script" ] || fail "$script is not executable"
done < <(find scripts-docker docker -name '*.sh')

step "caddy validate: docker/caddy/Caddyfile (defaults, and with a public domain)"
caddy validate --config docker/caddy/Caddyfile --adapter caddyfile 2>&1 | tail -n 1
CADDY_DOMAIN=auth.example.org ACME_EMAIL=ops@example.org \
  caddy validate --config docker/caddy/Caddyfile --adapter caddyfile 2>&1 | tail -n 1

step "dockerfilelint: the four Dockerfiles"
for dockerfile in docker/*/*.Dockerfile; do
  "$TOOLS/node_modules/.bin/dockerfilelint" "$dockerfile"
done

step "Rehearsal on loopback"
[ -f target/oauth-api.jar ] || fail "target/oauth-api.jar is missing: run ./mvnw verify first"
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -d "$work/pg/data" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
  fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 "$((limit * 4))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  fail "$what did not come up within ${limit}s"
}
# Names of our own: .env.example, read below, sets REDIS_PORT and ADMIN_PORT of its own.
PG_PORT=25432; REHEARSAL_REDIS_PORT=26379; API_PORT=28080; REHEARSAL_ADMIN_PORT=28081
CADDY_PUBLIC=28443; CADDY_LOCAL=28090; CADDY_ADMIN_PORT=22019
REDIS_PASS=rehearsal-redis-password
REDIS_API_PASS=rehearsal-redis-api-password

# PostgreSQL 15 with the image's configuration and first-start script.
install -d -o postgres "$work/pg" "$work/pg/data" "$work/pg/run"
install -m 644 docker/database/postgresql.conf "$work/pg/postgresql.conf"
runuser -u postgres -- "$PG_BIN/initdb" -D "$work/pg/data" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 30 start -o \
  "-c config_file=$work/pg/postgresql.conf -c hba_file=$work/pg/data/pg_hba.conf -c ident_file=$work/pg/data/pg_ident.conf \
   -c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$work/pg/run" >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
"$PG_BIN/createdb" oauth_api
POSTGRES_USER=postgres POSTGRES_DB=oauth_api DATABASE_APP_USERNAME=oauth_api_app DATABASE_APP_PASSWORD=rehearsal \
  sh docker/database/init-db.sh
echo "PostgreSQL 15 up with docker/database/postgresql.conf; init-db.sh ran (the owner and the api's role)"

# Redis with the image's configuration.
mkdir -p "$work/redis"
# The api's ACL user as the image's CMD writes it: docker/redis/api-user.acl, its own password.
printf 'requirepass "%s"\nuser oauth-api on >%s %s\n' "$REDIS_PASS" "$REDIS_API_PASS" \
  "$(cat docker/redis/api-user.acl)" >"$work/redis/auth.conf"
redis-server docker/redis/redis.conf --include "$work/redis/auth.conf" --port "$REHEARSAL_REDIS_PORT" --bind 127.0.0.1 \
  --dir "$work/redis" --daemonize no --logfile "$work/redis/log" &
pids+=($!)
wait_for 10 "Redis" sh -c "REDISCLI_AUTH=$REDIS_PASS redis-cli -p $REHEARSAL_REDIS_PORT ping | grep -q PONG"
acl_denied=$(redis-cli -p "$REHEARSAL_REDIS_PORT" --user oauth-api --pass "$REDIS_API_PASS" --no-auth-warning FLUSHALL 2>&1 || true)
echo "$acl_denied" | grep -q NOPERM || fail "the api's Redis user may run FLUSHALL: $acl_denied"
echo "Redis up with docker/redis/redis.conf (append-only, password required), the api's ACL user limited"

# The jar with config.yml and the values of .env.example, on rehearsal ports.
set -a
# shellcheck disable=SC1091
. ./.env.example
set +a
export HOST=127.0.0.1 PORT=$API_PORT ADMIN_PORT=$REHEARSAL_ADMIN_PORT \
  DATABASE_HOST=127.0.0.1 DATABASE_PORT=$PG_PORT DATABASE_USERNAME=oauth_api_app DATABASE_PASSWORD=rehearsal \
  DATABASE_MIGRATION_USERNAME=postgres DATABASE_MIGRATION_PASSWORD=rehearsal \
  REDIS_HOST=127.0.0.1 REDIS_PORT=$REHEARSAL_REDIS_PORT REDIS_USERNAME=oauth-api REDIS_PASSWORD=$REDIS_API_PASS \
  JWT_KEYS_DIR=$work/keys TRUSTED_PROXIES=127.0.0.1/32
"$JAVA" -jar target/oauth-api.jar keys generate >/dev/null
"$JAVA" -jar target/oauth-api.jar db migrate config.yml >/dev/null
"$JAVA" -jar target/oauth-api.jar server config.yml >"$work/api.log" 2>&1 &
pids+=($!)
wait_for 60 "the api" curl -sf "http://127.0.0.1:$API_PORT/health"
health=$(curl -s "http://127.0.0.1:$REHEARSAL_ADMIN_PORT/healthcheck")
echo "$health" | grep -q '"redis":{"healthy":true' || fail "the api's Redis health check fails as oauth-api: $health"
denied=$(psql -U oauth_api_app -d oauth_api -c 'DROP TABLE users' 2>&1 || true)
echo "$denied" | grep -q 'must be owner' || fail "the api's database role may drop a table: $denied"
psql -U oauth_api_app -d oauth_api -tAc 'SELECT count(*) FROM users' >/dev/null || fail "the api's role cannot read users"
echo "api up: migrated, serving, healthy on Redis as its ACL user"
# A second instance on another loopback address with the same ports, as a second container
# would have: Caddy checks every instance on one health port.
HOST=127.0.0.2 ADMIN_HOST=127.0.0.2 DRAIN_DELAY=3s \
  "$JAVA" -jar target/oauth-api.jar server config.yml >"$work/api-2.log" 2>&1 &
api2=$!
pids+=("$api2")
wait_for 60 "the second api" curl -sf "http://127.0.0.2:$API_PORT/health"
echo "a second api up on 127.0.0.2"

# Caddy with the Caddyfile, its ports and upstream moved by the environment.
export CADDY_DOMAIN=http://127.0.0.1:$CADDY_PUBLIC CADDY_LOCAL_ADDRESS=http://localhost:$CADDY_LOCAL \
  API_UPSTREAM="127.0.0.1:$API_PORT 127.0.0.2:$API_PORT" API_HEALTH_PORT=$REHEARSAL_ADMIN_PORT API_HEALTH_INTERVAL=1s \
  CADDY_ADMIN=127.0.0.1:$CADDY_ADMIN_PORT \
  CADDY_HTTP_PORT=28091 CADDY_HTTPS_PORT=28444 XDG_DATA_HOME=$work/caddy XDG_CONFIG_HOME=$work/caddy
caddy run --config docker/caddy/Caddyfile --adapter caddyfile >"$work/caddy.log" 2>&1 &
pids+=($!)
wait_for 20 "Caddy" curl -sf "http://localhost:$CADDY_LOCAL/health"

step "Through Caddy"
headers=$(curl -s -D - -o "$work/health.json" "http://localhost:$CADDY_LOCAL/health")
[ "$(cat "$work/health.json")" = '{"status":"ok"}' ] || fail "/health answered $(cat "$work/health.json")"
echo "$headers" | grep -qi '^X-Content-Type-Options: nosniff' || fail "no nosniff header"
echo "$headers" | grep -qi '^X-Frame-Options: DENY' || fail "no frame-deny header"
echo "$headers" | grep -qi '^Referrer-Policy: no-referrer' || fail "no referrer policy"
echo "$headers" | grep -qiE '^X-Request-Id: [0-9a-f-]{36}' || fail "no request id from Caddy"
echo "/health answers, with the security headers and a request id"
public=$(curl -s -D - -o /dev/null "http://127.0.0.1:$CADDY_PUBLIC/health")
echo "$public" | grep -qi '^Strict-Transport-Security: max-age=' || fail "no HSTS on the public site"
echo "the public site adds HSTS"
status=$(curl -s -o "$work/nope.json" -w '%{http_code} %{content_type}' "http://localhost:$CADDY_LOCAL/nope")
[ "$status" = "404 application/problem+json" ] || fail "an error answered $status"
grep -q '"code":"not_found"' "$work/nope.json" || fail "the error has no code"
echo "an error answers problem+json with a code"
for path in /healthcheck /metrics /ping /threads; do
  body=$(curl -s "http://localhost:$CADDY_LOCAL$path")
  echo "$body" | grep -q '"code":"not_found"' || fail "the admin endpoint $path is reachable through Caddy"
done
echo "the admin port is not reachable through Caddy"
caddy reload --config docker/caddy/Caddyfile --adapter caddyfile --address "127.0.0.1:$CADDY_ADMIN_PORT" >/dev/null 2>&1 \
  || fail "caddy reload failed"
curl -sf "http://localhost:$CADDY_LOCAL/health" >/dev/null || fail "/health after reload"
echo "caddy reload works through the admin API"

step "Two instances behind Caddy"
for _ in $(seq 1 40); do
  curl -sf -o /dev/null "http://localhost:$CADDY_LOCAL/health" || fail "a request through Caddy failed"
done
for log in "$work/api.log" "$work/api-2.log"; do
  grep -q '"url.path":"/health"' "$log" || fail "Caddy sent nothing to $(basename "$log" .log)"
done
echo "Caddy balances across both instances"
kill -TERM "$api2"
failed=0
for _ in $(seq 1 60); do # six seconds: the drain delay, the listeners closing, and after
  curl -sf -o /dev/null "http://localhost:$CADDY_LOCAL/health" || failed=$((failed + 1))
  sleep 0.1
done
[ "$failed" = 0 ] || fail "$failed requests through Caddy failed while an instance stopped"
wait "$api2" 2>/dev/null || true
grep -q "Stopping: not ready from now" "$work/api-2.log" || fail "the second instance did not drain"
echo "one instance stopped under traffic (drained: not ready, then closed): no request through Caddy failed"

step "Backup and restore"
psql -q -d oauth_api -c "INSERT INTO users (id, created_at, updated_at) VALUES ('00000000-0000-0000-0000-00000000beef', now(), now())"
dump=$(POSTGRES_USER=postgres POSTGRES_DB=oauth_api BACKUP_DIR=$work/backups BACKUP_KEEP=2 \
  sh docker/database/backup-internal.sh | tail -n 1)
[ -s "$dump" ] || fail "no dump written"
"$PG_BIN/createdb" restore_check
"$PG_BIN/pg_restore" --no-owner -d restore_check "$dump"
restored=$(psql -tA -d restore_check -c "SELECT count(*) FROM users WHERE id = '00000000-0000-0000-0000-00000000beef'")
changesets=$(psql -tA -d restore_check -c "SELECT count(*) FROM databasechangelog")
if [ "$restored" != 1 ] || [ "$changesets" -lt 5 ]; then
  fail "the dump did not restore (users: $restored, changesets: $changesets)"
fi
echo "backup-internal.sh's dump ($(basename "$dump")) restores into an empty database"

step "Stack checks passed"
