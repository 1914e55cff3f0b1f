#!/usr/bin/env bash
# Importing a customer list on the embedded back end, end to end through the CLI:
# 1,000 tenants of scale factor 1 to 4 (2.7 M documents) into 24 shard groups, with
# balanced placement and with hash placement. Prints the import's time and how much
# more the fullest shard group holds than the mean.
#
#   scripts/bench-import.sh                 # the release build (cargo build --release -p scaleout-server)
#   scripts/bench-import.sh BIN [TENANTS]
#   CONCURRENCY=1 scripts/bench-import.sh   # tenants onboarded at once (default 4)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="${1:-$TARGET_DIR/release/scaleout}"
tenants="${2:-1000}"
[ -x "$bin" ] || die "no binary at $bin: cargo build --release -p scaleout-server first"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c "
print('name,scale_factor')
for i in range($tenants): print(f'Customer {i:04d},{1 + i % 4}')
" >"$work/list.csv"
for mode in balanced hash; do
  data="$work/$mode"
  "$bin" --number-of-shards 24 --placement "$mode" tenant import "$work/list.csv" \
    --concurrency "${CONCURRENCY:-4}" --data-dir "$data" --json >"$work/$mode.json"
  "$bin" shard-info --json --data-dir "$data" | python3 -c "
import json, sys
out = json.load(open('$work/$mode.json'))
groups = [g['bytes'] for g in json.load(sys.stdin)['shards']['groups']]
mean = sum(groups) / len(groups)
docs = sum(i['documents'] for i in out['imported'])
print(f'$mode: {len(out[\"imported\"])} tenants, {docs:,} documents in {out[\"seconds\"]:.1f} s '
      f'({docs / out[\"seconds\"]:,.0f} documents/s); fullest of {len(groups)} groups '
      f'{(max(groups) / mean - 1) * 100:.1f}% over the mean')
"
done
