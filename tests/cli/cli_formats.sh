#!/usr/bin/env bash
# Output formats of `sgdlab run` (jsonl, csv, table), their agreement with
# each other, `sgdlab list` / `run --help` / `version`, and how diverged
# trajectories are reported.
# usage: cli_formats.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

VERSION=$(sgl_version)
check "sgdlab version prints a version ('$VERSION')" [ -n "$VERSION" ]

# ------------------------------------------------------- list/help/version
"$SGDLAB" list > "$WORK/list" 2> "$WORK/list.err"
rc=$?
check "sgdlab list: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "sgdlab list: stderr empty" [ ! -s "$WORK/list.err" ]
# names listed under a section header ("models:") of `sgdlab list`
section() { awk -v s="$1" '/^[^ ]/ { on = ($0 == s) ; next } on && NF { print $1 }' "$WORK/list"; }
section models: > "$WORK/list.models"
section "noise kinds:" > "$WORK/list.noises"
section observables: > "$WORK/list.obs"
section data: > "$WORK/list.data"
for m in diagnet quadratic linreg; do
    check "sgdlab list: model $m" grep -qx -- "$m" "$WORK/list.models"
done
for k in none label label-gauss gaussian minibatch minibatch-diff lngd; do
    check "sgdlab list: noise kind $k" grep -qx -- "$k" "$WORK/list.noises"
done
for o in train_loss test_error test_loss off_support trace_hessian log_uv norm; do
    check "sgdlab list: observable $o" grep -qx -- "$o" "$WORK/list.obs"
done
for d in gaussian boolean csv; do
    check "sgdlab list: data $d" grep -qx -- "$d" "$WORK/list.data"
done
# the registry behind the error messages and behind `list` agree
valid_from_error() { # flag: names after "valid: " in the error for an unknown value
    "$SGDLAB" run "$1" no-such-name 2>&1 >/dev/null | sed -n 's/.*valid: //p' | tr ',' '\n' | tr -d ' '
}
for pair in "--model:models" "--noise:noises"; do
    flag=${pair%%:*}
    what=${pair#*:}
    valid_from_error "$flag" | sort > "$WORK/err.$what"
    sort "$WORK/list.$what" > "$WORK/list.$what.sorted"
    if [ -s "$WORK/err.$what" ] && cmp -s "$WORK/err.$what" "$WORK/list.$what.sorted"; then
        pass "$flag: names in the error message equal the $what in sgdlab list"
    else
        fail "$flag: names in the error message ($(tr '\n' ' ' < "$WORK/err.$what")) differ from sgdlab list ($(tr '\n' ' ' < "$WORK/list.$what.sorted"))"
    fi
done

"$SGDLAB" run --help > "$WORK/help" 2> "$WORK/help.err"
rc=$?
check "sgdlab run --help: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "sgdlab run --help: stderr empty" [ ! -s "$WORK/help.err" ]
for f in --model --noise --data --data-file --d --n --kappa --batch --lr --steps --every --trajectories --seed \
    --sigma --sigma-scale --delta --threads --format --out; do
    check "sgdlab run --help: documents $f" grep -q -- "^ *$f " "$WORK/help"
done
"$SGDLAB" version > "$WORK/ver" 2> "$WORK/ver.err"
rc=$?
check "sgdlab version: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "sgdlab version: one line 'sgdlab X.Y.Z ...'" \
    bash -c '[ "$(wc -l < "$1")" -eq 1 ] && grep -Eq "^sgdlab [0-9]+\.[0-9]+\.[0-9]+" "$1"' _ "$WORK/ver"
"$SGDLAB" --version > "$WORK/ver2" 2> /dev/null
check "sgdlab --version: same as sgdlab version" cmp -s "$WORK/ver" "$WORK/ver2"
"$SGDLAB" help > "$WORK/usage" 2> /dev/null
rc=$?
check "sgdlab help: exit 0 with usage on stdout" [ "$rc" -eq 0 -a -s "$WORK/usage" ]

# ------------------------------------------------------------- one run
# steps is not a multiple of every, so the last logged step is the odd one:
# logged steps 0, 1000, 2000, 2500.
SEEDS=3 STEPS=2500 EVERY=1000 SEED=7 LR=0.001
RUN=(--model diagnet --noise label --lr "$LR" --steps "$STEPS" --every "$EVERY" --trajectories "$SEEDS" --seed "$SEED"
    --n-test 20 --threads 2)
for fmt in jsonl csv table; do
    "$SGDLAB" run "${RUN[@]}" --format "$fmt" > "$WORK/run.$fmt" 2> "$WORK/run.$fmt.err"
    rc=$?
    check "run --format $fmt: exit 0 (got $rc)" [ "$rc" -eq 0 ]
done

# jsonl: structure and consistency
pycheck "jsonl" - "$WORK/run.jsonl" "$SEEDS" "$STEPS" "$EVERY" "$SEED" "$LR" diagnet label "$VERSION" \
    "$WORK/list.obs" <<'EOF'
import json, math, sys
path, seeds, steps, every, seed, lr, model, noise, version, listobs = sys.argv[1:]
seeds, steps, every, seed, lr = int(seeds), int(steps), int(every), int(seed), float(lr)
listed = set(open(listobs).read().split())
def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + "jsonl: " + msg)
    return ok
