#!/usr/bin/env bash
# One-command set-up for a fresh Debian 12 machine (README):
#   scripts/bootstrap.sh reproduce   install what is missing, build, run `sgdlab reproduce shape-matters`
#   scripts/bootstrap.sh test        install what is missing, build, run the whole ctest suite
#   scripts/bootstrap.sh build       install and build only
# Packages come from Debian's apt; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

pkgs=(build-essential cmake git librandom123-dev gnuplot-nox python3 libsqlite3-dev libfyaml-dev sqlite3 libopenmpi-dev openmpi-bin libglpk-dev liblapacke-dev liblapack-dev
      python3-cffi python3-numpy python3-pytest)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

case "$what" in
  reproduce) ./build/sgdlab reproduce shape-matters ;;
  test)
    (cd build && ctest --output-on-failure -j"$(nproc)")
    # The same suite on a portable build (no -march=native: SSE2 on x86-64), and
    # the same run printed by both builds must be byte-identical: results do not
    # depend on the instruction set (explicit FMA, own log/sincos, fixed orders).
    cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DSGL_NATIVE=OFF >/dev/null
    cmake --build build-portable -j"$(nproc)" >/dev/null
    (cd build-portable && ctest --output-on-failure -j"$(nproc)")
    for noise in "label" "label-gauss --batch 4" "gaussian --sigma 0.1 --sigma-scale eta" "minibatch-diff --lr 0.01 --model quadratic" "lngd --lr 0.01 --model quadratic" "label --model toy2d --init 1,0.2" "sqrt-loss --model msense --d 25 --kappa 1 --observe lambda_max" "label --model tanhnet --d 6 --kappa 2 --width 8 --lr 0.02"; do
      args="--noise $noise --steps 3000 --every 1000 --seeds 5 --format csv"
      # shellcheck disable=SC2086
      if ! cmp -s <(./build/sgdlab run $args 2>/dev/null) <(./build-portable/sgdlab run $args 2>/dev/null); then
        echo "bootstrap: native and portable builds differ for: sgdlab run $args" >&2
        exit 1
      fi
    done
    echo "bootstrap: native and portable builds print identical results"
    # The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
    # (-O1 -g, native ISA): any report (out-of-bounds, use-after-free, leak,
    # overflow, misaligned access, ...) aborts the test and fails the build.
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DSGL_SANITIZE=ON >/dev/null
    cmake --build build-asan -j"$(nproc)" >/dev/null
    (cd build-asan &&
      ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp:print_suppressions=0" \
      ctest --output-on-failure -j"$(nproc)")
    echo "bootstrap: the sanitizer build (ASan + UBSan) passes the whole suite"
    ;;
  build) ;;
  *) echo "bootstrap: unknown target '$what'; valid: reproduce, test, build" >&2; exit 2 ;;
esac
