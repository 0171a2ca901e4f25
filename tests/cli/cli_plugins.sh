#!/usr/bin/env bash
# Model plugins (issue 12 items 3 and 6): a plugin copy of the built-in sphere
# (tests/plugins/sphere_copy.c) gives bitwise the built-in's run and limit
# results, also where trajectories diverge; a plugin that cannot be used (wrong
# ABI version, no symbol, no file, not a shared object, rejected parameters) is
# exit 2 naming --model-plugin / --plugin-param with nothing on stdout; the run
# key covers the plugin's content (plugin-hash = FNV-1a 64 of its bytes); the
# shipped example examples/plugins/relu2.c trains and is deterministic; check-model catches a wrong
# gradient; a landscape plugin copy of doublewell gives bitwise the built-in's escapes (well2d runs), also in
# an escape sweep (resumable; the plugin's content in the run key).
# usage: cli_plugins.sh SGDLAB [SCRATCH]; SGL_PLUGIN_DIR: the built plugins
set -u
. "$(dirname "$0")/common.sh" "$@"
P=${SGL_PLUGIN_DIR:?SGL_PLUGIN_DIR: the directory of the built test plugins}
D=$WORK/plugins
mkdir -p "$D"
cp "$P/sphere_copy.so" "$P/relu2.so" "$D/"
cd "$D" || exit 1

# (a) bitwise equal to the built-in: label noise, minibatch noise (B = 2), Gaussian noise, divergence
same_run() { # description args...
    local desc=$1
    shift
    "$SGDLAB" run --model sphere "$@" --format csv > a.csv 2> /dev/null
    local ra=$?
    "$SGDLAB" run --model-plugin ./sphere_copy.so "$@" --format csv > b.csv 2> /dev/null
    local rb=$?
    check "$desc: both exit $want" test $ra -eq "$want" -a $rb -eq "$want"
    check "$desc: bitwise the built-in's values" bash -c "test -s b.csv && tail -n +3 a.csv | cmp -s - <(tail -n +3 b.csv)"
}
COMMON=(--steps 3000 --every 500 --trajectories 5 --alpha 1.3)
want=0   # exit status expected of both: 1 when every trajectory diverged
same_run "label noise" --noise label --lr 0.01 --delta 0.5 "${COMMON[@]}"
same_run "minibatch B = 2" --noise minibatch --batch 2 --lr 0.02 "${COMMON[@]}"
same_run "gaussian" --noise gaussian --sigma 0.3 --sigma-scale sqrt-eta --lr 0.01 "${COMMON[@]}"
want=1 same_run "diverging (lr 2)" --noise label --lr 2 "${COMMON[@]}"
check "diverging (lr 2): the plugin's trajectories are counted diverged" grep -q ',1,[0-9][0-9]*$' b.csv
"$SGDLAB" limit --model sphere --noise label --T 0.5 --alpha 1.3 --trajectories 3 > la.txt 2> /dev/null
ra=$?
"$SGDLAB" limit --model-plugin ./sphere_copy.so --noise label --T 0.5 --alpha 1.3 --trajectories 3 > lb.txt 2> /dev/null
rb=$?
check "limit: both exit 0" test $ra -eq 0 -a $rb -eq 0
check "limit: bitwise the built-in's table (model name and wall seconds aside)" \
    bash -c "diff <(grep -v -e '^# sgdlab limit' -e '^wall seconds' la.txt) <(grep -v -e '^# sgdlab limit' -e '^wall seconds' lb.txt)"
check "limit: the plugin named" grep -q 'model sphere_copy' lb.txt

