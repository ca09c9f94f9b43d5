#!/usr/bin/env bash
# Runs every test of the repository: what CI runs (.ci/run calls this script).
#
# Installs what it needs itself: Rust crates come from crates.io through cargo.
# Fails when a step fails or when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "the fuzz targets build (tests/fuzz: cargo fmt --check, cargo clippy -D warnings)"
cargo fmt --manifest-path tests/fuzz/Cargo.toml -- --check
cargo clippy --locked --manifest-path tests/fuzz/Cargo.toml --target-dir target/fuzz -- -D warnings

step "API docs build without broken links (cargo doc -D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "the pure crates stay pure (no IO stacks, LSP, tokio or JSON in syntax/engine)"
for crate in decorum-text decorum-syntax decorum-draft decorum-engine; do
  forbidden=$(cargo tree --locked -p "$crate" -e normal --prefix none 2>/dev/null \
    | grep -E '^(tokio|lsp-types|tower-lsp-server|tower|serde_json|dashmap|ignore) ' || true)
  if [ -n "$forbidden" ]; then
    echo "error: $crate depends on: $forbidden" >&2
    exit 1
  fi
done

step "dependency licenses (tests/licenses.py)"
python3 tests/licenses.py

step "tests (cargo test --workspace)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
if [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi

step "the embedded standard library's examples (decorum test)"
cargo run --quiet --locked -- test

step "policies are formatted (decorum fmt --check)"
cargo run --quiet --locked -- fmt --check policies examples

step "editors: the VS Code extension and the Neovim plugin, headless in the real editors (editors/test.sh)"
editors/test.sh

printf '\nall checks passed (%s Rust tests)\n' "$passed"
