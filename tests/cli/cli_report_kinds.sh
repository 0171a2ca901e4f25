#!/usr/bin/env bash
# report | plot over escape runs (issue 11 item 7): per group the censored
# exponential MLE of the rate pooled over the group's first-passage events,
# MFPT = 1/rate with the delta-method SE and the inverted likelihood-ratio CI.
# Checked against a closed form on hand-set events, against an independent
# python computation on simulated ones, and against each run's own stored
# estimate (one run: the same MLE, bit for bit).  And data-draw: shared run
# series: mean +- SE over the runs' means (one replicate per data draw),
# recomputed in python.  Deterministic: no statistical tolerance, so no false
# failures.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1

esc() { "$SGDLAB" escape --landscape doublewell --event next-min --B-over-eta 20 --trajectories 40 --t-max 20 --db e.db "$@" > /dev/null 2> esc.err ||
        fail "escape $*: $(head -n 1 esc.err)"; }
for L0 in 0.5 0.7; do
    esc --L0 "$L0" --seed 1
    esc --L0 "$L0" --seed 2
done
esc --L0 0.7 --seed 3 --t-max 10   # another censoring horizon in the same group: pooled as well

"$SGDLAB" report e.db --by L0 --format csv > rep.csv 2> err.txt
check "escape report csv: exit 0" test $? -eq 0
"$SGDLAB" export e.db --table events --format jsonl > ev.jsonl 2> /dev/null
"$SGDLAB" export e.db --table estimates --format jsonl > est.jsonl 2> /dev/null
pycheck "escape groups vs python" - <<'EOF'
import csv, json, math
rows = list(csv.DictReader(open("rep.csv")))
ev = [json.loads(l) for l in open("ev.jsonl")]
z = 1.959963984540054
print(("PASS" if len(rows) == 2 else "FAIL") + ": two L0 groups, got %d" % len(rows))
for row in rows:
    L0 = float(row["L0"])
    mine = [e for e in ev if e["params"]["L0"] == L0]
    runs = {e["run_key"] for e in mine}
    live = [e for e in mine if e["kind"] == "first_passage"]
    m = sum(1 for e in live if not e["censored"])
    expo = sum(e["time"] for e in live)
    ok = int(row["runs"]) == len(runs) and int(row["n"]) == len(live) and int(row["escaped"]) == m
    ok = ok and int(row["censored"]) == len(live) - m and row["time_unit"] == "t"
    print(("PASS" if ok else "FAIL") + ": L0=%g counts runs=%s n=%s escaped=%s (python %d %d %d)" % (L0, row["runs"], row["n"], row["escaped"], len(runs), len(live), m))
    k = m / expo
    rate, mf, mfse = float(row["rate"]), float(row["mfpt"]), float(row["mfpt_se"])
    ok = abs(rate - k) <= 1e-14 * k and abs(mf - expo / m) <= 1e-13 * mf and abs(mfse - mf / math.sqrt(m)) <= 1e-13 * mf
    print(("PASS" if ok else "FAIL") + ": L0=%g rate %s = m/exposure %.17g, mfpt %s = 1/rate, se %s = mfpt/sqrt(m)" % (L0, row["rate"], k, row["mfpt"], row["mfpt_se"]))
    lo, hi = float(row["rate_ci_lo"]), float(row["rate_ci_hi"])
    lr = lambda x: 2 * m * (x - 1 - math.log(x))   # 2[l(k_hat) - l(k)], x = k / k_hat
    ok = lo < k < hi and abs(lr(lo / k) - z * z) < 1e-9 and abs(lr(hi / k) - z * z) < 1e-9
    print(("PASS" if ok else "FAIL") + ": L0=%g rate CI [%s, %s] is the 95%% likelihood-ratio interval" % (L0, row["rate_ci_lo"], row["rate_ci_hi"]))
    ok = float(row["mfpt_ci_lo"]) == 1 / hi and float(row["mfpt_ci_hi"]) == 1 / lo
    print(("PASS" if ok else "FAIL") + ": L0=%g MFPT CI is the rate CI inverted" % L0)
