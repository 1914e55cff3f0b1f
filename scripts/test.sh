#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then run every check and test:
# formatting, lints, unit and integration tests, and the end-to-end tests in
# Debian's Chromium. Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
# One-shot builds gain nothing from incremental state, which only fills the disk.
export CARGO_INCREMENTAL=0

started=$(date +%s)
step() { say "$* (at $(( $(date +%s) - started )) s)"; }

step "Installing what is missing"
ensure_build_tools
ensure_chromium
ensure_e2e_deps

step "Formatting (cargo fmt --check)"
cargo fmt --all --check

step "Lints (clippy, server side and the wasm bundles)"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The console's bundle, and the three of their own (visitors, portal, stakeholders).
for bundle in hydrate public-bundle portal-bundle watch-bundle; do
  cargo clippy -p scaleout-app --lib --target wasm32-unknown-unknown --no-default-features --features "$bundle" --locked -- -D warnings
done

step "Unit and integration tests (cargo test)"
cargo test --workspace --locked

step "Building the site (release wasm) and the server for the end-to-end tests"
scripts/build-site.sh release
cargo build -p scaleout-server --locked

step "End-to-end tests in Chromium (Playwright)"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
version=$(cargo pkgid -p scaleout-server | sed 's/.*[#@]//')
# The test server's data: removed after a green run, kept for a look after a red one.
e2e_data=$(mktemp -d "${TMPDIR:-/tmp}/scaleout-e2e-XXXXXX")
if ! (
  cd end2end
  SCALEOUT_BIN="$TARGET_DIR/debug/scaleout" SCALEOUT_SITE_DIR="$SITE_DIR" \
    SCALEOUT_VERSION="$version" E2E_PORT="$port" E2E_DATA_DIR="$e2e_data" npx playwright test
); then
  echo "The end-to-end server's data is kept in $e2e_data"
  exit 1
fi
rm -rf "$e2e_data" "${TMPDIR:-/tmp}/scaleout-e2e-operator-$port.json"

step "All tests passed"
