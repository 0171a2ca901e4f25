#!/usr/bin/env bash
# ctest entry of examples/python/shape_matters.py at quick settings: it must write a PNG (checked by its
# signature and size) and print one line per variant and the ordering.  Exit 77 (ctest: skipped) with a
# message when no python3 here has cffi and numpy, or when matplotlib is missing (the example's own 77).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import cffi, numpy' 2>/dev/null; then
    py=$cand
    break
  fi
done
if [ -z "$py" ]; then
  echo "SKIP: no python3 with cffi and numpy (apt-get install python3-cffi python3-numpy python3-matplotlib)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
"$py" "$root/examples/python/shape_matters.py" --quick --trajectories 2 --threads 2 --out "$tmp/sm.png" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 77 ] && { cat "$tmp/err"; exit 77; }
[ $rc -eq 0 ] || { echo "FAIL: shape_matters.py exited $rc"; cat "$tmp/err"; exit 1; }
cat "$tmp/out"
[ "$(head -c 8 "$tmp/sm.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "FAIL: not a PNG"; exit 1; }
[ "$(wc -c < "$tmp/sm.png")" -gt 20000 ] || { echo "FAIL: the PNG is too small to hold the curves"; exit 1; }
[ "$(grep -c 'test error' "$tmp/out")" -eq 5 ] || { echo "FAIL: expected one line per variant (5)"; exit 1; }
grep -q '^ordering .*: \(PASS\|DIFFERS\); figure: ' "$tmp/out" || { echo "FAIL: no ordering line"; exit 1; }
# bad input: the library's message, exit 2, no figure
"$py" "$root/examples/python/shape_matters.py" --quick --trajectories 0 --out "$tmp/bad.png" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--trajectories' "$tmp/err" && [ ! -e "$tmp/bad.png" ] || { echo "FAIL: --trajectories 0: exit $rc"; cat "$tmp/err"; exit 1; }
echo "OK: $(wc -c < "$tmp/sm.png") byte PNG"
