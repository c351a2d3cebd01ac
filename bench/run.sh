#!/usr/bin/env bash
# Benchmark of oauth-api: its own Redis, a fresh database on the local PostgreSQL seeded with
# --users users, a fake Google, the jar with the production config.yml and the Docker image's JVM
# settings, then its wrk workloads and the floors of the hot paths, answered by a bare Dropwizard
# app (a pass over all of them first, unreported, then each warmed up
# again before it is measured) and one table, also written to
# bench/results/<time>.txt. Exits non-zero when any request failed.
#
#   bench/run.sh [--users N] [--duration SECONDS] [--warmup SECONDS] [--connections C] [--runs R]
#                [--jar PATH] [--no-build]
#
# Defaults: 10000 users, 10 s measured after 8 s of warm-up, 64 connections, 1 run; the jar is
# built with ./mvnw unless --jar or --no-build. Environment:
#   BENCH_PGHOST, BENCH_PGPORT, BENCH_PGUSER, BENCH_PGPASSWORD   127.0.0.1, 5432, postgres, bench
#   BENCH_SIGNIN_RATE   sign-in ID tokens minted per second of each phase (3000: about twice the
#                       fastest sign-in measured; a workload that runs out fails, never replays)
#   BENCH_WORKLOADS     a comma-separated subset, in order (baseline,health,floor-read,me,sessions,
#                       floor-refresh,refresh,refresh-dpop,floor-signin,google-existing,google-new,passkey);
#                       refresh-dpop is the chain bound to a DPoP key, a proof on every refresh; ratios are
#                       to baseline, else to health; each floor-* is its path's least work (Baseline.java)
#   API_MEMORY          the container memory emulated with -XX:MaxRAM (docker-compose.yml's default)
#   BENCH_JAVA_OPTS     appended to the server's JAVA_TOOL_OPTIONS
#   BENCH_KEEP=1        keep the database and the temp folder (logs, wrk output)
#   BENCH_APP_CHECK_MODE  off (default), monitor or enforce: the service's APP_CHECK_MODE; with
#                       monitor or enforce every sign-in and refresh carries a (debug) app token
# Needs a JDK 21+, redis-server, psql, curl and wrk (installed with apt-get when missing and root).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

USERS=10000
DURATION=10
WARMUP=8
CONNECTIONS=64
RUNS=1
JAR=""
BUILD=1

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

die() {
  echo "bench: $*" >&2
  exit 1
}

log() {
  echo "[$(date +%H:%M:%S)] $*" >&2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=${2:?--users needs a value}; shift 2 ;;
    --duration) DURATION=${2:?--duration needs a value}; shift 2 ;;
    --warmup) WARMUP=${2:?--warmup needs a value}; shift 2 ;;
    --connections) CONNECTIONS=${2:?--connections needs a value}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --jar) JAR=${2:?--jar needs a value}; BUILD=0; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
for pair in "users:$USERS:1" "duration:$DURATION:1" "warmup:$WARMUP:0" "connections:$CONNECTIONS:1" "runs:$RUNS:1"; do
  IFS=: read -r name value min <<<"$pair"
  if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "$min" ]; then
    die "--$name must be a whole number >= $min, not '$value'"
  fi
done

PGHOST_=${BENCH_PGHOST:-127.0.0.1}
PGPORT_=${BENCH_PGPORT:-5432}
PGUSER_=${BENCH_PGUSER:-postgres}
# config.yml requires a password even where PostgreSQL trusts loopback.
PGPASSWORD_=${BENCH_PGPASSWORD:-bench}
DB_NAME=oauth_api_bench
SIGNIN_RATE=${BENCH_SIGNIN_RATE:-3000}
APP_CHECK_MODE_=${BENCH_APP_CHECK_MODE:-off}
case "$APP_CHECK_MODE_" in off|monitor|enforce) ;; *) echo "BENCH_APP_CHECK_MODE: off, monitor or enforce" >&2; exit 2 ;; esac
APP_CHECK_DEBUG_TOKEN=bench-debug-token-0123456789abcdef-0123456789
CLIENT_ID="bench-ios.apps.googleusercontent.com"
PASSKEY_RP_ID="bench.example"
PASSKEY_ORIGIN="https://bench.example"
ACCESS_USERS=128
# More refresh tokens than connections: the chain loses at most one per connection at each stop.
REFRESH_POOL=$((CONNECTIONS * 3 > 256 ? CONNECTIONS * 3 : 256))

# --- tools -----------------------------------------------------------------------------------

# A JDK 21+ for the jar, found where Maven's toolchain looks.
# shellcheck source=/dev/null
. "$ROOT/.ci/jdk.sh"
JAVA="$JAVA_HOME/bin/java"

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" -eq 0 ] || die "wrk is missing (apt-get install wrk)"
  log "installing wrk"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
for tool in wrk redis-server redis-cli psql curl awk; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

