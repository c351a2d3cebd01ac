#!/bin/sh
# Stops every service; containers and data stay.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose stop
