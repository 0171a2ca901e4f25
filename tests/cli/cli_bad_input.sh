#!/usr/bin/env bash
# Bad input to `sgdlab run`: exit code exactly 2, stdout empty, exactly one
# line on stderr of the form "sgdlab: <flag>: ..." naming the offending flag,
# and with --out nothing is written: no file, no FILE.tmp, and a pre-existing
# file is left byte-identical.
# usage: cli_bad_input.sh SGDLAB [SCRATCH]
#
# Cost: three runs per case.  With SGL_RUN_BATCH set (ctest sets it to the
# sgdlab_run_batch helper, tests/cli/run_batch.c) every case goes through
# cmd_run -- what `sgdlab run` executes after main's dispatch -- in one
# process with the same checks (exit code 2, empty stdout, the one-line
# message naming the flag and its substrings, nothing written with --out, a
# pre-existing file intact), and every 10th case also through the binary
# itself; without it, each case launches the binary three times.
set -u
. "$(dirname "$0")/common.sh" "$@"

OUT=$WORK/out.txt
KEEP=$WORK/keep.txt
printf 'pre-existing output\nline 2\n' > "$KEEP"

# Cheap defaults in front of every case so a wrongly accepted input still
# finishes fast; the case's own flags come later and override them.
BASE=(--steps 200 --every 100 --trajectories 2)

# stderr must be exactly one newline-terminated line starting with PREFIX
one_line_with_prefix() { # file prefix
    [ "$(wc -l < "$1")" -eq 1 ] || return 1
    [ -z "$(tail -c 1 "$1")" ] || return 1
    local line
    line=$(head -n 1 "$1")
    case "$line" in "$2"*) return 0 ;; *) return 1 ;; esac
}

# bad DESC FLAG "SUBSTR1|SUBSTR2|..." ARGS...
#   FLAG: the flag the message must name ("sgdlab: FLAG: ...")
#   SUBSTRs: '|'-separated strings that must appear in the message ("" for none)
RUN_BATCH=${SGL_RUN_BATCH:-}
CASES=$WORK/cases.txt
NCASES=0
if [ -n "$RUN_BATCH" ]; then
    if [ ! -x "$RUN_BATCH" ]; then echo "FAIL: SGL_RUN_BATCH '$RUN_BATCH' is not executable"; exit 1; fi
    { echo base; echo "${#BASE[@]}"; printf '%s\n' "${BASE[@]}"; } > "$CASES"