if [ -z "$JAR" ]; then
  JAR="$ROOT/target/oauth-api.jar"
  if [ "$BUILD" -eq 1 ]; then
    log "building the jar (./mvnw -q -B package -DskipTests)"
    (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
  fi
fi
[ -f "$JAR" ] || die "no jar at $JAR (build it, or pass --jar)"
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
CONFIG="$ROOT/config.yml"

# --- clean-up: everything started here is stopped on any exit ---------------------------------

WORK=$(mktemp -d /tmp/oauth-api-bench.XXXXXX)
PIDS=()
SERVER_PID=""
DB_CREATED=0

psql_() {
  PGPASSWORD="$PGPASSWORD_" psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" "$@"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid waited
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  # The server drains for up to its 10 s shutdown grace; then it is killed.
  for pid in "${PIDS[@]}"; do
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept database $DB_NAME and $WORK"
  else
    if [ "$DB_CREATED" -eq 1 ]; then
      psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ "$rc" -eq 0 ]; then
      rm -rf "$WORK"
    else
      log "logs kept in $WORK (server.log, wrk-*.txt)"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A loopback port nobody listens on (connecting is refused), not handed out before. Sets FREE_PORT.
TAKEN_PORTS=" "
free_port() {
  local port _
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    case "$TAKEN_PORTS" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      TAKEN_PORTS="$TAKEN_PORTS$port "
      FREE_PORT=$port
      return 0
    fi
  done
  die "no free loopback port found"
}

# Waits until "$@" succeeds, every 50 ms, at most $1 seconds; fails early if process $2 died.
wait_for() {
  local seconds=$1 pid=$2 tries
  shift 2
  tries=$((seconds * 20))
  while ! "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || return 1
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.05
  done
}

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

rss_mb() {
  awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# --- Redis: our own, loopback only, nothing persisted, no memory limit ---------------------------

free_port
REDIS_PORT=$FREE_PORT
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
  --daemonize no --logfile "$WORK/redis.log" &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
wait_for 10 "$REDIS_PID" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || die "redis-server did not start ($WORK/redis.log)"
log "redis-server on 127.0.0.1:$REDIS_PORT"

# --- PostgreSQL: a fresh database -------------------------------------------------------------

psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME" >/dev/null \
  || die "cannot create $DB_NAME on $PGHOST_:$PGPORT_ as $PGUSER_"
DB_CREATED=1

free_port
PORT=$FREE_PORT
free_port
ADMIN_PORT=$FREE_PORT
GOOGLE_PORT_FILE="$WORK/google.port"

# The service's environment, and nothing else from ours: a LOG_FORMAT or GOOGLE_REQUIRE_NONCE
# left in the caller's shell must not change what is measured. Rate limits are still counted
# (one Redis call a request, as in production), but so high they are never reached. Sets
# SERVICE_ENV, a command prefix (env -i ...); call again once GOOGLE_PORT is known.
service_env() {
  SERVICE_ENV=(env -i PATH="$PATH" HOME="${HOME:-/tmp}" JAVA_HOME="$JAVA_HOME"
    HOST=127.0.0.1 PORT="$PORT" ADMIN_PORT="$ADMIN_PORT"
    DATABASE_HOST="$PGHOST_" DATABASE_PORT="$PGPORT_" DATABASE_NAME="$DB_NAME"
    DATABASE_USERNAME="$PGUSER_" DATABASE_PASSWORD="$PGPASSWORD_"
    REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
    JWT_ISSUER="https://auth.bench.invalid" JWT_AUDIENCE="bench-api" JWT_KEYS_DIR="$WORK/keys"
    GOOGLE_CLIENT_IDS="$CLIENT_ID" GOOGLE_JWKS_URL="http://127.0.0.1:${GOOGLE_PORT:-9}/keys"
    AUTH_RATE_LIMIT_PER_MINUTE=10000000 API_RATE_LIMIT_PER_MINUTE=10000000
    PASSKEY_RP_ID="$PASSKEY_RP_ID" PASSKEY_ORIGINS="$PASSKEY_ORIGIN"
    APP_CHECK_MODE="$APP_CHECK_MODE_" APP_CHECK_DEBUG_TOKENS="bench=$APP_CHECK_DEBUG_TOKEN"
    APP_CHECK_TOKEN_TTL=1d APP_CHECK_RATE_LIMIT_PER_MINUTE=10000000
    LOG_FORMAT=json DRAIN_DELAY=0s) # no balancer to drain from: a stop ends at once
}
service_env

# --- signing key and schema -------------------------------------------------------------------

# Every java process runs in the temp folder: nothing it might write lands in the repository.
(cd "$WORK" && exec "${SERVICE_ENV[@]}" "$JAVA" -jar "$JAR" keys generate --dir "$WORK/keys") >"$WORK/keys.log" 2>&1 \
  || die "keys generate failed: $(tail -5 "$WORK/keys.log")"
(cd "$WORK" && exec "${SERVICE_ENV[@]}" "$JAVA" -jar "$JAR" db migrate "$CONFIG") >"$WORK/migrate.log" 2>&1 \
  || die "db migrate failed: $(tail -5 "$WORK/migrate.log")"
log "signing key generated, schema migrated"

# --- seed -------------------------------------------------------------------------------------

log "seeding $USERS users ($((USERS * 2)) sessions, each refreshed twice)"
SEED_START=$(now_ms)
psql_ -d "$DB_NAME" -v users="$USERS" -v client_id="$CLIENT_ID" -f "$BENCH_DIR/seed.sql" >"$WORK/seed.log" 2>&1 \
  || die "seeding failed: $(tail -5 "$WORK/seed.log")"
SEED_MS=$(($(now_ms) - SEED_START))
log "seeded in $((SEED_MS / 1000)).$(printf '%03d' $((SEED_MS % 1000))) s"

# --- fake Google ------------------------------------------------------------------------------

(cd "$WORK" && exec "$JAVA" "$BENCH_DIR/FakeGoogle.java" "$CLIENT_ID" "$GOOGLE_PORT_FILE") >"$WORK/google.log" 2>&1 &
PIDS+=($!)
wait_for 60 "${PIDS[-1]}" test -s "$GOOGLE_PORT_FILE" || die "FakeGoogle did not start: $(tail -5 "$WORK/google.log")"
GOOGLE_PORT=$(cat "$GOOGLE_PORT_FILE")
GOOGLE="http://127.0.0.1:$GOOGLE_PORT"
log "fake Google on $GOOGLE"

# --- the service --------------------------------------------------------------------------------

# The image's JVM flags, read from its Dockerfile; the container's memory limit (API_MEMORY in
# docker-compose.yml) emulated with MaxRAM, since here no cgroup limits the JVM.
DOCKERFILE="$ROOT/docker/server/server.Dockerfile"
IMAGE_OPTS=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$DOCKERFILE" | head -1)
[ -n "$IMAGE_OPTS" ] || die "no JAVA_TOOL_OPTIONS in $DOCKERFILE"
# shellcheck disable=SC2016 # a literal ${API_MEMORY:-...} is what is looked for
COMPOSE_MEMORY=$(sed -n 's/.*memory: *\${API_MEMORY:-\([^}]*\)}.*/\1/p' "$ROOT/docker-compose.yml" | head -1)
API_MEMORY=${API_MEMORY:-${COMPOSE_MEMORY:-768m}}
SERVER_OPTS="-XX:MaxRAM=$API_MEMORY $IMAGE_OPTS${BENCH_JAVA_OPTS:+ $BENCH_JAVA_OPTS}"

healthy() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$ADMIN_PORT/healthcheck")" = 200 ]
}

