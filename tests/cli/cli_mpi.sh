#!/usr/bin/env bash
# sgdlab sweep over MPI: `mpirun -np 2 sgdlab sweep` (rank 0 the only writer,
# rank 1 computing) stores exactly what a single-process sweep stores (same rows,
# bitwise-equal values, same run_id order), resumes a partial store, reports a
# bad spec or an occupied store once with exit 2, and the same binary runs
# without mpirun.  Runs as root in CI (--allow-run-as-root) and on a 2-core
# machine (--oversubscribe).  Deterministic: no false failures.
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
SUPP="$(cd "$(dirname "$0")/.." && pwd)/lsan.supp"
cd "$WORK" || exit 1
MPIRUN=$(command -v mpirun || true)
if [ -z "$MPIRUN" ]; then
    fail "mpirun not found (apt-get install openmpi-bin)"
    finish
fi
# On the sanitizer build (SGL_SANITIZE=1 from CMake) Open MPI's own never-freed
# start-up allocations are suppressed (tests/lsan.supp); everything else stays fatal.
mpiargs=(--allow-run-as-root --oversubscribe)
# Open MPI's session directory in this test's scratch dir: concurrent mpiruns of
# other test processes on the machine race on /tmp/ompi.HOST.UID ("File exists")
export OMPI_MCA_orte_tmpdir_base="$WORK"
if [ "${SGL_SANITIZE:-0}" = 1 ]; then
    export OMPI_MCA_mca_base_component_disable_dlclose=1
    case "${LSAN_OPTIONS:-}" in
        *suppressions=*) ;;
        *) export LSAN_OPTIONS="suppressions=$SUPP:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
    esac
    export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    mpiargs+=(-x OMPI_MCA_mca_base_component_disable_dlclose -x LSAN_OPTIONS -x ASAN_OPTIONS)
    [ -n "${UBSAN_OPTIONS:-}" ] && mpiargs+=(-x UBSAN_OPTIONS)
fi
mpi() { local np=$1; shift; "$MPIRUN" "${mpiargs[@]}" -np "$np" "$SGDLAB" "$@"; }
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}
order() { "$PY" -c "import sqlite3,sys; print([r for r in sqlite3.connect(sys.argv[1]).execute('SELECT run_id, run_key, sweep_index FROM runs ORDER BY run_id')])" "$1"; }

# 12 runs of unequal length (steps 4000 vs 300), so completion order differs from hand-out order
cat > spec.yaml <<'EOF2'
name: cli-mpi
base: {model: diagnet, d: 20, n: 10, kappa: 2, every: 100, trajectories: 3}
grid:
  steps: [4000, 300]
  noise: [label, none, minibatch]
zip:
  seed: [1, 2]
EOF2

# ---- the same binary without mpirun
"$SGDLAB" sweep spec.yaml --db single.db --quiet 2> err.txt
check "without mpirun: exit 0" test $? -eq 0
check "without mpirun: 12 runs, no MPI" grep -q "12 runs executed (0 already" err.txt

# ---- two ranks: the same store
mpi 2 sweep spec.yaml --db mpi.db --quiet > out.txt 2> err.txt
rc=$?
check "mpirun -np 2: exit 0 (got $rc; stderr: $(head -c 300 err.txt | tr '\n' '|'))" test "$rc" -eq 0
check "mpirun -np 2: summary says 2 ranks, 1 worker" grep -q "12 runs executed on 2 MPI ranks (1 worker)" err.txt
check "mpirun -np 2: same rows, bitwise-equal values as the single-process sweep" same single.db mpi.db
check "mpirun -np 2: same run_id order" test "$(order single.db)" = "$(order mpi.db)"

# Under the sanitizer build every Open MPI start-up costs seconds (slow unwinding,
# see above), so there (SGL_SANITIZE=1 only) the checks below that the native and
# portable builds already make are skipped: -np 3, the occupied store, --list
# and --no-store.  The ones above and the resume and bad-spec checks still run.
full=1
[ "${SGL_SANITIZE:-0}" = 1 ] && full=0

# ---- three ranks (two workers finishing out of order): still the same, in the same order
[ "$full" = 1 ] && {
mpi 3 sweep spec.yaml --db mpi3.db --quiet 2> err.txt
check "mpirun -np 3: exit 0" test $? -eq 0
check "mpirun -np 3: same rows and values" same single.db mpi3.db
check "mpirun -np 3: same run_id order (commits in hand-out order)" test "$(order single.db)" = "$(order mpi3.db)"
}

# ---- resume over MPI: 5 runs finished, run 5 left 'started', the rest never begun
"$PY" - <<'EOF2'
import shutil, sqlite3
shutil.copy("single.db", "part.db")
db = sqlite3.connect("part.db")
ids = [r[0] for r in db.execute("SELECT run_id FROM runs ORDER BY run_id")]
for i in ids[5:]:
    for t in ("series", "events", "estimates"):
        db.execute("DELETE FROM %s WHERE run_id = ?" % t, (i,))
    if i != ids[5]:
        db.execute("DELETE FROM runs WHERE run_id = ?", (i,))
