#!/usr/bin/env bash
# sgdlab escape: the issue's example runs; --json has the promised keys; the
# same seed gives the same numbers for 1 and 2 threads; bad specs exit 2 with
# the flag named and write nothing to stdout.
. "$(dirname "$0")/common.sh" "$@"

out=$("$SGDLAB" escape --landscape doublewell --L0 0.5 --a 1 --noise mori --B-over-eta 40 --dynamics sde \
      --trajectories 200 --t-max 1e5 2>"$WORK/err")
check "issue example exits 0" test $? -eq 0
check "table has MFPT and rate rows with units" bash -c 'grep -q "MFPT (mean).*t = eta k" <<<"$1" && grep -q "rate (censored exp. MLE).*1/t" <<<"$1" && grep -q "steps k" <<<"$1"' _ "$out"
check "header counts escaped / censored / diverged" bash -c 'grep -q "escaped [0-9]*, censored [0-9]* .*diverged [0-9]*" <<<"$1"' _ "$out"

j1=$("$SGDLAB" escape --noise isotropic --D 0.25 --lr 0.002 --event next-min --trajectories 300 --t-max 1e4 --json --threads 1 2>/dev/null)
j2=$("$SGDLAB" escape --noise isotropic --D 0.25 --lr 0.002 --event next-min --trajectories 300 --t-max 1e4 --json --threads 2 2>/dev/null)
pycheck "json keys" - "$j1" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
ok = all(k in d for k in ("mfpt", "rate", "escaped", "censored", "diverged", "time_unit", "theory"))
ok = ok and all(k in d["mfpt"] for k in ("mean", "se", "ci")) and all(k in d["rate"] for k in ("value", "se", "ci"))
ok = ok and d["escaped"] + d["censored"] + d["diverged"] == 300 and d["mfpt"]["ci"][0] < d["mfpt"]["mean"] < d["mfpt"]["ci"][1]
print(("PASS" if ok else "FAIL") + ": --json has mfpt/rate (mean|value, se, ci), counts, time unit, theory")
PY
check "threads 1 and 2 give identical JSON apart from timing" bash -c \
  'diff <(sed "s/\"seconds\":[^,]*,//" <<<"$1") <(sed "s/\"seconds\":[^,]*,//" <<<"$2") >/dev/null' _ "$j1" "$j2"

bad() {   # bad DESCRIPTION FLAG-IN-MESSAGE ARGS...
    local desc=$1 flag=$2
    shift 2
    local o e rc
    o=$("$SGDLAB" escape "$@" 2>"$WORK/e")
    rc=$?
    e=$(cat "$WORK/e")
    if [ $rc -eq 2 ] && [ -z "$o" ] && grep -q -- "$flag" <<<"$e"; then pass "$desc (exit 2, names $flag)"
    else fail "$desc: rc=$rc stdout='$o' stderr='$e'"; fi
}
bad "unknown landscape" "--landscape" --landscape volcano
bad "noise the dynamics cannot use" "--dynamics" --noise isotropic --D 0.1 --dynamics mori-tc
bad "t_max <= 0" "--t-max" --t-max 0
bad "negative t_max" "--t-max" --t-max -5
bad "start outside the basin" "--x0" --x0 -0.5
bad "hyperplane on a landscape without saddle (given: the default is loss there)" "--event" --landscape quadratic --event hyperplane
bad "--D with mori noise" "--D" --D 0.1
bad "--B without --lr" "--B" --B 4
bad "unknown noise" "--noise" --noise pink
bad "unknown flag" "--bogus" --bogus 1
bad "x0 of the wrong length" "--x0" --landscape moriwell --n-dim 2 --x0 1
bad "mori with L* = 0" "--L0" --L0 0
bad "--c with the hyperplane event" "--c" --c 3
bad "--bridge with sgd dynamics (a discrete process has no bridge)" "--bridge" --dynamics sgd --bridge on
bad "--bridge with an unknown value" "--bridge" --bridge maybe
# --db: every trajectory's first passage is one event and the two estimates
# are stored with the printed values (bitwise); repeating the run replaces its
# rows instead of adding to them; an unusable store is a clear error
esc="--landscape doublewell --L0 0.5 --a 1 --noise mori --B-over-eta 40 --dynamics sde --trajectories 100 --t-max 1e3"
# shellcheck disable=SC2086
"$SGDLAB" escape $esc --json --db "$WORK/esc.db" > "$WORK/db1.json" 2>/dev/null; rc=$?
check "escape --db exits 0 (got $rc)" test "$rc" -eq 0
# shellcheck disable=SC2086
"$SGDLAB" escape $esc --json --db "$WORK/esc.db" > /dev/null 2>&1
cat > "$WORK/db.py" <<'PY'
import json, sqlite3, sys
def ok(c, m): print(("PASS: " if c else "FAIL: ") + m)
j = json.load(open(sys.argv[1])); db = sqlite3.connect(sys.argv[2])
runs = db.execute("select command, status, n_traj from runs").fetchall()
ok(runs == [("escape", "finished", 100)], "one finished escape run with 100 trajectories: %s" % runs)
ev = db.execute("select count(*), sum(censored) from events where kind = 'first_passage'").fetchone()
ok(ev[0] == 100 and ev[1] == j["censored"], "100 events (after a repeat), censored = %s: %s" % (j["censored"], ev))
m = db.execute("select mean, se from estimates where name = 'mfpt'").fetchone()
ok(m is not None and m[0].hex() == float(j["mfpt"]["mean"]).hex() and m[1].hex() == float(j["mfpt"]["se"]).hex(),
   "stored MFPT mean and SE equal the printed ones bitwise")
k = db.execute("select mean from estimates where name = 'rate'").fetchone()
ok(k is not None and k[0].hex() == float(j["rate"]["value"]).hex(), "stored rate equals the printed one bitwise")
PY
pycheck "escape --db" "$WORK/db.py" "$WORK/db1.json" "$WORK/esc.db"
# shellcheck disable=SC2086
"$SGDLAB" escape $esc --db "$WORK/no/such/dir/x.db" > "$WORK/dbout" 2>"$WORK/dberr"; rc=$?
check "escape --db in a missing directory exits 1 (got $rc)" test "$rc" -eq 1
check "... naming --db" grep -q -- "--db" "$WORK/dberr"
check "... and prints no result" test ! -s "$WORK/dbout"
finish