# The image's class archive lives in /app/cds; here it goes to the work folder.
# shellcheck disable=SC2001 # a pattern, not a fixed path: whatever the Dockerfile names
SERVER_OPTS=$(sed "s|-XX:SharedArchiveFile=[^ ]*|-XX:SharedArchiveFile=$WORK/oauth-api.jsa|" <<<"$SERVER_OPTS")

start_service() {
  START_MS=$(now_ms)
  (cd "$WORK" && exec "${SERVICE_ENV[@]}" JAVA_TOOL_OPTIONS="$SERVER_OPTS" "$JAVA" -jar "$JAR" server "$CONFIG") \
    >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_for 180 "$SERVER_PID" healthy || die "the service did not become healthy: $(tail -5 "$WORK/server.log")"
  STARTUP_MS=$(($(now_ms) - START_MS))
}

service_env
log "starting the service (JAVA_TOOL_OPTIONS=\"$SERVER_OPTS\")"
start_service
FIRST_STARTUP_MS=$STARTUP_MS
if grep -q -- '-XX:SharedArchiveFile=' <<<"$SERVER_OPTS"; then
  # A container's first start writes the class archive when it stops; measure the next start, as
  # every restart of the container is.
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  log "first start took $FIRST_STARTUP_MS ms; class archive written ($(du -m "$WORK/oauth-api.jsa" | cut -f1) MB)"
  start_service
fi
IDLE_RSS=$(rss_mb "$SERVER_PID" VmRSS)
API="http://127.0.0.1:$PORT"
log "healthy after $STARTUP_MS ms, idle RSS $IDLE_RSS MB, on $API (admin :$ADMIN_PORT)"
# With app attestation on, every sign-in and refresh (wrk's, and Prepare's) carries one app token:
# a debug token's, verified like any other (a signature check, no round trip).
export BENCH_APP_TOKEN=
if [ "$APP_CHECK_MODE_" != off ]; then
  BENCH_APP_TOKEN=$(curl -s -X POST "$API/api/app-check/debug" -H 'Content-Type: application/json' \
    -d "{\"debugToken\": \"$APP_CHECK_DEBUG_TOKEN\"}" | sed -n 's/.*"appToken":"\([^"]*\)".*/\1/p')
  [ -n "$BENCH_APP_TOKEN" ] || die "no app token from /api/app-check/debug"
  log "app attestation: APP_CHECK_MODE=$APP_CHECK_MODE_, every sign-in and refresh sends X-App-Check"
