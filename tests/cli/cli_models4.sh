#!/usr/bin/env bash
# Issue 4 models and update rules through `sgdlab run`: the data-free 2-D toy
# and sphere with every noise kind that applies, GD on sqrt(L) / normalised GD
# with the optional lambda_max observable, --init, and bad input (exit 2,
# nothing written).
# Statistical check (C5, toy + label noise): |mean x(t=1) - e^{-1/2}| < 5 SE + 0.01
# (0.01 allows the O(eta) discretisation bias at eta = 0.01); with a fixed seed
# the run is deterministic; over seeds the false-failure probability is < 1e-6.
# usage: cli_models4.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

# ---- sgdlab list names the new entries
LIST=$("$SGDLAB" list)
for name in toy2d sphere sqrt-loss normalized lambda_max; do
    if printf '%s\n' "$LIST" | grep -q "^  $name "; then pass "list shows $name"; else fail "list shows $name"; fi
done

# ---- every noise kind that applies, on both data-free models: exit 0, finite, nothing diverged
run_ok() { # tag args...
    local tag=$1
    shift
    "$SGDLAB" run "$@" --format jsonl > "$WORK/$tag.jsonl" 2> "$WORK/$tag.err"
    local rc=$?
    if [ "$rc" -eq 0 ]; then pass "$tag: exit 0"; else fail "$tag: exit $rc ($(head -n 1 "$WORK/$tag.err"))"; fi
}
COMMON=(--lr 0.01 --steps 2000 --every 1000 --trajectories 4)
for model in toy2d sphere; do
    run_ok "$model-label" --model $model --noise label --delta 1 "${COMMON[@]}"
    run_ok "$model-label-gauss" --model $model --noise label-gauss --delta 1 --batch 2 "${COMMON[@]}"
    run_ok "$model-gaussian" --model $model --noise gaussian --sigma 1 --sigma-scale eta "${COMMON[@]}"
    run_ok "$model-gaussian-sqrt" --model $model --noise gaussian --sigma 0.1 --sigma-scale sqrt-eta "${COMMON[@]}"
    run_ok "$model-none" --model $model --noise none --init $([ $model = toy2d ] && echo 1,0.3 || echo 1.2,0.1,0) "${COMMON[@]}"
    run_ok "$model-minibatch" --model $model --noise minibatch --batch 3 "${COMMON[@]}"
    run_ok "$model-minibatch-diff" --model $model --noise minibatch-diff --batch 2 --delta 1 "${COMMON[@]}"
    run_ok "$model-lngd" --model $model --noise lngd --delta 1 "${COMMON[@]}"
    run_ok "$model-sqrt-loss" --model $model --noise sqrt-loss --observe lambda_max "${COMMON[@]}"
    run_ok "$model-normalized" --model $model --noise normalized --observe lambda_max "${COMMON[@]}"
done
pycheck "finite outputs" - "$WORK" <<'EOF'
import glob, json, math, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl"))):
    tag = os.path.basename(path)[:-6]
    rows = [json.loads(l) for l in open(path)]
    head = rows[0]
    trajs = [r for r in rows if "traj" in r]
    bad = [r for r in trajs if r["diverged"] or any(isinstance(v, float) and not math.isfinite(v)
                                                   for k, v in r.items() if k in head["observables"])]
    ok = head["params"]["data"] == "none" and len(trajs) == 4 * 3 and not bad
    print(("PASS" if ok else "FAIL") + f": {tag}: data=none, 12 rows, none diverged or non-finite ({len(bad)} bad)")
EOF