EOF

# one run per group: the group's rate is the run's stored estimate, bit for bit
"$SGDLAB" report e.db --by L0,seed,t-max --format jsonl > one.jsonl 2> /dev/null
pycheck "one run: the stored rate" - <<'EOF'
import json
rows = [json.loads(l) for l in open("one.jsonl")]
est = [json.loads(l) for l in open("est.jsonl")]
stored = {(e["params"]["L0"], e["params"]["seed"], e["params"]["t-max"]): e for e in est if e["name"] == "rate"}
ok = len(rows) == 5 and all(r["runs"] == 1 for r in rows)
print(("PASS" if ok else "FAIL") + ": --by L0,seed,t-max: 5 groups of one run")
for r in rows:
    s = stored[(r["L0"], r["seed"], r["t-max"])]
    ok = (r["rate"], r["rate_se"], r["rate_ci_lo"], r["rate_ci_hi"]) == (s["mean"], s["se"], s["ci_lo"], s["ci_hi"])
    print(("PASS" if ok else "FAIL") + ": L0=%g seed=%d: rate %r = stored %r" % (r["L0"], r["seed"], r["rate"], s["mean"]))
EOF

# closed form on hand-set events: times 1, 2 escaped, 5 censored -> exposure 8, rate 2/8, MFPT 4 +- 4/sqrt(2)
"$SGDLAB" escape --landscape quadratic --event loss --trajectories 3 --t-max 5 --seed 9 --db k.db > /dev/null 2>&1
"$PY" - <<'EOF'
import sqlite3
db = sqlite3.connect("k.db")
for traj, t, c in [(0, 1.0, 0), (1, 2.0, 0), (2, 5.0, 1)]:
    db.execute("UPDATE events SET kind = 'first_passage', time = ?, censored = ? WHERE traj = ?", (t, c, traj))
db.commit()
EOF
"$SGDLAB" report k.db --format jsonl > k.jsonl 2> err.txt
check "closed form: exit 0" test $? -eq 0
pycheck "closed form" - <<'EOF'
import json, math
r = [json.loads(l) for l in open("k.jsonl")]
ok = len(r) == 1 and r[0]["rate"] == 0.25 and r[0]["mfpt"] == 4 and r[0]["mfpt_se"] == 4 / math.sqrt(2)
ok = ok and r[0]["escaped"] == 2 and r[0]["censored"] == 1 and r[0]["n"] == 3 and r[0]["estimate"] == "escape"
print(("PASS" if ok else "FAIL") + ": events 1, 2 escaped, 5 censored: rate 0.25, MFPT 4 +- 2.83 (%s)" % r)
EOF
# no escape at all: MFPT unbounded (null), its CI from 1/rate_ci_hi up
"$PY" -c "import sqlite3; db = sqlite3.connect('k.db'); db.execute('UPDATE events SET censored = 1'); db.commit()"
"$SGDLAB" report k.db --format jsonl > k0.jsonl 2> /dev/null
pycheck "no escape" - <<'EOF'
import json
r = json.loads(open("k0.jsonl").readline())
z = 1.959963984540054
ok = r["rate"] == 0 and r["mfpt"] is None and r["mfpt_ci_hi"] is None and abs(r["rate_ci_hi"] - z * z / 16) < 1e-15
ok = ok and r["mfpt_ci_lo"] == 1 / r["rate_ci_hi"]
print(("PASS" if ok else "FAIL") + ": all censored (exposure 8): rate 0, CI [0, z^2/16], MFPT null, CI from 16/z^2 (%s)" % r)
EOF
# events in two time units are not pooled
"$PY" -c "import sqlite3; db = sqlite3.connect('k.db'); db.execute(\"UPDATE events SET time_unit = 't_eta' WHERE traj = 2\"); db.commit()"
"$SGDLAB" report k.db --format csv > km.csv 2> /dev/null
check "mixed time units: unit 'mixed', no estimate" grep -q '^nan,nan,nan,nan,nan,nan,nan,nan,0.95,1,3,0,3,0,mixed$' km.csv

