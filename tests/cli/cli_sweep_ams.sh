#!/usr/bin/env bash
# Splitting (method ams) in sweeps (issue 13 items 2, 3): an escape sweep of ams specs expands and runs; a bad
# splitting option is refused at load naming its FILE:LINE:COL; killed with SIGKILL again and again (kills placed
# by polling the store, kill_resume.py) and resumed, it ends with the same store as an uninterrupted sweep (same
# rows, bitwise-equal values: dump_db.py); and the store is bitwise the same for --threads 1 and 2 and for
# `mpirun -np 1` and `-np 2` (determinism across threads and ranks).  A second sweep over a finished store
# redoes nothing.  Deterministic (fixed seeds): exact checks only.
. "$(dirname "$0")/common.sh" "$@"
HERE="$(cd "$(dirname "$0")" && pwd)"
DUMP="$HERE/dump_db.py"
KILL="$HERE/kill_resume.py"
SUPP="$(cd "$HERE/.." && pwd)/lsan.supp"
cd "$WORK" || exit 1
same() {
    "$PY" "$DUMP" "$1" > "$1.dump" && "$PY" "$DUMP" "$2" > "$2.dump" && [ -s "$1.dump" ] && cmp -s "$1.dump" "$2.dump"
}
q() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# 6 splitting runs of ~50 ms: the 1-D Mori double well at B/eta = 40 (exact MFPT 2e2 .. 2e7)
cat > ams.yaml <<'EOF2'
name: ams-sweep
kind: escape
base: {landscape: doublewell, noise: mori, B-over-eta: 40, method: ams, replicas: 20, ams-runs: 2,
       t-max: 1e6}
grid:
  L0: [0.2, 0.1, 0.05]
  seed: [1, 2]
EOF2
"$SGDLAB" sweep ams.yaml --db ref.db --threads 1 --quiet 2> err.txt
check "ams sweep (--threads 1): exit 0" test $? -eq 0
check "ams sweep: 6 finished runs" test "$(q ref.db "SELECT count(*) FROM runs WHERE status = 'finished'")" -eq 6
check "ams sweep: 4 ams_* events per splitting run, 2 runs each" \
    test "$(q ref.db "SELECT count(*) FROM events WHERE kind LIKE 'ams_%'")" -eq 48
check "ams sweep: the run keys name method ams" \
    test "$(q ref.db "SELECT count(*) FROM runs WHERE json_extract(params, '$.method') = 'ams'")" -eq 6
"$SGDLAB" report ref.db --by L0 --format csv > rep.csv 2>&1
check "report: one row per L0 (2 runs, 4 splitting runs each), method ams" \
    bash -c '[ "$(grep -c ",ams,.*,0.95,2,4," "$1")" -eq 3 ]' _ rep.csv
# a finished store: a second sweep redoes nothing
"$SGDLAB" sweep ams.yaml --db ref.db --resume --quiet 2> err2.txt
check "resume of a finished ams sweep: nothing executed" grep -q "0 runs executed (6 already" err2.txt

# a bad splitting option: refused at load with its place in the file, nothing stored
sed 's/ams-runs: 2,/ams-runs: 2, kill: 20,/' ams.yaml > bad.yaml
"$SGDLAB" sweep bad.yaml --db bad.db 2> bad.err; rc=$?
check "bad kill in an ams sweep: exit 2 at bad.yaml:LINE:COL naming kill, no store" \
    bash -c '[ "$1" -eq 2 ] && grep -Eq "bad.yaml:[0-9]+:[0-9]+: .*kill" "$2" && [ ! -e bad.db ]' _ "$rc" bad.err
cat bad.err

# SIGKILL and resume (default threads: 2) -> the same store as the --threads 1 sweep
"$PY" "$KILL" "$SGDLAB" ams.yaml kill.db 6 > kills.txt
rc=$?
check "killed and resumed until complete ($(cat kills.txt))" test $rc -eq 0
check "after kills + resume (threads 2): bitwise the same store as the uninterrupted --threads 1 sweep" same kill.db ref.db

MPIRUN=$(command -v mpirun || true)
if [ -z "$MPIRUN" ]; then
    fail "mpirun not found (apt-get install openmpi-bin)"
    finish
fi
mpiargs=(--allow-run-as-root --oversubscribe)
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
"$MPIRUN" "${mpiargs[@]}" -np 2 "$SGDLAB" sweep ams.yaml --db mpi2.db --quiet 2> mpi2.err; rc=$?
check "mpirun -np 2: exit 0 (stderr: $(head -c 300 mpi2.err | tr '\n' '|'))" test "$rc" -eq 0
check "mpirun -np 2: bitwise the same store as the single-process sweep" same mpi2.db ref.db
"$MPIRUN" "${mpiargs[@]}" -np 1 "$SGDLAB" sweep ams.yaml --db mpi1.db --threads 2 --quiet 2> mpi1.err; rc=$?
check "mpirun -np 1 --threads 2: exit 0" test "$rc" -eq 0
check "mpirun -np 1 --threads 2: bitwise the same store" same mpi1.db ref.db
finish
