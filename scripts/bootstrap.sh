#!/usr/bin/env bash
# One-command set-up for a fresh Debian 12 machine (README):
#   scripts/bootstrap.sh reproduce   install what is missing, build, install sgdlab, run `sgdlab reproduce shape-matters`
#   scripts/bootstrap.sh test        install what is missing, build, install sgdlab, run the whole ctest suite
#   scripts/bootstrap.sh build       install what is missing, build and install sgdlab only
# sgdlab (binary, library, headers, pkg-config and CMake files, man page, bash
# completion) is installed with `cmake --install` into $SGDLAB_PREFIX, by
# default /usr/local as root (on PATH) and ~/.local otherwise; the last line
# says where, and how to put it on PATH when it is not.
# Quiet: package installation and builds write to build/bootstrap.log, which is
# shown only when a step fails.  Packages come from Debian's apt; nothing else
# is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}
case "$what" in
  reproduce|test|build) ;;
  *) echo "bootstrap: unknown target '$what'; valid: reproduce, test, build" >&2; exit 2 ;;
esac
if [ -z "${SGDLAB_PREFIX:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then SGDLAB_PREFIX=/usr/local; else SGDLAB_PREFIX=$HOME/.local; fi
fi
mkdir -p build
log=$PWD/build/bootstrap.log
: > "$log"
# step WHAT CMD...: CMD's output into the log; on failure the log's tail on stderr and exit 1
step() {
  local what=$1
  shift
  printf '\n== %s: %s\n' "$what" "$*" >> "$log"
  if ! "$@" >> "$log" 2>&1; then
    echo "bootstrap: $what failed; the last 60 lines of $log:" >&2
    tail -n 60 "$log" >&2
    echo "bootstrap: $what failed (full log: $log)" >&2
    exit 1
  fi
}

pkgs=(build-essential cmake git pkg-config librandom123-dev gnuplot-nox python3 libsqlite3-dev libfyaml-dev sqlite3 libopenmpi-dev openmpi-bin libglpk-dev liblapacke-dev liblapack-dev
      python3-cffi python3-numpy python3-pytest python3-matplotlib)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]} (apt-get; log: $log)" >&2
  step "apt-get update" $SUDO apt-get update -qq
  step "apt-get install" $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "bootstrap: building sgdlab (a few minutes; log: $log)" >&2
step "cmake configure" cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
step "build" cmake --build build -j"$(nproc)"
# install: into a prefix the user may not write (/usr/local as non-root with SGDLAB_PREFIX set) through sudo
inst=; [ -w "$(dirname "$SGDLAB_PREFIX")" ] || [ -w "$SGDLAB_PREFIX" ] || inst=$SUDO
step "install into $SGDLAB_PREFIX" $inst cmake --install build --prefix "$SGDLAB_PREFIX"
if [ "$(id -u)" -eq 0 ] && command -v ldconfig > /dev/null; then ldconfig; fi   # the new libsgdlab.so
sgdlab=$SGDLAB_PREFIX/bin/sgdlab
where() {   # the closing line: what is installed where, and how to run it by name
  local onpath=no
  case ":$PATH:" in *":$SGDLAB_PREFIX/bin:"*) onpath=yes ;; esac
  echo "bootstrap: $("$sgdlab" version) installed in $SGDLAB_PREFIX (bin/sgdlab, lib/libsgdlab.*, include/, man page, bash completion); build log: $log" >&2
  [ $onpath = yes ] || echo "bootstrap: $SGDLAB_PREFIX/bin is not on PATH: export PATH=\"$SGDLAB_PREFIX/bin:\$PATH\" to run sgdlab by name" >&2
}

