#!/usr/bin/env bash
# JSON output goes through the library's one writer (src/json.c): every line of
# `run --format jsonl` is valid UTF-8 JSON even when the data file's name holds
# a control character and a byte that is not UTF-8 (the name is escaped, the
# bad byte becomes U+FFFD; before, the control character was dropped and the
# byte passed through, so strict JSON readers failed); the --json of theory,
# limit and escape parses too.
# usage: cli_json.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

D=$WORK/json
mkdir -p "$D"
NAME=$(printf 'd\001a\377ta.csv')
printf '1,2,3\n0.5,0.1,1\n-1,2,0\n3,1,2\n' > "$D/$NAME"
# strict: bytes decoded as UTF-8 (no surrogateescape), every line one JSON value
parse_lines() { "$PY" -c '
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "no final newline"
objs = [json.loads(l.decode("utf-8")) for l in lines[:-1]]
assert objs, "no output"
if len(sys.argv) > 2:
    got = objs[0]["params"]["data_file"]
    assert got == sys.argv[2], repr(got)
' "$@"; }

if (cd "$D" && "$SGDLAB" run --model linreg --noise label --data csv --data-file "$NAME" --steps 100 --every 50 \
        --trajectories 2 --format jsonl > "$D/run.jsonl" 2> "$D/run.err"); then
    pass "run --data-file with a control character and 0xff in the name: exit 0"
else
    fail "run --data-file with a control character and 0xff in the name: exit $? ($(cat "$D/run.err"))"
fi
check "run --format jsonl: every line is UTF-8 JSON, data_file escaped (\\u0001, U+FFFD)" \
    parse_lines "$D/run.jsonl" $'d\001a\uFFFDta.csv'

"$SGDLAB" theory --landscape doublewell --json > "$D/theory.json" 2> "$D/theory.err"
check "theory --json parses" parse_lines "$D/theory.json"
"$SGDLAB" escape --landscape doublewell --trajectories 20 --t-max 50 --json > "$D/escape.json" 2> "$D/escape.err"
check "escape --json parses" parse_lines "$D/escape.json"
"$SGDLAB" limit --model diagnet --d 10 --n 8 --kappa 2 --T 0.05 --dt 0.001 --trajectories 2 --json > "$D/limit.json" 2> "$D/limit.err"
check "limit --json parses" parse_lines "$D/limit.json"
finish
