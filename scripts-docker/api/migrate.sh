#!/bin/sh
# Applies pending database migrations (the one-shot migrate service), then shows their status.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose run --rm migrate
compose run --rm migrate db status /app/config.yml
