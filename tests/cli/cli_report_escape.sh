#!/usr/bin/env bash
# report | export: every value escaped on one path (RFC 4180 CSV, JSON strings
# with control characters and non-UTF-8 bytes escaped), 64-bit seeds exact in
# --by and --where, bad --where/--by values are bad input (exit 2, nothing on
# stdout), and a failed write (a full device, a file-size limit) is exit 1 with
# one message and no partial --out file.  Outputs are parsed with python3's csv
# and json modules.  (issue 10 items 4, 10, 11, 12)
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1

# ---- a store whose string values need escaping: CSV data files named with a
# quote, a comma, a line break, a control character and a byte that is not UTF-8,
# each run with an lr-decay list (stored as [K1,K2])
N=12
awk -v n="$N" 'BEGIN { print "x_1,x_2,y"; for (i = 1; i <= n; i++) { x1 = ((i * 7) % 11 - 5) / 5; x2 = ((i * 3) % 7 - 3) / 3;
    printf "%.17g,%.17g,%.17g\n", x1, x2, 1.5 * x1 - 2 * x2 } }' > base.csv
NAMES=('x"; system("touch PWNED"); y="z.csv' 'a,b"c.csv' $'line1\nline2.csv' $'ctl\001\ttab\\back.csv' $'bad\xff\xfe.csv' ' lead.csv')
printf '%s\0' "${NAMES[@]}" > names.bin
for f in "${NAMES[@]}"; do
    cp base.csv "$f"
    "$SGDLAB" run --model linreg --noise none --data csv --data-file "$f" --lr 0.05 --lr-decay 100,150 --steps 200 \
        --every 20 --trajectories 2 --db r.db > /dev/null 2> run.err || fail "run on data file '$f': $(head -n 1 run.err)"
done

"$SGDLAB" report r.db --by data-file,lr-decay --obs train_loss --format csv > rep.csv 2> err.txt
check "report csv with hostile names: exit 0" test $? -eq 0
"$SGDLAB" report r.db --by data-file,lr-decay --obs train_loss --format jsonl > rep.jsonl 2> err.txt
check "report jsonl with hostile names: exit 0" test $? -eq 0
"$SGDLAB" export r.db --table runs --format csv > runs.csv 2> err.txt
check "export csv: exit 0" test $? -eq 0
"$SGDLAB" export r.db --table runs --format jsonl > runs.jsonl 2> err.txt
check "export jsonl: exit 0" test $? -eq 0
pycheck "escaping" - <<'EOF'
import csv, io, json
names = open("names.bin", "rb").read().split(b"\0")[:-1]
def text(b):   # as JSON must carry it: bytes that are not UTF-8 as U+FFFD
    return b.decode("utf-8", errors="replace")
# CSV: bytes kept as they are; decode with surrogateescape to compare exactly
rows = list(csv.reader(io.StringIO(open("rep.csv", "rb").read().decode("utf-8", "surrogateescape"), newline="")))
ok = rows[0][:3] == ["data-file", "lr-decay", "mean"] and len(rows) == 1 + len(names)
ok = ok and all(len(r) == len(rows[0]) == 10 for r in rows)
print(("PASS" if ok else "FAIL") + ": report csv: %d rows of 10 fields (a quote, comma, line break or list adds none)" % (len(rows) - 1))
got = sorted(r[0].encode("utf-8", "surrogateescape") for r in rows[1:])
print(("PASS" if got == sorted(names) else "FAIL") + ": report csv: each data-file name read back exactly")
print(("PASS" if all(r[1] == "[100,150]" for r in rows[1:]) else "FAIL") + ": report csv: lr-decay [100,150] in one field")
try:
    js = [json.loads(l) for l in open("rep.jsonl", "rb").read().decode("utf-8").splitlines()]
    print("PASS: report jsonl: every line is UTF-8 JSON")
except Exception as e:
    js = []
    print("FAIL: report jsonl does not parse: %s" % e)
