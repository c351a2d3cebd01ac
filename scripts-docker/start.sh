#!/bin/sh
# One command to a running stack. On a first run: .env from .env.example with strong random
# database and Redis passwords, and a JWT signing key if keys/jwt has none. Then builds and starts
# everything and waits until every service is healthy: exit 0 when they are, non-zero when one
# turns unhealthy or the wait (START_TIMEOUT seconds, default 300) runs out.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
. "$ROOT/scripts-docker/lib.sh"

random_secret() {
    # 32 random bytes, hex: no characters that need quoting anywhere.
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

if [ ! -f "$ROOT/.env" ]; then
    cp "$ROOT/.env.example" "$ROOT/.env"
    chmod 600 "$ROOT/.env"
    database_password=$(random_secret)
    database_owner_password=$(random_secret)
    redis_password=$(random_secret)
    redis_api_password=$(random_secret)
    # Until a real domain is set, serve localhost only: no certificate request with placeholders.
    sed -i.bak \
        -e "s/^DATABASE_PASSWORD=.*/DATABASE_PASSWORD=$database_password/" \
        -e "s/^DATABASE_MIGRATION_PASSWORD=.*/DATABASE_MIGRATION_PASSWORD=$database_owner_password/" \
        -e "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$redis_password/" \
        -e "s/^REDIS_API_PASSWORD=.*/REDIS_API_PASSWORD=$redis_api_password/" \
        -e "s/^CADDY_DOMAIN=.*/CADDY_DOMAIN=localhost/" \
        "$ROOT/.env"
    rm -f "$ROOT/.env.bak"
    echo "Created .env with random database and Redis passwords; serving localhost only for now."
    echo "Set CADDY_DOMAIN, ACME_EMAIL, JWT_ISSUER, JWT_AUDIENCE and the client ids in .env, then run this again."
fi
# The database owner came later: an older .env's one user (the owner of its data folder) stays
# both, so nothing changes for it; README "Database roles" tells how to split them.
if ! grep -q '^DATABASE_MIGRATION_PASSWORD=.' "$ROOT/.env"; then
    owner=$(sed -n 's/^DATABASE_USERNAME=//p' "$ROOT/.env" | tail -n 1)
    owner_password=$(sed -n 's/^DATABASE_PASSWORD=//p' "$ROOT/.env" | tail -n 1)
    sed -i.bak -e '/^DATABASE_MIGRATION_USERNAME=/d' -e '/^DATABASE_MIGRATION_PASSWORD=/d' "$ROOT/.env"
    rm -f "$ROOT/.env.bak"
    printf 'DATABASE_MIGRATION_USERNAME=%s\nDATABASE_MIGRATION_PASSWORD=%s\n' "${owner:-postgres}" "$owner_password" >> "$ROOT/.env"
    grep -q '^DATABASE_USERNAME=' "$ROOT/.env" || echo "DATABASE_USERNAME=postgres" >> "$ROOT/.env"
    echo "Added DATABASE_MIGRATION_USERNAME/PASSWORD to .env (the same user as the api's, as before)."
fi
# The api's own Redis user came later: an older .env gets its password once.
if ! grep -q '^REDIS_API_PASSWORD=.' "$ROOT/.env"; then
    sed -i.bak -e '/^REDIS_API_PASSWORD=/d' "$ROOT/.env"
    rm -f "$ROOT/.env.bak"
    echo "REDIS_API_PASSWORD=$(random_secret)" >> "$ROOT/.env"
    echo "Added REDIS_API_PASSWORD to .env (the api's own Redis user)."
fi
load_env

mkdir -p "$ROOT/keys/jwt"
if ! ls "$ROOT/keys/jwt"/*.pem >/dev/null 2>&1; then
    echo "No signing key in keys/jwt: generating one."
    compose build api
    # Written by the image's own jar, then handed to uid 1001, the only user the api runs as
    # (the file stays owner-only: 0600).
    compose run --rm --no-deps --user 0 -v "$ROOT/keys/jwt:/keys" --entrypoint sh api \
        -c 'java -jar /app/oauth-api.jar keys generate --dir /keys && chown 1001:1001 /keys/*.pem'

fi

timeout=${START_TIMEOUT:-300}
started=$(date +%s)

# Waits until every named service is healthy; exits non-zero as soon as one is unhealthy or
# stopped, or when the time is up. Containers are named in .env (lib.sh knows them).
wait_healthy() {
    echo "Waiting for $* to be healthy (at most ${timeout}s in all)..."
    while :; do
        all_healthy=yes
        for service in "$@"; do
            health=$(health_of "$service")
            case "$health" in
                healthy) ;;
                unhealthy|exited|dead)
                    echo "$service is $health; its last log lines:" >&2
                    compose logs --tail=30 "$service" >&2
                    exit 1 ;;
                *) all_healthy=no ;;
            esac
        done
        [ "$all_healthy" = yes ] && return 0
        if [ $(( $(date +%s) - started )) -ge "$timeout" ]; then
            echo "Not healthy after ${timeout}s: see scripts-docker/system/health-check.sh" >&2
            exit 1
        fi
        sleep 5
    done
}

# The api first, without waiting on compose (a crash-looping api would make it wait forever);
# Caddy once the api is healthy.
compose up -d --build --no-deps postgres redis
wait_healthy postgres redis
compose up -d --build migrate api
wait_healthy api
compose up -d --build caddy
wait_healthy caddy
echo "All services are healthy: https://${CADDY_DOMAIN:-localhost}/health"
