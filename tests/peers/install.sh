#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the npm peers of the backend tests into tests/peers/node_modules.
# A no-op when they are already there.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
if [ -x node_modules/.bin/prism ] && [ -f node_modules/@elastic/mockotlpserver/opentelemetry/proto/collector/logs/v1/logs_service.proto ]; then
  echo "peers: npm packages present"
  exit 0
fi
command -v npm >/dev/null || { echo "peers: npm is required (node 20 + npm)" >&2; exit 1; }
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
echo "peers: installed"
