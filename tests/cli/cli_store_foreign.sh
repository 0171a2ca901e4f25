#!/usr/bin/env bash
# Issue 10 items 3 and 13 (store part): sgdlab writes only to a new or empty
# (0-byte) regular file or to an sgdlab store.  Another program's SQLite
# database (other tables, a table named runs, WAL mode, a look-alike meta
# table, no tables at all) is refused with exit 1 and a message naming the
# file, and stays byte-identical with no -wal/-shm/-journal created; a device
# or directory is refused and nothing is created beside it; a schema-1 store
# is read as it is and upgraded to schema 2 by the first writer (results
# unchanged); a newer schema is refused untouched; a store in a read-only
# directory is read by report/export/plot (immutable=1).  The read-only
# directory is a read-only bind mount in a private mount namespace when
# running as root (root ignores permission bits), else a chmod 555 directory.
. "$(dirname "$0")/common.sh" "$@"
DUMP="$(cd "$(dirname "$0")" && pwd)/dump_db.py"
cd "$WORK" || exit 1
q() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute(sys.argv[2]).fetchone()[0])" "$@" 2> /dev/null; }

cat > spec.yaml <<'EOF'
name: foreign
base: {model: diagnet, d: 10, n: 5, kappa: 2, steps: 2000, every: 1000, trajectories: 2}
grid:
  lr: [0.001, 0.002]
EOF

# refused FILE LABEL: sweep and run --db both exit 1, name the file, leave it
# byte-identical and create no side file
refused() {
    local f=$1 label=$2 before after
    before=$(sha256sum "$f")
    "$SGDLAB" sweep spec.yaml --db "$f" --resume --quiet > out.txt 2> err.txt
    local rc=$?
    check "$label: sweep exit 1 (got $rc)" test "$rc" -eq 1
    check "$label: message names the file and the reason ($(head -c 240 err.txt))" \
        grep -q "'$f' is a SQLite database of another program" err.txt
    "$SGDLAB" run --steps 100 --every 50 --trajectories 1 --db "$f" > out.txt 2> err.txt
    rc=$?
    check "$label: run --db exit 1 (got $rc)" test "$rc" -eq 1
    check "$label: run --db printed no results" test ! -s out.txt
    after=$(sha256sum "$f")
    check "$label: file byte-identical" test "$before" = "$after"
    check "$label: no -wal, -shm or -journal created" test ! -e "$f-wal" -a ! -e "$f-shm" -a ! -e "$f-journal"
}

"$PY" - <<'EOF'
import sqlite3
c = sqlite3.connect("other.db"); c.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
c.execute("INSERT INTO notes(text) VALUES('keep me')"); c.commit(); c.close()
# a table named runs, even with sgdlab's columns
c = sqlite3.connect("runs.db")
c.execute("CREATE TABLE runs(run_id INTEGER PRIMARY KEY, run_key TEXT NOT NULL UNIQUE, command TEXT, params TEXT,"
          " status TEXT)")
c.execute("INSERT INTO runs VALUES(1, 'k', 'x', '{}', 'finished')"); c.commit(); c.close()
# WAL mode, no side files left (closed cleanly)
c = sqlite3.connect("wal.db"); c.execute("PRAGMA journal_mode=WAL"); c.execute("CREATE TABLE t(a)")
c.execute("INSERT INTO t VALUES(1)"); c.commit(); c.close()
# a look-alike meta table: schema_version 1 but not sgdlab's
c = sqlite3.connect("meta.db"); c.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
c.execute("INSERT INTO meta VALUES('schema_version', '1')"); c.commit(); c.close()
# a database without any table (not 0 bytes)
c = sqlite3.connect("notables.db"); c.execute("PRAGMA user_version=7"); c.commit(); c.close()
EOF
check "foreign fixtures: no side files" test ! -e wal.db-wal -a ! -e wal.db-shm
refused other.db "other tables"
refused runs.db "a table named runs"
refused wal.db "WAL-mode database"
refused meta.db "look-alike meta table"
refused notables.db "no tables"
check "other tables: data still there" test "$(q other.db "SELECT text FROM notes")" = "keep me"
check "WAL database still in WAL mode and unchanged" test "$(q wal.db "SELECT count(*) FROM t")" -eq 1

