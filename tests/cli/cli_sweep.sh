#!/usr/bin/env bash
# sgdlab sweep and the SQLite store: spec errors (exit 2, FILE:LINE:COL, nothing
# written), an existing store without --resume (exit 2), resume equality, run
# --db into the same schema, --no-store, and keys == run flags.
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"
cd "$WORK" || exit 1
# same DB1 DB2: both dump without error, non-empty, and identical
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}

cat > spec.yaml <<'EOF'
name: cli-sweep
base:
  model: diagnet
  d: 20
  n: 10
  kappa: 2
  steps: 3000
  every: 1000
  trajectories: 3
grid:
  noise: [label, none]
  lr: [0.001, 0.5]
zip:
  seed: [1, 2]
EOF

# ---- the keys of a spec are exactly the run flags (without --) that set parameters
# (--keys prints one row per key, the name first: type, default, unit, allowed values)
keys=$("$SGDLAB" sweep --keys | awk '{ print $1 }' | sort)
# (--init is a vector, an explicit initial point: library callers set spec.init; not a sweep key)
flags=$("$SGDLAB" run --help | awk '/^  --/ { print substr($1, 3) }' | grep -v -x -e threads -e format -e out -e db -e init | sort)
check "spec keys == sgdlab run parameter flags" test "$keys" = "$flags"

# ---- --keys --kind: the table of that kind (default run); a bad kind is refused naming --kind and the kinds
"$SGDLAB" sweep --keys > keys_def.txt
"$SGDLAB" sweep --keys --kind run > keys_run.txt
check "--keys == --keys --kind run" cmp -s keys_def.txt keys_run.txt
check "--keys: lr row: type, default, allowed" grep -qE '^lr +a finite number +default 0.001; allowed > 0$' keys_run.txt
"$SGDLAB" sweep --kind escape --keys > keys_esc.txt
check "--keys --kind escape: noise row lists the escape noises" \
    grep -qE '^noise +one of the names +default mori; allowed isotropic \| mori \|' keys_esc.txt
check "--keys --kind escape: x0 and t-max (unit), no run key" \
    sh -c 'grep -q "^x0 " keys_esc.txt && grep -qE "^t-max .*default 1e4; unit t = eta k" keys_esc.txt && ! grep -q "^steps " keys_esc.txt'
"$SGDLAB" sweep --keys --kind limit > keys_lim.txt
check "--keys --kind limit: T, dt, form and the run keys, no steps" \
    sh -c 'grep -q "^T " keys_lim.txt && grep -q "^dt " keys_lim.txt && grep -qE "^form .*allowed auto \| general \| closed" keys_lim.txt && grep -q "^model " keys_lim.txt && ! grep -q "^steps " keys_lim.txt'
"$SGDLAB" sweep --keys --kind walk > kout.txt 2> kerr.txt
rc=$?
check "--keys --kind walk: exit 2 (got $rc), nothing on stdout" test $rc -eq 2 -a ! -s kout.txt
check "--keys --kind walk: names --kind and the kinds" grep -q "^sgdlab: --kind: must be run, limit or escape, got 'walk'" kerr.txt
"$SGDLAB" sweep --keys --kind > kout.txt 2> kerr.txt
rc=$?
check "--keys --kind (no value): exit 2 (got $rc)" test $rc -eq 2 -a ! -s kout.txt
"$SGDLAB" sweep spec.yaml --kind escape > kout.txt 2> kerr.txt
rc=$?
check "--kind without --keys: exit 2 (got $rc), says --kind" sh -c "test $rc -eq 2 && grep -q -- '--kind: only used with --keys' kerr.txt"