# --where on escape keys (a number matches 0.7 and 7e-1 alike), the table, --kind
"$SGDLAB" report e.db --by seed --where L0=7e-1 --where landscape=doublewell --format csv > w.csv 2> /dev/null
check "--where L0=7e-1: the three L0 0.7 runs" test "$(tail -n +2 w.csv | wc -l)" -eq 3
"$SGDLAB" report e.db > rep.txt 2> /dev/null
check "table: says how the groups are pooled" grep -q "censored exponential MLE" rep.txt
check "table: default groups are the varying escape keys" grep -q "^L0 *t-max *mfpt +- se" rep.txt

# a store with run series and escape runs: report defaults to the series; --kind escape
"$SGDLAB" run --model diagnet --noise label --d 10 --n 8 --steps 200 --every 100 --trajectories 2 --db e.db > /dev/null 2>&1
"$SGDLAB" report e.db --format csv > mixed_run.csv 2> /dev/null
check "mixed store: report shows the run series" grep -q '^mean,se,runs,n' mixed_run.csv
"$SGDLAB" report e.db --kind escape --by L0 --format csv > mixed_esc.csv 2> /dev/null
check "mixed store: --kind escape gives the same escape groups" cmp -s mixed_esc.csv rep.csv

# bad input: one message naming the flag, exit 2, nothing on stdout
bad() {
    local desc=$1 pat=$2
    shift 2
    "$SGDLAB" "$@" > out.txt 2> err.txt
    local rc=$?
    check "$desc: exit 2" test "$rc" -eq 2
    check "$desc: message" grep -q -- "$pat" err.txt
    check "$desc: nothing on stdout" test ! -s out.txt
}
bad "--by unknown escape key" "unknown parameter 'L1' of the store's escape runs; valid: landscape, n, L0" report e.db --kind escape --by L1
bad "--obs for escape" "valid: mfpt, rate" report e.db --kind escape --obs test_error
bad "--kind bogus" "valid: run, escape" report e.db --kind bogus
bad "--where bad escape landscape" "unknown landscape 'foo'; valid: doublewell" report e.db --kind escape --where landscape=foo
bad "--where bad escape number" "L0: must be a finite number" report e.db --kind escape --where L0=abc
bad "--step for escape" "escape runs have no steps" report e.db --kind escape --step 3
bad "plot --x step for escape" "no step axis" plot e.db --kind escape --x step

# ---- data-draw shared (issue 11 item 7): the trajectories of one run share one data draw, so a group
# with such runs has mean +- se over the runs' means (one replicate per draw), se_traj apart
for seed in 1 2 3; do
    "$SGDLAB" run --model linreg --noise label --data-draw shared --d 5 --n 10 --steps 200 --every 100 --trajectories 4 \
        --seed "$seed" --db s.db > /dev/null 2>&1 || fail "shared run seed $seed"
done
"$SGDLAB" run --model linreg --noise label --d 5 --n 10 --steps 200 --every 100 --trajectories 4 --db s.db > /dev/null 2>&1
"$SGDLAB" report s.db --by data-draw --obs train_loss --format csv > sh.csv 2> /dev/null
check "shared: exit 0" test $? -eq 0
"$SGDLAB" report s.db --by data-draw --obs train_loss > sh.txt 2> /dev/null
check "shared: the table says why" grep -q "share one data draw, so they are not independent replicates" sh.txt
pycheck "shared: SE over data draws" - <<'EOF2'
import csv, json, math, sqlite3
db = sqlite3.connect("s.db")
rows = {r["data-draw"]: r for r in csv.DictReader(open("sh.csv"))}
def final(run_id):
    last = db.execute("SELECT max(step) FROM series WHERE run_id = ? AND observable = 'train_loss'", (run_id,)).fetchone()[0]
    return [v for (v,) in db.execute("SELECT value FROM series WHERE run_id = ? AND observable = 'train_loss' AND step = ? ORDER BY traj", (run_id, last))]
def mse(x):
    m = sum(x) / len(x)
    return m, math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - 1) / len(x))
