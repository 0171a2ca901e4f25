#!/usr/bin/env bash
# --data csv with a ground truth (--truth-file): test error and off-support
# count are reported on external data and equal hand-computed values; the run
# key covers the truth file's content (like data-hash) and runs without one
# keep their keys; bad truth files and misplaced flags are exit 2 naming
# --truth-file, with nothing written.
# usage: cli_truth_file.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

D=$WORK/truth
mkdir -p "$D"
printf 'x1,x2,x3,y\n1,0,0,1\n0,1,0,2\n0,0,1,0\n1,1,0,3\n' > "$D/d.csv"
printf '# w*\n1\n2\n0\n' > "$D/t.txt"
printf '1, 2 0\n' > "$D/t_oneline.txt"
RUN=(run --model linreg --noise none --data csv --data-file "$D/d.csv" --lr 0.1 --steps 1 --every 1 --trajectories 1)

"$SGDLAB" "${RUN[@]}" --truth-file "$D/t.txt" --format jsonl > "$D/a.jsonl" 2> "$D/a.err"
check "run with --truth-file: exit 0" test $? -eq 0
# By hand: theta0 = (1,1,1); residuals f - y = (0, -1, 1, -1); GD on L = (1/4) sum 0.5 r^2:
# grad = (1/4)(-1, -2, 1); theta1 = theta0 - 0.1 grad = (1.025, 1.05, 0.975);
# test_error = ||theta1 - w*||^2 = 0.025^2 + 0.95^2 + 0.975^2 = 1.85375 (step 0: 0 + 1 + 1 = 2);
# off_support: w*_3 = 0 and |theta1_3| > 0.01, so 1.
pycheck "test error by hand" - "$D/a.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
h = recs[0]
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
check("test_error" in h["observables"] and "off_support" in h["observables"], "test_error and off_support are logged")
check(h["params"].get("truth") == "file" and h["params"].get("truth_file", "").endswith("t.txt"),
      "the header names the truth file (truth: file, truth_file)")
rows = {r["step"]: r for r in recs if "traj" in r}
check(rows[0]["test_error"] == 2, "step 0: test_error = 2 (got %r)" % rows[0]["test_error"])
te = rows[1]["test_error"]
check(abs(te - 1.85375) <= 1e-12, "step 1: test_error = 1.85375 by hand (got %.17g)" % te)
check(rows[1]["off_support"] == 1, "step 1: off_support = 1 (got %r)" % rows[1]["off_support"])
PY
"$SGDLAB" "${RUN[@]}" --truth-file "$D/t_oneline.txt" --format jsonl > "$D/b.jsonl" 2>/dev/null
check "a truth file on one line, commas or blanks: the same results" \
    bash -c "tail -n +2 '$D/a.jsonl' | cmp -s - <(tail -n +2 '$D/b.jsonl')"
"$SGDLAB" "${RUN[@]}" --format jsonl > "$D/c.jsonl" 2>/dev/null
check "without --truth-file: no test_error" bash -c "! head -1 '$D/c.jsonl' | grep -q test_error"

# the run key: covers the truth file's bytes, and only runs that have one
"$SGDLAB" "${RUN[@]}" --truth-file "$D/t.txt" --db "$D/s.db" --format jsonl > /dev/null 2>&1
"$SGDLAB" "${RUN[@]}" --db "$D/s.db" --format jsonl > /dev/null 2>&1
printf '1\n2\n0.5\n' > "$D/t2.txt"
"$SGDLAB" "${RUN[@]}" --truth-file "$D/t2.txt" --db "$D/s.db" --format jsonl > /dev/null 2>&1
"$SGDLAB" export "$D/s.db" --table runs --format jsonl > "$D/runs.jsonl" 2>/dev/null
check "export runs: exit 0" test $? -eq 0
pycheck "run keys" - "$D/runs.jsonl" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def check(ok, what): print(("PASS: " if ok else "FAIL: ") + what)
check(len(runs) == 3 and len({r["run_key"] for r in runs}) == 3, "three distinct run keys (truth, none, other truth)")
p = [r["params"] for r in runs]
k = list(p[0])
check("truth-hash" in k and "data-hash" in k and p[0]["truth-file"].endswith("t.txt")
      and k.index("data-hash") < k.index("truth-file") == k.index("truth-hash") - 1,
      "params hold truth-file, then truth-hash, after data-hash")
check("truth-file" not in p[1] and "truth-hash" not in p[1], "a run without a truth file has neither key")
check(p[0]["truth-hash"] != p[2]["truth-hash"], "another truth file content: another truth-hash")
PY

# bad input: exit 2, one message naming --truth-file, nothing on stdout
bad() { # description expected-message-part args...
    local desc=$1 pat=$2
    shift 2
    "$SGDLAB" "$@" > "$D/bad.out" 2> "$D/bad.err"
    local rc=$?
    check "$desc: exit 2" test $rc -eq 2
    check "$desc: names --truth-file" grep -q -- "--truth-file.*$pat" "$D/bad.err"
    check "$desc: nothing on stdout" test ! -s "$D/bad.out"
}
printf '1\n2\n' > "$D/short.txt"
printf '1\n2\nx\n' > "$D/nan.txt"
bad "too few values" "has 2 values; the data file has d = 3" "${RUN[@]}" --truth-file "$D/short.txt"
bad "a non-number" "expected finite numbers" "${RUN[@]}" --truth-file "$D/nan.txt"
bad "a missing file" "cannot open" "${RUN[@]}" --truth-file "$D/none.txt"
bad "a directory" "not a regular file" "${RUN[@]}" --truth-file "$D"
bad "generated data" "only used with --data csv" run --model linreg --noise none --truth-file "$D/t.txt" --steps 1
"$SGDLAB" sweep --keys > "$D/keys" 2>&1
check "sweep --keys lists truth-file" grep -q "^truth-file " "$D/keys"
finish
