#!/usr/bin/env bash
# reproduce lwa-sparse --dims and the two laws' comparison (issue 16: the
# kappa ln d against d conclusion must rest on enough d and be printed
# honestly).  Known answers: each law's chi2 equals the SE-weighted least
# squares of the thresholds recomputed here, ln LR = (chi2_d - chi2_klnd)/2
# and the verdict follows its sign and size; a d above 400 ("wide") runs only
# min-wl1 and min-l2 on n = 20..100; bad --dims is exit 2 with nothing
# written.  Small d (no label-SGD: it runs at d = 40 only) and 2 draws: a
# few seconds.
. "$(dirname "$0")/common.sh" "$@"

"$SGDLAB" reproduce lwa-sparse --quick --dims 50,60,80,401 --trajectories 2 --json --out-dir "$WORK/q" > "$WORK/q.json" 2> "$WORK/err"
rc=$?
check "--quick --dims 50,60,80,401 --json: exit 0 (got $rc: $(tail -n 1 "$WORK/err"))" test "$rc" -eq 0
pycheck "fits" - "$WORK/q.json" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
def wls_chi2(x, y, s):
    w = [1 / v ** 2 for v in s]
    S, Sx, Sy = sum(w), sum(a * b for a, b in zip(w, x)), sum(a * b for a, b in zip(w, y))
    Sxx, Sxy = sum(a * b * b for a, b in zip(w, x)), sum(a * b * c for a, b, c in zip(w, x, y))
    B = (S * Sxy - Sx * Sy) / (S * Sxx - Sx * Sx); A = (Sy - B * Sx) / S
    return sum(wi * (yi - A - B * xi) ** 2 for wi, xi, yi in zip(w, x, y))
M = d["methods"]
ok([t["d"] for t in M["min-wl1"]["thresholds"]] == [50, 60, 80, 401], "thresholds at d = 50, 60, 80, 401")
wide = {m: M[m]["thresholds"][3] for m in M}
ok(all(wide[m]["bound"] == "not_run" for m in ("label-limit-a1", "label-limit-a10", "GD-a10", "min-l1")),
   "d = 401 (wide): the limits, kernel GD and min-l1 not run")
ok([c["n"] for c in wide["min-wl1"]["success"]] == [20, 25, 30, 35, 40, 45, 50, 60, 80, 100]
   and all(c["runs"] == 2 for c in wide["min-wl1"]["success"]), "d = 401: min-wl1 on n = 20..100, 2 draws each")
checked = 0
for m, v in M.items():
    th = [t for t in v["thresholds"] if t["bound"] == "crossing"]
    fk, fd = v["fits"]["kappa_ln_d"], v["fits"]["d"]
    if len(th) < 3:
        ok(fk["chi2"] is None and v["fits"]["ln_lr_kappa_ln_d_over_d"] is None, "%s: %d crossings, no chi2" % (m, len(th)))
        continue
    y, s = [t["n_star"] for t in th], [t["se"] for t in th]
    ck = wls_chi2([5 * math.log(t["d"]) for t in th], y, s)
    cd = wls_chi2([t["d"] for t in th], y, s)
    ok(abs(fk["chi2"] - ck) <= 1e-9 * (1 + ck) and abs(fd["chi2"] - cd) <= 1e-9 * (1 + cd),
       "%s: chi2 %.6g, %.6g = the weighted fits' %.6g, %.6g" % (m, fk["chi2"], fd["chi2"], ck, cd))
    l = v["fits"]["ln_lr_kappa_ln_d_over_d"]
    ok(abs(l - (cd - ck) / 2) <= 1e-9 * (1 + abs(l)), "%s: ln LR = (chi2_d - chi2_klnd)/2" % m)
    want = "kappa ln d" if l >= 3 else "d" if l <= -3 else "neither (ratio < e^3)"
    ok(v["fits"]["favoured"] == want, "%s: favoured '%s' for ln LR %.3g" % (m, v["fits"]["favoured"], l))
    checked += 1
ok(checked >= 2, "%d methods with 3+ crossings checked" % checked)
PY
"$SGDLAB" reproduce lwa-sparse --quick --dims 50,60 --trajectories 2 --out-dir "$WORK/t" > "$WORK/t.txt" 2> /dev/null
check "table: the two laws compared" grep -q "^which law" "$WORK/t.txt"
check "table: what the data favour" grep -q "^observed: .* 2 values of d (50 to 60) .*for a verdict run --dims 100,200,400,800,1600,3200" "$WORK/t.txt"
if command -v gnuplot > /dev/null; then
    check "plot: the n* against d panel" grep -q "both laws fitted to min-wl1" "$WORK/t/lwa-sparse.gp"
    check "plot: a PNG" test -s "$WORK/t/lwa-sparse.png"
    check "plot: gnuplot succeeded with 2 values of d (no chi2: no NaN in the script)" grep -q "^plot: .*lwa-sparse.png" "$WORK/t.txt"
fi

bad() {   # description expected-text dims
    rm -rf "$WORK/none"
    "$SGDLAB" reproduce lwa-sparse --quick --dims "$3" --out-dir "$WORK/none" > "$WORK/o" 2> "$WORK/e"
    local rc=$?
    check "$1: exit 2 (got $rc)" test "$rc" -eq 2
    check "$1: says '$2'" grep -qF -- "$2" "$WORK/e"
    check "$1: nothing written" test ! -e "$WORK/none" -a ! -s "$WORK/o"
}
bad "--dims 100" "--dims: give 2 to 8 values of d, got 1" 100
bad "--dims 400,200" "--dims: values must increase, got 200 after 400" 400,200
bad "--dims 10,100" "--dims: each d must be in [20, 10000], got 10" 10,100
bad "--dims 100,20000" "--dims: each d an integer in [20, 10000]" 100,20000
bad "--dims 100,,200" "--dims: a list of 2 to 8 integers d" 100,,200
bad "--dims x" "--dims: each d an integer" x
finish
