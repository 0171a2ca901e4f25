#!/usr/bin/env bash
# `sgdlab theory`: the predictions for an escape spec without simulating, same
# flags as `sgdlab escape`.  Known answers from THEORY.md (K1, M2, M3) through
# the CLI, the units, --json, the table, and bad input (exit 2, flag named).
. "$(dirname "$0")/common.sh" "$@"

j() { "$SGDLAB" theory "$@" --json; }
j --landscape doublewell --L0 0.5 --a 1 --noise isotropic --D 0.25 --event next-min > "$WORK/k1.json" 2>"$WORK/e0"; rc=$?
check "theory K1 spec exits 0 (got $rc)" test "$rc" -eq 0
j --landscape doublewell --L0 0.5 --a 1 --noise mori --B-over-eta 40 --event next-min --dynamics sgd --lr 0.01 \
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
# Xie's frozen noise D = h*/(2 B/eta) and the n-D Eyring-Kramers law against values computed here, independently of
# src/theory: the geometry from the landscape formulas (Styblinski-Tang critical points by bisection on g'), the
# exact MFPT by the GLD quadrature of THEORY 7.3 (trapezoid rule, its own code), Kramers / Eyring-Kramers from
# THEORY 7.1 with explicit Hessian determinants, Xie's band ends from THEORY 7.5.  THEORY tags Xie's tau formula
# [recalled, unverified]: these checks pin the implementation to that formula, not the formula to the paper.
j --landscape doublewell --noise xie-frozen --B-over-eta 40 --event next-min > "$WORK/x1.json" 2>>"$WORK/e0"; rc=$?
check "xie-frozen double well exits 0 (got $rc)" test "$rc" -eq 0
j --landscape doublewell --noise xie-frozen --a 1.5 --k 2 --L0 0.3 --B-over-eta 30 --lr 0.02 --event next-min \
    > "$WORK/x2.json" 2>>"$WORK/e0"; rc=$?
check "xie-frozen double well a = 1.5, k = 2 exits 0 (got $rc)" test "$rc" -eq 0
j --landscape styblinski-tang --noise xie-frozen --B-over-eta 4 --event next-min > "$WORK/x3.json" 2>>"$WORK/e0"; rc=$?
check "xie-frozen Styblinski-Tang exits 0 (got $rc)" test "$rc" -eq 0
j --landscape moriwell --n-dim 3 --noise isotropic --D 0.3 --a 1.5 --k 2 --L0 0.2 --event next-min \
    > "$WORK/e1.json" 2>>"$WORK/e0"; rc=$?
check "isotropic moriwell n = 3 exits 0 (got $rc)" test "$rc" -eq 0
j --landscape moriwell --n-dim 12 --noise isotropic --D 0.3 --event next-min > "$WORK/e2.json" 2>>"$WORK/e0"; rc=$?
check "isotropic moriwell n = 12 exits 0 (got $rc)" test "$rc" -eq 0
j --landscape styblinski-tang --n-dim 2 --noise isotropic --D 5 --event next-min > "$WORK/e3.json" 2>>"$WORK/e0"; rc=$?
check "isotropic Styblinski-Tang n = 2 exits 0 (got $rc)" test "$rc" -eq 0
cat > "$WORK/check2.py" <<'PY'
import json, sys, math
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
x1, x2, x3, e1, e2, e3 = (json.load(open(f))["theory"] for f in sys.argv[1:7])
def rel(d, key, v, tol, what):
    x = d.get(key, {}).get("value")
    good = x is not None and v != 0 and abs(x / v - 1) <= tol
    ok(good, "%s: %s = %r (expected %.12g, rel tol %g)" % (what, key, x, v, tol))

def mfpt_gld(V, D, x0, c, N=20000):
    # exact MFPT of dX = -V'dt + sqrt(2D) dW from x0 to c, reflecting at infinity
    # on the far side (THEORY 7.3): T = (1/D) int_x0^c dy e^{V(y)/D} int_far^y e^{-V/D};
    # trapezoid rule on a uniform grid through x0 and c, extended away from the
    # exit until e^{-(V - V(x0))/D} < e^-60.  Converged to ~1e-10 at N = 1e4.
    h = (c - x0) / N
    m = 0
    while V(x0 - m * h) - V(x0) < 60.0 * D: m += 1
    xs = [x0 + (i - m) * h for i in range(m + N + 1)]
    Vm = V(x0)
    acc, prev, s = 0.0, None, 0.0
    g = []
    for x in xs:
        f = math.exp(-(V(x) - Vm) / D)
        if prev is not None: acc += 0.5 * abs(h) * (prev + f)
        prev = f
        g.append(math.exp((V(x) - Vm) / D) * acc)
    s = 0.5 * (g[m] + g[-1]) + sum(g[m + 1:-1])
    return s * abs(h) / D

