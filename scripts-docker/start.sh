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
    redis_password=$(random_secret)
    sed -i.bak \
        -e "s/^DATABASE_PASSWORD=.*/DATABASE_PASSWORD=$database_password/" \
        -e "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$redis_password/" \
        "$ROOT/.env"
    rm -f "$ROOT/.env.bak"
    echo "Created .env with random database and Redis passwords."
    echo "Set CADDY_DOMAIN, ACME_EMAIL, JWT_ISSUER, JWT_AUDIENCE and the client ids in .env before going public."
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

compose up -d --build

timeout=${START_TIMEOUT:-300}
waited=0
echo "Waiting for every service to be healthy (at most ${timeout}s)..."
while :; do
    all_healthy=yes
    for service in postgres redis api caddy; do
        health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
            "$(container_of "$service")" 2>/dev/null || echo "missing")
        case "$health" in
            healthy) ;;
            unhealthy|exited|dead)
                echo "$service is $health; its last log lines:" >&2
                compose logs --tail=30 "$service" >&2
                exit 1 ;;
            *) all_healthy=no ;;
        esac
    done
    if [ "$all_healthy" = yes ]; then
        echo "All services are healthy. https://${CADDY_DOMAIN:-localhost}/health"
        exit 0
    fi
    if [ "$waited" -ge "$timeout" ]; then
        echo "Not every service was healthy after ${timeout}s: see scripts-docker/system/health-check.sh" >&2
        exit 1
    fi
    sleep 5
    waited=$((waited + 5))
done