# ---- C5 (THEORY.md 9.1): toy + label noise, eta = 0.01, c = 2 a delta^2 = 1, x0 = 1, t = eta^2 k = 1
run_ok c5 --model toy2d --noise label --delta 1 --lr 0.01 --steps 10000 --every 10000 --trajectories 40 --init 1,0 --observe theta_1
pycheck "C5" - "$WORK/c5.jsonl" <<'EOF'
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
s = [r for r in rows if r.get("summary") and r["step"] == 10000][0]["observables"]["theta_1"]
want = math.exp(-0.5)
ok = abs(s["mean"] - want) < 5 * s["se"] + 0.01 and s["n"] == 40
print(("PASS" if ok else "FAIL") + f": C5 E[x] at t=1: {s['mean']:.5f} +- {s['se']:.5f} (n={s['n']}) vs x0 e^(-ct/2) = {want:.5f}")
EOF
# ---- C6 (THEORY.md 9.1): sphere + isotropic noise (sigma = 1, eta = 0.01, x0 = e_1, t = 1): stays near
# the unit sphere (|x| = 1 + O(sqrt eta)) and E[x_1] = e^{-sigma^2 t}; |mean - e^{-1}| < 5 SE + 0.03
# (0.03: O(eta) bias allowance), false-failure probability < 1e-6 over seeds.
run_ok c6 --model sphere --noise gaussian --sigma 1 --sigma-scale eta --lr 0.01 --steps 10000 --every 5000 --trajectories 200 --observe theta_1
pycheck "sphere" - "$WORK/c6.jsonl" <<'EOF'
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
o = [r for r in rows if r.get("summary") and r["step"] == 10000][0]["observables"]
s = o["norm"]
ok = abs(s["mean"] - 1) < 0.02 and s["max"] < 1.15 and s["min"] > 0.85
print(("PASS" if ok else "FAIL") + f": sphere |x| at t=1: mean {s['mean']:.5f} in 1 +- 0.02, range [{s['min']:.4f}, {s['max']:.4f}] in [0.85, 1.15]")
x = o["theta_1"]
ok = abs(x["mean"] - math.exp(-1)) < 5 * x["se"] + 0.03 and x["n"] == 200
print(("PASS" if ok else "FAIL") + f": C6 E[x_1] at t=1: {x['mean']:.4f} +- {x['se']:.4f} vs e^-1 = {math.exp(-1):.4f}")
EOF
# ---- GD on sqrt(L): lambda_max falls (toy from (1, 0.05): lambda_1 = 1 + x^2 on Gamma)
run_ok sqrtlam --model toy2d --noise sqrt-loss --lr 0.01 --steps 20000 --every 5000 --trajectories 1 --init 1,0.05 --observe lambda_max
pycheck "sqrt-loss lambda_max" - "$WORK/sqrtlam.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
lam = [r["lambda_max"] for r in rows if "traj" in r]
ok = len(lam) == 5 and all(b < a for a, b in zip(lam, lam[1:])) and lam[-1] < 0.75 * lam[0]
print(("PASS" if ok else "FAIL") + f": sqrt-loss lambda_max decreasing: {['%.4f' % v for v in lam]}")
EOF
# ---- matrix sensing (d = m^2 = 25, rank-1 truth): noise kinds run; GD from U = 0.01 I recovers W*
MS=(--model msense --d 25 --n 60 --kappa 1 --steps 2000 --every 1000 --trajectories 4 --lr 0.005)
run_ok ms-label "${MS[@]}" --noise label --delta 0.5
run_ok ms-label-gauss "${MS[@]}" --noise label-gauss --delta 0.5 --batch 3
run_ok ms-gaussian "${MS[@]}" --noise gaussian --sigma 0.1 --sigma-scale sqrt-eta
run_ok ms-minibatch "${MS[@]}" --noise minibatch --batch 5
run_ok ms-gd --model msense --d 25 --n 60 --kappa 1 --noise none --alpha 0.01 --lr 0.01 --steps 20000 --every 20000 --trajectories 1
pycheck "msense" - "$WORK" <<'EOF2'
import glob, json, math, os, sys
for tag in ["ms-label", "ms-label-gauss", "ms-gaussian", "ms-minibatch"]:
    rows = [json.loads(l) for l in open(os.path.join(sys.argv[1], tag + ".jsonl"))]
    trajs = [r for r in rows if "traj" in r]
    ok = len(trajs) == 12 and not any(r["diverged"] for r in trajs) and all(math.isfinite(r["test_error"]) for r in trajs)
    print(("PASS" if ok else "FAIL") + f": {tag}: 12 rows, finite test_error, none diverged")
rows = [json.loads(l) for l in open(os.path.join(sys.argv[1], "ms-gd.jsonl"))]
last = [r for r in rows if "traj" in r][-1]
ok = last["test_error"] < 1e-4 and last["train_loss"] < 1e-6
print(("PASS" if ok else "FAIL") + f": msense GD from U = 0.01 I: |U U^T - W*|^2 = {last['test_error']:.3g} < 1e-4, loss {last['train_loss']:.3g} < 1e-6")
EOF2

