#!/usr/bin/env bash
# `sgdlab theory`: the predictions for an escape spec without simulating, same
# flags as `sgdlab escape`.  Known answers from THEORY.md (K1, M2, M3) through
# the CLI, the units, --json, the table, and bad input (exit 2, flag named).
. "$(dirname "$0")/common.sh" "$@"

j() { "$SGDLAB" theory "$@" --json; }
j --landscape doublewell --L0 0.5 --a 1 --noise isotropic --D 0.25 --event next-min > "$WORK/k1.json" 2>"$WORK/e0"; rc=$?
check "theory K1 spec exits 0 (got $rc)" test "$rc" -eq 0
j --landscape doublewell --L0 0.5 --a 1 --noise mori --B-over-eta 40 --event next-min --dynamics sgd --eta 0.01 \
    > "$WORK/m3.json" 2>>"$WORK/e0"; rc=$?
check "theory M3 spec exits 0 (got $rc)" test "$rc" -eq 0
j --landscape quadratic --L0 0.5 --h 1 --noise mori --B-over-eta 10 --event loss --c 2 > "$WORK/m2.json" 2>>"$WORK/e0"; rc=$?
check "theory M2 spec exits 0 (got $rc)" test "$rc" -eq 0
j --landscape moriwell --n-dim 4 --L0 0.2 --a 1 --noise mori --B-over-eta 40 --event next-min > "$WORK/m4.json" 2>>"$WORK/e0"; rc=$?
check "theory M4 spec exits 0 (got $rc)" test "$rc" -eq 0
j --landscape doublewell --noise xie --B-over-eta 40 --event next-min > "$WORK/xie.json" 2>>"$WORK/e0"; rc=$?
check "theory with xie noise exits 0 (got $rc)" test "$rc" -eq 0
cat > "$WORK/check.py" <<'PY'
import json, sys, math
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
k1, m3, m2, m4, xie = (json.load(open(f))["theory"] for f in sys.argv[1:6])
def near(d, key, v, tol, what):
    x = d.get(key, {}).get("value")
    ok(x is not None and abs(x - v) <= tol, "%s: %s = %s (expected %s +- %s)" % (what, key, x, v, tol))
near(k1, "exact_mfpt", 69.264, 5e-4, "K1 D = 0.25")
near(k1, "exact_mfpt_saddle", 33.946, 5e-4, "K1 D = 0.25")
near(k1, "kramers_mfpt", 60.643, 5e-4, "K1 D = 0.25")
ok(k1["exact_mfpt"]["unit"] == "t = eta k", "units stated (t = eta k)")
near(m3, "exact_mfpt", 462.41, 5e-3, "M3 B/eta = 40, L0 = 0.5")
near(m3, "exact_mfpt_steps", 46241, 0.5, "M3 in steps (eta = 0.01)")
ok(m3.get("exact_mfpt_steps", {}).get("unit") == "steps k", "steps unit")
near(m3, "validity_dU_over_T", 5 * math.log(3), 1e-9, "M3 validity")
near(m3, "mori_mfpt", 1 / (math.sqrt(32) / (2 * math.pi) * 3 ** -5.5), 1e-6, "M3 Mori Eq. 16")
near(m3, "phi", 6, 1e-12, "M3 phi")
ok("discrete_note" in m3, "discrete SGD noted")
near(m2, "exact_mfpt", 574.1, 0.05, "M2 idealized c = 2")
near(m2, "mori_slope", 10.5, 1e-12, "M2 slope")
near(m4, "mori_mfpt", 1 / (4 / (2 * math.pi) * math.sqrt(2) * 6 ** -(5 + 1 - 2)), 1e-6, "M4 Eq. 17, n = 4")
near(m4, "n_c", 12, 1e-12, "M4 n_c")
ok("none" in xie and "xie-frozen" in xie["none"]["note"], "xie noise: no formula, says why")
PY
pycheck "theory json" "$WORK/check.py" "$WORK/k1.json" "$WORK/m3.json" "$WORK/m2.json" "$WORK/m4.json" "$WORK/xie.json"
"$SGDLAB" theory --landscape doublewell --noise isotropic --D 0.25 --event next-min > "$WORK/t.txt" 2>&1; rc=$?
check "table exits 0" test "$rc" -eq 0
check "table lists exact_mfpt" grep -q "^exact_mfpt " "$WORK/t.txt"
check "table states the time unit" grep -q "t = eta k" "$WORK/t.txt"
"$SGDLAB" theory --help > "$WORK/h.txt" 2>&1; rc=$?
check "--help exits 0" test "$rc" -eq 0
"$SGDLAB" theory --landscape doublewell --t-max 0 >/dev/null 2>"$WORK/b1"; rc=$?
check "--t-max 0 exits 2 (got $rc)" test "$rc" -eq 2
check "--t-max named" grep -q -- "--t-max" "$WORK/b1"
"$SGDLAB" theory --noise nosuch >/dev/null 2>"$WORK/b2"; rc=$?
check "unknown noise exits 2 (got $rc)" test "$rc" -eq 2
"$SGDLAB" theory --landscape quadratic --noise mori --L0 0 --event loss >/dev/null 2>"$WORK/b3"; rc=$?
check "Mori noise with L0 = 0 exits 2 (got $rc)" test "$rc" -eq 2
"$SGDLAB" theory --bogus 1 >/dev/null 2>"$WORK/b4"; rc=$?
check "unknown flag exits 2 (got $rc)" test "$rc" -eq 2
finish