lines = open(path).read().split("\n")
check(lines[-1] == "", "output ends with a newline")
lines = lines[:-1] if lines and lines[-1] == "" else lines
objs, bad = [], []
for i, l in enumerate(lines):
    try:
        objs.append(json.loads(l))
    except ValueError as e:
        bad.append((i + 1, str(e)))
if not check(not bad, "every line parses as JSON (%d lines; bad: %s)" % (len(lines), bad[:3])):
    sys.exit(1)
check(all(isinstance(o, dict) for o in objs), "every line is a JSON object")
h = objs[0]
check(h.get("header") is True, "first line has \"header\": true")
check(h.get("version") == version, "header version %r == `sgdlab version` %r" % (h.get("version"), version))
p = h.get("params", {})
for k, want in (("seed", seed), ("model", model), ("noise", noise), ("lr", lr), ("steps", steps),
                ("every", every), ("seeds", seeds)):
    check(k in p and p[k] == want, "params.%s == %r (got %r)" % (k, want, p.get(k)))
obs = h.get("observables")
check(isinstance(obs, list) and len(obs) > 0, "header lists the observables")
obs = obs or []
check(set(obs) <= listed, "header observables %s are all in `sgdlab list`" % obs)
check("train_loss" in obs and "test_loss" in obs, "train_loss and test_loss (--n-test 20) are logged")
logged = list(range(0, steps, every)) + [steps]
recs = objs[1:-1]
check(len(recs) == seeds * len(logged),
      "%d records == seeds (%d) x logged steps %s" % (len(recs), seeds, logged))
order = [(t, k) for t in range(seeds) for k in logged]
check([(r.get("traj"), r.get("step")) for r in recs] == order, "records ordered by trajectory, then step")
keys = {"traj", "step", "t_eta", "t_eta2", "lr", "diverged", "diverged_step"} | set(obs)
badkeys = [r for r in recs if set(r) != keys]
check(not badkeys, "each record has exactly traj, step, t_eta, t_eta2, lr, diverged, diverged_step and the observables")
check(all(r.get("lr") == lr for r in recs), "record lr == --lr")
check(all(abs(r.get("t_eta", -1) - lr * r["step"]) <= 1e-12 * max(1, lr * r["step"]) for r in recs),
      "t_eta == lr * step at constant lr")
check(all(abs(r.get("t_eta2", -1) - lr * lr * r["step"]) <= 1e-12 * max(1e-300, lr * lr * r["step"]) for r in recs),
      "t_eta2 == lr^2 * step at constant lr")
check(all(r.get("diverged") is False for r in recs), "no record is diverged at lr %g" % lr)
check(all(isinstance(r[o], (int, float)) and not isinstance(r[o], bool) for r in recs for o in obs if o in r),
      "observable values are numbers")
s = objs[-1]
check(s.get("summary") is True, "last line has \"summary\": true")
check(s.get("step") == steps and s.get("n_traj") == seeds and s.get("n_diverged") == 0,
      "summary step/n_traj/n_diverged == %d/%d/0 (got %s/%s/%s)" % (steps, seeds, s.get("step"), s.get("n_traj"), s.get("n_diverged")))
