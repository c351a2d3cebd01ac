#!/bin/sh
# Removes the stack's network (asks first); containers on it must be stopped.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

network=${DOCKER_NETWORK_NAME:-api-network}
confirm "Remove network $network?"
docker network rm "$network"
