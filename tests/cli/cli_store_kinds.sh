#!/usr/bin/env bash
# One store life cycle for every spec kind (issue 11 items 7 and 8): `limit
# --db` stores the limit (and each --compare-sgd column) like `run --db`,
# prints what it prints without --db, and a bad start point found only while
# executing leaves no row.  Group commit (sweep --sync-every, issue 14 item 5):
# every window stores the same rows, bad values are refused.  Deterministic:
# exact checks only.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1
q() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }
nowall() { grep -v '^wall seconds' "$1"; }

L=(--model toy2d --T 0.05 --dt 0.001 --trajectories 2)
"$SGDLAB" limit "${L[@]}" > plain.txt 2> /dev/null
check "limit without --db: exit 0" test $? -eq 0
"$SGDLAB" limit "${L[@]}" --db l.db > db.txt 2> err.txt
check "limit --db: exit 0" test $? -eq 0
check "limit --db prints what limit prints (but the timings)" cmp -s <(nowall plain.txt) <(nowall db.txt)
check "limit --db: one finished run, command limit" test "$(q l.db "SELECT count(*) FROM runs WHERE status = 'finished' AND command = 'limit'")" -eq 1
check "limit --db: params name the kind" test "$(q l.db "SELECT count(*) FROM runs WHERE params LIKE '{\"kind\":\"limit\"%'")" -eq 1
# 50 EM steps logged at 10 points + t = 0: 11 log points x 2 trajectories x 3 observables
check "limit --db: every series point in limit time (t_eta NULL, t_eta2 up to T)" \
    test "$(q l.db "SELECT count(*) FROM series WHERE t_eta IS NULL AND t_eta2 BETWEEN 0 AND 0.05 + 1e-15")" -eq 66
check "limit --db: estimates in t_eta2" test "$(q l.db "SELECT count(*) FROM estimates WHERE time_unit = 't_eta2'")" -eq 33
final=$(awk '$1 == "norm" {print $2}' plain.txt)
check "limit --db: the stored norm at T is the printed one ($final)" \
    test "$(q l.db "SELECT printf('%.6g', mean) FROM estimates WHERE name = 'norm' AND step = 50")" = "$final"
"$SGDLAB" limit "${L[@]}" --db l.db > /dev/null 2>&1
check "limit --db again: replaces the run (still one, finished)" test "$(q l.db "SELECT count(*) FROM runs")" -eq 1
check "limit --db again: one copy of its series" test "$(q l.db "SELECT count(*) FROM series")" -eq 66

"$SGDLAB" limit "${L[@]}" --compare-sgd --lrs 0.05,0.025 --db c.db > /dev/null 2>&1
check "limit --compare-sgd --db: the limit and two SGD runs" \
    test "$(q c.db "SELECT count(*) FROM runs WHERE status = 'finished' AND command = 'limit'")" -eq 3
check "limit --compare-sgd --db: SGD runs of T/eta^2 steps (20 and 80)" \
    test "$(q c.db "SELECT group_concat(k) FROM (SELECT json_extract(params, '\$.steps') AS k FROM runs WHERE params NOT LIKE '{\"kind\"%' ORDER BY k)")" = "20,80"

# bad input that only the execution finds (the start point): exit 2, no row left behind
"$SGDLAB" limit "${L[@]}" --alpha 1e300 --db l.db > /dev/null 2> err.txt
rc=$?
check "limit --db with an unusable start point: exit 2 (got $rc)" test "$rc" -eq 2
check "limit --db with an unusable start point: names --alpha" grep -q -- "--alpha" err.txt
check "limit --db with an unusable start point: no row written" test "$(q l.db "SELECT count(*) FROM runs")" -eq 1
"$SGDLAB" limit "${L[@]}" --db '' > /dev/null 2> err.txt
check "limit --db '': exit 2" test $? -eq 2

# ---- group commit: the commit policy changes when the store is fsynced, never what it holds
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
cat > tiny.yaml <<'EOF2'
name: tiny
base: {model: diagnet, d: 10, n: 8, kappa: 2, steps: 50, every: 50, trajectories: 2}
grid:
  lr: [0.001, 0.002]
  seed: [1, 2, 3, 4, 5, 6]
EOF2
for s in 0 0.05 default; do
    if [ "$s" = default ]; then "$SGDLAB" sweep tiny.yaml --db "g$s.db" --quiet 2> /dev/null
    else "$SGDLAB" sweep tiny.yaml --db "g$s.db" --quiet --sync-every "$s" 2> /dev/null; fi
    check "sweep --sync-every $s: exit 0" test $? -eq 0
    "$PY" "$DUMP" "g$s.db" > "g$s.dump"
done
check "sweep --sync-every 0.05 stores what --sync-every 0 stores" cmp -s g0.dump g0.05.dump
check "sweep with the default window stores what --sync-every 0 stores" cmp -s g0.dump gdefault.dump
for bad in -1 abc 3601 ''; do
    "$SGDLAB" sweep tiny.yaml --db gbad.db --sync-every "$bad" > /dev/null 2> err.txt
    rc=$?
    check "sweep --sync-every '$bad': exit 2 (got $rc), names the flag" test "$rc" -eq 2 -a -n "$(grep -- --sync-every err.txt)"
done
check "sweep --sync-every bad: no store created" test ! -e gbad.db
"$SGDLAB" sweep tiny.yaml --no-store --sync-every 1 > /dev/null 2> err.txt
check "sweep --no-store --sync-every: exit 2" test $? -eq 2
finish