so = s.get("observables", {})
check(set(so) == set(obs), "summary has every observable")
last = [r for r in recs if r["step"] == steps]
for o in obs:
    e = so.get(o, {})
    if not check(all(k in e for k in ("mean", "se")), "summary %s has mean and se" % o):
        continue
    xs = [r[o] for r in last]
    m = sum(xs) / len(xs)
    se = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1) / len(xs))
    check(abs(e["mean"] - m) <= 1e-12 * max(1.0, abs(m)), "summary %s mean == mean of the last-step records" % o)
    check(abs(e["se"] - se) <= 1e-9 * max(1e-300, abs(se)) + 1e-300, "summary %s se == sample sd / sqrt(n)" % o)
    check(e.get("min") == min(xs) and e.get("max") == max(xs) and e.get("n") == len(xs),
          "summary %s min/max/n match the records" % o)
EOF

# csv: structure
awk -F, -v seeds="$SEEDS" -v nlog=4 -v seed="$SEED" -v ver="$VERSION" '
    /^#/ { if (hdr) late++; ncom++; if ($0 ~ /params:/) params++; if ($0 ~ ("seed=" seed "( |$)")) sd++
           if (index($0, "sgdlab " ver)) v++; next }
    !hdr { hdr = 1; ncol = NF; if ($1 != "traj" || $2 != "step") badhdr = 1; next }
    { rows++; if (NF != ncol) badcol++ }
    END {
        printf "%s: csv: comment lines (%d) include \"params:\"\n", (params ? "PASS" : "FAIL"), ncom
        printf "%s: csv: params comment has seed=%s\n", (sd ? "PASS" : "FAIL"), seed
        printf "%s: csv: a comment line names sgdlab %s\n", (v ? "PASS" : "FAIL"), ver
        printf "%s: csv: no comment lines after the header row\n", (late ? "FAIL" : "PASS")
        printf "%s: csv: header row starts traj,step\n", (hdr && !badhdr ? "PASS" : "FAIL")
        printf "%s: csv: %d data rows == seeds x logged steps = %d\n", (rows == seeds * nlog ? "PASS" : "FAIL"), rows, seeds * nlog
        printf "%s: csv: every data row has the header column count %d (%d do not)\n", (badcol ? "FAIL" : "PASS"), ncol, badcol
    }' "$WORK/run.csv" > "$WORK/csv.checks"
cat "$WORK/csv.checks"
NPASS=$((NPASS + $(grep -c '^PASS' "$WORK/csv.checks")))
NFAIL=$((NFAIL + $(grep -c '^FAIL' "$WORK/csv.checks")))

# csv and table agree with jsonl
pycheck "csv/table vs jsonl" - "$WORK/run.jsonl" "$WORK/run.csv" "$WORK/run.table" "$VERSION" "$STEPS" "$SEEDS" <<'EOF'
import json, sys
jpath, cpath, tpath, version, steps, seeds = sys.argv[1:]
steps, seeds = int(steps), int(seeds)
def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + msg)
    return ok
objs = [json.loads(l) for l in open(jpath) if l.strip()]
obs = objs[0]["observables"]
recs = objs[1:-1]
summ = objs[-1]["observables"]
rows = [l.rstrip("\n") for l in open(cpath) if not l.startswith("#")]
head = rows[0].split(",")
check(head == ["traj", "step", "t_eta", "t_eta2", "lr"] + obs + ["diverged", "diverged_step"],
      "csv: header row is traj,step,t_eta,t_eta2,lr,<observables>,diverged,diverged_step (got %s)" % rows[0])
data = [dict(zip(head, r.split(","))) for r in rows[1:]]
def num(s):
    return None if s in ("nan", "inf", "-inf") else float(s)
same = len(data) == len(recs)
for c, j in zip(data, recs):
    for k in ["traj", "step", "t_eta", "t_eta2", "lr"] + obs:
        if num(c.get(k, "x")) != j[k]:
            same = False
    if (c.get("diverged") == "1") != j["diverged"]:
        same = False
    if (int(c["diverged_step"]) if c.get("diverged_step") else None) != j["diverged_step"]:
        same = False