# ---- a 0-byte file becomes a store
: > empty.db
"$SGDLAB" sweep spec.yaml --db empty.db --quiet 2> err.txt
rc=$?
check "0-byte file: sweep exit 0 ($(head -c 200 err.txt))" test $rc -eq 0
check "0-byte file: 2 finished runs" test "$(q empty.db "SELECT count(*) FROM runs WHERE status='finished'")" -eq 2
check "new store: schema 2, application sgdlab" \
    test "$(q empty.db "SELECT group_concat(value, ',') FROM (SELECT value FROM meta WHERE key IN ('schema_version','application') ORDER BY key)")" = "sgdlab,2"

# ---- not a regular file: refused, nothing created beside it
mkdir -p devdir
if [ "$(id -u)" -eq 0 ] && mknod devdir/null c 1 3 2> /dev/null; then dev=devdir/null; else dev=/dev/null; fi
"$SGDLAB" sweep spec.yaml --db "$dev" --quiet > out.txt 2> err.txt
rc=$?
check "character device: exit 1 (got $rc)" test "$rc" -eq 1
check "character device: says so ($(head -c 200 err.txt))" grep -q "'$dev' is a character device; a results store is a regular file" err.txt
check "character device: no $dev-journal, -wal or -shm" test ! -e "$dev-journal" -a ! -e "$dev-wal" -a ! -e "$dev-shm"
"$SGDLAB" run --steps 100 --every 50 --trajectories 1 --db "$dev" > out.txt 2> err.txt
rc=$?
check "character device, run --db: exit 1 (got $rc), nothing printed" test "$rc" -eq 1 -a ! -s out.txt
check "character device, run --db: says so" grep -q "is a character device" err.txt
"$SGDLAB" sweep spec.yaml --db devdir --quiet 2> err.txt
rc=$?
check "directory: exit 1 (got $rc), says so" test "$rc" -eq 1
check "directory: message ($(head -c 200 err.txt))" grep -q "'devdir' is a directory" err.txt
check "directory: nothing created beside it" test ! -e devdir-journal -a ! -e devdir-wal
"$SGDLAB" report "$dev" > out.txt 2> err.txt
rc=$?
check "report of a character device: exit 1 (got $rc), says so" test "$rc" -eq 1
check "report of a character device: message" grep -q "is a character device" err.txt

# ---- schema 1: read as it is, upgraded in one transaction by the first writer
cp empty.db v1.db
"$PY" "$DUMP" v1.db > v1.ref
"$SGDLAB" report v1.db > rep.ref 2>&1
"$PY" - v1.db <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for sql in ("DROP TABLE IF EXISTS claims", "ALTER TABLE runs DROP COLUMN attempts",
            "DELETE FROM meta WHERE key = 'application'", "UPDATE meta SET value = '1' WHERE key = 'schema_version'"):
    try:
        c.execute(sql)
    except sqlite3.OperationalError:
        pass
c.commit(); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
EOF
check "schema-1 fixture" test "$(q v1.db "SELECT value FROM meta WHERE key='schema_version'")" = 1
"$SGDLAB" report v1.db > rep.v1 2>&1
check "schema 1: report reads it, same output" cmp -s rep.ref rep.v1
check "schema 1: report leaves it at schema 1" test "$(q v1.db "SELECT value FROM meta WHERE key='schema_version'")" = 1
"$SGDLAB" sweep spec.yaml --db v1.db --resume --quiet 2> err.txt
rc=$?
check "schema 1: sweep --resume exit 0 ($(head -c 200 err.txt))" test $rc -eq 0
check "schema 1: upgraded to schema 2" test "$(q v1.db "SELECT value FROM meta WHERE key='schema_version'")" = 2
check "schema 1: upgraded: claims table and attempts column" \
    test "$(q v1.db "SELECT (SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'attempts') + (SELECT count(*) FROM sqlite_schema WHERE name = 'claims')")" = 2
