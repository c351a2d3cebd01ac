#!/usr/bin/env bash
# Lints the OpenAPI description (src/main/resources/openapi/openapi.yaml, served as GET /openapi.yaml)
# with Redocly CLI's recommended ruleset. Client generators (openapi-generator for Swift and Kotlin)
# name methods after its operationIds and trust its structure, and YAML mistakes such as a comma in a
# flow mapping silently turn a description into stray keys; OpenApiDescriptionTest only compares the
# operations and error codes with the code, so this catches the rest. Fails on any error; warnings
# are printed but do not fail; the few the contract means are named in .redocly.lint-ignore.yaml.
#
# The pinned @redocly/cli is installed with npm into a cache directory outside the repository (no
# global install, no package.json here) and reused while its version matches. Needs node >= 20.19
# and npm. Environment:
#   REDOCLY_CLI_DIR  where to install it (default ${XDG_CACHE_HOME:-$HOME/.cache}/oauth-api/redocly-cli-<version>)
#   NPM_CACHE_DIR    an npm cache directory to use instead of npm's own (e.g. a fresh one, to time a cold install)
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION=2.77.0
DESCRIPTION=src/main/resources/openapi/openapi.yaml
TOOL_DIR=${REDOCLY_CLI_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oauth-api/redocly-cli-$REDOCLY_VERSION}
REDOCLY=$TOOL_DIR/node_modules/.bin/redocly

# No usage data sent to Redocly, no "new version available" notice.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

command -v npm >/dev/null || { echo "FAIL: npm is needed (with node >= 20.19)" >&2; exit 1; }

if [ ! -x "$REDOCLY" ] || [ "$("$REDOCLY" --version 2>/dev/null)" != "$REDOCLY_VERSION" ]; then
  echo "Installing @redocly/cli@$REDOCLY_VERSION into $TOOL_DIR"
  npm_args=(install --prefix "$TOOL_DIR" --no-audit --no-fund --no-save --ignore-scripts --loglevel=error)
  if [ -n "${NPM_CACHE_DIR:-}" ]; then
    npm_args+=(--cache "$NPM_CACHE_DIR")
  fi
  mkdir -p "$TOOL_DIR"
  npm "${npm_args[@]}" "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi

# With no redocly.yaml in the repository, the recommended ruleset applies; say so explicitly anyway.
"$REDOCLY" lint --extends=recommended "$DESCRIPTION"