runs = {}
for run_id, params in db.execute("SELECT run_id, params FROM runs WHERE status = 'finished' ORDER BY run_id"):
    runs.setdefault(json.loads(params)["data-draw"], []).append(final(run_id))
means = [sum(v) / len(v) for v in runs["shared"]]
m, se = mse(means)
r = rows["shared"]
ok = r["replicate"] == "data-draw" and int(r["n_replicates"]) == 3 and int(r["n"]) == 12
ok = ok and abs(float(r["mean"]) - m) <= 1e-12 * m and abs(float(r["se"]) - se) <= 1e-10 * se
print(("PASS" if ok else "FAIL") + ": shared group: mean %s +- %s over 3 runs' means (python %.17g +- %.17g)" % (r["mean"], r["se"], m, se))
m2, se2 = mse([v for run in runs["shared"] for v in run])
print(("PASS" if abs(float(r["se_traj"]) - se2) <= 1e-10 * se2 else "FAIL") + ": shared group: se_traj %s is over the 12 trajectories (%.17g)" % (r["se_traj"], se2))
p = rows["per-seed"]
m3, se3 = mse(runs["per-seed"][0])
ok = p["replicate"] == "trajectory" and int(p["n_replicates"]) == 4 and abs(float(p["se"]) - se3) <= 1e-10 * se3 and p["se"] == p["se_traj"]
print(("PASS" if ok else "FAIL") + ": per-seed group: each trajectory a replicate, se %s (python %.17g)" % (p["se"], se3))
EOF2
"$SGDLAB" report s.db --by data-draw,seed --where data-draw=shared --format jsonl > sh1.jsonl 2> /dev/null
pycheck "shared: one run" - <<'EOF2'
import json
rows = [json.loads(l) for l in open("sh1.jsonl")]
ok = len(rows) == 3 and all(r["se"] is None and r["n_replicates"] == 1 and r["se_traj"] > 0 for r in rows)
print(("PASS" if ok else "FAIL") + ": one shared run: no SE over data draws (null), se_traj conditional on its draw")
EOF2
"$SGDLAB" report e.db --kind run --format csv > noshared.csv 2> /dev/null
check "no shared run: no replicate columns" grep -q '^mean,se,runs,n,n_diverged,n_nonfinite,step_min,step_max$' noshared.csv

# ---- export (issue 16 item 5): unique CSV columns, escape runs with their own parameter columns (the
# escape dimension is escape.n, never the samples column n), type + schema on every JSON Lines record,
# one boolean spelling (true/false)
"$SGDLAB" export e.db --table runs --format csv > x_runs.csv 2> /dev/null
"$SGDLAB" export e.db --table estimates --format csv > x_est.csv 2> /dev/null
"$SGDLAB" export e.db --table events --format csv --kind escape > x_ev.csv 2> /dev/null
"$SGDLAB" export s.db --table runs --format csv > x_sruns.csv 2> /dev/null
for t in series runs estimates events; do
    "$SGDLAB" export e.db --table "$t" --format jsonl > "x_$t.jsonl" 2> /dev/null || fail "export $t jsonl"
done
pycheck "export tidy" - <<'EOF2'
import csv, json
def rows(f):
    r = list(csv.reader(open(f, newline="")))
    return r[0], [dict(zip(r[0], x)) for x in r[1:]]
for f in ["x_runs.csv", "x_est.csv", "x_ev.csv", "x_sruns.csv"]:
    h, _ = rows(f)
    print(("PASS" if len(h) == len(set(h)) else "FAIL") + ": %s: unique column names (%d)" % (f, len(h)))
