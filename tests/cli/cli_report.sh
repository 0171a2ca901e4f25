#!/usr/bin/env bash
# sgdlab report | export | plot, and the sweep progress line.  The report's
# mean +- SE is recomputed independently in Python from the series table;
# export must reproduce every stored value exactly.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1

cat > spec.yaml <<'EOF'
base: {model: diagnet, d: 20, n: 10, kappa: 2, steps: 3000, every: 1000, seeds: 3}
grid:
  noise: [label, none]
  lr: [0.001, 0.5]
zip:
  seed: [1, 2]
EOF
"$SGDLAB" sweep spec.yaml --db r.db --quiet 2> /dev/null
check "sweep for the report: exit 0" test $? -eq 0

# ---- report: grouping, counts, mean and SE against an independent computation
"$SGDLAB" report r.db --by noise,lr --obs train_loss --format csv > rep.csv 2> err.txt
check "report csv: exit 0" test $? -eq 0
pycheck "report vs python" - <<'EOF'
import csv, json, math, sqlite3
db = sqlite3.connect("r.db")
rows = list(csv.DictReader(open("rep.csv")))
print(("PASS" if len(rows) == 4 else "FAIL") + ": 4 groups (noise x lr), got %d" % len(rows))
for row in rows:
    noise, lr = row["noise"], float(row["lr"])
    vals, div, nonfin, runs = [], 0, 0, set()
    for run_id, params in db.execute("SELECT run_id, params FROM runs WHERE status = 'finished' ORDER BY run_id"):
        p = json.loads(params)
        if p["noise"] != noise or p["lr"] != lr:
            continue
        runs.add(run_id)
        last = db.execute("SELECT max(step) FROM series WHERE run_id = ? AND observable = 'train_loss'", (run_id,)).fetchone()[0]
        for traj, v in db.execute("SELECT traj, value FROM series WHERE run_id = ? AND observable = 'train_loss' AND step = ? ORDER BY traj", (run_id, last)):
            d = db.execute("SELECT count(*) FROM events WHERE run_id = ? AND traj = ? AND kind = 'diverged' AND time <= ?", (run_id, traj, last)).fetchone()[0]
            if d:
                div += 1
            elif v is None or not math.isfinite(v):
                nonfin += 1
            else:
                vals.append(v)
    n = len(vals)
    ok = int(row["runs"]) == len(runs) == 2 and int(row["n"]) == n and int(row["n_diverged"]) == div and int(row["n_nonfinite"]) == nonfin
    ok = ok and n + div + nonfin == 6
    print(("PASS" if ok else "FAIL") + ": %s lr=%g counts runs=%s n=%s div=%s nonfinite=%s (python: %d %d %d %d)" % (noise, lr, row["runs"], row["n"], row["n_diverged"], row["n_nonfinite"], len(runs), n, div, nonfin))
    if n >= 2:
        m = sum(vals) / n
        se = math.sqrt(sum((x - m) ** 2 for x in vals) / (n - 1) / n)
        # different summation order: equal to a few ulps
        okm = abs(float(row["mean"]) - m) <= 1e-12 * abs(m) and abs(float(row["se"]) - se) <= 1e-10 * se
        print(("PASS" if okm else "FAIL") + ": %s lr=%g mean %s se %s (python %.17g %.17g)" % (noise, lr, row["mean"], row["se"], m, se))
divs = sum(int(r["n_diverged"]) for r in rows if float(r["lr"]) == 0.5)
print(("PASS" if divs > 0 else "FAIL") + ": lr = 0.5 groups count diverged trajectories (%d)" % divs)
EOF
"$SGDLAB" report r.db > rep.txt 2> /dev/null
check "report table: default groups are the varying keys" grep -q "^noise *lr *mean +- se" rep.txt
check "report table: says its time unit" grep -q "step = k" rep.txt
"$SGDLAB" report r.db --by lr --step 1000 --format jsonl > rep.jsonl 2> /dev/null
pycheck "report jsonl" - <<'EOF'
import json
rows = [json.loads(l) for l in open("rep.jsonl")]
ok = len(rows) == 2 and all(r["step_min"] == r["step_max"] == 1000 and r["runs"] == 4 for r in rows)
print(("PASS" if ok else "FAIL") + ": --by lr --step 1000: 2 groups of 4 runs at step 1000")
EOF

"$SGDLAB" report r.db --by noise --where lr=1e-3 --format csv > where.csv 2> /dev/null
check "report --where lr=1e-3 (numeric match of 0.001): 2 groups of 2 runs" \
    test "$(awk -F, 'NR > 1 && $4 == 2 { c++ } END { print c + 0 }' where.csv)" -eq 2
"$SGDLAB" report r.db --by lr --where noise=label --where lr=0.5 --format csv > where2.csv 2> /dev/null
check "report two --where filters: one group (lr 0.5, label), 2 runs" test "$(sed -n 2p where2.csv | cut -d, -f1,4)" = "0.5,2"
"$SGDLAB" report r.db --where eta=1 > /dev/null 2> err.txt
check "report --where unknown key: exit 2" test $? -eq 2

# ---- report: bad input
"$SGDLAB" report r.db --by etaa > /dev/null 2> err.txt
check "report unknown --by key: exit 2" test $? -eq 2
check "report unknown --by key: lists valid keys" grep -q "unknown parameter 'etaa'; valid: model, noise" err.txt
"$SGDLAB" report r.db --obs nope > /dev/null 2> err.txt
check "report unknown --obs: exit 2" test $? -eq 2
check "report unknown --obs: lists observables" grep -q "'nope' is not in the store; valid: " err.txt
"$SGDLAB" report missing.db > /dev/null 2> err.txt
check "report missing db: exit 2" test $? -eq 2
check "report missing db: not created" test ! -e missing.db

