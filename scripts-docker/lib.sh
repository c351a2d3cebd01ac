# shellcheck shell=sh
# Shared by every script in scripts-docker/. A script sets ROOT (the repository) and sources this.

# Docker Compose v2 ("docker compose") where present, else docker-compose 1.29.
compose() {
    if docker compose version >/dev/null 2>&1; then
        docker compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml" "$@"
    else
        docker-compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml" "$@"
    fi
}

# Loads .env into the environment (and so into compose's substitutions).
load_env() {
    if [ ! -f "$ROOT/.env" ]; then
        echo "No .env in $ROOT: run scripts-docker/start.sh, or copy .env.example to .env and fill it in." >&2
        exit 1
    fi
    set -a
    # shellcheck disable=SC1091
    . "$ROOT/.env"
    set +a
}

# Asks before a destructive step; anything but yes cancels. CONFIRM=yes answers for scripts.
confirm() {
    if [ "${CONFIRM:-}" = "yes" ]; then
        return 0
    fi
    printf '%s [y/N] ' "$1"
    read -r answer || answer=""
    case "$answer" in
        y|Y|yes|YES) return 0 ;;
        *) echo "Cancelled."; exit 1 ;;
    esac
}

# The container name of a compose service (postgres, redis, migrate, api, caddy).
container_of() {
    case "$1" in
        postgres) echo "${CONTAINER_POSTGRES_NAME:-oauth-api-postgres}" ;;
        redis) echo "${CONTAINER_REDIS_NAME:-oauth-api-redis}" ;;
        migrate) echo "${CONTAINER_MIGRATE_NAME:-oauth-api-migrate}" ;;
        api) echo "${CONTAINER_API_NAME:-oauth-api}" ;;
        caddy) echo "${CONTAINER_CADDY_NAME:-oauth-api-caddy}" ;;
        *) echo "unknown service $1" >&2; exit 2 ;;
    esac
}

# A service's container health: healthy, unhealthy or starting; its state when it has no check;
# "missing" when there is no such container.
health_of() {
    docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
        "$(container_of "$1")" 2>/dev/null || echo "missing"
}
