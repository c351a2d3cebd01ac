#!/bin/sh
# Reloads the Caddyfile without downtime, through Caddy's admin API inside the container.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose exec caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile
echo "Caddy reloaded."