ok = len(js) == len(names) and sorted(j.get("data-file") for j in js) == sorted(text(n) for n in names)
print(("PASS" if ok else "FAIL") + ": report jsonl: each data-file name read back (non-UTF-8 bytes as U+FFFD)")
ok = all(j.get("lr-decay") == "[100,150]" and j.get("observable") == "train_loss" and j.get("runs") == 1 for j in js)
print(("PASS" if ok else "FAIL") + ": report jsonl: lr-decay, observable and run count")
rows = list(csv.DictReader(io.StringIO(open("runs.csv", "rb").read().decode("utf-8", "surrogateescape"), newline="")))
got = sorted(r["data-file"].encode("utf-8", "surrogateescape") for r in rows)
print(("PASS" if got == sorted(names) else "FAIL") + ": export csv: data-file names exact")
try:
    rows = [json.loads(l) for l in open("runs.jsonl", "rb").read().decode("utf-8").splitlines()]
    ok = sorted(r["params"]["data-file"] for r in rows) == sorted(text(n) for n in names)
    print(("PASS" if ok else "FAIL") + ": export jsonl: parses, data-file names")
except Exception as e:
    print("FAIL: export jsonl does not parse: %s" % e)
EOF
# the table: one line per group whatever the names hold
"$SGDLAB" report r.db --by data-file --obs train_loss > rep.txt 2> /dev/null
check "report table: a line break in a value does not split its row" \
    test "$(grep -vc '^#' rep.txt)" -eq $((1 + ${#NAMES[@]}))
check "no command from a stored name ran" test ! -e PWNED

# an observable name that needs escaping (a store written by another program)
cp r.db obs.db
"$PY" - <<'EOF'
import sqlite3
db = sqlite3.connect("obs.db")
db.execute("UPDATE series SET observable = ? WHERE observable = 'train_loss'", ('tr"ain\\\n,loss',))
db.commit()
EOF
"$SGDLAB" report obs.db --by lr-decay --obs $'tr"ain\\\n,loss' --format jsonl > obs.jsonl 2> err.txt
check "report jsonl, observable with quote, backslash, line break: exit 0" test $? -eq 0
check "report jsonl: the observable read back" "$PY" -c 'import json,sys; r=[json.loads(l) for l in open("obs.jsonl")]; sys.exit(not (len(r) == 1 and r[0]["observable"] == "tr\"ain\\\n,loss"))'

# ---- seeds beyond 2^53 and 2^63 in one store: grouped and filtered exactly
cat > seeds.yaml <<'EOF'
base: {model: diagnet, d: 4, n: 3, kappa: 1, steps: 200, every: 100, trajectories: 2}
zip:
  seed: [9007199254740992, 9007199254740993, 18446744073709551614, 18446744073709551615, 1]
EOF
"$SGDLAB" sweep seeds.yaml --db s.db --quiet 2> /dev/null
check "sweep with 64-bit trajectories: exit 0" test $? -eq 0
"$SGDLAB" report s.db --by seed --format csv > seeds.csv 2> /dev/null
check "report --by seed: exit 0" test $? -eq 0
"$SGDLAB" report s.db --by seed --format jsonl > seeds.jsonl 2> /dev/null
for s in 9007199254740993 18446744073709551614; do
    "$SGDLAB" report s.db --by seed --where seed=$s --format jsonl > where_$s.jsonl 2> /dev/null
    check "report --where seed=$s: exit 0" test $? -eq 0
done
pycheck "seeds" - <<'EOF'
import csv, json
want = [1, 9007199254740992, 9007199254740993, 18446744073709551614, 18446744073709551615]
rows = list(csv.DictReader(open("seeds.csv")))
got = [int(r["seed"]) for r in rows]
print(("PASS" if got == want and all(r["runs"] == "1" for r in rows) else "FAIL") +
      ": report --by seed csv: 5 groups of one run each, seeds exact and in numeric order (got %s)" % got)
js = [json.loads(l) for l in open("seeds.jsonl")]
print(("PASS" if [j["seed"] for j in js] == want else "FAIL") + ": report --by seed jsonl: seeds are exact JSON integers")
means = {j["seed"]: j["mean"] for j in js}
for s in (9007199254740993, 18446744073709551614):
    w = [json.loads(l) for l in open("where_%d.jsonl" % s)]
    ok = len(w) == 1 and w[0]["seed"] == s and w[0]["runs"] == 1 and w[0]["mean"] == means[s]
    print(("PASS" if ok else "FAIL") + ": --where seed=%d: exactly that run (%s)" % (s, w))
EOF

# ---- bad --where / --by: exit 2, the flag named, nothing on stdout
bad() {   # description expected-text args...
    local desc=$1 want=$2
    shift 2
    "$SGDLAB" "$@" > out.txt 2> err.txt
    local rc=$?
    check "$desc: exit 2 (got $rc)" test "$rc" -eq 2
    check "$desc: says '$want'" grep -qF -- "$want" err.txt
    check "$desc: nothing on stdout" test ! -s out.txt
}
bad "report --where lr=abc" "--where lr: must be a finite number" report s.db --where lr=abc
bad "report --where seed=-1" "--where seed: must be a non-negative integer" report s.db --where seed=-1
bad "report --where seed=2^64" "--where seed: must be a non-negative integer" report s.db --where seed=18446744073709551616
bad "report --where data=nope" "--where data: unknown value 'nope'" report s.db --where data=nope
bad "report --by lr,lr" "--by: 'lr' given twice" report s.db --by lr,lr
bad "report --by ," "--by: empty item" report s.db --by ,
bad "report --by lr," "--by: empty item" report s.db --by lr,
bad "report --by ,lr" "--by: empty item" report s.db --by ,lr
bad "report --by lr,etaa" "--by: unknown parameter 'etaa'" report s.db --by lr,etaa

# ---- a write that fails: exit 1 and one message, never a silent cut
if [ -c /dev/full ]; then
    for fmt in table csv jsonl; do
        "$SGDLAB" report r.db --by data-file --format $fmt > /dev/full 2> err.txt
        rc=$?
        check "report --format $fmt > /dev/full: exit 1 (got $rc)" test "$rc" -eq 1
        check "report --format $fmt > /dev/full: says so" grep -q "cannot write standard output: No space left on device" err.txt
    done
    for fmt in csv jsonl; do
        "$SGDLAB" export r.db --format $fmt > /dev/full 2> err.txt
        rc=$?
        check "export --format $fmt > /dev/full: exit 1 (got $rc)" test "$rc" -eq 1
        check "export --format $fmt > /dev/full: says so" grep -q "cannot write standard output: No space left on device" err.txt
    done
    "$SGDLAB" export r.db --out /dev/full 2> err.txt
    rc=$?
    check "export --out /dev/full: exit 1 (got $rc)" test "$rc" -eq 1
    check "export --out /dev/full: says so" grep -q -- "--out: cannot write '/dev/full': No space left on device" err.txt
    check "export --out /dev/full: the device is written in place, not replaced" test -c /dev/full
else
    echo "NOTE: no /dev/full: full-device writes not exercised"
fi
# a full file system, as a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: the write fails with EFBIG);
# 40 KB: above the store's 32 KB shared-memory file, below the export (over 100 KB)
echo old > kept.csv
(trap '' XFSZ; ulimit -f 40; exec "$SGDLAB" export r.db --out kept.csv) 2> err.txt
rc=$?
check "export --out past the file-size limit: exit 1 (got $rc)" test "$rc" -eq 1
check "export --out past the file-size limit: says so" grep -q -- "--out: cannot write 'kept.csv': File too large" err.txt
check "export --out past the file-size limit: the old file is kept" test "$(cat kept.csv)" = old
check "export --out past the file-size limit: no temporary file left" test -z "$(ls | grep 'kept.csv.')"
(trap '' XFSZ; ulimit -f 40; exec "$SGDLAB" export r.db > big.csv) 2> err.txt
rc=$?
check "export > file past the file-size limit: exit 1 (got $rc)" test "$rc" -eq 1
check "export > file past the file-size limit: says so" grep -q "cannot write standard output: File too large" err.txt
"$SGDLAB" export r.db --out exported.csv 2> err.txt
check "export --out: exit 0" test $? -eq 0
check "export --out: no temporary file left" test -z "$(ls | grep 'exported.csv.')"

finish
