#!/usr/bin/env bash
# How long a rebalance's moves take on the embedded back end, end to end through the CLI:
# the demo's rebalance, and a rebalance of 19 steps, 16 of them copies (23 tenants of
# scale 1 to 4 on 3 DB servers, then 9 empty ones). Moves copy at 1 MiB/s each (the default simulated rate), so the
# figures are the schedule's: how many moves run side by side, not the machine's speed.
#
#   scripts/bench-moves.sh                          # the debug build
#   scripts/bench-moves.sh OLD_BIN NEW_BIN          # side by side (e.g. before/after)
#   EXTRA_ARGS="--copies-per-server 2" scripts/bench-moves.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$TARGET_DIR/debug/scaleout")
for b in "${bins[@]}"; do [ -x "$b" ] || die "no binary at $b: cargo build -p scaleout-server first"; done

# Prints: moves, bytes, wall seconds of the rebalance, and the moves' own seconds summed.
summarise() {
  python3 -c '
import json, sys
r = json.load(sys.stdin)
if "demonstration_steps" in r:
    moves = r["moves"]
    wall = r["timings"]["rebalance"]
else:
    moves = r["moves_done"]
    wall = r["seconds"]
print(len(moves), sum(x["bytes"] for x in moves), "%.1f" % wall, "%.1f" % (sum(x["millis"] for x in moves) / 1000))
'
}

run_demo() {
  local bin=$1 dir
  dir=$(mktemp -d)
  SCALEOUT_TENANT_ID_SEED=1 "$bin" --data-dir "$dir" ${EXTRA_ARGS:-} demo --json 2>/dev/null | summarise
  rm -rf "$dir"
}

run_nineteen() {
  local bin=$1 dir
  dir=$(mktemp -d)
  local s=(env SCALEOUT_TENANT_ID_SEED=1 "$bin" --data-dir "$dir" ${EXTRA_ARGS:-})
  "${s[@]}" tenant add-batch --json >/dev/null 2>&1
  for i in $(seq 1 20); do
    "${s[@]}" tenant add --tenant-name "Bench Tenant $i" --scale-factor $(( 1 + i % 4 )) --json >/dev/null 2>&1
  done
  "${s[@]}" server add --count 9 --json >/dev/null 2>&1
  "${s[@]}" rebalance --execute --json 2>/dev/null | summarise
  rm -rf "$dir"
}

printf '%-44s %-10s %6s %10s %9s %14s\n' binary scenario moves bytes "wall s" "moves' own s"
for bin in "${bins[@]}"; do
  for scenario in demo nineteen; do
    read -r moves bytes wall own < <("run_$scenario" "$bin")
    printf '%-44s %-10s %6s %10s %9s %14s\n' "$(basename "$(dirname "$(dirname "$bin")")")/$(basename "$(dirname "$bin")")" "$scenario" "$moves" "$bytes" "$wall" "$own"
  done
done