check(same, "csv: every data row equals the jsonl record (same numbers, %.17g both)")
tl = open(tpath).read().split("\n")
check("sgdlab" in tl[0] and version in tl[0], "table: first line names sgdlab and version %s (%r)" % (version, tl[0]))
check(any(l.startswith("#") and "params:" in l for l in tl), "table: a params line")
si = [i for i, l in enumerate(tl) if l.startswith("summary")]
if check(len(si) == 1 and ("summary at step %d over %d trajectories" % (steps, seeds)) in tl[si[0]],
         "table: has a 'summary at step %d over %d trajectories' section" % (steps, seeds)):
    body = {}
    for l in tl[si[0] + 2:]:
        f = l.split()
        if len(f) >= 3:
            body[f[0]] = f
    for o in obs:
        f = body.get(o)
        ok = f is not None and float(f[1]) == summ[o]["mean"] and float(f[2]) == summ[o]["se"]
        check(ok, "table: summary row %s has the jsonl summary mean and se" % o)
hi = [i for i, l in enumerate(tl) if l.split()[:3] == ["step", "t_eta", "t_eta2"]]
if check(len(hi) == 1, "table: one per-step header row 'step t_eta t_eta2 ...'"):
    steps_t = []
    for l in tl[hi[0] + 1:]:
        if not l.strip():
            break
        steps_t.append(int(l.split()[0]))
    want = sorted(set(r["step"] for r in recs))
    check(steps_t == want, "table: one row per logged step %s (got %s)" % (want, steps_t))
EOF

# --out writes the same bytes as stdout, atomically
rm -f "$WORK/o.jsonl" "$WORK/o.jsonl.tmp"
"$SGDLAB" run "${RUN[@]}" --format jsonl --out "$WORK/o.jsonl" > "$WORK/o.stdout" 2> /dev/null
rc=$?
check "--out: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "--out: stdout empty" [ ! -s "$WORK/o.stdout" ]
check "--out: file equals the stdout output" cmp -s "$WORK/o.jsonl" "$WORK/run.jsonl"
check "--out: no .tmp left" [ ! -e "$WORK/o.jsonl.tmp" ]
printf 'old\n' > "$WORK/o.csv"
"$SGDLAB" run "${RUN[@]}" --format csv --out "$WORK/o.csv" > /dev/null 2>&1
check "--out: replaces a pre-existing file" cmp -s "$WORK/o.csv" "$WORK/run.csv"

# ------------------------------------------------------------ divergence
# lr 0.05 is far above the stability edge of label-noise SGD here: every
# trajectory diverges; lr 0.0046 sits on the edge: some do, at various steps.
DIV=(--model diagnet --noise label --lr 0.05 --steps 20000 --trajectories 4 --threads 2)
EDGE=(--model diagnet --noise label --lr 0.0046 --steps 20000 --every 2500 --trajectories 8 --threads 2)
for cfg in DIV EDGE; do
    eval "args=(\"\${$cfg[@]}\")"
    for fmt in jsonl csv table; do
        # shellcheck disable=SC2154
        "$SGDLAB" run "${args[@]}" --format "$fmt" > "$WORK/$cfg.$fmt" 2> "$WORK/$cfg.$fmt.err"
        rc=$?
        # every trajectory of DIV diverges: exit 1 and say so (count, first step); EDGE keeps survivors: exit 0
        # with a warning naming how many diverged
        want=0
        [ "$cfg" = DIV ] && want=1
        check "$cfg: run --format $fmt exits $want (got $rc)" [ "$rc" -eq "$want" ]
        if [ "$cfg" = DIV ]; then
            check "$cfg: --format $fmt says all 4 diverged and the first step" \
                grep -q 'all 4 trajectories diverged (the first at step [0-9]*): no result survived' "$WORK/$cfg.$fmt.err"
        else
            check "$cfg: --format $fmt warns how many of 8 diverged" \
                grep -q 'warning: [1-7] of 8 trajectories diverged (the first at step [0-9]*)' "$WORK/$cfg.$fmt.err"
        fi
    done
    need=0
    [ "$cfg" = DIV ] && need=1
    pycheck "$cfg divergence" - "$WORK/$cfg.jsonl" "$WORK/$cfg.csv" "$WORK/$cfg.table" "$cfg" "$need" <<'EOF'
import json, sys
jpath, cpath, tpath, name, need = sys.argv[1:]
def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + name + ": " + msg)
    return ok
try:
    objs = [json.loads(l) for l in open(jpath) if l.strip()]
except ValueError as e:
    check(False, "jsonl parses (%s)" % e)
    sys.exit(1)