case "$what" in
  reproduce) "$sgdlab" reproduce shape-matters ;;
  test)
    (cd build && ctest --output-on-failure -j"$(nproc)")
    # A portable build (no -march=native: SSE2 on x86-64) must print byte-identical results: they do not
    # depend on the instruction set (explicit FMA, own log/sincos, fixed orders).  Compiled without FMA,
    # every fma() is a libm call and the kernels do not vectorise: the numerics run 3-20x slower.  So this
    # build runs the suite less the tests labelled "noport" (reproduce experiments, the escape known answers, sweep, MPI, thread
    # and I/O tests: see tests/CMakeLists.txt), whose kernels the comparisons below cover bit for bit.
    step "configure build-portable" cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DSGL_NATIVE=OFF
    step "build build-portable" cmake --build build-portable -j"$(nproc)"
    same() {   # same ARGS...: both builds succeed and print the same bytes on stdout (wall times masked)
      local mask='s/"(seconds|wall_seconds)":[-0-9.e+]+/"\1":T/g'
      if ! ./build/sgdlab "$@" > "$log.native" 2>/dev/null || ! ./build-portable/sgdlab "$@" > "$log.portable" 2>/dev/null; then
        echo "bootstrap: sgdlab $* failed in the native or the portable build" >&2
        exit 1
      fi
      if ! cmp -s <(sed -E "$mask" "$log.native") <(sed -E "$mask" "$log.portable"); then
        echo "bootstrap: native and portable builds differ for: sgdlab $*" >&2
        exit 1
      fi
    }
    for noise in "label" "label-gauss --batch 4" "gaussian --sigma 0.1 --sigma-scale eta" "minibatch-diff --lr 0.01 --model quadratic" "lngd --lr 0.01 --model quadratic" "label --model toy2d --init 1,0.2" "sqrt-loss --model msense --d 25 --kappa 1 --observe lambda_max" "label --model tanhnet --d 6 --kappa 2 --width 8 --lr 0.02"; do
      # shellcheck disable=SC2086
      same run --noise $noise --steps 3000 --every 1000 --seeds 5 --format csv
    done
    for e in "--landscape doublewell" "--landscape moriwell --n-dim 3 --event next-min" "--landscape moriwell --dynamics mori-tc" \
             "--landscape doublewell --noise xie --dynamics sgd --event loss" "--landscape styblinski-tang --noise isotropic --D 5 --event ball" \
             "--landscape linreg --noise data --dynamics minibatch --event loss" "--landscape doublewell --event none" \
             "--landscape quadratic --noise mori --B-over-eta 10 --eta 0.1 --event loss --c 2" \
             "--landscape quadratic --n-dim 3 --noise xie-frozen --B-over-eta 10 --event none"; do
      # shellcheck disable=SC2086
      same escape $e --trajectories 64 --t-max 100 --json
    done
    same escape --landscape moriwell --method ams --replicas 50 --json
    same limit --model diagnet --d 10 --n 8 --kappa 2 --T 0.05 --dt 0.001 --seeds 2 --json
    same limit --model toy2d --T 0.05 --dt 0.001 --lr 0.05 --json --compare-sgd --seeds 2
    same reproduce exponential-escape --quick --json --out-dir build-portable/cmp-expesc
    echo "bootstrap: native and portable builds print identical results"
    (cd build-portable && ctest --output-on-failure -j"$(nproc)" -LE noport)
    # The whole suite again (less the four tests labelled "nosan": see tests/CMakeLists.txt) under
    # AddressSanitizer + UndefinedBehaviorSanitizer
    # (-O2 -g, native ISA): any report (out-of-bounds, use-after-free, leak,
    # overflow, misaligned access, ...) aborts the test and fails the build.
    step "configure build-asan" cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DSGL_SANITIZE=ON
    step "build build-asan" cmake --build build-asan -j"$(nproc)"
    (cd build-asan &&
      ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp:print_suppressions=0" \
      ctest --output-on-failure -j"$(nproc)" -LE nosan)
    echo "bootstrap: the sanitizer build (ASan + UBSan) passes the suite (less the nosan tests)"
    ;;
  build) ;;
esac
where
