#!/usr/bin/env bash
# Measures each page as a cold browser gets it: bytes over the wire, requests, and the
# time until it is interactive (hydrated) on a throttled phone profile, in Debian's
# Chromium (end2end/measure/pages.mjs). Builds nothing: it measures the build there is.
#
#   scripts/measure-pages.sh                      # the release server if built, else debug
#   SCALEOUT_BIN=... SCALEOUT_SITE_DIR=... scripts/measure-pages.sh
#   MEASURE_JSON=figures.json BUDGET=1 scripts/measure-pages.sh   # non-zero when over budget
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -z "${SCALEOUT_BIN:-}" ]; then
  SCALEOUT_BIN="$TARGET_DIR/release/scaleout"
  [ -x "$SCALEOUT_BIN" ] || SCALEOUT_BIN="$TARGET_DIR/debug/scaleout"
fi
SCALEOUT_SITE_DIR="${SCALEOUT_SITE_DIR:-$SITE_DIR}"
# Absolute, so paths relative to the caller's directory still hold in end2end/.
SCALEOUT_BIN="$(realpath -m "$SCALEOUT_BIN")"
SCALEOUT_SITE_DIR="$(realpath -m "$SCALEOUT_SITE_DIR")"
if [ -n "${MEASURE_JSON:-}" ]; then export MEASURE_JSON="$(realpath -m "$MEASURE_JSON")"; fi

[ -x "$SCALEOUT_BIN" ] ||
  die "no server binary at $SCALEOUT_BIN: build it first (scripts/build-site.sh release && cargo build --release -p scaleout-server), or set SCALEOUT_BIN"
[ -d "$SCALEOUT_SITE_DIR/pkg" ] ||
  die "no built site at $SCALEOUT_SITE_DIR: run scripts/build-site.sh release first, or set SCALEOUT_SITE_DIR"

ensure_chromium
ensure_e2e_deps

say "Measuring pages: $SCALEOUT_BIN, site $SCALEOUT_SITE_DIR"
cd "$ROOT/end2end"
SCALEOUT_BIN="$SCALEOUT_BIN" SCALEOUT_SITE_DIR="$SCALEOUT_SITE_DIR" exec node measure/pages.mjs
