#!/usr/bin/env bash
# Issue 10 item 1: a finished run is never lost to a second writer, and two
# writers never execute one run twice.
#  (1) `run --db` to completion, then the same command SIGKILLed after it has
#      claimed the run: the run is still 'finished', report/export/dump are
#      byte-for-byte what they were; a third execution replaces it in one
#      transaction (same values) and says so.
#  (2) while one `run --db` executes, the same command in a second process is
#      refused (exit 1: another process holds the claim), nothing written.
#  (3) two sweeps on one store at once (the second with --resume): every run
#      is claimed exactly once (runs.attempts = 1), the two "runs executed"
#      counts add up to the sweep size, the store equals an uninterrupted
#      sweep bitwise.
#  (4) the second sweep SIGKILLed while it holds a claim: the first sweep
#      takes the dead process's run (abandoned claim) and ends with every run
#      finished, bitwise the uninterrupted sweep.
# No timing assertion: kills are placed by polling the store for the victim's
# claim (owner "host:PID:start"), never by sleeping a fixed time.  The runs are
# of the test model tests/plugins/slow.so, whose init sleeps SGL_TEST_SLOW_MS
# milliseconds: a run a process must be caught in lasts that long whatever the
# machine's speed and the build (the built-in models now finish these runs in a
# millisecond, and a poll sometimes came too late), at no CPU cost.
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
cd "$WORK" || exit 1
SLOW=${SGL_PLUGIN_DIR:?SGL_PLUGIN_DIR: the directory of the test plugins (set by ctest)}/slow.so
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}
q() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute(sys.argv[2]).fetchone()[0])" "$@" 2> /dev/null; }
# claimed PID DB [max_s]: wait until process PID holds a claim in DB (or has
# marked a run started, for stores without claims), or it exited; then return
claimed() {
    "$PY" - "$@" <<'EOF'
import os, sqlite3, sys, time
pid, db = int(sys.argv[1]), sys.argv[2]
limit = time.time() + float(sys.argv[3] if len(sys.argv) > 3 else 60)
while time.time() < limit:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            n = c.execute("SELECT count(*) FROM claims WHERE owner LIKE ?", ("%%:%d:%%" % pid,)).fetchone()[0]
        except sqlite3.OperationalError:   # no claims table (the store before the fix)
            n = c.execute("SELECT count(*) FROM runs WHERE status = 'started'").fetchone()[0]
        c.close()
        if n > 0:
            sys.exit(0)
    except sqlite3.Error:
        pass
    time.sleep(0.01)
sys.exit(2)
EOF
}

# ---- (1) a finished run survives a killed second execution
RUN=(run --model-plugin "$SLOW" --noise label --lr 0.01 --steps 2000 --every 1000 --trajectories 2 --threads 1 --db r.db)
"$SGDLAB" "${RUN[@]}" > out1.txt 2> err.txt
check "first run: exit 0" test $? -eq 0
"$SGDLAB" report r.db > rep1.txt 2>&1
"$SGDLAB" export r.db > exp1.csv 2>&1
"$PY" "$DUMP" r.db > dump1.txt
check "first run: finished" test "$(q r.db "SELECT group_concat(status) FROM runs")" = finished
SGL_TEST_SLOW_MS=500 "$SGDLAB" "${RUN[@]}" > /dev/null 2>&1 &
pid=$!
claimed "$pid" r.db
crc=$?
kill -KILL "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
rc=$?
check "second run was killed while it held its claim (poll $crc, exit $rc)" test "$crc" -eq 0 -a "$rc" -eq 137
check "after the kill: the run is still finished" test "$(q r.db "SELECT group_concat(status) FROM runs")" = finished
"$SGDLAB" report r.db > rep2.txt 2>&1
"$SGDLAB" export r.db > exp2.csv 2>&1
"$PY" "$DUMP" r.db > dump2.txt
check "after the kill: report byte-for-byte the same" cmp -s rep1.txt rep2.txt
check "after the kill: export byte-for-byte the same" cmp -s exp1.csv exp2.csv
check "after the kill: every stored result bitwise the same" cmp -s dump1.txt dump2.txt
check "report shows the run" grep -q "  1 " rep2.txt
"$SGDLAB" "${RUN[@]}" > out3.txt 2> err.txt
check "third run (takes the dead process's claim): exit 0" test $? -eq 0
check "third run says it replaced the finished run ($(tail -c 200 err.txt))" grep -q "was already finished in 'r.db'; this execution replaced it" err.txt
check "third run: same output" cmp -s out1.txt out3.txt
"$PY" "$DUMP" r.db > dump3.txt
check "third run: results bitwise the same, one row set" cmp -s dump1.txt dump3.txt
check "third run: no claim left" test "$(q r.db "SELECT count(*) FROM claims")" -eq 0
check "third run: 3 attempts counted" test "$(q r.db "SELECT attempts FROM runs")" -eq 3