# ---- every example spec expands and validates
nex=0
for f in "$EX"/*.yaml; do
    [ -e "$f" ] || continue
    nex=$((nex + 1))
    "$SGDLAB" sweep "$f" --list > ex.txt 2> err.txt
    rc=$?
    check "example $(basename "$f") expands ($(head -c 200 err.txt))" test $rc -eq 0 -a -s ex.txt
done
check "examples/*.yaml present ($nex)" test "$nex" -ge 2
n=$("$SGDLAB" sweep "$EX/noise-eta-seed.yaml" --list | wc -l)
check "examples/noise-eta-seed.yaml: 200 runs (got $n)" test "$n" -eq 200

# ---- expansion
n=$("$SGDLAB" sweep spec.yaml --list | wc -l)
check "--list: 2 x 2 x 2 = 8 runs (got $n)" test "$n" -eq 8
check "--list: no store created" test ! -e results.db
"$SGDLAB" sweep spec.yaml --list > list.txt
pycheck "run keys" - <<'EOF'
# run key = FNV-1a 64 of the canonical parameter text, then of the counter layout (1)
import json
ok, keys = 0, set()
lines = open("list.txt").read().splitlines()
for line in lines:
    i, k, t = line.split(" ", 2)
    h = 0xcbf29ce484222325
    for c in t.encode() + bytes([1]):
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    json.loads(t)
    ok += k == "%016x" % h
    keys.add(k)
print(("PASS" if ok == len(lines) == 8 else "FAIL") + ": %d of %d run keys are FNV-1a 64 of their canonical JSON" % (ok, len(lines)))
print(("PASS" if len(keys) == 8 else "FAIL") + ": 8 distinct run keys")
EOF

# ---- bad specs: exit 2, file:line:col, allowed values, no store written
bad() {   # DESC EXPECTED-SUBSTRING SPEC-TEXT
    printf '%s' "$3" > bad.yaml
    rm -f bad.db
    "$SGDLAB" sweep bad.yaml --db bad.db > out.txt 2> err.txt
    local rc=$?
    check "$1: exit 2 (got $rc)" test "$rc" -eq 2
    check "$1: message '$(head -c 200 err.txt)' has '$2'" grep -qF -- "$2" err.txt
    check "$1: no store written" test ! -e bad.db
}
bad "unknown key" "bad.yaml:3:3: base: unknown key 'etaa'; valid: model, noise," $'base:\n  model: diagnet\n  etaa: 1\n'
bad "wrong type" "bad.yaml:2:11: steps: must be a non-negative integer, got a list" $'base:\n  steps: [1, 2]\n'
bad "out of range" "bad.yaml:2:15: lr: must be a finite number > 0, got -1 (run 2 of 2)" $'grid:\n  lr: [0.001, -1]\n'
bad "unknown noise" "valid: none, label" $'grid:\n  noise: [label, levy]\n'
bad "not YAML" "bad.yaml:" $'base: [1, 2\n'
"$SGDLAB" sweep missing.yaml --db bad.db > /dev/null 2> err.txt
check "missing spec file: exit 2" test $? -eq 2
check "missing spec file: says so" grep -q "cannot read 'missing.yaml'" err.txt

# ---- a full sweep, then: existing store without --resume is an error
"$SGDLAB" sweep spec.yaml --db ref.db --quiet 2> err.txt
check "sweep into ref.db: exit 0" test $? -eq 0
check "sweep summary line" grep -q "8 runs executed" err.txt
nfin=$(sqlite3 ref.db "SELECT count(*) FROM runs WHERE status = 'finished'" 2>/dev/null || "$PY" -c "import sqlite3,sys; print(sqlite3.connect('ref.db').execute(\"SELECT count(*) FROM runs WHERE status='finished'\").fetchone()[0])")
check "8 finished runs in the store (got $nfin)" test "$nfin" -eq 8
jm=$("$PY" -c "import sqlite3; print(sqlite3.connect('ref.db').execute('PRAGMA journal_mode').fetchone()[0])")
check "store is in WAL mode (got $jm)" test "$jm" = wal
ndiv=$("$PY" -c "import sqlite3; print(sqlite3.connect('ref.db').execute(\"SELECT count(*) FROM events WHERE kind='diverged'\").fetchone()[0])")
check "lr 0.5 diverges: divergence events stored (got $ndiv)" test "$ndiv" -gt 0
cp ref.db ref-copy.db
"$SGDLAB" sweep spec.yaml --db ref.db --quiet 2> err.txt
check "existing store without --resume: exit 2" test $? -eq 2
check "existing store without --resume: says --resume" grep -q "already holds 8 runs; pass --resume" err.txt
"$SGDLAB" sweep spec.yaml --db ref.db --resume --quiet 2> err.txt
check "--resume of a finished sweep: exit 0" test $? -eq 0
check "--resume of a finished sweep: nothing executed" grep -q "0 runs executed (8 already finished" err.txt
check "--resume of a finished sweep: results unchanged" same ref.db ref-copy.db

# ---- resume equality: a store with some runs finished and one left 'started'
"$PY" - <<'EOF'
import shutil, sqlite3
shutil.copy("ref.db", "part.db")
db = sqlite3.connect("part.db")
ids = [r[0] for r in db.execute("SELECT run_id FROM runs ORDER BY run_id")]
# runs 4.. never happened; run 3 was started and killed before its commit
for i in ids[4:]:
    for t in ("series", "events", "estimates"):
        db.execute("DELETE FROM %s WHERE run_id = ?" % t, (i,))
    db.execute("DELETE FROM runs WHERE run_id = ?", (i,))
for t in ("series", "events", "estimates"):
    db.execute("DELETE FROM %s WHERE run_id = ?" % t, (ids[3],))
db.execute("UPDATE runs SET status = 'started', finished_at = NULL WHERE run_id = ?", (ids[3],))
db.commit()
EOF
"$SGDLAB" sweep spec.yaml --db part.db --resume --quiet 2> err.txt
check "resume: exit 0" test $? -eq 0
check "resume: 5 executed, 3 skipped, 1 redone" grep -q "5 runs executed (3 already finished and skipped, 1 unfinished redone)" err.txt
check "resume: same results as the uninterrupted sweep (bitwise)" same part.db ref.db

# ---- thread count does not change what is stored
"$SGDLAB" sweep spec.yaml --db t2.db --threads 2 --quiet 2> /dev/null
check "--threads 2 stores the same results" same t2.db ref.db

# ---- --no-store executes and writes nothing
"$SGDLAB" sweep spec.yaml --no-store --quiet 2> err.txt
check "--no-store: exit 0" test $? -eq 0
check "--no-store: 8 runs executed" grep -q "8 runs executed" err.txt
check "--no-store: no file" test ! -e results.db

# ---- run --db writes the same schema and, for the same parameters, the same rows
"$SGDLAB" run --model diagnet --d 20 --n 10 --kappa 2 --steps 3000 --every 1000 --trajectories 3 --noise label \
    --lr 0.001 --seed 1 --db run.db > run.txt 2> /dev/null
check "run --db: exit 0" test $? -eq 0
"$PY" - <<'EOF' > cmp.txt
import sqlite3
def rows(path):
    db = sqlite3.connect(path)
    key = db.execute("SELECT run_key FROM runs WHERE command = 'run'").fetchone() if path == "run.db" else None
    return key, db
k, a = rows("run.db")
b = sqlite3.connect("ref.db")
q = "SELECT s.observable, s.traj, s.step, s.t_eta, s.value FROM series s JOIN runs r USING(run_id) WHERE r.run_key = ? ORDER BY 1, 2, 3"
ra = [tuple(x.hex() if isinstance(x, float) else x for x in r) for r in a.execute(q, k)]
rb = [tuple(x.hex() if isinstance(x, float) else x for x in r) for r in b.execute(q, k)]
print("same" if ra and ra == rb else "differ %d %d" % (len(ra), len(rb)))
EOF
check "run --db: same run key and bitwise the same series as the sweep's run" grep -qx same cmp.txt

finish
