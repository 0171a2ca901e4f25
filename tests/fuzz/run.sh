#!/usr/bin/env bash
# Fuzz every harness (tests/fuzz/fuzz_<name>.c, seeds in tests/fuzz/corpus/<name>/)
# with AFL++ for a fixed budget each; fail on any crash or hang.
#
#   tests/fuzz/run.sh <budget-seconds> [name ...]     (default: every harness)
#
# The harnesses are built with afl-clang-fast and AddressSanitizer +
# UndefinedBehaviorSanitizer (-DSGL_SANITIZE=ON, every report fatal) in
# $SGL_FUZZ_BUILD (default build-fuzz/); findings go to $SGL_FUZZ_BUILD/findings/<name>.
# A hang is an input that runs longer than $SGL_FUZZ_TIMEOUT_MS (default 2000 ms;
# every harness caps its work at about a millisecond).  With SGL_FUZZ_UPDATE=1 the
# queue is minimised with afl-cmin and merged into the committed corpus
# afterwards (review and commit it: the ctest replay tests run every file).
# Needs afl++ and clang (Debian: apt-get install afl++ clang).
set -euo pipefail
budget=${1:?usage: tests/fuzz/run.sh <budget-seconds> [harness ...]}
shift
case "$budget" in ''|*[!0-9]*) echo "run.sh: budget must be whole seconds, got '$budget'" >&2; exit 2 ;; esac
here=${SGL_FUZZ_DIR:-$(cd "$(dirname "$0")" && pwd)}   # SGL_FUZZ_DIR: when run from a copy
root=$(cd "$here/../.." && pwd)
build=${SGL_FUZZ_BUILD:-$root/build-fuzz}
timeout_ms=${SGL_FUZZ_TIMEOUT_MS:-2000}
if [ $# -gt 0 ]; then names=("$@"); else
  names=()
  for f in "$here"/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
for tool in afl-clang-fast afl-fuzz; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install afl++ clang)" >&2; exit 2; }
done

targets=()
for n in "${names[@]}"; do
  [ -f "$here/fuzz_$n.c" ] && [ -d "$here/corpus/$n" ] || { echo "run.sh: no harness '$n' (tests/fuzz/fuzz_$n.c + corpus/$n/)" >&2; exit 2; }
  targets+=("fuzz_$n")
done
echo "run.sh: building ${targets[*]} with afl-clang-fast + ASan/UBSan in $build" >&2
CC=afl-clang-fast cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSGL_NATIVE=OFF -DSGL_SANITIZE=ON >/dev/null
AFL_QUIET=1 cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
fail=0
for n in "${names[@]}"; do
  out="$build/findings/$n"
  rm -rf "$out"
  mkdir -p "$out"
  echo "run.sh: fuzzing $n for $budget s" >&2
  afl-fuzz -i "$here/corpus/$n" -o "$out" -V "$budget" -t "$timeout_ms" -m none \
    -- "$build/tests/fuzz_$n" >"$out/afl.log" 2>&1 || { echo "run.sh: afl-fuzz failed for $n (log: $out/afl.log)" >&2; tail -20 "$out/afl.log" >&2; fail=1; continue; }
  stats="$out/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(get saved_crashes) hangs=$(get saved_hangs)
  printf '%s: %s s, %s executions (%s/s), %s paths (corpus entries), edge coverage %s, %s crashes, %s hangs\n' \
    "$n" "$(get run_time)" "$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" "$(get bitmap_cvg)" \
    "$crashes" "$hangs"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    echo "run.sh: FAIL $n: findings in $out/default/crashes and $out/default/hangs" >&2
    fail=1
  fi
  if [ "${SGL_FUZZ_UPDATE:-0}" = 1 ]; then
    min="$out/cmin"
    AFL_NO_AFFINITY=1 afl-cmin -i "$out/default/queue" -o "$min" -t "$timeout_ms" -m none -- "$build/tests/fuzz_$n" >/dev/null 2>&1 ||
      { echo "run.sh: afl-cmin failed for $n" >&2; fail=1; continue; }
    # add what the corpus lacks (by content), named q_<sha1 prefix>
    have=$(for g in "$here/corpus/$n"/*; do sha1sum < "$g" | cut -c1-40; done)
    added=0
    for f in "$min"/*; do
      h=$(sha1sum < "$f" | cut -c1-40)
      grep -qx "$h" <<<"$have" && continue
      cp "$f" "$here/corpus/$n/q_${h:0:16}"
      have+=$'\n'"$h"
      added=$((added + 1))
    done
    echo "run.sh: $n: $added minimised queue entries added to tests/fuzz/corpus/$n" >&2
  fi
done
exit "$fail"
