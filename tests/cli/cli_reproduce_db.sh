#!/usr/bin/env bash
# sgdlab reproduce shape-matters --quick --db F: each variant is one finished
# run in the store, and the store's final-step test error equals (bitwise) what
# the command printed.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1
"$SGDLAB" reproduce shape-matters --quick --seeds 1 --db rep.db --out-dir out --json > rep.json 2> err.txt
check "reproduce --db: exit 0 ($(tail -c 200 err.txt))" test $? -eq 0
pycheck "reproduce --db" - <<'EOF'
import json, sqlite3
d = json.load(open("rep.json"))
db = sqlite3.connect("rep.db")
runs = db.execute("SELECT run_id, params FROM runs WHERE command = 'reproduce shape-matters' AND status = 'finished'").fetchall()
print(("PASS" if len(runs) == 5 else "FAIL") + ": 5 finished runs with command 'reproduce shape-matters' (got %d)" % len(runs))
for name in ("GD", "SGD-minibatch-diff", "LNGD", "SGLD", "diagnet-label"):
    v = d[name]
    hit = [rid for rid, p in runs if json.loads(p)["noise"] == v["noise"] and json.loads(p)["model"] == v["model"]]
    if len(hit) != 1:
        print("FAIL: %s: %d matching runs" % (name, len(hit)))
        continue
    row = db.execute("SELECT mean, se, n FROM estimates WHERE run_id = ? AND name = 'test_error' AND step = ?",
                     (hit[0], v["steps"])).fetchone()
    t = v["test_error"]
    ok = row is not None and row[0] == t["mean"] and row[1] == t["se"] and row[2] == t["n"]
    print(("PASS" if ok else "FAIL") + ": %s: stored final test error %r equals the printed %r" % (name, row, (t["mean"], t["se"], t["n"])))
EOF
"$SGDLAB" reproduce shape-matters --quick --seeds 1 --db "$WORK/nodir/x.db" --out-dir out > /dev/null 2> err.txt
check "reproduce --db in a missing directory: exit 1" test $? -eq 1
check "reproduce --db in a missing directory: says cannot open" grep -q "cannot open" err.txt

# the escape experiments: each simulated setting is one finished escape run (keyed by its spec), the
# export shows one run per cell, and a second identical invocation replaces the runs instead of adding
for x in exponential-escape mori-escape; do
    "$SGDLAB" reproduce $x --quick --db esc.db --out-dir "o-$x" --json > "$x.json" 2> err.txt
    check "reproduce $x --db: exit 0 ($(tail -c 200 err.txt))" test $? -eq 0
done
"$SGDLAB" export esc.db --table runs --format jsonl > runs1.jsonl
check "export of the escape store: exit 0" test $? -eq 0
"$SGDLAB" reproduce exponential-escape --quick --db esc.db --out-dir o-again --json > again.json 2> err.txt
check "second identical exponential-escape --db: exit 0 ($(tail -c 200 err.txt))" test $? -eq 0
"$SGDLAB" export esc.db --table runs --format jsonl > runs2.jsonl
pycheck "reproduce escape --db" - <<'EOF2'
import json, sqlite3
def cells(o):
    if isinstance(o, dict):
        if "trajectories" in o and "escaped" in o and "mfpt" in o: yield o
        for v in o.values(): yield from cells(v)
    elif isinstance(o, list):
        for v in o: yield from cells(v)
runs1 = [json.loads(l) for l in open("runs1.jsonl")]
runs2 = [json.loads(l) for l in open("runs2.jsonl")]
db = sqlite3.connect("esc.db")
for x in ("exponential-escape", "mori-escape"):
    d = json.load(open(x + ".json"))
    sim = list(cells(d if x != "mori-escape" else {k: d[k] for k in ("a", "b", "b2")}))
    if x == "exponential-escape":
        n_cells = len(sim)   # (1), (4) rows and the two starts of (2, 3)
        n_cells += 2
    else:
        n_cells = len(sim) + len(d["c"]) - 2   # (a), (b), (b2) and the six (c) runs; (d) is not stored
    got = [r for r in runs1 if r["command"] == "reproduce " + x]
    print(("PASS" if len(got) == n_cells else "FAIL") + ": %s: one run per simulated cell (%d runs, %d cells)" % (x, len(got), n_cells))
    fin = all(r["status"] == "finished" for r in got)
    print(("PASS" if fin else "FAIL") + ": %s: every run finished" % x)
ee = [r for r in runs2 if r["command"] == "reproduce exponential-escape"]
e1 = [r for r in runs1 if r["command"] == "reproduce exponential-escape"]
same = sorted(r["run_key"] for r in ee) == sorted(r["run_key"] for r in e1) and len(runs2) == len(runs1)
print(("PASS" if same else "FAIL") + ": the second invocation replaced its runs (%d runs before, %d after)" % (len(runs1), len(runs2)))
# every trajectory of a stored run is one event
bad = db.execute("SELECT r.run_id FROM runs r WHERE r.n_traj != (SELECT COUNT(*) FROM events e WHERE e.run_id = r.run_id)").fetchall()
print(("PASS" if not bad else "FAIL") + ": each run holds one event per trajectory (%d runs differ)" % len(bad))
EOF2
# lwa-sparse: each label-SGD (d, n) is one ensemble run, its final test error the one the table used
"$SGDLAB" reproduce lwa-sparse --quick --seeds 2 --db lwa.db --out-dir o-lwa --json > lwa.json 2> err.txt
check "reproduce lwa-sparse --db: exit 0 ($(tail -c 200 err.txt))" test $? -eq 0
pycheck "reproduce lwa-sparse --db" - <<'EOF2'
import json, sqlite3
d = json.load(open("lwa.json"))
db = sqlite3.connect("lwa.db")
runs = db.execute("SELECT run_id, params, n_traj FROM runs WHERE command = 'reproduce lwa-sparse' AND status = 'finished'").fetchall()
cells = [(t["d"], s["n"]) for t in d["methods"]["label-SGD-a1"]["thresholds"] for s in t["success"] if s["runs"] > 0]
print(("PASS" if len(runs) == len(cells) and len(cells) > 0 else "FAIL") + ": one finished run per label-SGD cell (%d runs, %d cells)" % (len(runs), len(cells)))
ok = all(json.loads(p)["noise"] == "label" and n == 2 for _, p, n in runs)
print(("PASS" if ok else "FAIL") + ": the runs are label-noise SGD over the 2 draws")
EOF2
finish
