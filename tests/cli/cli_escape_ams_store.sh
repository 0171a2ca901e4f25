#!/usr/bin/env bash
# sgdlab escape --method ams --db: a splitting run goes through the library's store life cycle (the one every
# escape run uses): the stored estimates (p, T_first, T_loop, T_reactive, MFPT, rate with SE and CI) and the
# diagnostics equal --json's bit for bit (%.17g of both compared); report shows the run's MFPT with its CI (a
# one-run group pools the run's splitting runs exactly as the run did: the same bits); a re-run of the same spec
# is not redone and changes nothing; a second seed is a second run, pooled with the first in the report; bad
# splitting options fail with exit 2 before the store is created.  Deterministic (fixed seeds): no statistical
# check here (tests/test_ams.c and cli_escape_ams hold those).
. "$(dirname "$0")/common.sh" "$@"

DB=$WORK/a.db
args=(escape --landscape doublewell --L0 0.05 --noise mori --B-over-eta 40 --method ams --replicas 30 --ams-runs 3
      --t-max 1e6 --seed 3)
"$SGDLAB" "${args[@]}" --db "$DB" --json >"$WORK/j1" 2>"$WORK/e1"; rc=$?
check "ams --db exits 0" test "$rc" -eq 0
"$SGDLAB" export "$DB" --table estimates --format jsonl >"$WORK/est" 2>&1; rc1=$?
"$SGDLAB" export "$DB" --table events --format jsonl >"$WORK/ev" 2>&1; rc2=$?
"$SGDLAB" export "$DB" --table runs --format jsonl >"$WORK/runs1" 2>&1; rc3=$?
"$SGDLAB" report "$DB" --format jsonl >"$WORK/rep" 2>&1; rc4=$?
"$SGDLAB" report "$DB" >"$WORK/rept" 2>&1; rc5=$?
check "export (estimates, events, runs) and report exit 0" test "$rc1$rc2$rc3$rc4$rc5" = 00000
pycheck "stored numbers equal --json's" - "$WORK/j1" "$WORK/est" "$WORK/ev" "$WORK/runs1" "$WORK/rep" "$WORK/rept" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
est = {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    est[r["name"]] = r
ev = [json.loads(l) for l in open(sys.argv[3])]
runs = [json.loads(l) for l in open(sys.argv[4])]
rep = [json.loads(l) for l in open(sys.argv[5])]
rept = open(sys.argv[6]).read()
a = j["ams"]
f = lambda x: "%.17g" % x
def same(name, got, want):
    ok = f(got) == f(want)
    print("%s: %s stored %s, --json %s" % ("PASS" if ok else "FAIL", name, f(got), f(want)))
same("mfpt", est["mfpt"]["mean"], j["mfpt"]["mean"])
same("mfpt se", est["mfpt"]["se"], j["mfpt"]["se"])
same("mfpt ci_lo", est["mfpt"]["ci_lo"], j["mfpt"]["ci"][0])
same("mfpt ci_hi", est["mfpt"]["ci_hi"], j["mfpt"]["ci"][1])
same("rate", est["rate"]["mean"], j["rate"]["value"])
same("rate se", est["rate"]["se"], j["rate"]["se"])
same("rate ci_lo", est["rate"]["ci_lo"], j["rate"]["ci"][0])
same("rate ci_hi", est["rate"]["ci_hi"], j["rate"]["ci"][1])
same("p", est["p"]["mean"], a["p"])
same("p se", est["p"]["se"], a["p_se"])
same("p ci_lo", est["p"]["ci_lo"], a["ci"][0])
for piece in ("t_first", "t_loop", "t_reactive"):
    same(piece, est[piece]["mean"], a[piece])
    same(piece + " se", est[piece]["se"], a[piece + "_se"])
for d, k in (("iterations", "iterations"), ("evaluations", "evaluations"), ("replicas", "replicas"),
             ("clones", "clones"), ("runs", "runs"), ("z_A", "z_A"), ("z_sigma", "z_sigma"),
             ("extinct_runs", "extinct_runs"), ("capped", "capped")):
    same("diagnostic " + d, est[d]["mean"], a[k])
kinds = sorted(set(e["kind"] for e in ev))
print("%s: one event of each kind per splitting run: %s x %d" % ("PASS" if kinds == ["ams_p", "ams_t_first",
      "ams_t_loop", "ams_t_reactive"] and len(ev) == 4 * a["runs"] else "FAIL", kinds, len(ev)))
ok = len(runs) == 1 and runs[0]["status"] == "finished" and runs[0]["params"]["method"] == "ams" \
     and runs[0]["params"]["replicas"] == 30 and runs[0]["params"]["ams-runs"] == 3 and runs[0]["n_traj"] == 90
print("%s: one finished run; its canonical parameters name method, replicas, ams-runs" % ("PASS" if ok else "FAIL"))
g = rep[0] if len(rep) == 1 else {}
same("report mfpt (one-run group)", g.get("mfpt", 0.0), j["mfpt"]["mean"])
same("report mfpt_ci_lo", g.get("mfpt_ci_lo", 0.0), j["mfpt"]["ci"][0])
same("report mfpt_ci_hi", g.get("mfpt_ci_hi", 0.0), j["mfpt"]["ci"][1])
same("report rate", g.get("rate", 0.0), j["rate"]["value"])
ok = g.get("runs") == 1 and g.get("n") == 3 and g.get("method") == "ams" and g.get("time_unit") == "t"
print("%s: report group: 1 run, 3 splitting runs, method ams, unit t: %s" % ("PASS" if ok else "FAIL", g))
cell = "%.6g +- %.2g" % (j["mfpt"]["mean"], j["mfpt"]["se"])
ok = "# method ams runs" in rept and cell in rept
print("%s: report table says how ams groups are pooled and shows '%s'" % ("PASS" if ok else "FAIL", cell))
PY

# the same spec again: not redone, nothing changed, stdout empty, stderr says so
out=$("$SGDLAB" "${args[@]}" --db "$DB" --json 2>"$WORK/e2"); rc=$?
"$SGDLAB" export "$DB" --table runs --format jsonl >"$WORK/runs2" 2>&1
"$SGDLAB" export "$DB" --table estimates --format jsonl >"$WORK/est2" 2>&1
check "re-run of a finished ams run: exit 0, nothing printed, 'not redone' on stderr" \
    bash -c '[ "$1" -eq 0 ] && [ -z "$2" ] && grep -q "is finished in .*not redone" "$3"' _ "$rc" "$out" "$WORK/e2"
check "re-run changed nothing in the store (runs and estimates exported byte-identical)" \
    bash -c 'cmp -s "$1" "$2" && cmp -s "$3" "$4"' _ "$WORK/runs1" "$WORK/runs2" "$WORK/est" "$WORK/est2"

# a second seed: a second run; the report pools the 6 splitting runs of the two
"$SGDLAB" "${args[@]}" --seed 4 --db "$DB" --json >"$WORK/j2" 2>/dev/null
"$SGDLAB" report "$DB" --format jsonl >"$WORK/rep2" 2>&1
pycheck "two seeds pooled" - "$WORK/rep2" "$WORK/j1" "$WORK/j2" <<'PY'
import json, sys
rep = [json.loads(l) for l in open(sys.argv[1])]
j1, j2 = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
g = rep[0] if len(rep) == 1 else {}
lo, hi = sorted((j1["mfpt"]["mean"], j2["mfpt"]["mean"]))
ok = j1["seed"] == 3 and j2["seed"] == 4 and g.get("runs") == 2 and g.get("n") == 6 and lo <= g["mfpt"] <= hi
print("%s: one group of 2 runs, 6 splitting runs, its MFPT %s between the two runs' %s, %s" %
      ("PASS" if ok else "FAIL", g.get("mfpt"), lo, hi))
PY

bad() {   # bad NAME ARGS...: exit 2 naming NAME, no store created
    local name=$1; shift
    rm -f "$WORK/bad.db"
    "$SGDLAB" escape "$@" --db "$WORK/bad.db" >"$WORK/bad.out" 2>"$WORK/bad.err"; rc=$?
    check "bad: $* --db -> exit 2 naming $name, no store" \
        bash -c '[ "$1" -eq 2 ] && [ ! -s "$2" ] && grep -q -- "$3" "$4" && [ ! -e "$5" ]' _ "$rc" "$WORK/bad.out" \
        "$name" "$WORK/bad.err" "$WORK/bad.db"
}
bad --event --method ams --event none
bad --kill --method ams --replicas 10 --kill 10
bad --start --method ams --start burn-in --burn-in 1
bad --ams-z-sigma --method ams --ams-z-a 0.1
finish
