# Shared by the scripts in this folder: paths, and installing what is missing.
# Everything comes from crates.io, npm or Debian: nothing downloads a binary.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SITE_DIR="$TARGET_DIR/site"
# npm-installed build tools (wasm-opt) live outside the clone, shared by clones.
TOOLS_DIR="${SCALEOUT_TOOLS_DIR:-$HOME/.cache/scaleout/tools}"
# Debian's binaryen (v108) emits wasm that never hydrates: use npm's.
BINARYEN_VERSION="132.0.0"
# Minifies wasm-bindgen's JavaScript glue (a third of its size over the wire).
TERSER_VERSION="5.51.4"
export PATH="$TOOLS_DIR/bin:$TOOLS_DIR/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# The version of a crate as resolved in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

# wasm-bindgen-cli must be exactly the wasm-bindgen crate's version.
ensure_wasm_bindgen() {
  local want have
  want="$(locked_version wasm-bindgen)"
  [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want from crates.io (about 3 minutes)"
    # Not --locked: its lockfile names a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null; then
    say "Installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
}

ensure_wasm_opt() {
  ensure_node
  local have
  have="$(node -p "require('$TOOLS_DIR/node_modules/binaryen/package.json').version + ' ' + require('$TOOLS_DIR/node_modules/terser/package.json').version" 2>/dev/null || true)"
  if [ "$have" != "$BINARYEN_VERSION $TERSER_VERSION" ]; then
    say "Installing wasm-opt (binaryen $BINARYEN_VERSION) and terser $TERSER_VERSION from npm"
    mkdir -p "$TOOLS_DIR"
    # One command: with --no-save, a second install would prune the first as extraneous.
    npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund \
      "binaryen@$BINARYEN_VERSION" "terser@$TERSER_VERSION" >&2
  fi
}

# The splitter for the lazy routes (Leptos's own, wrapped in tools/wasm-split), built from
# crates.io with its pinned Cargo.lock; rebuilt only when its sources change.
ensure_wasm_split() {
  local stamp="$TOOLS_DIR/wasm-split.stamp" want
  want="$(cat "$ROOT"/tools/wasm-split/{Cargo.toml,Cargo.lock,src/main.rs} | sha256sum | cut -c1-16)"
  if [ ! -x "$TOOLS_DIR/bin/scaleout-wasm-split" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing the wasm splitter (tools/wasm-split, about 1 minute)"
    mkdir -p "$TOOLS_DIR"
    cargo install --path "$ROOT/tools/wasm-split" --locked --force --root "$TOOLS_DIR" >&2
    echo "$want" >"$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's Chromium"
    apt_install chromium
  fi
}

ensure_e2e_deps() {
  ensure_node
  # npm ci is fast and exact; redo it only when the lockfile changed.
  local stamp="$ROOT/end2end/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$ROOT/end2end/package-lock.json"; then
    say "Installing the end-to-end test dependencies (npm ci)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
    cp "$ROOT/end2end/package-lock.json" "$stamp"
  fi
}

ensure_build_tools() {
  command -v cargo >/dev/null || die "cargo is missing: this machine needs a Rust toolchain (rustup)"
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_wasm_split
}