# ---- (2) a run being executed by another process is not executed again
B=(run --model-plugin "$SLOW" --noise label --lr 0.01 --steps 2000 --every 1000 --trajectories 2 --threads 1 --seed 7 --db b.db)
SGL_TEST_SLOW_MS=600 "$SGDLAB" "${B[@]}" > /dev/null 2>&1 &
pid=$!
claimed "$pid" b.db
crc=$?
"$SGDLAB" "${B[@]}" > busy.out 2> busy.err
rc=$?
wait "$pid"
rc1=$?
check "busy: the first process held its claim ($crc) and finished (exit $rc1)" test "$crc" -eq 0 -a "$rc1" -eq 0
check "busy: second process exit 1 (got $rc)" test "$rc" -eq 1
check "busy: says another process executes it ($(head -c 200 busy.err))" grep -q "is being executed by another sgdlab process" busy.err
check "busy: nothing printed on stdout" test ! -s busy.out
check "busy: the run was claimed once and is finished" test "$(q b.db "SELECT status || attempts FROM runs")" = finished1

# ---- (3) two concurrent sweeps share the runs
cat > spec.yaml <<'EOF'
name: claims
base: {model-plugin: SLOW, noise: label, steps: 2000, every: 1000, trajectories: 1}
grid:
  lr: [0.001, 0.002, 0.004, 0.008]
zip:
  seed: [1, 2]
EOF
sed -i "s#SLOW#$SLOW#" spec.yaml
N=8
"$SGDLAB" sweep spec.yaml --db ref.db --quiet 2> err.txt
check "reference sweep: exit 0" test $? -eq 0
export SGL_TEST_SLOW_MS=150   # each run of the sweeps below lasts >= 150 ms
"$SGDLAB" sweep spec.yaml --db two.db --quiet 2> a.err &
pa=$!
claimed "$pa" two.db
"$SGDLAB" sweep spec.yaml --db two.db --resume --quiet 2> b.err
rb=$?
wait "$pa"
ra=$?
check "two sweeps: both exit 0 ($ra, $rb)" test "$ra" -eq 0 -a "$rb" -eq 0
na=$(sed -n 's/^sgdlab sweep: \([0-9]*\) runs executed.*/\1/p' a.err)
nb=$(sed -n 's/^sgdlab sweep: \([0-9]*\) runs executed.*/\1/p' b.err)
echo "first sweep executed ${na:-?}, second ${nb:-?} of $N"
check "two sweeps: executed counts add up to $N (${na:-?} + ${nb:-?})" test "$((${na:-0} + ${nb:-0}))" -eq "$N"
check "two sweeps: both executed some runs (they overlapped)" test "${na:-0}" -gt 0 -a "${nb:-0}" -gt 0
check "two sweeps: every run finished" test "$(q two.db "SELECT count(*) FROM runs WHERE status = 'finished'")" -eq "$N"
check "two sweeps: every run claimed exactly once" test "$(q two.db "SELECT count(*) FROM runs WHERE attempts = 1")" -eq "$N"
check "two sweeps: no claim left" test "$(q two.db "SELECT count(*) FROM claims")" -eq 0
check "two sweeps: bitwise the uninterrupted sweep" same two.db ref.db

# ---- (4) the second sweep killed while it holds a claim
export SGL_TEST_SLOW_MS=250   # the kill comes within 250 ms of the poll seeing the claim
"$SGDLAB" sweep spec.yaml --db kill.db --quiet 2> a.err &
pa=$!
claimed "$pa" kill.db
"$SGDLAB" sweep spec.yaml --db kill.db --resume --quiet 2> /dev/null &
pb=$!
claimed "$pb" kill.db
crc=$?
kill -KILL "$pb" 2> /dev/null
wait "$pb" 2> /dev/null
rb=$?
wait "$pa"
ra=$?
check "killed second sweep: killed holding a claim (poll $crc, exit $rb)" test "$crc" -eq 0 -a "$rb" -eq 137
check "killed second sweep: first sweep exit 0 (got $ra)" test "$ra" -eq 0
check "killed second sweep: every run finished, none started" test "$(q kill.db "SELECT count(*) FROM runs WHERE status = 'finished'")" -eq "$N"
check "killed second sweep: the dead claim was taken over, none left" test "$(q kill.db "SELECT count(*) FROM claims")" -eq 0
check "killed second sweep: bitwise the uninterrupted sweep" same kill.db ref.db

finish
