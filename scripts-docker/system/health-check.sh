#!/bin/sh
# Shows the health of every container and the api's own checks; non-zero if anything is unhealthy.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

status=0
for service in postgres redis api caddy; do
    container=$(container_of "$service")
    health=$(health_of "$service")
    printf '%-10s %-22s %s\n' "$service" "$container" "$health"
    [ "$health" = "healthy" ] || status=1
done
echo
compose exec -T api wget -q -O - http://127.0.0.1:8081/healthcheck || status=1
echo
exit "$status"
