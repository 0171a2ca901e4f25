#!/usr/bin/env bash
# issue 10 item 9: SIGINT / SIGTERM stop `run` and `sweep` at a safe point.
# A running `run --format jsonl --out F` and `run --db` (standard output), and
# a running `sweep --db`, are signalled once they show progress (a temporary
# file, a started run, finished runs in the store: polled, no fixed sleeps);
# each must exit 130 (SIGINT) / 143 (SIGTERM) with a message saying what was
# kept, leave no temporary file and no partial line, keep F's old contents,
# and a sweep resumed with --resume must end bitwise equal to an
# uninterrupted sweep (dump_db.py).
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
cd "$WORK" || exit 1
set -m   # background jobs in their own process group, SIGINT not ignored (bash ignores it without job control)
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}
count() {   # count runs with status $2 in store $1 (0 while it is not there yet)
    "$PY" -c "
import sqlite3, sys
try: print(sqlite3.connect(sys.argv[1], timeout=5).execute('SELECT count(*) FROM runs WHERE status=?', (sys.argv[2],)).fetchone()[0])
except Exception: print(0)" "$1" "$2"
}
# wait (at most 60 s) until the command "$@" succeeds; 0 if it did
wait_for() {
    local i
    for i in $(seq 1200); do "$@" && return 0; sleep 0.05; done
    return 1
}
# send signal $1 to pid $2 (a `timeout` that forwards it to sgdlab) and wait for it
stop() {
    kill "-$1" "$2"
    wait "$2"
}
whole_jsonl() {   # every line of $1 is a JSON object (an empty file passes)
    "$PY" -c "
import json, sys
data = open(sys.argv[1]).read()
assert data == '' or data.endswith('\n'), 'a cut line at the end'
for line in data.splitlines(): json.loads(line)" "$1"
}
# every signalled sgdlab runs under `timeout`, which forwards INT/TERM/HUP to it
# and kills it after 120 s, so a sgdlab that ignores the signal fails, not hangs
T="timeout -s KILL 120"
tmp_left() { ls "$1".tmp* > /dev/null 2>&1; }

# ---- run --out F, SIGINT during the simulation (10^9 steps: it cannot finish first)
LONG=(run --model diagnet --d 4 --n 8 --kappa 2 --steps 1000000000 --every 100000000 --trajectories 2 --threads 1)
echo '{"old":true}' > F.jsonl
$T "$SGDLAB" "${LONG[@]}" --format jsonl --out F.jsonl > so.txt 2> err.txt &
pid=$!
check "run --out: the temporary file appears (the run is under way)" wait_for tmp_left F.jsonl
stop INT "$pid"
rc=$?
check "run --out, SIGINT: exit 130 (got $rc)" test "$rc" -eq 130
check "run --out, SIGINT: says interrupted and that nothing was written ($(head -n 1 err.txt))" \
    grep -q "^sgdlab: interrupted (SIGINT): the run did not finish; nothing written" err.txt
check "run --out, SIGINT: no temporary file left" bash -c "! ls F.jsonl.tmp* 2> /dev/null"
check "run --out, SIGINT: F keeps its old contents" test "$(cat F.jsonl)" = '{"old":true}'
check "run --out, SIGINT: nothing on standard output" test ! -s so.txt

# ---- the same with SIGHUP (a closed terminal): exit 129, nothing left behind
$T "$SGDLAB" "${LONG[@]}" --format csv --out F.jsonl > so.txt 2> err.txt &
pid=$!
check "run --out: the temporary file appears (SIGHUP case)" wait_for tmp_left F.jsonl
stop HUP "$pid"
rc=$?
check "run --out, SIGHUP: exit 129 (got $rc)" test "$rc" -eq 129
check "run --out, SIGHUP: says interrupted ($(head -n 1 err.txt))" grep -q "^sgdlab: interrupted (SIGHUP): the run did not finish" err.txt
check "run --out, SIGHUP: no temporary file left" bash -c "! ls F.jsonl.tmp* 2> /dev/null"
check "run --out, SIGHUP: F keeps its old contents" test "$(cat F.jsonl)" = '{"old":true}'

# ---- run --db to standard output, SIGTERM once the store shows the run started
$T "$SGDLAB" "${LONG[@]}" --format jsonl --db run.db > so.txt 2> err.txt &
pid=$!
started() { test "$(count run.db started)" -ge 1; }
check "run --db: the store shows the run started" wait_for started
stop TERM "$pid"
rc=$?
check "run --db, SIGTERM: exit 143 (got $rc)" test "$rc" -eq 143
check "run --db, SIGTERM: says interrupted, nothing stored ($(head -n 1 err.txt))" \
    grep -q "^sgdlab: interrupted (SIGTERM): the run did not finish; nothing written; nothing stored" err.txt
check "run --db, SIGTERM: standard output has only whole lines" whole_jsonl so.txt
check "run --db, SIGTERM: no finished run in the store" test "$(count run.db finished)" -eq 0

# ---- sweep --db: 24 runs of ~70 ms (native; long enough that the 50 ms poll sees 3 finished well before the end); signalled after 3 have finished
cat > spec.yaml <<'EOS'
name: sig-test
base: {model: diagnet, d: 20, n: 10, kappa: 2, steps: 100000, every: 20000, trajectories: 2}
grid:
  noise: [label, none, label-gauss]
  lr: [0.001, 0.002]
zip:
  seed: [1, 2, 3, 4]
EOS
"$SGDLAB" sweep spec.yaml --db ref.db --quiet 2> /dev/null
check "reference sweep: 24 finished runs" test "$(count ref.db finished)" -eq 24
three() { test "$(count "$1" finished)" -ge 3; }
for sig in INT TERM; do
    want=$([ $sig = INT ] && echo 130 || echo 143)
    db=kill_$sig.db
    $T "$SGDLAB" sweep spec.yaml --db "$db" --quiet 2> err.txt &
    pid=$!
    check "sweep: 3 runs finished before SIG$sig" wait_for three "$db"
    stop "$sig" "$pid"
    rc=$?
    nf=$(count "$db" finished)
    echo "SIG$sig: $nf of 24 runs finished; stderr: $(cat err.txt)"
    check "sweep, SIG$sig: exit $want (got $rc)" test "$rc" -eq "$want"
    check "sweep, SIG$sig: the sweep was cut short ($nf of 24 finished)" test "$nf" -lt 24
    check "sweep, SIG$sig: says how many runs were kept and how to continue" \
        grep -q "^sgdlab: interrupted (SIG$sig): $nf of 24 runs finished and stored in '$db'; \`sgdlab sweep spec.yaml --db $db --resume\` continues\$" err.txt
    check "sweep, SIG$sig: one message" test "$(grep -c . err.txt)" -eq 1
    check "sweep, SIG$sig: no temporary or journal file beside the store" \
        bash -c "! ls '$db'-journal '$db'.tmp* 2> /dev/null"
    "$SGDLAB" sweep spec.yaml --db "$db" --resume --quiet 2> err2.txt
    check "sweep, SIG$sig: --resume finishes (exit 0)" test $? -eq 0
    check "sweep, SIG$sig: after --resume, bitwise the results of the uninterrupted sweep" same "$db" ref.db
done

finish