def eyring_kramers(Hmin, Hsad, dV, D):
    # THEORY 7.1: E tau = (2 pi / |lambda_1(z)|) sqrt(|det H(z)| / det H(x)) e^{dV / D}; diagonal Hessians
    lam = min(Hsad)
    return 2 * math.pi / abs(lam) * math.sqrt(abs(math.prod(Hsad)) / math.prod(Hmin)) * math.exp(dV / D)

def xie(hmin, hsad, dL, Be, s):
    # THEORY 7.5 [recalled, unverified]: tau = 2 pi / |H_be| exp[(2 B dL / eta)(s / H_ae + (1 - s) / |H_be|)]
    return 2 * math.pi / abs(hsad) * math.exp(2 * Be * dL * (s / hmin + (1 - s) / abs(hsad)))

# double well L0 + a (k x^2 - 1)^2: minimum 1/sqrt k, saddle 0, h* = 8 a k, h^s = -4 a k, Delta L = a
def dw(a, k): return (lambda x: a * (k * x * x - 1) ** 2), 1 / math.sqrt(k), 8 * a * k, -4 * a * k, a
# Styblinski-Tang g(u) = u^4 - 16 u^2 + 5 u: critical points by bisection on g' = 4u^3 - 32u + 5
g = lambda u: u ** 4 - 16 * u * u + 5 * u
g1 = lambda u: 4 * u ** 3 - 32 * u + 5
g2 = lambda u: 12 * u * u - 32
def root(lo, hi):
    flo = g1(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (g1(mid) > 0) == (flo > 0): lo, flo = mid, g1(mid)
        else: hi = mid
    return 0.5 * (lo + hi)
um, us, un = root(-4, -2), root(-1, 1), root(2, 4)
ok(abs(um + 2.903534) < 5e-7 and abs(us - 0.156731) < 5e-7 and abs(un - 2.746803) < 5e-7,
   "Styblinski-Tang critical points by bisection %.7f %.7f %.7f (THEORY 7.5 table)" % (um, us, un))

TOL_Q = 1e-7    # two independent quadratures (the library's and the trapezoid here), both converged to ~1e-9
TOL_C = 1e-12   # closed forms
# X1: double well, xie-frozen B/eta = 40: D = h*/(2 B/eta) = 0.1, K1's last row
V, xm, hm, hs, dL = dw(1.0, 1.0)
D = hm / 80.0
rel(x1, "exact_mfpt", mfpt_gld(V, D, xm, -xm), TOL_Q, "xie-frozen double well, D = 0.1")
rel(x1, "exact_mfpt", 25527.091, 5e-8, "xie-frozen double well = K1 D = 0.1 (THEORY 9.2, 25527)")
rel(x1, "kramers_mfpt", eyring_kramers([hm], [hs], dL, D), TOL_C, "xie-frozen double well Kramers")
rel(x1, "xie_mfpt_s1", xie(hm, hs, dL, 40, 1), TOL_C, "Xie s = 1 (exponent 2 (B/eta) dL / h*)")
rel(x1, "xie_mfpt_s0", xie(hm, hs, dL, 40, 0), TOL_C, "Xie s = 0 (exponent 2 (B/eta) dL / |h^s|)")
# X2: a = 1.5, k = 2, B/eta = 30, eta = 0.02: h* = 24, h^s = -12, D = 0.4
V, xm, hm, hs, dL = dw(1.5, 2.0)
D = hm / 60.0
T = mfpt_gld(V, D, xm, -xm)
rel(x2, "exact_mfpt", T, TOL_Q, "xie-frozen a = 1.5, k = 2")
rel(x2, "exact_mfpt_steps", T / 0.02, TOL_Q, "xie-frozen a = 1.5, k = 2, in steps (eta = 0.02)")
rel(x2, "kramers_mfpt", eyring_kramers([hm], [hs], dL, D), TOL_C, "xie-frozen a = 1.5, k = 2 Kramers")
rel(x2, "xie_mfpt_s1", xie(hm, hs, dL, 30, 1), TOL_C, "Xie s = 1, a = 1.5, k = 2")
rel(x2, "xie_mfpt_s0", xie(hm, hs, dL, 30, 0), TOL_C, "Xie s = 0, a = 1.5, k = 2")
rel(x2, "xie_mfpt_s0_steps", xie(hm, hs, dL, 30, 0) / 0.02, TOL_C, "Xie s = 0 in steps")
# X3: Styblinski-Tang from the global minimum, a = 1, n = 1, B/eta = 4: D = g''(um)/8
Vst = lambda x: g(x) - g(um)
hm, hs, dL = g2(um), g2(us), g(us) - g(um)
D = hm / 8.0
rel(x3, "L_saddle", 0.5 + dL, TOL_C, "Styblinski-Tang L^s = L0 + g(us) - g(um)")
rel(x3, "exact_mfpt", mfpt_gld(Vst, D, um, un), TOL_Q, "xie-frozen Styblinski-Tang")
rel(x3, "kramers_mfpt", eyring_kramers([hm], [hs], dL, D), TOL_C, "xie-frozen Styblinski-Tang Kramers")
rel(x3, "xie_mfpt_s1", xie(hm, hs, dL, 4, 1), TOL_C, "Xie s = 1, Styblinski-Tang")
rel(x3, "xie_mfpt_s0", xie(hm, hs, dL, 4, 0), TOL_C, "Xie s = 0, Styblinski-Tang")
# E1: moriwell n = 3, a = 1.5, k = 2, isotropic D = 0.3: H* = 24 I, H^s = diag(-12, 24, 24); z1 decouples
V, xm, hm, hs, dL = dw(1.5, 2.0)
rel(e1, "kramers_mfpt", eyring_kramers([hm] * 3, [hs, hm, hm], dL, 0.3), TOL_C, "Eyring-Kramers n = 3")
rel(e1, "exact_mfpt", mfpt_gld(V, 0.3, xm, -xm), TOL_Q, "moriwell n = 3: exact MFPT of the decoupled z1")
rel(e1, "exact_mfpt_saddle", mfpt_gld(V, 0.3, xm, 0.0), TOL_Q, "moriwell n = 3: exact MFPT to the saddle")
# E2: moriwell n = 12 (more than the 8 the library's Hessian buffer holds), a = 1, D = 0.3
V, xm, hm, hs, dL = dw(1.0, 1.0)
rel(e2, "kramers_mfpt", eyring_kramers([hm] * 12, [hs] + [hm] * 11, dL, 0.3), TOL_C, "Eyring-Kramers n = 12")
rel(e2, "exact_mfpt", mfpt_gld(V, 0.3, xm, -xm), TOL_Q, "moriwell n = 12: exact MFPT of z1")
# E3: Styblinski-Tang n = 2, a = 1: L = L0 + (a/n) sum [g(u_i) - g(um)], so H = g''/2 per coordinate
hm, hs, dL = g2(um) / 2, g2(us) / 2, (g(us) - g(um)) / 2
rel(e3, "kramers_mfpt", eyring_kramers([hm, hm], [hs, hm], dL, 5.0), TOL_C, "Eyring-Kramers Styblinski-Tang n = 2")
rel(e3, "exact_mfpt", mfpt_gld(lambda x: Vst(x) / 2, 5.0, um, un), TOL_Q, "Styblinski-Tang n = 2: exact MFPT of u1")
PY
pycheck "theory xie / eyring-kramers" "$WORK/check2.py" "$WORK/x1.json" "$WORK/x2.json" "$WORK/x3.json" \
    "$WORK/e1.json" "$WORK/e2.json" "$WORK/e3.json"
"$SGDLAB" theory --landscape doublewell --noise isotropic --D 0.25 --event next-min > "$WORK/t.txt" 2>&1; rc=$?
check "table exits 0" test "$rc" -eq 0
check "table lists exact_mfpt" grep -q "^exact_mfpt " "$WORK/t.txt"
check "table states the time unit" grep -q "t = eta k" "$WORK/t.txt"
"$SGDLAB" theory --help > "$WORK/h.txt" 2>&1; rc=$?
check "--help exits 0" test "$rc" -eq 0
"$SGDLAB" theory --landscape doublewell --t-max 0 >"$WORK/o1" 2>"$WORK/b1"; rc=$?
check "--t-max 0 exits 2 (got $rc)" test "$rc" -eq 2
check "--t-max named" grep -q -- "--t-max" "$WORK/b1"
"$SGDLAB" theory --noise nosuch >"$WORK/o2" 2>"$WORK/b2"; rc=$?
check "unknown noise exits 2 (got $rc)" test "$rc" -eq 2
check "unknown noise: --noise named with the valid values" grep -q -- "--noise: unknown value 'nosuch'; valid: isotropic" "$WORK/b2"
"$SGDLAB" theory --landscape quadratic --noise mori --L0 0 --event loss >"$WORK/o3" 2>"$WORK/b3"; rc=$?
check "Mori noise with L0 = 0 exits 2 (got $rc)" test "$rc" -eq 2
check "Mori noise with L0 = 0: --L0 named" grep -q -- "--L0: noise mori needs L\* = L0 > 0" "$WORK/b3"
"$SGDLAB" theory --bogus 1 >"$WORK/o4" 2>"$WORK/b4"; rc=$?
check "unknown flag exits 2 (got $rc)" test "$rc" -eq 2
check "unknown flag named" grep -q -- "--bogus: unknown flag" "$WORK/b4"
for i in 1 2 3 4; do
    check "bad input $i: one line on stderr" test "$(wc -l < "$WORK/b$i")" -eq 1
    check "bad input $i: nothing on stdout" test ! -s "$WORK/o$i"
done
finish
