#!/usr/bin/env bash
# issue 10 items 4, 5, 11 (part): no silent truncation and a safe --out.
# (1) every command with its standard output on /dev/full: exit 1 and one
# message "sgdlab: cannot write standard output: ...".  (2) --out on a full
# file system: a 64 KiB tmpfs in a private mount namespace where that works,
# and always a file size limit (ulimit -f, SIGXFSZ ignored, so write() fails
# with EFBIG): exit 1, a message naming the file, no partial file under the
# final name and no temporary file left.  (3) --out on things that are not
# regular files: a character device (a copy of /dev/null) written in place, a FIFO written
# in place, a symlink followed (the link kept, its target replaced), a
# dangling symlink / a directory / '' refused with exit 2 before anything runs.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1

RUN=(run --model diagnet --d 4 --n 8 --kappa 2 --steps 2000 --every 10 --trajectories 4)
cat > spec.yaml <<'EOS'
name: out-test
base: {model: diagnet, d: 4, n: 8, kappa: 2, steps: 200, every: 100, trajectories: 2}
grid:
  lr: [0.001, 0.002]
EOS

# ---- (1) standard output on /dev/full (report/export/plot: cli_report.sh)
if [ -w /dev/full ]; then
    ESC=(escape --noise isotropic --D 0.25 --lr 0.002 --event next-min --trajectories 8 --t-max 1e3)
    LIM=(limit --model toy2d --noise label --delta 1 --alpha 1 --trajectories 4 --T 1 --dt 0.01)
    cases=("list" "version" "help" "run --help" "escape --help" "theory --help" "limit --help" "sweep --help"
           "reproduce shape-matters --help" "reproduce mori-escape --help"
           "${RUN[*]}" "${RUN[*]} --format csv" "${RUN[*]} --format jsonl"
           "${ESC[*]}" "${ESC[*]} --json" "${LIM[*]}" "${LIM[*]} --json" "theory" "theory --json"
           "sweep spec.yaml --list" "sweep --keys")
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2086
        "$SGDLAB" $c > /dev/full 2> err.txt
        rc=$?
        n=$(grep -c . err.txt)
        check "'$c' > /dev/full: exit 1 (got $rc)" test "$rc" -eq 1
        check "'$c' > /dev/full: says it cannot write standard output ($(tail -n 1 err.txt))" \
            grep -q "cannot write standard output: No space left on device" err.txt
        check "'$c' > /dev/full: one message ($n lines on stderr besides timing)" \
            test "$(grep -vc '^sgdlab [a-z]*: [0-9]* \(trajectories\|runs\)\|^sgdlab escape:\|^sgdlab run: note:' err.txt)" -eq 1
    done
    # a closed standard output with nothing written is not an error
    "$SGDLAB" run --out x.txt --steps 10 --every 10 --trajectories 1 >&- 2> /dev/null
    check "run --out with stdout closed: exit 0" test $? -eq 0
else
    echo "NOTE: no writable /dev/full: the /dev/full cases were not exercised"
fi

# ---- (2) --out on a full file system
no_tmp() { ! ls "$1".tmp* > /dev/null 2>&1; }
echo "old contents" > keep.jsonl
( trap '' XFSZ; ulimit -f 8; exec "$SGDLAB" "${RUN[@]}" --format jsonl --out keep.jsonl ) 2> err.txt
rc=$?
check "--out past a 8 KiB file size limit: exit 1 (got $rc)" test "$rc" -eq 1
check "--out past the limit: names the file ($(head -n 1 err.txt))" grep -q -- "--out: cannot write 'keep.jsonl': File too large" err.txt
check "--out past the limit: the old file is untouched" test "$(cat keep.jsonl)" = "old contents"
check "--out past the limit: no temporary file left" no_tmp keep.jsonl
( trap '' XFSZ; ulimit -f 8; exec "$SGDLAB" "${RUN[@]}" --format jsonl --out new.jsonl ) 2> /dev/null
check "--out past the limit: no partial new file" test ! -e new.jsonl
check "--out past the limit: no temporary file left (new)" no_tmp new.jsonl
mkdir -p mnt
if unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs mnt' 2> /dev/null; then
    unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs mnt && echo old > mnt/o.jsonl &&
        "$0" "$@" --format jsonl --every 1 --out mnt/o.jsonl 2> err.txt; echo "rc=$?" > rc.txt;
        cat mnt/o.jsonl > left.txt; ls -a mnt > ls.txt' "$SGDLAB" "${RUN[@]}"
    check "--out on a full 64 KiB tmpfs: exit 1 ($(cat rc.txt))" grep -qx "rc=1" rc.txt
    check "--out on a full tmpfs: says no space ($(head -n 1 err.txt))" \
        grep -q -- "--out: cannot write 'mnt/o.jsonl': No space left on device" err.txt
    check "--out on a full tmpfs: the old file is untouched" test "$(cat left.txt)" = "old"
    check "--out on a full tmpfs: no temporary file left ($(tr '\n' ' ' < ls.txt))" test "$(grep -vc '^\.\.\?$' ls.txt)" -eq 1
else
    echo "NOTE: cannot mount a tmpfs here (not root or no mount namespace): the file size limit above stands for it"
fi

