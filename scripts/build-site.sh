#!/usr/bin/env bash
# Builds the browser side of the console into $CARGO_TARGET_DIR/site:
#   pkg/scaleout.js + pkg/scaleout_bg.wasm (hydration bundle), pkg/scaleout.css, public files,
#   and a .gz copy of each of the three.
# Usage: scripts/build-site.sh [release|debug]   (default: release, size-optimised)
# This is what cargo-leptos would do, without its 20-minute install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:-release}"
case "$mode" in
  release) profile=wasm-release; profile_dir=wasm-release ;;
  debug) profile=dev; profile_dir=debug ;;
  *) die "usage: scripts/build-site.sh [release|debug]" ;;
esac

ensure_build_tools
cd "$ROOT"

say "Building the hydration bundle (wasm, $mode)"
cargo rustc -p scaleout-app --lib --crate-type cdylib \
  --target wasm32-unknown-unknown --profile "$profile" \
  --no-default-features --features hydrate

wasm="$TARGET_DIR/wasm32-unknown-unknown/$profile_dir/scaleout_app.wasm"
staging="$SITE_DIR.new"
rm -rf "$staging"
mkdir -p "$staging/pkg"

wasm-bindgen --target web --no-typescript --out-dir "$staging/pkg" --out-name scaleout "$wasm"
if [ "$mode" = release ]; then
  say "Optimising the wasm for size (wasm-opt -Oz)"
  wasm-opt -Oz "$staging/pkg/scaleout_bg.wasm" -o "$staging/pkg/scaleout_bg.wasm"
fi
# One stylesheet: main.css first (tokens, layout), then one file per page area.
{
  cat "$ROOT/style/main.css"
  for css in "$ROOT"/style/*.css; do
    [ "$(basename "$css")" = main.css ] || cat "$css"
  done
} >"$staging/pkg/scaleout.css"
cp -R "$ROOT/public/." "$staging/"
# Compressed copies beside the bundle: the server sends them to browsers that accept
# gzip (about a third of the wasm's size over the wire), with no work per request.
gzip -9 -k -n "$staging/pkg/scaleout_bg.wasm" "$staging/pkg/scaleout.js" "$staging/pkg/scaleout.css"

# Swap in whole, so a running server never sees half a site.
rm -rf "$SITE_DIR.old"
[ -d "$SITE_DIR" ] && mv "$SITE_DIR" "$SITE_DIR.old"
mv "$staging" "$SITE_DIR"
rm -rf "$SITE_DIR.old"

raw=$(stat -c %s "$SITE_DIR/pkg/scaleout_bg.wasm")
gz=$(stat -c %s "$SITE_DIR/pkg/scaleout_bg.wasm.gz")
say "Site ready in $SITE_DIR (wasm: $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzipped)"
