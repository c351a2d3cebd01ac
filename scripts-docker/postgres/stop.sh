#!/bin/sh
# Stops the postgres service; its data stays.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose stop postgres
