#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build in release, serve the
# console on http://127.0.0.1:3000 with the embedded back end and no configuration.
# Extra arguments go to `scaleout serve` (e.g. --addr 0.0.0.0:8080, --data-dir DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

started=$(date +%s)
scripts/build-site.sh release
say "Building the server (release)"
cargo build --release -p scaleout-server
say "Built in $(( $(date +%s) - started )) s; starting the console (Ctrl-C stops it)"
exec "$TARGET_DIR/release/scaleout" serve "$@"
