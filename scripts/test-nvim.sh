#!/usr/bin/env bash
# `npm run test:nvim`: Neovim (Debian's neovim, headless) as an independent LSP client of `scaling-lens lsp --stdio`,
# through the snippet in editors/nvim/. Installs neovim with apt-get when missing (root), else skips with one line.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim) >/dev/null 2>&1 || true
  fi
fi
if ! command -v nvim >/dev/null 2>&1; then
  echo "test:nvim SKIPPED: neovim is not installed and could not be installed here"
  exit 0
fi
[ -f dist/cli.js ] || node scripts/build.mjs
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
  SCALING_LENS_ROOT="$PWD" timeout 90 nvim --headless -u NONE -i NONE -n -c "luafile test/editors/nvim-probe.lua" 2>&1 | tee "$home/out.txt"
grep -q 'NVIM-LSP PASS' "$home/out.txt"
