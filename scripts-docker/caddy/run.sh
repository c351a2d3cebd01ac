#!/bin/sh
# Starts the caddy service (building its image if needed).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose up -d --build caddy
