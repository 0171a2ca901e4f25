#!/usr/bin/env bash
# The top-level usage comes from the command table in cli/sgdlab.c: it lists
# every command and every reproduce experiment (lwa-sparse was missing), each
# listed command dispatches (none is "unknown"), and an unknown command is
# exit 2 with the valid names.
# usage: cli_usage.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

"$SGDLAB" help > "$WORK/usage" 2>&1
check "sgdlab help: exit 0" test $? -eq 0
for c in "list" "run" "escape" "theory" "limit" "reproduce shape-matters" "reproduce mori-escape" \
         "exponential-escape" "reproduce lwa-sparse" "sweep" "report" "export" "plot" "version" "help"; do
    check "usage lists '$c'" grep -q "^  sgdlab $c\\b\\|| $c\\b" "$WORK/usage"
done
"$SGDLAB" --help > "$WORK/usage2" 2>&1
check "--help prints the same usage" cmp -s "$WORK/usage" "$WORK/usage2"
"$SGDLAB" > "$WORK/none" 2> "$WORK/none.err"
check "no command: exit 2, usage on stderr" test $? -eq 2 -a ! -s "$WORK/none"
check "no command: usage on stderr" cmp -s "$WORK/usage" "$WORK/none.err"
"$SGDLAB" frobnicate > /dev/null 2> "$WORK/unk"
check "unknown command: exit 2" test $? -eq 2
check "unknown command: names the valid ones" grep -q "valid: list, run, .*reproduce.*version, help$" "$WORK/unk"
# every command named in the usage reaches its handler (its own --help or error, never "unknown command")
for c in $(sed -n 's/^  sgdlab \([a-z-]*\).*/\1/p' "$WORK/usage" | sort -u); do
    "$SGDLAB" "$c" --help > /dev/null 2> "$WORK/c.err"
    check "'$c' dispatches" bash -c "! grep -q 'unknown command' '$WORK/c.err'"
done
finish