# ---- two-layer tanh net (teacher with kappa = 2 units, student width 8): noise kinds run, GD lowers the loss
TN=(--model tanhnet --d 6 --n 40 --kappa 2 --width 8 --steps 2000 --every 1000 --trajectories 4 --lr 0.02)
run_ok tn-label "${TN[@]}" --noise label --delta 0.5
run_ok tn-label-gauss "${TN[@]}" --noise label-gauss --delta 0.5 --batch 4
run_ok tn-gaussian "${TN[@]}" --noise gaussian --sigma 0.1 --sigma-scale sqrt-eta
run_ok tn-minibatch "${TN[@]}" --noise minibatch --batch 8
run_ok tn-none "${TN[@]}" --noise none --observe lambda_max
pycheck "tanhnet" - "$WORK" <<'EOF2'
import json, math, os, sys
for tag in ["tn-label", "tn-label-gauss", "tn-gaussian", "tn-minibatch", "tn-none"]:
    rows = [json.loads(l) for l in open(os.path.join(sys.argv[1], tag + ".jsonl"))]
    trajs = [r for r in rows if "traj" in r]
    ok = (len(trajs) == 12 and not any(r["diverged"] for r in trajs) and rows[0]["params"]["width"] == 8
          and all(math.isfinite(r["train_loss"]) for r in trajs))
    print(("PASS" if ok else "FAIL") + f": {tag}: 12 rows, width 8, finite loss, none diverged")
rows = [json.loads(l) for l in open(os.path.join(sys.argv[1], "tn-none.jsonl"))]
t0 = [r for r in rows if r.get("traj") == 0]
ok = t0[-1]["train_loss"] < 0.5 * t0[0]["train_loss"] and math.isfinite(t0[-1]["lambda_max"])
print(("PASS" if ok else "FAIL") + f": tanhnet GD: loss {t0[0]['train_loss']:.4g} -> {t0[-1]['train_loss']:.4g} (halved), lambda_max {t0[-1]['lambda_max']:.4g}")
EOF2

# ---- --init on a padded model: one value per live parameter (diagnet d = 3: 6)
run_ok diag-init --model diagnet --d 3 --n 5 --kappa 1 --noise none --init 1,0.5,0.2,0.1,0.3,0.4 --steps 10 --every 10 --trajectories 1

# ---- bad input: exit 2, one message naming the flag, nothing on stdout, no --out file
bad() { # field args...
    local field=$1
    shift
    "$SGDLAB" run "$@" --out "$WORK/bad.out" > "$WORK/bad.stdout" 2> "$WORK/bad.stderr"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "^sgdlab: $field: " "$WORK/bad.stderr" && [ ! -s "$WORK/bad.stdout" ] &&
        [ ! -e "$WORK/bad.out" ]; then
        pass "bad input $*: exit 2, '$field' named"
    else
        fail "bad input $*: rc=$rc stderr='$(head -n 1 "$WORK/bad.stderr")'"
    fi
    rm -f "$WORK/bad.out"
}
bad --init --model toy2d --init 1,0,3
bad --init --model sphere --init 1,0
bad --init --model diagnet --d 3 --kappa 1 --init 1,2,3,4,5
bad --init --model toy2d --init 1,,2
bad --init --model toy2d --init 1,abc
bad --init --model toy2d --init 1,inf
bad --init --model toy2d --init ''
bad --alpha --model toy2d --init 1,0 --alpha 2
bad --d --model toy2d --d 5
bad --n --model sphere --n 5
bad --data --model sphere --data boolean
bad --kappa --model toy2d --kappa 1
bad --data-noise --model toy2d --data-noise 0.1
bad --observe --model toy2d --observe foo
bad --observe --model toy2d --observe lambda_max,
bad --batch --model toy2d --noise sqrt-loss --batch 2
bad --delta --model sphere --noise normalized --delta 1
bad --noise --model toy2d --noise sqrtloss
bad --width --model diagnet --width 4
bad --width --model tanhnet --width -1
bad --d --model msense --d 10
bad --kappa --model msense --d 25 --kappa 6
bad --init --model msense --d 4 --kappa 1 --init 1,0,0

finish
