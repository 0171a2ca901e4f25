#!/usr/bin/env bash
# sgdlab reproduce shape-matters --quick --db F: each variant is one finished
# run in the store, and the store's final-step test error equals (bitwise) what
# the command printed; lwa-sparse likewise.
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

# the escape experiments with --db: cli_reproduce_escape (the same runs as its JSON checks)
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
