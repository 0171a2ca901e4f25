#!/usr/bin/env bash
# Crash safety of the store.  (1) SIGKILL: a sweep is killed at seeded random
# moments several times, resumed each time, and the final store must hold
# bitwise the same results as an uninterrupted sweep.  (2) Failure modes:
# read-only file, full disk (file size limit), a database locked by another
# writer, a garbage file: each a clear message, exit 1, and no finished result
# lost (the store still resumes to the reference results).
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
cd "$WORK" || exit 1
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}
finished() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM runs WHERE status='finished'\").fetchone()[0])" "$1"; }

# 24 small runs (diagnet d = 20, 2 trajectories x 5000 steps): a few ms each,
# most of it the store's fsyncs; cheap on the portable (software-FMA) build too
cat > spec.yaml <<'EOF'
name: kill-test
base: {model: diagnet, d: 20, n: 10, kappa: 2, steps: 5000, every: 500, seeds: 2}
grid:
  noise: [label, none, label-gauss]
  lr: [0.001, 0.002]
zip:
  seed: [1, 2, 3, 4]
EOF
t0=$(date +%s%N)
"$SGDLAB" sweep spec.yaml --db ref.db --quiet 2> err.txt
check "reference sweep: exit 0" test $? -eq 0
t_ref_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "reference sweep: 24 finished runs" test "$(finished ref.db)" -eq 24

# ---- SIGKILL at seeded random moments; each restart resumes.  The delay is
# a random fraction (10-80 %, bash RANDOM seeded) of the time the
# uninterrupted sweep took for the runs still left, so kills land inside the
# sweep on a fast machine as on a slow one.  A kill counts when it leaves the
# store incomplete; if the sweep completes before 4 such kills (the machine's
# load changed), the store is discarded and the delays halved.  The restarts
# alternate the commit policies (src/sweep_run.c): each run its own
# transaction, and group commit of 4 runs (a kill loses the held runs, which
# the next resume redoes).
RANDOM=20261123
policies=("--commit-runs 1" "--commit-runs 4 --sync-every 60")
hits=0 scale=100 attempts=0
while [ "$hits" -lt 4 ] && [ "$attempts" -lt 24 ]; do
    attempts=$((attempts + 1))
    left=$((24 - $(finished kill.db 2> /dev/null || echo 0)))
    if [ "$left" -eq 0 ]; then
        echo "store complete after $hits kills: starting over with delays x 1/2"
        rm -f kill.db kill.db-wal kill.db-shm
        hits=0 scale=$((scale / 2)) left=24
    fi
    ms=$(( t_ref_ms * left / 24 * (10 + RANDOM % 71) / 100 * scale / 100 ))
    # shellcheck disable=SC2086
    "$SGDLAB" sweep spec.yaml --db kill.db --resume --quiet ${policies[attempts % 2]} 2> /dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    nf=$(finished kill.db 2> /dev/null || echo 0)
    [ "$nf" -lt 24 ] && hits=$((hits + 1))
    echo "kill $attempts (${policies[attempts % 2]}) after ${ms} ms (uninterrupted sweep: ${t_ref_ms} ms): $nf of 24 runs finished"
done
check "4 kills left the sweep unfinished ($hits in $attempts attempts)" test "$hits" -ge 4
nbefore=$(finished kill.db)
check "the killed store is readable and incomplete or complete ($nbefore finished)" test "$nbefore" -le 24
"$SGDLAB" sweep spec.yaml --db kill.db --resume --quiet 2> err.txt
check "final resume: exit 0" test $? -eq 0
cat err.txt
check "after kills + resume: bitwise the same results as the uninterrupted sweep" same kill.db ref.db

# ---- a garbage file: clear error, exit 1, file untouched
head -c 8192 /dev/urandom > garbage.db 2> /dev/null || "$PY" -c "import os; open('garbage.db','wb').write(os.urandom(8192))"
cp garbage.db garbage.orig
"$SGDLAB" sweep spec.yaml --db garbage.db --resume --quiet 2> err.txt
rc=$?
check "garbage file: exit 1 (got $rc)" test "$rc" -eq 1
check "garbage file: says not a SQLite database" grep -q "is not a SQLite database or is corrupt" err.txt
check "garbage file: left untouched" cmp -s garbage.db garbage.orig

