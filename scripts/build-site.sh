#!/usr/bin/env bash
# Builds the browser side of the console into $CARGO_TARGET_DIR/site:
#   pkg/public.js + pkg/public_bg.wasm (the visitors' pages: log in, sign up),
#   pkg/portal.js + pkg/portal_bg.wasm (the customers' portal),
#   pkg/watch/ (a stakeholder's read-only pages: watch.js, its modules and their loader),
#   pkg/scaleout.js + pkg/scaleout_bg.wasm (the shell: router, navigation, live stream),
#   one wasm module per page and per chunk they share, loaded on first use
#   (pkg/__wasm_split.*.js, pkg/__wasm_split_manifest.json), pkg/scaleout.css, public files,
#   and a .br and a .gz copy of every wasm, JS and CSS file.
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

staging="$SITE_DIR.new"
pkg="$staging/pkg"
wasm="$TARGET_DIR/wasm32-unknown-unknown/$profile_dir/scaleout_app.wasm"
rm -rf "$staging"
mkdir -p "$pkg"

# The visitors' pages (log in, sign up) have a bundle of their own: no router, no operator
# page in it (app/src/public.rs). Built first: both builds write the same wasm file.
say "Building the visitors' bundle (wasm, $mode)"
cargo rustc -p scaleout-app --lib --crate-type cdylib \
  --target wasm32-unknown-unknown --profile "$profile" \
  --no-default-features --features public-bundle
# (In release, wasm-opt below shrinks it with the rest.)
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name public "$wasm"

# The customers' portal has one too (app/src/portal_app.rs): no router, no planner.
say "Building the portal's bundle (wasm, $mode)"
cargo rustc -p scaleout-app --lib --crate-type cdylib \
  --target wasm32-unknown-unknown --profile "$profile" \
  --no-default-features --features portal-bundle
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name portal "$wasm"

# Lazily loaded code (`#[lazy]`, the lazy routes) works only split: unsplit, the bundle
# imports a placeholder module and never starts. So debug builds are split too.
# Splitting needs the linker's relocations (only the final link gets the flag:
# dependencies stay cached). `split FEATURE DIR NAME` builds, splits and binds one bundle.
split() {
  cargo rustc -p scaleout-app --lib --crate-type cdylib \
    --target wasm32-unknown-unknown --profile "$profile" \
    --no-default-features --features "$1" -- -C link-args=--emit-relocs
  scaleout-wasm-split "$wasm" "$2" "$3"
  # wasm-bindgen on the main module only; it keeps the exports the chunks link against.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$2" --out-name "$3" "$2/$3_split.wasm"
  rm "$2/$3_split.wasm"
}

# A stakeholder's read-only pages too (app/src/watch_app.rs), in pkg/watch/: split like
# the console's (one module per page), beside their own loader.
say "Building the stakeholders' bundle (wasm, $mode, split per page)"
mkdir -p "$pkg/watch"
split watch-bundle "$pkg/watch" watch

# Every page is a lazy route (app/src/routes.rs): the bundle is split at them, so a
# visitor downloads the shell and their page, not every page.
say "Building the hydration bundle (wasm, $mode, split at the lazy routes)"
split hydrate "$pkg" scaleout

if [ "$mode" = release ]; then
  say "Optimising every wasm module for size (wasm-opt -Oz)"
  # The producers and target-features sections are for tools, not browsers (0.4 KB).
  for module in "$pkg"/*.wasm "$pkg"/watch/*.wasm; do
    wasm-opt -Oz --strip-producers --strip-target-features "$module" -o "$module"
  done
  # The entry scripts: wasm-bindgen's glue, 44-61 KB as written (the import names
  # are object keys, which terser keeps).
  for js in "$pkg/public.js" "$pkg/portal.js" "$pkg/scaleout.js" "$pkg/watch/watch.js"; do
    terser "$js" --module --compress --mangle -o "$js.min"
    mv "$js.min" "$js"
  done
fi
# One stylesheet: main.css first (tokens, layout), then one file per page area, and the
# phone's rules last, so that they win over the page areas' (same specificity, later wins).
{
  cat "$ROOT/style/main.css"
  for css in "$ROOT"/style/*.css; do
    case "$(basename "$css")" in main.css | phone.css | phone-console.css) ;; *) cat "$css" ;; esac
  done
  cat "$ROOT/style/phone.css" "$ROOT/style/phone-console.css"
} >"$pkg/scaleout.css"
# The visitors' pages (public.rs) need the layout, the forms and the phone's general rules
# only (not the console's tables on a phone: phone-console.css).
cat "$ROOT/style/main.css" "$ROOT/style/forms.css" "$ROOT/style/phone.css" >"$pkg/public.css"
# The comments are for people reading style/: the stylesheets sent carry none (a quarter
# of the visitors' stylesheet as brotli, 0.9 KB of a 150 KB budget). No string in them
# holds "/*", so a plain match is safe.
node -e '
  const fs = require("fs");
  for (const file of process.argv.slice(1)) {
    const css = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\n\s*\n+/g, "\n");
    fs.writeFileSync(file, css);
  }' "$pkg/scaleout.css" "$pkg/public.css"
cp -R "$ROOT/public/." "$staging/"
# Compressed copies beside the bundle: the server sends them to browsers that accept
# gzip (about a third of the wasm's size over the wire), with no work per request.
gzip -9 -k -n "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css "$pkg"/watch/*.wasm "$pkg"/watch/*.js
# And brotli (Node's zlib, already here for wasm-opt), which browsers prefer: about a fifth
# smaller than gzip for wasm.
node -e '
  const fs = require("fs"), zlib = require("zlib"), c = zlib.constants;
  for (const file of process.argv.slice(1)) {
    const data = fs.readFileSync(file);
    const params = { [c.BROTLI_PARAM_QUALITY]: 11, [c.BROTLI_PARAM_LGWIN]: 24, [c.BROTLI_PARAM_SIZE_HINT]: data.length };
    fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params }));
  }' "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css "$pkg"/watch/*.wasm "$pkg"/watch/*.js
# The build's name, from its contents: pages link the bundle as /pkg/<build>/..., which
# browsers keep for good (a different build is a different name). The alias is a link,
# so the loader finds the page modules next to itself under the same name.
build=$(cd "$pkg" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
ln -s . "$pkg/$build"
echo "$build" >"$staging/build-id"

# Swap in whole, so a running server never sees half a site.
rm -rf "$SITE_DIR.old"
[ -d "$SITE_DIR" ] && mv "$SITE_DIR" "$SITE_DIR.old"
mv "$staging" "$SITE_DIR"
rm -rf "$SITE_DIR.old"

main_br=$(stat -c %s "$SITE_DIR/pkg/scaleout_bg.wasm.br")
all_br=$(cat "$SITE_DIR"/pkg/*.wasm.br | wc -c)
modules=$(find "$SITE_DIR/pkg" -maxdepth 1 -name '*.wasm' | wc -l)
say "Site ready in $SITE_DIR (main wasm $((main_br / 1024)) KiB as brotli; $modules modules, $((all_br / 1024)) KiB in all)"
