#!/bin/sh
# Follows the logs of every service.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose logs -f --tail=100