fi

# --- the baseline: bare Dropwizard, the same JVM flags, answering a constant ----------------------

free_port
BASELINE_PORT=$FREE_PORT
free_port
BASELINE_ADMIN_PORT=$FREE_PORT
cat >"$WORK/baseline.yml" <<YAML
server:
  applicationConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: $BASELINE_PORT
  adminConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: $BASELINE_ADMIN_PORT
YAML
# shellcheck disable=SC2001 # the same pattern as the service's archive above
# The image's flags, not BENCH_JAVA_OPTS (a profiler there is for the service).
BASELINE_OPTS=$(sed "s|-XX:SharedArchiveFile=[^ ]*|-XX:SharedArchiveFile=$WORK/baseline.jsa|" <<<"-XX:MaxRAM=$API_MEMORY $IMAGE_OPTS")
# It also answers the floors of the hot paths (see Baseline.java), on the same Redis and database.
FLOOR_DB="jdbc:postgresql://$PGHOST_:$PGPORT_/$DB_NAME?user=$PGUSER_&password=$PGPASSWORD_&ApplicationName=bench-floor"
(cd "$WORK" && exec env -i PATH="$PATH" HOME="${HOME:-/tmp}" JAVA_TOOL_OPTIONS="$BASELINE_OPTS" \
  "$JAVA" -Dfloor.redis="127.0.0.1:$REDIS_PORT" -Dfloor.db="$FLOOR_DB" -cp "$JAR" "$BENCH_DIR/Baseline.java" \
  server "$WORK/baseline.yml") >"$WORK/baseline.log" 2>&1 &
BASELINE_PID=$!
PIDS+=("$BASELINE_PID")
wait_for 120 "$BASELINE_PID" curl -sf --max-time 1 "http://127.0.0.1:$BASELINE_PORT/health" \
  || die "the baseline did not start: $(tail -5 "$WORK/baseline.log")"
BASELINE="http://127.0.0.1:$BASELINE_PORT"
log "baseline (bare Dropwizard) on $BASELINE, idle RSS $(rss_mb "$BASELINE_PID" VmRSS) MB"

# --- workloads ----------------------------------------------------------------------------------

ALL_WORKLOADS=(baseline health floor-read me sessions floor-refresh refresh refresh-dpop floor-signin google-existing
  google-new passkey)
# Each floor (answered by Baseline.java) is the least work its path needs; the report reads the
# path against it.
declare -A FLOOR_OF=([me]=floor-read [refresh]=floor-refresh [refresh-dpop]=floor-refresh [google-existing]=floor-signin
  [passkey]=floor-signin)
# BENCH_WORKLOADS=me,sessions (say) runs a subset, in that order; ratios need health among them.
IFS=, read -r -a WORKLOADS <<<"${BENCH_WORKLOADS:-$(IFS=,; echo "${ALL_WORKLOADS[*]}")}"
for w in "${WORKLOADS[@]}"; do
  case " ${ALL_WORKLOADS[*]} " in *" $w "*) ;; *) die "unknown workload '$w' in BENCH_WORKLOADS" ;; esac
done
declare -A LABEL=(
  [baseline]="baseline: bare Dropwizard"
  [health]="GET /health"
  [floor-read]="floor: Redis trip + JSON"
  [floor-refresh]="floor: Redis, UPDATE, ES256"
  [floor-signin]="floor: Redis x2, RS256, INSERT, ES256"
  [me]="GET /api/users/me"
  [sessions]="GET /api/auth/sessions"
  [refresh]="POST /api/auth/refresh (chain)"
  [refresh-dpop]="POST /api/auth/refresh, DPoP-bound"
  [google-existing]="POST /api/auth/google, existing"
  [google-new]="POST /api/auth/google, new"
  [passkey]="POST /api/auth/passkey"
)
declare -A RPS P50 P99 ERRORS NOTES
FAILED=()

# Where the CPU goes during a measured phase: user + system ticks of every process before and
# after, split into the service, its PostgreSQL backends, Redis and the rest (wrk, PostgreSQL's
# background writers, anything else on the machine), per request.
CLK_TCK=$(getconf CLK_TCK)
cpu_snapshot() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $12 + $13 }'
  awk '$1 == "cpu" { print "machine", $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}

