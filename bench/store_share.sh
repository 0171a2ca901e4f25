#!/usr/bin/env bash
# The store's share of a sweep of tiny runs (issue 14 item 5): diagnet d = 100,
# n = 40, 8 trajectories x 10k steps (examples/noise-eta-seed.yaml's runs), 40
# runs (scale < 1: fewer), under each commit policy of `sgdlab sweep`:
#   per-run-fsync   --commit-runs 1 --sync-every 0  (one transaction and one fsync per run)
#   per-run         --commit-runs 1                 (one transaction per run, fsync at most 1/s)
#   group           the default (a group of runs per transaction, at most 1/s)
# The share is the sweep's own "storing" time over its wall time (both printed
# by sweep); the runs are executed the same way in each.
#   bench/store_share.sh [sgdlab] [scale]
set -euo pipefail
sgdlab=${1:-build/sgdlab}
scale=${2:-1}
nseed=$(awk -v s="$scale" 'BEGIN { n = int(20 * s); print n < 2 ? 2 : n }')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seeds=$(seq -s, 1 "$nseed")
cat > "$tmp/tiny.yaml" <<EOS
name: tiny
base: {model: diagnet, d: 100, n: 40, kappa: 5, alpha: 1, delta: 1, batch: 1, steps: 10000, every: 1000, seeds: 8}
grid:
  noise: [label, none]
  seed: [$seeds]
EOS
for policy in "per-run-fsync:--commit-runs 1 --sync-every 0" "per-run:--commit-runs 1" "group:"; do
  name=${policy%%:*} flags=${policy#*:}
  rm -f "$tmp"/t.db*
  # shellcheck disable=SC2086
  "$sgdlab" sweep "$tmp/tiny.yaml" --db "$tmp/t.db" --quiet $flags 2> "$tmp/err"
  sed -nE 's/.* ([0-9]+) runs executed.* in ([0-9.]+) s:.*storing ([0-9.]+) s = ([0-9.]+) ms per run.*/\1 \2 \3 \4/p' "$tmp/err" |
    awk -v p="$name" '{ printf "sgdlab case=store_share policy=%s runs=%d total_s=%.3f store_s=%.3f ms_per_run=%.2f share=%.2f%%\n", p, $1, $2, $3, $4, 100 * $3 / $2 }'
done
