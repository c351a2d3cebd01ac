#!/bin/sh
# Rebuilds the api image from the current sources, migrates, and restarts the api.
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

compose build api
compose run --rm migrate
compose up -d --no-deps api