# ---- export: every stored value exactly, CSV and JSONL
"$SGDLAB" export r.db --format csv --out series.csv 2> /dev/null
check "export csv: exit 0" test $? -eq 0
"$SGDLAB" export r.db --format jsonl > series.jsonl 2> /dev/null
check "export jsonl: exit 0" test $? -eq 0
"$SGDLAB" export r.db --table runs --format jsonl > runs.jsonl 2> /dev/null
"$SGDLAB" export r.db --table estimates > est.csv 2> /dev/null
"$SGDLAB" export r.db --table events > ev.csv 2> /dev/null
pycheck "export" - <<'EOF'
import csv, json, math, sqlite3
db = sqlite3.connect("r.db")
want = {}
for key, obs, traj, step, v in db.execute("SELECT r.run_key, s.observable, s.traj, s.step, s.value FROM series s JOIN runs r USING(run_id)"):
    want[(key, obs, traj, step)] = v
def same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and a == b)
rows = list(csv.DictReader(open("series.csv")))
bad = 0
for r in rows:
    v = None if r["value"] == "" else float(r["value"])
    bad += not same(v, want.get((r["run_key"], r["observable"], int(r["traj"]), int(r["step"])), "missing"))
print(("PASS" if len(rows) == len(want) and bad == 0 else "FAIL") + ": csv series: %d rows (store %d), %d differ" % (len(rows), len(want), bad))
print(("PASS" if rows and rows[0]["model"] == "diagnet" and "lr" in rows[0] else "FAIL") + ": csv rows carry the run parameters as columns")
bad = n = 0
for line in open("series.jsonl"):
    r = json.loads(line)
    n += 1
    bad += not same(r["value"], want.get((r["run_key"], r["observable"], r["traj"], r["step"]), "missing"))
    bad += r["params"]["model"] != "diagnet"
print(("PASS" if n == len(want) and bad == 0 else "FAIL") + ": jsonl series: %d rows, %d differ" % (n, bad))
runs = [json.loads(l) for l in open("runs.jsonl")]
print(("PASS" if len(runs) == 8 and all(r["status"] == "finished" and r["counter_layout"] == 1 for r in runs) else "FAIL") + ": runs table: 8 finished runs with counter layout")
est = list(csv.DictReader(open("est.csv")))
nest = db.execute("SELECT count(*) FROM estimates").fetchone()[0]
print(("PASS" if len(est) == nest and est[0]["time_unit"] == "t_eta" else "FAIL") + ": estimates: %d rows (store %d), time unit stated" % (len(est), nest))
ev = list(csv.DictReader(open("ev.csv")))
nev = db.execute("SELECT count(*) FROM events").fetchone()[0]
print(("PASS" if len(ev) == nev > 0 and all(e["kind"] == "diverged" and e["time_unit"] == "k" for e in ev) else "FAIL") + ": events: %d divergence rows in steps k" % len(ev))
EOF
"$SGDLAB" export r.db --table nope > /dev/null 2> err.txt
check "export unknown table: exit 2" test $? -eq 2

# ---- plot: PNG and SVG through gnuplot, log axes, one curve per value
if command -v gnuplot > /dev/null; then
    "$SGDLAB" plot r.db --x step --curve noise --obs train_loss --logy --out p.png 2> err.txt
    check "plot png: exit 0" test $? -eq 0
    check "plot png: a PNG file" test "$(head -c 4 p.png | od -An -c | tr -d ' ')" = '211PNG'
    check "plot png: 2 curves" grep -q "2 curves" err.txt
    check "plot png: log y and error bars in the script" grep -q "set logscale y" p.png.gp
    check "plot png: SE bands" grep -q "filledcurves" p.png.gp
    "$SGDLAB" plot r.db --x lr --curve noise --logx --out p.svg 2> err.txt
    check "plot svg: exit 0" test $? -eq 0
    check "plot svg: an SVG file" grep -q "<svg" p.svg
    check "plot svg: 2 curves, lr = 0.5 all diverged: 2 points" grep -q "2 curves, 2 points" err.txt
    check "plot svg: the all-diverged points are named in the data" grep -q "x = 0.5: no live trajectory (6 diverged" p.svg.dat
else
    fail "gnuplot is not installed (scripts/bootstrap.sh installs gnuplot-nox)"
fi
"$SGDLAB" plot r.db --x lr --out p.jpg > /dev/null 2> err.txt
check "plot bad --out: exit 2" test $? -eq 2
"$SGDLAB" plot r.db > /dev/null 2> err.txt
check "plot without --x: exit 2" test $? -eq 2

# ---- progress: on a terminal only, and never with --quiet
"$SGDLAB" sweep spec.yaml --no-store 2> noterm.txt
check "no progress line when stderr is not a terminal" bash -c '! grep -q "runs/s, ETA" noterm.txt'
if command -v script > /dev/null; then
    script -qec "'$SGDLAB' sweep spec.yaml --no-store" /dev/null > term.txt 2>&1
    check "progress line on a terminal (runs done/total, trajectories, ETA)" grep -q "8/8 runs, 24 trajectories, .* runs/s, ETA" term.txt
    script -qec "'$SGDLAB' sweep spec.yaml --no-store --quiet" /dev/null > quiet.txt 2>&1
    check "--quiet: no progress line on a terminal" bash -c '! grep -q "ETA" quiet.txt'
else
    echo "NOTE: no 'script' command: progress on a terminal not exercised"
fi

finish
