#!/usr/bin/env bash
# Model plugin against the same model built in (issue 12: a plugin must run within 1.5x): the plugin copy of
# sphere (tests/plugins/sphere_copy.c, built by CMake into build/plugins) and the built-in, same spec and
# seed (bitwise the same results, tests/cli/cli_plugins.sh), best of 3 of sgdlab run's own ns per
# trajectory-step, one thread.  Not part of ctest (no timing assertions there).
#   bench/plugins.sh [scale]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
S=./build/sgdlab
P=./build/plugins/sphere_copy.so
[ -x "$S" ] && [ -f "$P" ] || { echo "bench/plugins.sh: build first (cmake --build build)" >&2; exit 1; }
steps=$(awk -v s="$scale" 'BEGIN { printf "%d", 2e6 * s < 1000 ? 1000 : 2e6 * s }')
best() { # model flags...: the smallest ns per trajectory-step of 3 runs
    local b=
    for _ in 1 2 3; do
        local ns
        ns=$("$S" run "$@" --lr 0.01 --steps "$steps" --every "$steps" --seeds 4 --threads 1 --format csv 2>&1 \
             >/dev/null | sed -n 's/.*(\([0-9.]*\) ns per trajectory-step).*/\1/p')
        b=$(awk -v a="$ns" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "$b"
}
printf '%-40s %12s %12s %8s\n' "noise (model sphere)" "built-in ns" "plugin ns" "ratio"
for nz in "--noise label" "--noise minibatch --batch 2" "--noise gaussian --sigma 0.1 --sigma-scale eta"; do
    a=$(best --model sphere $nz)
    b=$(best --model-plugin "$P" $nz)
    printf '%-40s %12s %12s %8.3f\n' "${nz#--noise }" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
done