check(True, "jsonl parses")
obs = objs[0]["observables"]
recs = objs[1:-1]
s = objs[-1]
nd = s.get("n_diverged")
if need == "1":
    check(isinstance(nd, int) and nd > 0, "summary n_diverged > 0 (got %r)" % nd)
    check(any(r["diverged"] is True for r in recs), "some records have \"diverged\": true")
trajs = sorted(set(r["traj"] for r in recs))
div_traj = set()
mono = True
for t in trajs:
    seq = [r["diverged"] for r in recs if r["traj"] == t]
    if any(seq):
        div_traj.add(t)
        first = seq.index(True)
        mono &= all(seq[first:])
check(mono, "once a trajectory is diverged it stays diverged")
check(nd == len(div_traj), "summary n_diverged (%r) == trajectories with a diverged record (%d)" % (nd, len(div_traj)))
check(all(r["step"] > 0 for r in recs if r["diverged"]), "no trajectory is diverged at step 0")
bracket = True
for t in {r["traj"] for r in recs if r["diverged"]}:
    mine = [r for r in recs if r["traj"] == t]
    ds = mine[0]["diverged_step"]
    last_ok = max([r["step"] for r in mine if not r["diverged"]], default=-1)
    first_bad = min(r["step"] for r in mine if r["diverged"])
    bracket &= ds is not None and all(r["diverged_step"] == ds for r in mine) and last_ok < ds <= first_bad
check(bracket, "diverged_step lies after the last finite record and at or before the first diverged one")
check(all(r[o] is None for r in recs if r["diverged"] for o in obs),
      "diverged records have null observable values")
check(all(r["train_loss"] is not None for r in recs if not r["diverged"]),
      "non-diverged records have a finite train_loss")
for o in obs:
    e = s["observables"].get(o, {})
    if not check("mean" in e and "se" in e, "summary %s has mean and se" % o):
        continue
    check(e.get("n", -1) <= len(trajs) - len(div_traj), "summary %s n <= non-diverged trajectories" % o)
    if len(div_traj) == len(trajs):
        check(e["mean"] is None and e["se"] is None, "summary %s mean/se null when all diverged" % o)
# csv marks the same records and prints nan for them
rows = [l.rstrip("\n") for l in open(cpath) if not l.startswith("#")]
head = rows[0].split(",")
data = [dict(zip(head, r.split(","))) for r in rows[1:]]
check(len(data) == len(recs) and all((c["diverged"] == "1") == j["diverged"] for c, j in zip(data, recs)),
      "csv diverged column matches jsonl")
check(all(c[o] == "nan" for c in data if c["diverged"] == "1" for o in obs), "csv: diverged rows print nan")
# table: the per-step 'div' column counts the trajectories diverged by that step
tl = open(tpath).read().split("\n")
hi = [i for i, l in enumerate(tl) if l.split()[:3] == ["step", "t_eta", "t_eta2"]]
if check(len(hi) == 1, "table has a per-step header row"):
    mism = []
    for l in tl[hi[0] + 1:]:
        if not l.strip():
            break
        f = l.split()
        k, div = int(f[0]), int(f[-1])
        want = sum(1 for r in recs if r["step"] == k and r["diverged"])
        if div != want:
            mism.append("step %d: div %d, want %d" % (k, div, want))
    check(not mism, "table per-step div column == trajectories diverged by that step (%s)" % "; ".join(mism[:3]))
EOF
done


# ------------------------------------------------------------ no silent defaults
# the model and the step size are named when defaulted; --seed N without --trajectories is flagged
"$SGDLAB" run --steps 10 --seed 32 > /dev/null 2> "$WORK/def.err"
check "defaults: exit 0" test $? -eq 0
check "defaults: --model default named" grep -q 'note: --model not given: using the default diagnet' "$WORK/def.err"
check "defaults: --lr default named" grep -q 'note: --lr not given: using the default 0.001' "$WORK/def.err"
check "defaults: --seed 32 without --trajectories: did you mean --trajectories 32" grep -q 'did you mean --trajectories 32?' "$WORK/def.err"
"$SGDLAB" run --model toy2d --lr 0.01 --steps 10 --seed 32 --trajectories 2 > /dev/null 2> "$WORK/def2.err"
check "defaults: nothing said when --model, --lr and --trajectories are given" \
    bash -c "! grep -q -e 'note:' -e 'did you mean' '$WORK/def2.err'"

finish
