#!/usr/bin/env bash
# `sgdlab reproduce lwa-sparse --quick`: runs end to end, --json is one object
# with every method's success curve, thresholds and fits, results do not
# depend on --threads, the plot is written, bad flags exit 2.  With --db F
# each label-SGD (d, n) is one finished ensemble run.  The full-size
# thresholds are an experiment, not a test: they are in the closing notes.
. "$(dirname "$0")/common.sh" "$@"

"$SGDLAB" reproduce lwa-sparse --quick --json --db "$WORK/lwa.db" --out-dir "$WORK/q" --threads 2 > "$WORK/q2.json" 2>"$WORK/err"
rc=$?
check "reproduce lwa-sparse --quick --json exits 0 (got $rc)" test "$rc" -eq 0
"$SGDLAB" reproduce lwa-sparse --quick --json --out-dir "$WORK/q1" --threads 1 > "$WORK/q1.json" 2>/dev/null
cat > "$WORK/check.py" <<'PY'
import json, sys, math
d = json.load(open(sys.argv[1])); d1 = json.load(open(sys.argv[2]))
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
for k in ("version", "seed", "draws", "kappa", "methods", "plot"):
    ok(k in d, "top-level key %s" % k)
M = d["methods"]
names = ("label-limit-a1", "label-limit-a10", "label-SGD-a1", "GD-a10", "min-l1", "min-wl1", "min-l2")
for m in names:
    ok(m in M, "method %s present" % m)
    ok(all(f in M[m]["fits"] for f in ("kappa_ln_d", "d")), "%s: fits against kappa ln d and d" % m)
    ok(len(M[m]["thresholds"]) == 2, "%s: a threshold per d" % m)
# the two regimes: min-l1 needs fewer samples than min-l2 at every d; GD from a
# kernel-regime init succeeds exactly where min-l2 does (its eta -> 0 limit is
# close to the min-l2 interpolator at alpha = 10)
for i in range(2):
    a = M["min-l1"]["thresholds"][i]["n_star"]; b = M["min-l2"]["thresholds"][i]["n_star"]
    ok(a is not None and b is not None and a < b, "d=%d: n*(min-l1) %s < n*(min-l2) %s" % (M["min-l1"]["thresholds"][i]["d"], a, b))
    pg = [c["p"] for c in M["GD-a10"]["thresholds"][i]["success"]]
    p2 = [c["p"] for c in M["min-l2"]["thresholds"][i]["success"]]
    ok(pg == p2, "d=%d: kernel GD success curve equals min-l2's" % M["GD-a10"]["thresholds"][i]["d"])
def strip(x):
    x = dict(x); x.pop("seconds", None); x.pop("plot", None); return x
ok(strip(d) == strip(d1), "results identical with --threads 1 and 2")
PY
pycheck "lwa-sparse json" "$WORK/check.py" "$WORK/q2.json" "$WORK/q1.json"
pycheck "reproduce lwa-sparse --db" - "$WORK/q2.json" "$WORK/lwa.db" <<'EOF'
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
runs = db.execute("SELECT run_id, params, n_traj FROM runs WHERE command = 'reproduce lwa-sparse' AND status = 'finished'").fetchall()
cells = [(t["d"], s["n"]) for t in d["methods"]["label-SGD-a1"]["thresholds"] for s in t["success"] if s["runs"] > 0]
print(("PASS" if len(runs) == len(cells) and len(cells) > 0 else "FAIL") + ": one finished run per label-SGD cell (%d runs, %d cells)" % (len(runs), len(cells)))
ok = all(json.loads(p)["noise"] == "label" and n == d["draws"] for _, p, n in runs)
print(("PASS" if ok else "FAIL") + ": the runs are label-noise SGD over the %d draws" % d["draws"])
EOF
if command -v gnuplot >/dev/null; then
    check "plot PNG written" test -s "$WORK/q/lwa-sparse.png"
else
    skip "plot PNG written: gnuplot not installed"
fi
check "plot data written" test -s "$WORK/q/lwa-sparse.dat"

"$SGDLAB" reproduce lwa-sparse --quick --seeds 2 --out-dir "$WORK/t" > "$WORK/table.txt" 2>/dev/null   # the table's layout: 2 draws suffice
check "table prints thresholds" grep -q "threshold n\*" "$WORK/table.txt"
check "table prints both fits" grep -q "kappa ln d" "$WORK/table.txt"

"$SGDLAB" reproduce lwa-sparse --seeds 1 > /dev/null 2>"$WORK/e1"; rc=$?
check "--seeds 1 exits 2 (got $rc)" test "$rc" -eq 2
check "--seeds 1 message names the flag" grep -q -- "--seeds" "$WORK/e1"
"$SGDLAB" reproduce lwa-sparse --lr 0.1 > /dev/null 2>"$WORK/e2"; rc=$?
check "a run-only flag exits 2 (got $rc)" test "$rc" -eq 2
"$SGDLAB" reproduce lwa-sparse --db "" --out-dir "$WORK/none" > /dev/null 2>"$WORK/e3"; rc=$?
check "--db with no file name exits 2 (got $rc)" test "$rc" -eq 2
check "--db with no file name: the message names --db" grep -q -- "--db" "$WORK/e3"
check "--db with no file name: nothing created" test ! -e "$WORK/none"
finish