# (b) bad plugins and parameters: exit 2, the flag and the reason named, nothing on stdout
bad() { # description flag expected-message-part args...
    local desc=$1 flag=$2 pat=$3
    shift 3
    "$SGDLAB" "$@" > bad.out 2> bad.err
    local rc=$?
    check "$desc: exit 2 (got $rc)" test $rc -eq 2
    check "$desc: names $flag ($(head -c 200 bad.err))" grep -q -- "$flag.*$pat" bad.err
    check "$desc: nothing on stdout" test ! -s bad.out
}
printf 'not a shared object\n' > text.so
bad "wrong ABI version" --model-plugin "ABI version 99; this sgdlab loads version 1" run --model-plugin "$P/badabi.so" --steps 10
bad "no plugin symbol" --model-plugin "no symbol 'sgdlab_model_plugin'" run --model-plugin "$P/nosym.so" --steps 10
bad "no such file" --model-plugin "cannot open" run --model-plugin ./missing.so --steps 10
bad "not a shared object" --model-plugin "cannot load" run --model-plugin ./text.so --steps 10
bad "a directory" --model-plugin "not a regular file" run --model-plugin "$D" --steps 10
bad "limit: wrong ABI version" --model-plugin "ABI version" limit --model-plugin "$P/badabi.so" --T 0.1
bad "parameters to a plugin without any" --plugin-param "takes no parameters" \
    run --model-plugin ./sphere_copy.so --plugin-param w=1 --steps 10
bad "a parameter the plugin rejects" --plugin-param "relu2.*'depth=3': keys are width" \
    run --model-plugin ./relu2.so --plugin-param depth=3 --steps 10
bad "not key=value" --plugin-param "must be key=value pairs" run --model-plugin ./relu2.so --plugin-param width --steps 10
bad "plugin-param without a plugin" --plugin-param "only used with --model-plugin" run --plugin-param width=3 --steps 10
bad "--model with --model-plugin" --model "not used with --model-plugin" \
    run --model-plugin ./sphere_copy.so --model sphere --steps 10
bad "data keys with a data-free plugin" --d "not used with --model sphere_copy" \
    run --model-plugin ./sphere_copy.so --d 5 --steps 10

# (c) the run key covers the plugin's bytes; the path, the hash and the parameters are stored
R=(--steps 50 --every 50 --trajectories 2 --db s.db)
"$SGDLAB" run --model-plugin ./relu2.so "${R[@]}" > /dev/null 2>&1
cp sphere_copy.so relu2.so   # the same path, other content
"$SGDLAB" run --model-plugin ./relu2.so "${R[@]}" > /dev/null 2>&1
cp "$P/relu2.so" relu2.so
"$SGDLAB" run --model-plugin ./relu2.so --plugin-param width=3 "${R[@]}" > /dev/null 2>&1
"$SGDLAB" run --model diagnet "${R[@]}" > /dev/null 2>&1
"$SGDLAB" export s.db --table runs --format jsonl > runs.jsonl 2> /dev/null
check "export runs: exit 0" test $? -eq 0
pycheck "run keys" - runs.jsonl "$P/relu2.so" "$P/sphere_copy.so" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def fnv(path):
    h = 0xcbf29ce484222325
    for b in open(path, "rb").read():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
check(len(runs) == 4 and len({r["run_key"] for r in runs}) == 4, "four runs, four run keys (%d)" % len(runs))
p = [r["params"] for r in runs]
check(all(q.get("model-plugin") == "./relu2.so" and q.get("model") == "plugin" for q in p[:3]),
      "model plugin and its path stored")
check(p[0]["plugin-hash"] == fnv(sys.argv[2]) and p[1]["plugin-hash"] == fnv(sys.argv[3]),
      "plugin-hash is FNV-1a 64 of the file's bytes (%s, %s)" % (p[0]["plugin-hash"], p[1]["plugin-hash"]))
check(p[2].get("plugin-param") == "width=3" and "plugin-param" not in p[0], "plugin-param stored when given")
check(not any(k.startswith("plugin") or k == "model-plugin" for k in p[3]), "a built-in model's run has no plugin keys")
PY

"$SGDLAB" export s.db --format csv > series.csv 2> /dev/null
check "export series: the plugin columns (model-plugin, plugin-param) when a run has them" \
    bash -c "head -1 series.csv | grep -q ',model-plugin,plugin-param,'"