# ---- a corrupt store (valid header, garbage pages): error, file untouched
cp ref.db corrupt.db
"$PY" -c "
import sqlite3; c = sqlite3.connect('corrupt.db'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE'); c.close()
f = open('corrupt.db', 'r+b'); f.seek(4096); f.write(b'\xff' * 8192); f.close()"
cp corrupt.db corrupt.orig
"$SGDLAB" sweep spec.yaml --db corrupt.db --resume --quiet 2> err.txt
rc=$?
check "corrupt pages: exit 1 (got $rc)" test "$rc" -eq 1
check "corrupt pages: says corrupt ($(head -c 160 err.txt))" grep -q "corrupt" err.txt
check "corrupt pages: file untouched" cmp -s corrupt.db corrupt.orig

# ---- full disk: a file size limit (SIGXFSZ ignored so write() fails with EFBIG);
# group commit of 4 runs: the groups before the limit stay, the failing one is redone
rm -f full.db*
( trap '' XFSZ; ulimit -f 400; exec "$SGDLAB" sweep spec.yaml --db full.db --quiet --commit-runs 4 --sync-every 60 ) 2> err.txt
rc=$?
check "full disk: exit 1 (got $rc)" test "$rc" -eq 1
check "full disk: says disk full ($(head -c 200 err.txt))" grep -q "disk full" err.txt
nfull=$(finished full.db)
echo "full disk: $nfull runs committed before the limit"
check "full disk: some runs were committed before the limit ($nfull)" test "$nfull" -gt 0
"$SGDLAB" sweep spec.yaml --db full.db --resume --quiet 2> /dev/null
check "full disk: resumed without the limit, bitwise the reference results" same full.db ref.db

# ---- locked: another connection holds the write lock
cp ref.db locked.db
rm -f release
"$PY" - locked.db > lock.txt <<'EOF' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
for _ in range(1200):          # hold the lock until told to release (at most 120 s)
    if os.path.exists("release"):
        break
    time.sleep(0.1)
c.execute("ROLLBACK")
EOF
lockpid=$!
for _ in $(seq 600); do grep -q locked lock.txt 2> /dev/null && break; sleep 0.1; done
check "another connection holds the write lock" grep -q locked lock.txt
"$SGDLAB" sweep spec.yaml --db locked.db --resume --busy-timeout 300 --quiet 2> err.txt
rc=$?
check "locked: exit 1 (got $rc)" test "$rc" -eq 1
check "locked: says locked by another process ($(head -c 160 err.txt))" grep -q "is locked by another process" err.txt
touch release
wait "$lockpid"
check "locked: results intact" same locked.db ref.db

# ---- read-only store: a file without write permission (non-root), or, as
# root (who ignores permissions), the same file on a read-only bind mount in a
# private mount namespace; skipped with a note only if neither is possible
mkdir -p rodir
cp ref.db rodir/ro.db
"$PY" -c "import sqlite3; c=sqlite3.connect('rodir/ro.db'); c.execute(\"UPDATE runs SET status='started' WHERE run_id = (SELECT max(run_id) FROM runs)\"); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')"
rm -f rodir/ro.db-wal rodir/ro.db-shm
cp rodir/ro.db ro.orig
ro_cmd=
if [ "$(id -u)" -ne 0 ]; then
    chmod 444 rodir/ro.db
    chmod 555 rodir
    ro_cmd=("$SGDLAB" sweep spec.yaml --db rodir/ro.db --resume --quiet)
elif unshare -m sh -c 'mount --bind rodir rodir && mount -o remount,ro,bind rodir' 2> /dev/null; then
    ro_cmd=(unshare -m sh -c 'mount --bind rodir rodir && mount -o remount,ro,bind rodir && exec "$0" sweep spec.yaml --db rodir/ro.db --resume --quiet' "$SGDLAB")
fi
if [ -n "$ro_cmd" ]; then
    "${ro_cmd[@]}" 2> err.txt
    rc=$?
    check "read-only: exit 1 (got $rc)" test "$rc" -eq 1
    check "read-only: says read-only ($(head -c 160 err.txt))" grep -q "is read-only" err.txt
    check "read-only: file untouched" cmp -s rodir/ro.db ro.orig
    chmod 755 rodir
    chmod 644 rodir/ro.db
else
    echo "NOTE: root without mount namespaces: the read-only case was not exercised"
fi

finish