db.execute("UPDATE runs SET status = 'started', finished_at = NULL WHERE run_id = ?", (ids[5],))
db.commit()
EOF2
mpi 2 sweep spec.yaml --db part.db --resume --quiet 2> err.txt
check "mpirun resume: exit 0" test $? -eq 0
check "mpirun resume: 7 executed, 5 skipped, 1 redone" grep -q "7 runs executed on 2 MPI ranks (1 worker) (5 already finished and skipped, 1 unfinished redone)" err.txt
check "mpirun resume: same results as the uninterrupted sweep" same part.db single.db

# ---- claims over MPI: runs 4-6 claimed by a live process (this shell) are passed
# over (not sent to a worker, not committed), the rest executed; once the
# claimant is dead (a pid that exited), the next resume takes them (issue 10 item 1)
"$PY" - $$ <<'EOF2'
import shutil, socket, sqlite3, sys, time
def owner(pid):
    stat = open("/proc/%d/stat" % pid).read()
    start = stat[stat.rindex(")") + 2:].split()[19]
    return "%s:%d:%s" % (socket.gethostname().replace(":", "_"), pid, start)
shutil.copy("single.db", "claim.db")
db = sqlite3.connect("claim.db")
ids = [r[0] for r in db.execute("SELECT run_id FROM runs ORDER BY run_id")]
for i in ids[3:]:
    for t in ("series", "events", "estimates"):
        db.execute("DELETE FROM %s WHERE run_id = ?" % t, (i,))
    if i > ids[5]:
        db.execute("DELETE FROM runs WHERE run_id = ?", (i,))
    else:
        db.execute("UPDATE runs SET status = 'started', finished_at = NULL WHERE run_id = ?", (i,))
        db.execute("INSERT INTO claims(run_id, owner, heartbeat) VALUES(?, ?, ?)", (i, owner(int(sys.argv[1])), time.time()))
db.commit()
EOF2
mpi 2 sweep spec.yaml --db claim.db --resume --quiet 2> err.txt
rc=$?
check "mpirun with live claims: exit 0 ($(head -c 300 err.txt | tr '\n' '|'))" test $rc -eq 0
check "mpirun with live claims: 6 executed, 3 skipped" grep -q "6 runs executed on 2 MPI ranks (1 worker) (3 already finished and skipped, 0 unfinished redone)" err.txt
check "mpirun with live claims: 3 left to the live claimant" grep -q "0 runs were finished by another writer meanwhile, 3 are being executed by another sgdlab process" err.txt
check "mpirun with live claims: those 3 still started, the rest finished" \
    test "$("$PY" -c "import sqlite3; print(sqlite3.connect('claim.db').execute(\"SELECT group_concat(status, ',') FROM (SELECT status FROM runs ORDER BY run_id)\").fetchone()[0])")" = "finished,finished,finished,started,started,started,finished,finished,finished,finished,finished,finished"
# the claimant dies: a pid that has exited (its claims are abandoned)
sh -c 'exit 0' &
deadpid=$!
wait "$deadpid"
"$PY" -c "
import socket, sqlite3, sys
c = sqlite3.connect('claim.db')
c.execute('UPDATE claims SET owner = ?', ('%s:%s:12345' % (socket.gethostname().replace(':', '_'), sys.argv[1]),))
c.commit()" "$deadpid"
mpi 2 sweep spec.yaml --db claim.db --resume --quiet 2> err.txt
check "mpirun after the claimant died: exit 0" test $? -eq 0
check "mpirun after the claimant died: its 3 runs taken and redone" grep -q "3 runs executed on 2 MPI ranks (1 worker) (9 already finished and skipped, 3 unfinished redone)" err.txt
check "mpirun after the claimant died: same results as the uninterrupted sweep" same claim.db single.db

# ---- errors under mpirun: reported once, exit 2, nothing written
printf 'base:\n  lrr: 1\n' > bad.yaml
mpi 2 sweep bad.yaml --db bad.db > out.txt 2> err.txt
rc=$?
check "mpirun bad spec: nonzero exit (got $rc)" test "$rc" -ne 0
n=$(grep -c "bad.yaml:2:3: base: unknown key 'lrr'" err.txt)
check "mpirun bad spec: message printed once (got $n)" test "$n" -eq 1
check "mpirun bad spec: no store written" test ! -e bad.db
[ "$full" = 1 ] || finish
mpi 2 sweep spec.yaml --db mpi.db --quiet > out.txt 2> err.txt
rc=$?
check "mpirun into an occupied store without --resume: nonzero exit (got $rc)" test "$rc" -ne 0
n=$(grep -c "already holds 12 runs; pass --resume" err.txt)
check "mpirun occupied store: message printed once (got $n)" test "$n" -eq 1
check "mpirun occupied store: results unchanged" same single.db mpi.db
mpi 2 sweep spec.yaml --list > list.txt 2> err.txt
check "mpirun --list: exit 0, 12 lines printed once (got $(wc -l < list.txt))" test "$(wc -l < list.txt)" -eq 12

# ---- --no-store over MPI executes everything and writes nothing
mpi 2 sweep spec.yaml --no-store --quiet 2> err.txt
check "mpirun --no-store: exit 0, 12 runs" grep -q "12 runs executed on 2 MPI ranks" err.txt
check "mpirun --no-store: no file" test ! -e results.db

finish
