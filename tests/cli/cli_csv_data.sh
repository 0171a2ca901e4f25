#!/usr/bin/env bash
# --data csv: linear regression on a small CSV with exactly linear labels
# y = 1.5 x_1 - 2 x_2 + 0.5 x_3 converges (train_loss < 1e-6, ||w|| -> ||w*||),
# no ground-truth observables are reported, and the CSV reader accepts the
# usual variants (CRLF, no final newline, no header, comments) identically.
# usage: cli_csv_data.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

D=$WORK/csvdata
mkdir -p "$D"
N=24
gen() { # header(0/1) eol
    awk -v n="$N" -v hdr="$1" -v eol="$2" 'BEGIN {
        if (hdr) printf "x_1,x_2,x_3,y%s", eol
        for (i = 1; i <= n; i++) {
            x1 = ((i * 7) % 11 - 5) / 5; x2 = ((i * 3) % 7 - 3) / 3; x3 = ((i * 5) % 13 - 6) / 6
            printf "%.17g,%.17g,%.17g,%.17g%s", x1, x2, x3, 1.5 * x1 - 2 * x2 + 0.5 * x3, eol
        }
    }'
}
gen 1 '\n' > "$D/f.csv"
gen 0 '\n' > "$D/nohdr.csv"
gen 1 '\r\n' > "$D/crlf.csv"
gen 1 '\n' | head -c -1 > "$D/nofinalnl.csv"
{ printf '# linear data, y = 1.5 x_1 - 2 x_2 + 0.5 x_3\n'; gen 1 '\n'; } > "$D/comment_hdr.csv"
{ gen 1 '\n' | head -n 10; printf '\n# a comment\n\n'; gen 1 '\n' | tail -n +11; } > "$D/blank_mid.csv"
gen 1 '\n' | sed 's/,/ , /g' > "$D/spaces.csv"
WEIRD=$D/'we"ird\name.csv'
cp "$D/f.csv" "$WEIRD"

ARGS=(--model linreg --noise none --data csv --lr 0.1 --steps 2000 --every 1000 --trajectories 2 --format jsonl)
"$SGDLAB" run "${ARGS[@]}" --data-file "$D/f.csv" > "$WORK/f.jsonl" 2> "$WORK/f.err"
rc=$?
if [ "$rc" -eq 0 ]; then pass "linreg on CSV: exit 0"; else fail "linreg on CSV: exit $rc ($(head -n 1 "$WORK/f.err"))"; fi

pycheck "csv run" - "$WORK/f.jsonl" "$D/f.csv" "$N" <<'EOF'
import json, math, sys
path, csvpath, n = sys.argv[1:]
n = int(n)
def check(ok, msg):
    print(("PASS: " if ok else "FAIL: ") + msg)
    return ok
try:
    objs = [json.loads(l) for l in open(path) if l.strip()]
except ValueError as e:
    check(False, "jsonl parses (%s)" % e)
    sys.exit(1)
if not check(len(objs) >= 3 and objs[0].get("header") is True and objs[-1].get("summary") is True,
             "jsonl parses, with header and summary"):
    sys.exit(1)
h, recs, s = objs[0], objs[1:-1], objs[-1]
p = h["params"]
check(p.get("data") == "csv" and p.get("data_file") == csvpath, "params: data csv, data_file %s" % csvpath)
check(p.get("d") == 3 and p.get("n") == n, "params: d = 3, n = %d rows (header skipped) (got d=%r n=%r)" % (n, p.get("d"), p.get("n")))
check(p.get("data_draw") == "shared", "params: data_draw shared (one data set for every seed)")
obs = h["observables"]
check("train_loss" in obs, "train_loss is logged")
for o in ("test_error", "off_support", "test_loss"):
    check(o not in obs and all(o not in r for r in recs) and o not in s["observables"],
          "%s absent (no ground truth / held-out set for CSV data)" % o)
check(len(recs) == 2 * 3, "2 seeds x 3 logged steps = 6 records (got %d)" % len(recs))
last = [r for r in recs if r["step"] == 2000]
check(len(last) == 2 and all(r["train_loss"] is not None and r["train_loss"] < 1e-6 for r in last),
      "final train_loss < 1e-6 for every trajectory (%s)" % [r.get("train_loss") for r in last])