cpu_split() {
  local before=$1 after=$2 requests=$3 pg_pids
  pg_pids=$(psql_ -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB_NAME'
                                    AND application_name IN ('oauth-api', 'bench-floor')" | tr '\n' ' ' || true)
  # "service" is whichever server the phase measured: ours, or the baseline for its floors.
  awk -v server="${CPU_SERVER_PID:-$SERVER_PID}" -v redis="$REDIS_PID" -v pg=" $pg_pids " -v n="$requests" -v tck="$CLK_TCK" '
    NR == FNR { if ($1 == "machine") { b0 = $2; t0 = $3 } else start[$1] = $2; next }
    $1 == "machine" { busy = $2 - b0; total = $3 - t0; next }
    { d = $2 - (($1 in start) ? start[$1] : 0)
      if ($1 == server) s += d; else if ($1 == redis) r += d; else if (index(pg, " " $1 " ")) p += d }
    END { if (n < 1) n = 1; ms = 1000 / tck / n
          printf "CPU ms/request: service %.3f, postgres %.3f, redis %.3f, rest %.3f; machine busy %.0f%%",
                 s * ms, p * ms, r * ms, (busy - s - p - r) * ms, (total > 0 ? 100 * busy / total : 0) }' "$before" "$after"
}

# Runs one wrk phase; its BENCH_RESULT line is left in $RESULT. Errors: non-2xx answers plus
# socket errors (connect, read, write, timeout); a missing line counts as a failure too.
run_wrk() {
  local workload=$1 phase=$2 seconds=$3 script=$4
  shift 4
  local out="$WORK/wrk-$RUN-$workload-$phase.txt"
  if ! BENCH_WORKLOAD="$workload" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s --latency \
    -s "$BENCH_DIR/lua/$script" "${TARGET:-$API}" -- "$@" >"$out" 2>&1; then
    log "wrk failed for $workload ($phase): $(tail -3 "$out")"
  fi
  RESULT=$(grep '^BENCH_RESULT ' "$out" | tail -1 || true)
}

field() {
  # field NAME: the value of NAME=... in $RESULT
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $RESULT"
}

errors_of_result() {
  if [ -z "$RESULT" ]; then
    echo "no-result"
  else
    echo $(($(field non2xx) + $(field socket_errors)))
  fi
}

# Warm-up (unless --warmup 0), then the measured phase. $1 is the workload; the rest its inputs
# for each phase, given by the caller through the *_ARGS arrays.
measure() {
  local workload=$1 script=$2 errors note=""
  if [ "$WARMUP" -gt 0 ]; then
    run_wrk "$workload" warmup "$WARMUP" "$script" "${WARM_ARGS[@]}"
    errors=$(errors_of_result)
    if [ "$errors" != 0 ]; then
      FAILED+=("run $RUN $workload warm-up: errors $errors ($(field statuses))")
      note="warm-up errors $errors; "
    fi
  fi
  cpu_snapshot >"$WORK/cpu-before"
  run_wrk "$workload" measure "$DURATION" "$script" "${MEASURE_ARGS[@]}"
  cpu_snapshot >"$WORK/cpu-after"
  errors=$(errors_of_result)
  local key="$RUN:$workload"
  if [ -z "$RESULT" ]; then
    RPS[$key]=0 P50[$key]=0 P99[$key]=0 ERRORS[$key]="no-result"
    FAILED+=("run $RUN $workload: wrk gave no result (see $WORK/wrk-$RUN-$workload-measure.txt)")
    return
  fi
  RPS[$key]=$(field rps) P50[$key]=$(field p50_ms) P99[$key]=$(field p99_ms) ERRORS[$key]=$errors
  [ "$errors" = 0 ] || FAILED+=("run $RUN $workload: errors $errors (statuses $(field statuses), socket $(field socket_errors))")
  if [ "$(field ratelimit_answers)" -gt 0 ]; then
    note+="RateLimit-Remaining >= $(field ratelimit_min_remaining) on $(field ratelimit_answers)/$(field requests) answers"
  else
    note+="no RateLimit headers"
  fi
  [ "$(field statuses)" = - ] || note+="; statuses $(field statuses)"
  case "$workload" in
    refresh) note+="; $(field tokens_left) tokens left, starved $(field starved)" ;;
    refresh-dpop) note+="; $(field tokens_left) tokens left, starved $(field starved), proofs exhausted $(field proofs_exhausted)" ;;
    google-* | passkey) note+="; tokens used $(field used)/$(field tokens), exhausted $(field exhausted)" ;;
  esac
  NOTES[$key]="$note; $(cpu_split "$WORK/cpu-before" "$WORK/cpu-after" "$(field requests)")"
  log "  $workload: $(field rps) req/s, p50 $(field p50_ms) ms, p99 $(field p99_ms) ms, errors $errors$([ "$RUN" -gt 0 ] || echo " (warm-up pass)")"
}

# Single-use ID tokens from the fake Google, for one sign-in phase: $1 file, $2 count, rest query.
mint() {
  local file=$1 count=$2 query=$3
  curl -sf --max-time 600 -o "$file" "$GOOGLE/mint?count=$count&$query" || die "minting failed"
  [ "$(wc -l <"$file")" -eq "$count" ] || die "asked the fake Google for $count tokens, got $(wc -l <"$file")"
}

