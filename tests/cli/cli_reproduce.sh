#!/usr/bin/env bash
# `sgdlab reproduce shape-matters --quick`: runs end to end (10x fewer steps),
# --json is one object with every variant and its uncertainty, the table and
# the plot are written, bad experiment names exit 2.  The full-length verdicts
# are an experiment, not a test: they are reported in the closing notes.
. "$(dirname "$0")/common.sh" "$@"

out=$("$SGDLAB" reproduce shape-matters --quick --json --seeds 4 --out-dir "$WORK/q" 2>"$WORK/err")
rc=$?
check "reproduce --quick --json exits 0 (got $rc)" test "$rc" -eq 0
printf '%s' "$out" > "$WORK/q.json"
cat > "$WORK/check.py" <<'PY'
import json, sys, math
d = json.load(open(sys.argv[1]))
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
for k in ("version", "git", "seed", "time_unit", "plot"):
    ok(k in d, "top-level key %s" % k)
for v in ("GD", "SGD-minibatch-diff", "LNGD", "SGLD", "diagnet-label"):
    ok(v in d, "variant %s present" % v)
    if v not in d: continue
    e = d[v]["test_error"]
    ok(all(x in e for x in ("mean", "se", "min", "max", "n")), "%s test_error has mean, se, min, max, n" % v)
    ok(e["n"] + d[v]["n_diverged"] == 4, "%s: n + n_diverged == seeds (%s + %s)" % (v, e["n"], d[v]["n_diverged"]))
    ok(e["mean"] is None or (math.isfinite(e["mean"]) and e["min"] <= e["mean"] <= e["max"]),
       "%s: min <= mean <= max" % v)
    ok(d[v]["verdict"] in ("PASS", "DIFFERS", "n/a"), "%s verdict is PASS/DIFFERS/n/a" % v)
ok(d["SGLD"]["steps"] == 120000 and d["GD"]["steps"] == 30000, "--quick divides the published step counts by 10")
# GD and SGLD overfit even at a tenth of the steps; label noise is already far below them
ok(d["LNGD"]["test_error"]["mean"] < d["GD"]["test_error"]["mean"], "LNGD below GD after 30k steps")
PY
pycheck "reproduce json" "$WORK/check.py" "$WORK/q.json"
if command -v gnuplot >/dev/null; then
    check "plot PNG written" test -s "$WORK/q/shape-matters.png"
fi
check "plot data written" test -s "$WORK/q/shape-matters.dat"

"$SGDLAB" reproduce shape-matters --quick --seeds 4 --out-dir "$WORK/t" > "$WORK/table.txt" 2>/dev/null
check "table names every variant" grep -q "diagnet-label" "$WORK/table.txt"
check "table states the plot path" grep -q "plot:" "$WORK/table.txt"

"$SGDLAB" reproduce no-such-thing >/dev/null 2>"$WORK/e1"; rc=$?
check "unknown experiment exits 2 (got $rc)" test "$rc" -eq 2
check "unknown experiment lists valid names" grep -q "shape-matters" "$WORK/e1"
"$SGDLAB" reproduce shape-matters --lr 0.1 >/dev/null 2>"$WORK/e2"; rc=$?
check "run-only flag rejected with exit 2 (got $rc)" test "$rc" -eq 2
finish