check(all(r["diverged"] is False for r in recs), "nothing diverged")
first = [r for r in recs if r["step"] == 0]
check(all(r["train_loss"] > 1e-2 for r in first), "initial train_loss is not already ~0 (the test is not vacuous)")
if "norm" in obs:
    want = math.sqrt(1.5 ** 2 + 2 ** 2 + 0.5 ** 2)
    check(all(abs(r["norm"] - want) < 1e-6 for r in last), "final ||theta|| = ||w*|| = sqrt(6.5) for linreg")
m = s["observables"]["train_loss"]
check(m["mean"] is not None and m["mean"] < 1e-6 and "se" in m, "summary train_loss mean < 1e-6, with se")
EOF

# the same data in other spellings gives the same records (the header line
# differs only in data_file)
for v in nohdr crlf nofinalnl spaces blank_mid comment_hdr; do
    "$SGDLAB" run "${ARGS[@]}" --data-file "$D/$v.csv" > "$WORK/$v.jsonl" 2> "$WORK/$v.err"
    rc=$?
    if [ "$rc" -eq 0 ] && cmp -s <(tail -n +2 "$WORK/f.jsonl") <(tail -n +2 "$WORK/$v.jsonl"); then
        pass "CSV variant $v.csv: accepted, same records as f.csv"
    else
        fail "CSV variant $v.csv: exit $rc ($(head -n 1 "$WORK/$v.err")), records differ from f.csv"
    fi
done

# a path with a quote and a backslash is escaped in the JSON header
"$SGDLAB" run "${ARGS[@]}" --data-file "$WEIRD" --steps 10 > "$WORK/weird.jsonl" 2> /dev/null
rc=$?
check "CSV path with quote and backslash: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "CSV path with quote and backslash: JSON header round-trips data_file" \
    "$PY" -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); sys.exit(h["params"]["data_file"] != sys.argv[2])' \
    "$WORK/weird.jsonl" "$WEIRD"

# minibatch SGD and label noise on CSV data run, and --batch may equal the row count
for nz in "minibatch --batch 4" "minibatch --batch $N" "label --delta 0.1" "minibatch-diff --batch 2"; do
    # shellcheck disable=SC2086
    "$SGDLAB" run --model linreg --noise $nz --data csv --data-file "$D/f.csv" --lr 0.01 --steps 500 --every 250 \
        --trajectories 2 --format csv > "$WORK/nz.csv" 2> "$WORK/nz.err"
    rc=$?
    rows=$(grep -vc '^#' "$WORK/nz.csv")
    check "CSV data with --noise $nz: exit 0 and 1 + 2 x 3 csv rows (rc $rc, $rows rows)" [ "$rc" -eq 0 -a "$rows" -eq 7 ]
done

# the other models accept CSV data too (d from the file)
for m in diagnet quadratic; do
    "$SGDLAB" run --model "$m" --noise none --data csv --data-file "$D/f.csv" --lr 0.01 --steps 100 --every 50 \
        --trajectories 1 --format jsonl > "$WORK/m.jsonl" 2> "$WORK/m.err"
    rc=$?
    if [ "$rc" -eq 0 ]; then pass "CSV data with --model $m: exit 0"; else fail "CSV data with --model $m: exit $rc ($(head -n 1 "$WORK/m.err"))"; fi
done

# header names that strtod reads a prefix of ("inf...", "nan...") are still a header
{ printf 'inflation,nanos,info,y\n'; gen 0 '\n'; } > "$D/prefix_hdr.csv"
"$SGDLAB" run --model linreg --noise none --data csv --data-file "$D/prefix_hdr.csv" --lr 0.1 --steps 10 \
    --every 10 --trajectories 1 --format jsonl > "$D/prefix.out" 2>/dev/null
rc=$?
check "header of inf/nan-prefixed names accepted (exit $rc)" test "$rc" -eq 0
check "header of inf/nan-prefixed names: n = $N rows" grep -q "\"n\":$N," "$D/prefix.out"
finish