fi
bad() {
    local a
    for a in "$@"; do case "$a" in *$'\n'*) bad_exec "$@"; return ;; esac; done
    if [ -z "$RUN_BATCH" ]; then bad_exec "$@"; return; fi
    NCASES=$((NCASES + 1))
    if [ $((NCASES % 10)) -eq 1 ]; then bad_exec "$@"; fi
    { echo case; printf '%s\n' "$1" "$2" "$3" "$(($# - 3))"; shift 3; [ $# -eq 0 ] || printf '%s\n' "$@"; } >> "$CASES"
}
bad_exec() {
    local desc=$1 flag=$2 subs=$3
    shift 3
    local err=$WORK/err.txt so=$WORK/stdout.txt rc
    "$SGDLAB" run "${BASE[@]}" "$@" > "$so" 2> "$err"
    rc=$?
    local got
    got=$(head -c 300 "$err" | head -n 3 | tr '\n' '|')
    if [ "$rc" -eq 2 ]; then pass "$desc: exit 2"; else fail "$desc: exit $rc, want 2 (stderr: $got)"; fi
    if [ ! -s "$so" ]; then pass "$desc: stdout empty"; else fail "$desc: stdout not empty ($(wc -c < "$so") bytes)"; fi
    if one_line_with_prefix "$err" "sgdlab: $flag:"; then
        pass "$desc: stderr is one line 'sgdlab: $flag: ...'"
    else
        fail "$desc: stderr is not one line starting 'sgdlab: $flag:' (got: $got)"
    fi
    if [ -n "$subs" ]; then
        local missing="" s
        local IFS='|'
        for s in $subs; do
            grep -qF -- "$s" "$err" || missing="$missing '$s'"
        done
        unset IFS
        if [ -z "$missing" ]; then pass "$desc: message lists [$subs]"; else fail "$desc: message lacks$missing (got: $got)"; fi
    fi
    # --out to a fresh path: nothing written
    rm -f "$OUT" "$OUT.tmp"
    "$SGDLAB" run --out "$OUT" "${BASE[@]}" "$@" > "$so" 2> "$err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ ! -e "$OUT" ] && [ ! -e "$OUT.tmp" ] && [ ! -s "$so" ]; then
        pass "$desc: with --out: exit 2, no file and no .tmp written"
    else
        fail "$desc: with --out: exit $rc, out exists=$([ -e "$OUT" ] && echo y || echo n), tmp exists=$([ -e "$OUT.tmp" ] && echo y || echo n)"
    fi
    # --out over a pre-existing file: left byte-identical
    rm -f "$OUT.tmp"
    cp "$KEEP" "$OUT"
    "$SGDLAB" run --out "$OUT" "${BASE[@]}" "$@" > "$so" 2> "$err"
    rc=$?
    if [ "$rc" -eq 2 ] && cmp -s "$KEEP" "$OUT" && [ ! -e "$OUT.tmp" ]; then
        pass "$desc: with --out: pre-existing file byte-identical"
    else
        fail "$desc: with --out: exit $rc; pre-existing file changed or .tmp left"
    fi
    rm -f "$OUT" "$OUT.tmp"
}

# ---------------------------------------------------------------- CSV files
D=$WORK/csv
mkdir -p "$D"
printf 'x_1,x_2,y\n1,2,3\n4,5,9\n' > "$D/ok.csv"                  # n = 2
printf 'x_1,x_2,y\n1,2,3\n4,abc,9\n7,8,15\n' > "$D/midfield.csv"  # non-numeric field mid-file
printf 'x_1,x_2,y\n1,2,3\n4,5\n7,8,15\n' > "$D/short.csv"         # a short row
printf '1,2,3\n4,5,9,1\n' > "$D/long.csv"                         # a long row, no header
printf '1,2,3\n4,,9\n' > "$D/emptyfield.csv"                      # empty field
printf '1,2,3\n4,5,9,\n' > "$D/trailcomma.csv"                    # trailing comma
printf '1,2,3\n4,5,nan\n' > "$D/nan.csv"                          # nan label
: > "$D/empty.csv"                                                # empty file
printf 'x_1,x_2,y\n' > "$D/headeronly.csv"                        # header, no rows
printf '\n\n  \n' > "$D/blank.csv"                                # blank lines only
printf '1,abc,3\n4,5,9\n7,8,15\n' > "$D/badfirst.csv"             # first data row malformed, no header

# ------------------------------------------------------------------- cases
bad "unknown --model" --model "diagnet|quadratic|linreg" --model nosuch
bad "unknown --noise" --noise "none|label|label-gauss|gaussian|minibatch|minibatch-diff|lngd" --noise nosuch
bad "unknown --data" --data "gaussian|boolean|csv" --data nosuch
bad "unknown --format" --format "table|csv|jsonl" --format xml
bad "unknown --truth" --truth "ones|signs" --truth nosuch
bad "unknown --sampling" --sampling "without|with" --sampling nosuch
bad "unknown --data-draw" --data-draw "per-seed|shared" --data-draw nosuch
bad "--sigma-scale unset" --sigma-scale "eta|sqrt-eta" --noise gaussian --sigma 0.1 --sigma-scale unset
bad "unknown flag" --bogus "" --bogus 1
bad "unknown flag given as --bogus=1" --bogus "" --bogus=1
bad "an empty argument (found by fuzzing: the message named nothing)" "''" "--model|--noise" ""
bad "an argument that starts with = (found by fuzzing)" "'=3'" "--model|--noise" =3
bad "stray positional argument" extra "" extra

for f in --d --n --steps --trajectories --every --kappa --n-test --batch; do
    bad "$f abc" "$f" "abc" "$f" abc
    bad "$f 1x" "$f" "1x" "$f" 1x
    bad "$f ''" "$f" "" "$f" ""
    bad "$f=" "$f" "" "$f="
done
for f in --lr --delta --sigma --alpha --bound; do
    bad "$f abc" "$f" "abc" "$f" abc
    bad "$f 1x" "$f" "1x" "$f" 1x
    bad "$f ''" "$f" "" "$f" ""
done

bad "--d 0" --d "" --d 0
bad "--n 0" --n "" --n 0
bad "--d -5" --d "" --d -5
bad "--n -5" --n "" --n -5
bad "--steps 0" --steps "" --steps 0
bad "--steps -1" --steps "" --steps -1
bad "--steps 2.5" --steps "2.5" --steps 2.5
bad "--steps 1e20 (too large)" --steps "" --steps 1e20
bad "--trajectories 0" --trajectories "" --trajectories 0
bad "--trajectories 1.5" --trajectories "" --trajectories 1.5
bad "--trajectories 4294967296" --trajectories "" --trajectories 4294967296
bad "--d 2.5" --d "" --d 2.5
bad "--every 0" --every "" --every 0
bad "--every too small (> 10^6 logs)" --every "" --steps 2000000 --every 1
bad "--lr 0" --lr "" --lr 0
bad "--lr -1" --lr "" --lr -1
bad "--lr nan" --lr "" --lr nan
bad "--lr inf" --lr "" --lr inf
bad "--lr -inf" --lr "" --lr -inf
bad "--lr 1e999" --lr "" --lr 1e999
bad "--kappa > --d" --kappa "" --d 10 --kappa 11
bad "--batch > --n (minibatch)" --batch "" --noise minibatch --n 20 --batch 21
bad "--batch > --n (minibatch-diff)" --batch "" --model quadratic --noise minibatch-diff --n 20 --batch 21
bad "--batch 0" --batch "" --batch 0
bad "--batch 2.5" --batch "" --batch 2.5
bad "--noise gaussian without --sigma-scale" --sigma-scale "eta|sqrt-eta" --noise gaussian --sigma 0.1
bad "--sigma -1" --sigma "" --sigma -1
bad "--delta -1" --delta "" --delta -1
bad "--data-noise -1" --data-noise "" --data-noise -1
bad "--loss-a 0" --loss-a "" --loss-a 0
bad "--alpha nan" --alpha "" --alpha nan
bad "--bound 0" --bound "" --bound 0
bad "--threshold -1" --threshold "" --threshold -1
bad "--lr-decay 0" --lr-decay "" --lr-decay 0
bad "--lr-decay abc" --lr-decay "" --lr-decay abc
bad "--lr-decay-factor 0" --lr-decay-factor "" --lr-decay-factor 0
bad "--quick=1 (flag takes no value)" --quick "" --quick=1
bad "--threads abc" --threads "abc" --threads abc
bad "--threads -1" --threads "" --threads -1
bad "--threads 1.5" --threads "" --threads 1.5
bad "--threads 100000" --threads "" --threads 100000

bad "--data csv without --data-file" --data-file "" --model linreg --noise none --data csv
bad "--data csv, missing file" --data-file "$D/missing.csv" --model linreg --noise none --data csv --data-file "$D/missing.csv"
bad "--data csv, file is a directory" --data-file "" --model linreg --noise none --data csv --data-file "$D"
bad "--data csv, non-numeric field mid-file" --data-file "midfield.csv:3" --model linreg --noise none --data csv --data-file "$D/midfield.csv"
bad "--data csv, short row" --data-file "short.csv:3" --model linreg --noise none --data csv --data-file "$D/short.csv"
bad "--data csv, long row" --data-file "long.csv:2" --model linreg --noise none --data csv --data-file "$D/long.csv"
bad "--data csv, empty field" --data-file "" --model linreg --noise none --data csv --data-file "$D/emptyfield.csv"
bad "--data csv, trailing comma" --data-file "" --model linreg --noise none --data csv --data-file "$D/trailcomma.csv"
bad "--data csv, nan label" --data-file "" --model linreg --noise none --data csv --data-file "$D/nan.csv"
bad "--data csv, empty file" --data-file "" --model linreg --noise none --data csv --data-file "$D/empty.csv"
bad "--data csv, header only" --data-file "" --model linreg --noise none --data csv --data-file "$D/headeronly.csv"
bad "--data csv, blank lines only" --data-file "" --model linreg --noise none --data csv --data-file "$D/blank.csv"
bad "--data csv, malformed first row (1,abc,3) without header" --data-file "" --model linreg --noise none --data csv --data-file "$D/badfirst.csv"
bad "--data csv, --batch > rows (minibatch)" --batch "n = 2" --model linreg --noise minibatch --batch 3 --data csv --data-file "$D/ok.csv"

# missing value at the very end of argv
bad "--lr without a value at end of argv" --lr "" --lr
bad "--format without a value at end of argv" --format "" --format
bad "--data-file without a value at end of argv" --data-file "" --data csv --data-file

# ------------------------------------------------------ subcommand level
"$SGDLAB" frobnicate > "$WORK/so" 2> "$WORK/err"
rc=$?
check "unknown subcommand: exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "unknown subcommand: stdout empty" [ ! -s "$WORK/so" ]
check "unknown subcommand: one stderr line 'sgdlab: ...' naming it" \
    one_line_with_prefix "$WORK/err" "sgdlab: unknown command 'frobnicate'"
"$SGDLAB" > "$WORK/so" 2> "$WORK/err"
rc=$?
check "no subcommand: exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "no subcommand: stdout empty" [ ! -s "$WORK/so" ]
check "no subcommand: usage on stderr" [ -s "$WORK/err" ]

# flags the chosen data or noise kind does not use are errors, not silently ignored
bad "--batch with --noise none" --batch "--noise none" --noise none --batch 4
bad "--sampling with --noise lngd" --sampling "--noise lngd" --noise lngd --sampling with
bad "--delta with --noise gaussian" --delta "--noise gaussian" --noise gaussian --sigma 0.1 --sigma-scale eta --delta 2
bad "--sigma with --noise label" --sigma "--noise label" --noise label --sigma 0.1
bad "--sigma-scale with --noise none" --sigma-scale "--noise none" --noise none --sigma-scale eta
bad "--d with --data csv" --d "--data csv" --data csv --data-file "$D/ok.csv" --model linreg --noise none --d 3
bad "--data-noise with --data csv" --data-noise "--data csv" --data csv --data-file "$D/ok.csv" --model linreg --noise none --data-noise 0.1
bad "--data-file without --data csv" --data-file "--data csv" --data-file "$D/ok.csv"
bad "--kappa default above --d" --kappa "default" --d 3
bad "--lr-decay empty token" --lr-decay "" --lr-decay 5,,10
bad "--lr-decay empty" --lr-decay "" --lr-decay ""
bad "--lr-decay not increasing" --lr-decay "increasing" --lr-decay 100,100
bad "--seed hex" --seed "" --seed 0x10
bad "--seed negative" --seed "" --seed -1
bad "--seed beyond 64 bits" --seed "" --seed 18446744073709551616
bad "reproduce-only flag on run" --json "valid" --json

# every case above through cmd_run in one process (see the top)
if [ -n "$RUN_BATCH" ]; then
    mkdir -p "$WORK/batch"
    bout=$("$RUN_BATCH" "$CASES" "$WORK/batch" 2>&1)
    brc=$?
    printf '%s\n' "$bout"
    np=$(printf '%s\n' "$bout" | grep -c '^PASS:')
    nf=$(printf '%s\n' "$bout" | grep -c '^FAIL:')
    NPASS=$((NPASS + np))
    NFAIL=$((NFAIL + nf))
    if [ "$brc" -ne 0 ] && [ "$nf" -eq 0 ]; then fail "sgdlab_run_batch exited $brc without a FAIL line"; fi
    check "sgdlab_run_batch ran all $NCASES cases" grep -qx "cases: $NCASES" <<<"$bout"
fi

# a 64-bit seed is read exactly, not through a double
a=$("$SGDLAB" run "${BASE[@]}" --seed 18446744073709551615 --format jsonl 2>/dev/null | head -1)
check "--seed 2^64-1 accepted and echoed exactly" grep -q '"seed":18446744073709551615' <<<"$a"
finish