# ---- (3) what --out writes to
# A character device: our own copy of /dev/null (mknod, as root), so that a
# sgdlab that replaces devices cannot break the machine's /dev/null; a
# non-root user cannot replace /dev/null, so it is safe to use there.
dev=
if mknod devnull c 1 3 2> /dev/null && echo x 2> /dev/null > devnull; then dev=$WORK/devnull
elif [ "$(id -u)" -ne 0 ]; then dev=/dev/null
fi
if [ -n "$dev" ]; then
    "$SGDLAB" "${RUN[@]}" --out "$dev" 2> err.txt
    check "--out $dev (a character device): exit 0" test $? -eq 0
    check "--out $dev: still a character device" test -c "$dev"
    check "--out $dev: no temporary file beside it" no_tmp "$dev"
else
    echo "NOTE: root without mknod: the character-device case was not exercised"
fi
mkfifo fifo
# (timeouts: a sgdlab that replaced the FIFO would leave the reader waiting forever)
timeout 30 "$PY" -c "import sys; sys.stdout.write(open('fifo').read())" > fifo.out &
reader=$!
timeout 30 "$SGDLAB" "${RUN[@]}" --format csv --out fifo 2> /dev/null
check "--out FIFO: exit 0" test $? -eq 0
wait "$reader"
check "--out FIFO: still a FIFO" test -p fifo
"$SGDLAB" "${RUN[@]}" --format csv > direct.csv 2> /dev/null
check "--out FIFO: the reader got the whole output" cmp -s fifo.out direct.csv
echo "old" > target.csv
chmod 640 target.csv
ln -s target.csv link.csv
"$SGDLAB" "${RUN[@]}" --format csv --out link.csv 2> /dev/null
check "--out symlink: exit 0" test $? -eq 0
check "--out symlink: the link is kept" test -L link.csv
check "--out symlink: its target holds the output" cmp -s target.csv direct.csv
check "--out symlink: the target keeps its mode 640" test "$(stat -c %a target.csv)" = 640
check "--out symlink: no temporary file left" no_tmp target.csv
ln -s missing/nowhere.csv dangling.csv
"$SGDLAB" "${RUN[@]}" --steps 100000000 --every 1000000 --out dangling.csv 2> err.txt
rc=$?
check "--out dangling symlink: exit 2 at once (got $rc)" test "$rc" -eq 2
check "--out dangling symlink: says so ($(head -n 1 err.txt))" grep -q "^sgdlab: --out: 'dangling.csv' is a symbolic link to a missing file" err.txt
"$SGDLAB" "${RUN[@]}" --steps 100000000 --every 1000000 --out . 2> err.txt
rc=$?
check "--out directory: exit 2 at once (got $rc)" test "$rc" -eq 2
check "--out directory: says so" grep -q "^sgdlab: --out: '.' is a directory" err.txt
"$SGDLAB" "${RUN[@]}" --steps 100000000 --every 1000000 --out '' > out.txt 2> err.txt
rc=$?
check "--out '': exit 2 before simulating (got $rc)" test "$rc" -eq 2
check "--out '': one message naming --out ($(head -n 1 err.txt))" test "$(cat err.txt)" = "sgdlab: --out: needs a file name, got ''"
check "--out '': nothing on standard output" test ! -s out.txt
"$SGDLAB" "${RUN[@]}" --out no/such/dir/x.csv 2> err.txt
rc=$?
check "--out in a missing directory: exit 2 (got $rc)" test "$rc" -eq 2
check "--out in a missing directory: says so" grep -q "cannot write 'no/such/dir/x.csv': No such file or directory" err.txt
# a file the user may not write is not replaced behind its permissions (root ignores them: skipped)
if [ "$(id -u)" -ne 0 ]; then
    echo old > ro.csv
    chmod 444 ro.csv
    "$SGDLAB" "${RUN[@]}" --out ro.csv 2> err.txt
    rc=$?
    check "--out read-only file: exit 1 (got $rc)" test "$rc" -eq 1
    check "--out read-only file: left as it was" test "$(cat ro.csv)" = old
    check "--out read-only file: says so" grep -q "cannot write 'ro.csv': Permission denied" err.txt
else
    echo "NOTE: root: the read-only --out case was not exercised"
fi
# a new file gets the mode fopen would give (0666 less the umask), not mkstemp's 0600
( umask 022; "$SGDLAB" "${RUN[@]}" --out fresh.csv 2> /dev/null )
check "--out new file: mode 644 under umask 022 (got $(stat -c %a fresh.csv))" test "$(stat -c %a fresh.csv)" = 644
# two writers at once do not share a temporary file: both finish, the file is one whole output
"$SGDLAB" "${RUN[@]}" --format jsonl --out both.jsonl 2> /dev/null &
p1=$!
"$SGDLAB" "${RUN[@]}" --format jsonl --out both.jsonl 2> /dev/null
rc2=$?
wait "$p1"
rc1=$?
check "two writers to one --out: both exit 0 ($rc1, $rc2)" test "$rc1" -eq 0 -a "$rc2" -eq 0
"$SGDLAB" "${RUN[@]}" --format jsonl > one.jsonl 2> /dev/null
check "two writers to one --out: the file is one whole output" cmp -s both.jsonl one.jsonl
check "two writers: no temporary file left" no_tmp both.jsonl

finish