h, rs = rows("x_runs.csv")
esc = [r for r in rs if r["run_kind"] == "escape"]
run = [r for r in rs if r["run_kind"] == "run"]
ok = len(esc) == 5 and len(run) == 1
ok = ok and all(r["landscape"] == "doublewell" and r["B-over-eta"] == "20" and r["t-max"] in ("20", "10") and r["escape.n"] == "1" and r["n"] == "" and r["model"] == "" for r in esc)
print(("PASS" if ok else "FAIL") + ": mixed store: escape rows keep landscape, B-over-eta, t-max; dimension in escape.n, not n")
ok = all(r["n"] == "8" and r["model"] == "diagnet" and r["escape.n"] == "" and r["landscape"] == "" for r in run)
print(("PASS" if ok else "FAIL") + ": mixed store: the run row has n = 8 samples and no escape values")
ok = "runs.seed" in h and all(r["runs.seed"] == (r["seed"] or r["escape.seed"]) for r in rs)
print(("PASS" if ok else "FAIL") + ": mixed store: the runs table's seed as runs.seed, equal to the run's seed")
h, rs = rows("x_sruns.csv")
ok = h.count("seed") == 1 and "counter_layout" in h and all(r["seed"] in ("1", "2", "3") for r in rs)
print(("PASS" if ok else "FAIL") + ": run store: one seed column (was two)")
h, rs = rows("x_est.csv")
ok = "estimates.n" in h and all(r["estimates.n"] == "40" for r in rs if r["run_kind"] == "escape")
print(("PASS" if ok else "FAIL") + ": estimates: the count as estimates.n, apart from the parameter n")
h, rs = rows("x_ev.csv")
ok = "model" not in h and h[1] == "landscape" and "n" in h and {r["censored"] for r in rs} == {"true", "false"}
ok = ok and all(r["n"] == "1" for r in rs)
print(("PASS" if ok else "FAIL") + ": --kind escape: only the escape keys (n = dimension 1), censored true/false")
types = {"series": "series", "runs": "run", "estimates": "estimate", "events": "event"}
for t, ty in types.items():
    recs = [json.loads(l) for l in open("x_%s.jsonl" % t)]
    ok = len(recs) > 0 and all(r["type"] == ty and r["schema"] == 2 and r["run_kind"] in ("run", "escape") for r in recs)
    print(("PASS" if ok else "FAIL") + ": jsonl %s: every record has type %s, schema 2, run_kind (%d)" % (t, ty, len(recs)))
ev = [json.loads(l) for l in open("x_events.jsonl")]
ok = all(isinstance(r["censored"], bool) for r in ev)
print(("PASS" if ok else "FAIL") + ": jsonl events: censored is a JSON boolean")
EOF2
bad "export --kind bogus" "valid: run, limit, escape" export e.db --kind bogus

# a store whose runs table has a kind column (a later schema): the same groups and export
cp e.db ek.db
"$PY" -c "import sqlite3; d = sqlite3.connect('ek.db'); d.execute('ALTER TABLE runs ADD COLUMN kind TEXT'); d.execute(\"UPDATE runs SET kind = CASE WHEN command = 'escape' THEN 'escape' ELSE 'run' END\"); d.commit()"
"$SGDLAB" report ek.db --kind escape --by L0 --format csv > k_rep.csv 2> /dev/null
check "kind column: the same escape groups" cmp -s k_rep.csv rep.csv
"$SGDLAB" export ek.db --table runs --format csv > k_runs.csv 2> /dev/null
check "kind column: the same export" cmp -s k_runs.csv x_runs.csv

# plot: MFPT with CI error bars against L0
if command -v gnuplot > /dev/null 2>&1; then
    "$SGDLAB" plot e.db --kind escape --x L0 --curve t-max --out p.png > /dev/null 2> err.txt
    check "plot --x L0: exit 0" test $? -eq 0
    check "plot --x L0: a PNG" test -s p.png
    pycheck "plot data" - <<'EOF'
rows = [l.split() for l in open("p.png.dat") if l.strip() and not l.startswith("#")]
ok = len(rows) == 3 and all(float(r[2]) < float(r[1]) < float(r[3]) for r in rows)
print(("PASS" if ok else "FAIL") + ": 3 points (2 L0 x t-max 20, 1 at t-max 10), each ci_lo < mfpt < ci_hi: %s" % rows)
EOF
    check "plot script: log y, CI error bars" grep -q "set logscale y" p.png.gp
    check "plot script: x:y:lo:hi" grep -q "using 1:2:3:4 with yerrorlines" p.png.gp
else
    skip "plot: gnuplot not installed"
fi
finish