"$PY" "$DUMP" v1.db > v1.after
check "schema 1: results unchanged by the upgrade" cmp -s v1.ref v1.after

# ---- a newer schema: refused untouched, by writers and readers
cp empty.db v9.db
"$PY" -c "import sqlite3; c=sqlite3.connect('v9.db'); c.execute(\"UPDATE meta SET value='9' WHERE key='schema_version'\"); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
rm -f v9.db-wal v9.db-shm
before=$(sha256sum v9.db)
"$SGDLAB" sweep spec.yaml --db v9.db --resume --quiet 2> err.txt
rc=$?
check "schema 9: sweep exit 1 (got $rc)" test "$rc" -eq 1
check "schema 9: says newer ($(head -c 200 err.txt))" grep -q "has store schema 9; this sgdlab reads schemas 1 to 2" err.txt
check "schema 9: byte-identical, no side files" test "$before" = "$(sha256sum v9.db)" -a ! -e v9.db-wal -a ! -e v9.db-shm

# ---- a store in a read-only directory: report, export and plot read it
mkdir -p rodir
cp empty.db rodir/s.db
"$PY" -c "import sqlite3; c=sqlite3.connect('rodir/s.db'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
rm -f rodir/s.db-wal rodir/s.db-shm
"$SGDLAB" report rodir/s.db > rep.rw 2>&1
"$SGDLAB" export rodir/s.db > exp.rw 2>&1
rm -f rodir/s.db-wal rodir/s.db-shm
ro=
if [ "$(id -u)" -ne 0 ]; then
    chmod 555 rodir && ro=chmod
elif unshare -m sh -c 'mount --bind rodir rodir && mount -o remount,ro,bind rodir' 2> /dev/null; then
    ro=mount
fi
# inro CMD...: run sgdlab CMD with rodir read-only
inro() {
    if [ "$ro" = mount ]; then
        unshare -m sh -c 'mount --bind rodir rodir && mount -o remount,ro,bind rodir && exec "$@"' sh "$SGDLAB" "$@"
    else
        "$SGDLAB" "$@"
    fi
}
if [ -n "$ro" ]; then
    inro report rodir/s.db > rep.ro 2> err.txt
    rc=$?
    check "read-only directory ($ro): report exit 0 (got $rc: $(head -c 200 err.txt))" test "$rc" -eq 0
    check "read-only directory: report the same as in a writable one" cmp -s rep.rw rep.ro
    inro export rodir/s.db > exp.ro 2> err.txt
    rc=$?
    check "read-only directory: export exit 0 (got $rc: $(head -c 200 err.txt))" test "$rc" -eq 0
    check "read-only directory: export the same" cmp -s exp.rw exp.ro
    if command -v gnuplot > /dev/null; then
        inro plot rodir/s.db --x lr --out "$WORK/ro.svg" > /dev/null 2> err.txt
        rc=$?
        check "read-only directory: plot exit 0 (got $rc: $(head -c 200 err.txt))" test "$rc" -eq 0
        check "read-only directory: plot written" test -s ro.svg
    fi
    inro sweep spec.yaml --db rodir/s.db --resume --quiet 2> err.txt
    rc=$?
    check "read-only directory: a writer still gets exit 1 ($rc), 'is read-only'" test "$rc" -eq 1
    check "read-only directory: writer message ($(head -c 200 err.txt))" grep -q "is read-only" err.txt
    [ "$ro" = chmod ] && chmod 755 rodir
    check "read-only directory: nothing created there" test ! -e rodir/s.db-wal -a ! -e rodir/s.db-shm
else
    echo "NOTE: root without mount namespaces: the read-only directory case was not exercised"
fi

finish