WARM_TOKENS=$((SIGNIN_RATE * WARMUP))
MEASURE_TOKENS=$((SIGNIN_RATE * DURATION))
# The DPoP-bound chain gets sessions of its own: each chain starts as full as the other.
PREP_REFRESH=$REFRESH_POOL
case " ${WORKLOADS[*]} " in *" refresh-dpop "*) PREP_REFRESH=$((REFRESH_POOL * 2)) ;; esac
PREP_TOTAL=$((ACCESS_USERS + PREP_REFRESH))
REPORT="$WORK/report.txt"
: >"$REPORT"

# Run 0 is a pass over every workload that is not reported: the JIT compiles each path (and its
# compiler threads burn the service's CPU) only once that path is busy, so on two cores a workload
# measured first, right after its own short warm-up, paid for compiling code the others share.
# A server in production has long compiled them all.
for RUN in $(seq 0 "$RUNS"); do
  if [ "$RUN" -eq 0 ]; then
    log "warm-up pass over every workload (not reported)"
  else
    log "run $RUN of $RUNS"
  fi
  # Fresh users for every run (access tokens live 15 minutes): seeded ones when there are enough,
  # spread over the table and different in each run (the warm-up pass has its own); else new ones.
  if [ "$USERS" -ge $((PREP_TOTAL * (RUNS + 1))) ]; then
    prep=(seed- $((RUN > 0 ? RUN : RUNS + 1)) $((USERS / PREP_TOTAL)))
  else
    prep=("bench-prep-r$RUN-" 1 1)
  fi
  (cd "$WORK" && exec "$JAVA" "$BENCH_DIR/Prepare.java" "$API" "$GOOGLE" "${prep[@]}" "$ACCESS_USERS" "$PREP_REFRESH" \
    "$WORK/access-$RUN.txt" "$WORK/refresh-all-$RUN.txt") >"$WORK/prepare-$RUN.log" 2>&1 \
    || die "preparing sign-ins failed: $(tail -3 "$WORK/prepare-$RUN.log")"
  head -n "$REFRESH_POOL" "$WORK/refresh-all-$RUN.txt" >"$WORK/refresh-$RUN.txt"
  tail -n +"$((REFRESH_POOL + 1))" "$WORK/refresh-all-$RUN.txt" >"$WORK/refresh-dpop-$RUN.txt"
  log "  $(tail -1 "$WORK/prepare-$RUN.log")"
  case " ${WORKLOADS[*]} " in
    *" passkey "*)
      # A synced passkey for each user of the access tokens, signed in with below.
      (cd "$WORK" && exec "$JAVA" -cp "$JAR" "$BENCH_DIR/Passkeys.java" register "$API" "$PASSKEY_ORIGIN" \
        "$PASSKEY_RP_ID" "$WORK/access-$RUN.txt" "$WORK/passkeys-$RUN.txt") >"$WORK/passkeys-$RUN.log" 2>&1 \
        || die "registering passkeys failed: $(tail -3 "$WORK/passkeys-$RUN.log")"
      log "  $(tail -1 "$WORK/passkeys-$RUN.log")"
      ;;
  esac

  for w in "${WORKLOADS[@]}"; do
    case "$w" in
      baseline)
        WARM_ARGS=() MEASURE_ARGS=()
        TARGET=$BASELINE CPU_SERVER_PID=$BASELINE_PID measure baseline health.lua
        ;;
      floor-*)
        method=POST
        [ "$w" != floor-read ] || method=GET
        WARM_ARGS=("$method" "/floor/${w#floor-}") MEASURE_ARGS=("${WARM_ARGS[@]}")
        TARGET=$BASELINE CPU_SERVER_PID=$BASELINE_PID measure "$w" floor.lua
        ;;
      health)
        WARM_ARGS=() MEASURE_ARGS=()
        measure health health.lua
        ;;
      me | sessions)
        path=/api/auth/sessions
        [ "$w" != me ] || path=/api/users/me
        WARM_ARGS=("$path" "$WORK/access-$RUN.txt") MEASURE_ARGS=("${WARM_ARGS[@]}")
        measure "$w" bearer.lua
        ;;
      refresh)
        # One chain through both phases: the warm-up's surviving tokens start the measurement.
        if [ "$WARMUP" -gt 0 ]; then
          WARM_ARGS=("$WORK/refresh-$RUN.txt" "$WORK/refresh-$RUN-after-warmup.txt")
          MEASURE_ARGS=("$WORK/refresh-$RUN-after-warmup.txt" "$WORK/refresh-$RUN-after-measure.txt")
        else
          MEASURE_ARGS=("$WORK/refresh-$RUN.txt" "$WORK/refresh-$RUN-after-measure.txt")
        fi
        measure refresh refresh.lua
        ;;
      refresh-dpop)
        # A chain of its own, bound to one key at its first refresh (in the warm-up); a proof minted
        # now for every request of each phase.
        start="$WORK/refresh-dpop-$RUN.txt"
        MINT_START=$(now_ms)
        for phase in warmup measure; do
          count=$MEASURE_TOKENS
          [ "$phase" = measure ] || count=$WARM_TOKENS
          [ "$phase" = measure ] || [ "$WARMUP" -gt 0 ] || continue
          (cd "$WORK" && exec "$JAVA" -cp "$JAR" "$BENCH_DIR/Dpop.java" "$WORK/dpop-key.txt" \
            "https://auth.bench.invalid/api/auth/refresh" "$count" "$WORK/dpop-$RUN-$phase.txt") >"$WORK/dpop-mint.log" 2>&1 \
            || die "minting DPoP proofs failed: $(tail -3 "$WORK/dpop-mint.log")"
        done
        log "  minted DPoP proofs in $(($(now_ms) - MINT_START)) ms"
        if [ "$WARMUP" -gt 0 ]; then
          WARM_ARGS=("$start" "$WORK/refresh-dpop-$RUN-after-warmup.txt" "$WORK/dpop-$RUN-warmup.txt")
          MEASURE_ARGS=("$WORK/refresh-dpop-$RUN-after-warmup.txt" "$WORK/refresh-dpop-$RUN-after-measure.txt"
            "$WORK/dpop-$RUN-measure.txt")
        else
          MEASURE_ARGS=("$start" "$WORK/refresh-dpop-$RUN-after-measure.txt" "$WORK/dpop-$RUN-measure.txt")
        fi
        measure refresh-dpop refresh.lua
        rm -f "$WORK/dpop-$RUN-warmup.txt" "$WORK/dpop-$RUN-measure.txt"
        ;;
      google-existing | google-new)
        # Minted now, while nothing else runs; sized for $SIGNIN_RATE req/s, each sent once.
        kind=${w#google-}
        MINT_START=$(now_ms)
        if [ "$kind" = existing ]; then
          query_warm="prefix=seed-&randomBelow=$USERS" query_measure=$query_warm
        else
          query_warm="prefix=bench-new-r$RUN-w-&start=1" query_measure="prefix=bench-new-r$RUN-m-&start=1"
        fi
        WARM_ARGS=("$WORK/$w-$RUN-warmup.txt") MEASURE_ARGS=("$WORK/$w-$RUN-measure.txt")
        [ "$WARMUP" -eq 0 ] || mint "${WARM_ARGS[0]}" "$WARM_TOKENS" "$query_warm"
        mint "${MEASURE_ARGS[0]}" "$MEASURE_TOKENS" "$query_measure"
        log "  minted $((WARMUP > 0 ? WARM_TOKENS + MEASURE_TOKENS : MEASURE_TOKENS)) ID tokens ($kind users) in $(($(now_ms) - MINT_START)) ms"
        measure "$w" signin.lua
        rm -f "${WARM_ARGS[0]}" "${MEASURE_ARGS[0]}"
        ;;
      passkey)
        # Sign-in bodies, each a signed assertion over a challenge of its own, minted now.
        MINT_START=$(now_ms)
        WARM_ARGS=("$WORK/passkey-$RUN-warmup.txt" passkey) MEASURE_ARGS=("$WORK/passkey-$RUN-measure.txt" passkey)
        for phase in warmup measure; do
          count=$MEASURE_TOKENS
          [ "$phase" = measure ] || count=$WARM_TOKENS
          [ "$phase" = measure ] || [ "$WARMUP" -gt 0 ] || continue
          (cd "$WORK" && exec "$JAVA" -cp "$JAR" "$BENCH_DIR/Passkeys.java" mint "$API" "$PASSKEY_ORIGIN" \
            "$PASSKEY_RP_ID" "$WORK/passkeys-$RUN.txt" "$count" "$WORK/passkey-$RUN-$phase.txt") \
            >"$WORK/passkeys-mint.log" 2>&1 || die "minting passkey sign-ins failed: $(tail -3 "$WORK/passkeys-mint.log")"
        done
        log "  minted passkey sign-ins in $(($(now_ms) - MINT_START)) ms"
        measure passkey signin.lua
        rm -f "${WARM_ARGS[0]}" "${MEASURE_ARGS[0]}"
        ;;
    esac
  done
