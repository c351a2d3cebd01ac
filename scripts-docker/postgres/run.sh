#!/bin/sh
# Starts the postgres service (building its image if needed).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose up -d --build postgres
