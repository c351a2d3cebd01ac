#!/bin/sh
# Follows the postgres service's log (the last 200 lines first).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose logs -f --tail=200 postgres