done

AFTER_RSS=$(rss_mb "$SERVER_PID" VmRSS)
PEAK_RSS=$(rss_mb "$SERVER_PID" VmHWM)
SERVER_ERRORS=$(grep -c '"severity_text":"ERROR"' "$WORK/server.log" || true)
# The request log (JSON, one line a request, as shipped: OpenTelemetry's names) tells what the server saw.
REQUEST_LINES=$(grep -c '"url.path":' "$WORK/server.log" || true)
SERVER_NON2XX=$(grep '"url.path":' "$WORK/server.log" | grep -o '"http.response.status_code":[0-9]*' \
  | grep -vc '"http.response.status_code":2' || true)

# --- report -------------------------------------------------------------------------------------

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
}

# Every ratio is to the baseline of the same run when it was measured, else to /health.
REFERENCE=health
case " ${WORKLOADS[*]} " in *" baseline "*) REFERENCE=baseline ;; esac
HOT_UPDATES=$(psql_ -d "$DB_NAME" -Atc "SELECT n_tup_upd || ' updates, ' || n_tup_hot_upd || ' of them HOT'
                                        FROM pg_stat_user_tables WHERE relname = 'sessions'" || echo "-")

{
  echo "oauth-api benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "jar: $JAR"
  echo "jar built: $(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ), config: $CONFIG"
  echo "JDK: $JAVA_HOME ($(java_major "$JAVA_HOME")); JAVA_TOOL_OPTIONS=\"$SERVER_OPTS\""
  echo "machine: $(nproc) cores; wrk -t1 -c$CONNECTIONS, ${WARMUP} s warm-up + ${DURATION} s measured per workload"
  echo "app attestation: APP_CHECK_MODE=$APP_CHECK_MODE_$([ "$APP_CHECK_MODE_" = off ] || echo ", X-App-Check on every sign-in and refresh")"
  echo "sign-in tokens: $SIGNIN_RATE req/s x duration minted per phase (warm-up $WARM_TOKENS, measured $MEASURE_TOKENS); refresh chain of $REFRESH_POOL sessions; $ACCESS_USERS access tokens"
  for RUN in $(seq 1 "$RUNS"); do
    echo
    echo "run $RUN of $RUNS"
    printf '%-34s %10s %9s %9s %8s %9s\n' workload "req/s" "p50 ms" "p99 ms" errors "vs $REFERENCE"
    health=${RPS[$RUN:$REFERENCE]:-0}
    for w in "${WORKLOADS[@]}"; do
      key="$RUN:$w"
      printf '%-34s %10s %9s %9s %8s %9s\n' "${LABEL[$w]}" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" \
        "${ERRORS[$key]}" "$(ratio "${RPS[$key]}" "$health")"
    done
    for w in "${WORKLOADS[@]}"; do
      echo "  $w: ${NOTES[$RUN:$w]:-}"
    done
  done
  if [ "$RUNS" -gt 1 ]; then
    echo
    echo "summary over $RUNS runs: ratio to $REFERENCE of the same run (and req/s), min / median / max"
    printf '%-34s %23s %28s\n' workload "ratio min/med/max" "req/s min/med/max"
    for w in "${WORKLOADS[@]}"; do
      ratios=() rates=()
      for RUN in $(seq 1 "$RUNS"); do
        ratios+=("$(ratio "${RPS[$RUN:$w]}" "${RPS[$RUN:$REFERENCE]:-0}")")
        rates+=("${RPS[$RUN:$w]}")
      done
      printf '%-34s %23s %28s\n' "${LABEL[$w]}" \
        "$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f / %.3f / %.3f", v[1], m, v[NR] }')" \
        "$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f / %.0f / %.0f", v[1], m, v[NR] }')"
    done
  fi
  floor_lines=()
  for w in "${WORKLOADS[@]}"; do
    f=${FLOOR_OF[$w]:-}
    case " ${WORKLOADS[*]} " in *" $f "*) ;; *) continue ;; esac
    ratios=()
    for RUN in $(seq 1 "$RUNS"); do
      ratios+=("$(ratio "${RPS[$RUN:$w]}" "${RPS[$RUN:$f]:-0}")")
    done
    floor_lines+=("$(printf '%-34s %s' "${LABEL[$w]}" "$(printf '%s\n' "${ratios[@]}" | sort -g | tr '\n' ' ')")")
  done
  if [ "${#floor_lines[@]}" -gt 0 ]; then
    echo
    echo "against its floor (req/s of the path / req/s of its floor, each run, ascending)"
    printf '%s\n' "${floor_lines[@]}"
  fi
  echo
  printf '%-34s %s\n' "start-up ms (launch to healthy)" "$STARTUP_MS"
  printf '%-34s %s\n' "start-up ms, first (no archive)" "$FIRST_STARTUP_MS"
  printf '%-34s %s\n' "idle RSS MB (after start-up)" "$IDLE_RSS"
  printf '%-34s %s\n' "RSS after load MB (peak)" "$AFTER_RSS ($PEAK_RSS)"
  printf '%-34s %s\n' "users seeded" "$USERS (in $((SEED_MS / 1000)).$(printf '%01d' $((SEED_MS % 1000 / 100))) s)"
  printf '%-34s %s\n' "server log" "$REQUEST_LINES requests ($SERVER_NON2XX not 2xx), $SERVER_ERRORS ERROR lines"
  printf '%-34s %s\n' "sessions rows updated" "$HOT_UPDATES"
  if [ "${#FAILED[@]}" -gt 0 ]; then
    echo
    echo "FAILED:"
    printf '  %s\n' "${FAILED[@]}"
  fi
} >"$REPORT"

cat "$REPORT"
mkdir -p "$BENCH_DIR/results"
RESULT_FILE="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
cp "$REPORT" "$RESULT_FILE"
log "written to $RESULT_FILE"
[ "${#FAILED[@]}" -eq 0 ] || exit 1