# (d) the example: trains, deterministic for any thread count, parameters in any order
EX=(run --model-plugin ./relu2.so --d 10 --n 100 --noise label --delta 0.2 --lr 0.02 --steps 4000 --every 4000 --trajectories 4)
"$SGDLAB" "${EX[@]}" --plugin-param width=6 --plugin-param teacher-seed=3 --threads 1 --format csv > r1.csv 2> /dev/null
check "relu2: exit 0" test $? -eq 0
"$SGDLAB" "${EX[@]}" --plugin-param teacher-seed=3,width=6 --threads 2 --format csv > r2.csv 2> /dev/null
check "relu2: the same bits with 2 threads and the parameters in another order" cmp -s r1.csv r2.csv
pycheck "relu2 trains" - r1.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
first = {r["traj"]: float(r["train_loss"]) for r in rows if r["step"] == "0"}
last = {r["traj"]: float(r["train_loss"]) for r in rows if r["step"] == "4000"}
check(len(first) == 4 and all(last[t] < 0.2 * first[t] for t in first),
      "every trajectory's loss fell below 1/5 of its start: %s -> %s" % (first, last))
PY
# (e) check-model (item 5): a deliberately wrong gradient is caught, named with its coordinate and values;
# correct models (the plugins, every built-in) pass
"$SGDLAB" check-model --model-plugin "$P/badgrad.so" > ck.out 2> ck.err
check "check-model, wrong gradient: exit 1 (got $?)" test $? -eq 1
check "check-model, wrong gradient: stderr names the gradient and coordinate 1 with observed and expected values" \
    grep -q 'check-model: gradient of model badgrad is wrong: at coordinate 1 observed -0.0082124680619153154, expected -0.00813115649812055' ck.err
check "check-model, wrong gradient: the table marks it" grep -q '^gradient *WRONG .* theta 1 ' ck.out
check "check-model, wrong gradient: residuals and symmetry pass" bash -c "grep -q '^residuals *ok' ck.out && grep -q '^symmetry *ok' ck.out"
"$SGDLAB" check-model --model-plugin ./sphere_copy.so > ck.out 2>&1
check "check-model sphere_copy: exit 0, d3 checked" bash -c "test $? -eq 0 && grep -q '^d3 *ok' ck.out"
"$SGDLAB" check-model --model-plugin ./relu2.so --plugin-param width=3 --d 6 --n 30 > ck.out 2>&1
check "check-model relu2: exit 0, trace checked" bash -c "test $? -eq 0 && grep -q '^trace *ok' ck.out"
for m in $("$SGDLAB" list | awk '/^models:/ { on = 1; next } /^[a-z]/ { on = 0 } on { print $1 }'); do
    "$SGDLAB" check-model --model "$m" > ck.out 2>&1
    rc=$?
    check "check-model --model $m: exit 0 ($(grep -c ' ok ' ck.out) checks ok)" test $rc -eq 0
done
bad "check-model with a flag it does not read" --steps "not used by check-model" check-model --model sphere --steps 3
# (f) landscape plugins (item 3): a plugin copy of doublewell gives bitwise the built-in's first passages;
# the example well2d runs; a model plugin is not a landscape plugin (exit 2)
ESC=(--noise mori --L0 0.5 --trajectories 40 --t-max 200 --seed 3)
"$SGDLAB" escape --landscape doublewell "${ESC[@]}" --db ea.db > /dev/null 2>&1
ra=$?
"$SGDLAB" escape --landscape-plugin "$P/dw_copy.so" "${ESC[@]}" --db eb.db > eb.txt 2>&1
rb=$?
check "escape doublewell and its plugin copy: both exit 0" test $ra -eq 0 -a $rb -eq 0
"$SGDLAB" export ea.db --table events --format jsonl > ea.jsonl 2> /dev/null
"$SGDLAB" export eb.db --table events --format jsonl > eb.jsonl 2> /dev/null
"$SGDLAB" export eb.db --table runs --format jsonl > ebr.jsonl 2> /dev/null
pycheck "escape plugin copy" - ea.jsonl eb.jsonl ebr.jsonl "$P/dw_copy.so" <<'PY'
import json, sys
def ev(path):
    return [(r["traj"], r["kind"], r["time"].hex() if isinstance(r["time"], float) else r["time"], r["censored"],
             r["value"].hex() if isinstance(r["value"], float) else r["value"]) for r in map(json.loads, open(path))]
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
a, b = ev(sys.argv[1]), ev(sys.argv[2])
check(len(a) == 40 and a == b, "40 first passages, bitwise the built-in's (%d, %d)" % (len(a), len(b)))
check(any(e[1] == "first_passage" and not e[3] for e in a), "some trajectories escaped")
h = 0xcbf29ce484222325
for byte in open(sys.argv[4], "rb").read():
    h = ((h ^ byte) * 0x100000001b3) & 0xffffffffffffffff
