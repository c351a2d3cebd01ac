#!/bin/sh
# Builds and starts the whole stack (migrations run before the api).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose up -d --build
