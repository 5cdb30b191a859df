#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the npm peers of the backend tests into tests/peers/node_modules.
# A no-op when they are already there.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
command -v npm >/dev/null || { echo "peers: npm is required (node 20 + npm)" >&2; exit 1; }
# Present means: every dependency of package.json installed at its pinned version.
if node -e '
  const fs = require("fs");
  const deps = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies;
  for (const [name, version] of Object.entries(deps)) {
    const file = `node_modules/${name}/package.json`;
    if (!fs.existsSync(file) || JSON.parse(fs.readFileSync(file, "utf8")).version !== version) process.exit(1);
  }' 2>/dev/null; then
  echo "peers: npm packages present"
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
echo "peers: installed"