p = json.loads(open(sys.argv[3]).readline())["params"]
check(p.get("landscape-plugin", "").endswith("dw_copy.so") and p.get("plugin-hash") == "%016x" % h
      and p.get("landscape", "").startswith("dw_copy@"), "stored: landscape-plugin, its plugin-hash, the name")
PY
"$SGDLAB" escape --landscape-plugin "$P/well2d.so" --n-dim 2 --a 1 --h 4 --noise isotropic --D 0.15 \
    --trajectories 100 --t-max 300 > w.txt 2>&1
rc=$?
check "well2d example: exit 0 (got $rc)" test $rc -eq 0
# (g) escape sweeps with a landscape plugin: each run loads it and has its plugin-hash in its run key, the runs
# are the `escape --landscape-plugin --db` runs of the same parameters, --resume skips them, and a changed
# plugin file is new runs
cp "$P/dw_copy.so" ./dwc.so
printf 'kind: escape\nbase: {landscape-plugin: ./dwc.so, noise: mori, L0: 0.5, trajectories: 20, t-max: 100}\ngrid:\n  seed: [3, 4]\n' > lsw.yaml
"$SGDLAB" sweep lsw.yaml --db lsw.db --quiet > /dev/null 2> lsw.err
rc=$?
check "escape sweep with a landscape plugin: exit 0 (got $rc: $(head -c 300 lsw.err))" test $rc -eq 0
"$SGDLAB" escape --landscape-plugin ./dwc.so --noise mori --L0 0.5 --trajectories 20 --t-max 100 --seed 4 \
    --db one.db > /dev/null 2>&1
check "escape --landscape-plugin --db of one grid point: exit 0" test $? -eq 0
"$SGDLAB" sweep lsw.yaml --db lsw.db --resume > /dev/null 2> lsw2.err
check "escape sweep --resume with a landscape plugin: nothing executed" grep -q "0 runs executed.*2 already finished" lsw2.err
printf 'changed' >> dwc.so   # still loads (bytes past the ELF sections), another content hash
"$SGDLAB" sweep lsw.yaml --db lsw.db --resume > /dev/null 2> lsw3.err
check "escape sweep --resume after the plugin changed: its 2 runs are new runs" grep -q "2 runs executed" lsw3.err
pycheck "landscape plugin sweep" - lsw.db one.db <<'PY'
import sqlite3, sys
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
a, b = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
runs = a.execute("SELECT run_key, seed, json_extract(params, '$.plugin-hash'), status FROM runs ORDER BY run_id").fetchall()
check(len(runs) == 4 and all(r[3] == "finished" for r in runs), "4 finished runs in the store: %s" % (runs,))
check(len({r[2] for r in runs}) == 2 and len({r[0] for r in runs}) == 4, "two plugin hashes, four run keys")
key1, = b.execute("SELECT run_key FROM runs").fetchone()
check(key1 == runs[1][0], "the sweep's seed-4 run has the key of escape --db (%s, %s)" % (key1, runs[1][0]))
ev = "SELECT e.traj, e.time FROM events e JOIN runs r USING(run_id) WHERE r.run_key = ? ORDER BY e.traj, e.kind"
check(a.execute(ev, (key1,)).fetchall() == b.execute(ev, (key1,)).fetchall() != [], "the same first passages")
PY
# (h) run and limit sweeps with a model plugin (before: refused, "not resolved"): each run's plugin-hash is in its run
# key, the run is the `run --model-plugin --db` / `limit --model-plugin --db` run of the same parameters with the
# same results, --resume skips them, a changed plugin file is new runs, a bad plugin is refused at load
cp "$P/sphere_copy.so" ./spc.so
printf 'base: {model-plugin: ./spc.so, noise: label, lr: 0.01, steps: 400, every: 200, trajectories: 2, alpha: 1.3}\ngrid:\n  seed: [3, 4]\n' > msw.yaml
printf 'kind: limit\nbase: {model-plugin: ./spc.so, noise: label, T: 0.2, alpha: 1.3, trajectories: 2}\ngrid:\n  seed: [3, 4]\n' > mlw.yaml
"$SGDLAB" sweep msw.yaml --db msw.db --quiet > /dev/null 2> msw.err
rc=$?
check "run sweep with a model plugin: exit 0 (got $rc: $(head -c 300 msw.err))" test $rc -eq 0
"$SGDLAB" sweep mlw.yaml --db mlw.db --quiet > /dev/null 2> mlw.err
rc=$?
check "limit sweep with a model plugin: exit 0 (got $rc: $(head -c 300 mlw.err))" test $rc -eq 0
"$SGDLAB" run --model-plugin ./spc.so --noise label --lr 0.01 --steps 400 --every 200 --trajectories 2 --alpha 1.3 \
    --seed 4 --db mone.db > /dev/null 2>&1
