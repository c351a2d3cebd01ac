#!/bin/sh
# Removes the stack with ALL its data: database, Redis, certificates (asks first).
set -e
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/scripts-docker/lib.sh"
load_env

confirm "Delete ALL data (database, backups volume, Redis, certificates)? This cannot be undone."
compose down --volumes --remove-orphans
