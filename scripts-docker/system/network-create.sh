#!/bin/sh
# Creates the stack's network (compose does this itself on start; for containers run by hand).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

network=${DOCKER_NETWORK_NAME:-api-network}
if docker network inspect "$network" >/dev/null 2>&1; then
    echo "Network $network exists."
else
    docker network create --driver bridge --subnet "${DOCKER_SUBNET:-172.28.0.0/16}" "$network"
fi