check "run --model-plugin --db of one grid point: exit 0" test $? -eq 0
"$SGDLAB" limit --model-plugin ./spc.so --noise label --T 0.2 --alpha 1.3 --trajectories 2 --seed 4 --db mone.db \
    > /dev/null 2>&1
check "limit --model-plugin --db of one grid point: exit 0" test $? -eq 0
"$SGDLAB" sweep msw.yaml --db msw.db --resume > /dev/null 2> msw2.err
check "run sweep --resume with a model plugin: nothing executed" grep -q "0 runs executed.*2 already finished" msw2.err
printf 'changed' >> spc.so   # still loads (bytes past the ELF sections), another content hash
"$SGDLAB" sweep msw.yaml --db msw.db --resume > /dev/null 2> msw3.err
check "run sweep --resume after the plugin changed: its 2 runs are new runs" grep -q "2 runs executed" msw3.err
pycheck "model plugin sweeps" - msw.db mlw.db mone.db <<'PY'
import sqlite3, sys
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
a, l, b = (sqlite3.connect(f) for f in sys.argv[1:4])
q = "SELECT run_key, seed, json_extract(params, '$.plugin-hash'), status FROM runs ORDER BY run_id"
runs = a.execute(q).fetchall()
check(len(runs) == 4 and all(r[3] == "finished" for r in runs), "4 finished run-sweep runs (2 after the change): %s" % (runs,))
check(len({r[2] for r in runs}) == 2 and len({r[0] for r in runs}) == 4, "the changed plugin has another hash; four run keys")
lim = l.execute(q).fetchall()
check(len(lim) == 2 and all(r[3] == "finished" for r in lim), "2 finished limit-sweep runs: %s" % (lim,))
est = "SELECT e.name, e.step, e.mean, e.se FROM estimates e JOIN runs r USING(run_id) WHERE r.run_key = ? ORDER BY 1, 2"
for kind, db, i, rid in (("run", a, 1, 1), ("limit", l, 1, 2)):
    key = b.execute("SELECT run_key FROM runs WHERE run_id = ?", (rid,)).fetchone()[0]
    got = db.execute(q).fetchall()[i][0]
    check(key == got, "the sweep's seed-4 %s run has the key of %s --model-plugin --db (%s, %s)" % (kind, kind, key, got))
    check(db.execute(est, (key,)).fetchall() == b.execute(est, (key,)).fetchall() != [], "%s: the same estimates" % kind)
PY
printf 'base: {model-plugin: %s, steps: 10}\ngrid:\n  seed: [1, 2]\n' "$P/badabi.so" > mbad.yaml
"$SGDLAB" sweep mbad.yaml --db mbad.db > bad.out 2> bad.err
rc=$?
check "sweep with a bad model plugin: exit 2 (got $rc)" test $rc -eq 2
check "sweep with a bad model plugin: names the key and the reason ($(head -c 200 bad.err))" grep -q "model-plugin.*ABI version" bad.err
check "sweep with a bad model plugin: no store written" test ! -e mbad.db
bad "a model plugin as a landscape" --landscape-plugin "no symbol 'sgdlab_landscape_plugin'" \
    escape --landscape-plugin ./sphere_copy.so --trajectories 4
bad "--landscape with --landscape-plugin" --landscape "not used with --landscape-plugin" \
    escape --landscape moriwell --landscape-plugin "$P/dw_copy.so" --trajectories 4
bad "landscape plugin: a key it does not read" --h "not used with --landscape dw_copy@" \
    escape --landscape-plugin "$P/dw_copy.so" --h 2 --trajectories 4
finish
