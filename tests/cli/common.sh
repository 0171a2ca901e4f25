# Shared helpers for the CLI tests; sourced by tests/cli/*.sh as
#   . "$(dirname "$0")/common.sh" "$@"
# $1: the sgdlab binary; $2 (optional): a scratch directory (else mktemp -d,
# removed on exit).  Every check prints one "PASS: ..." or "FAIL: ..." line, or
# "SKIP: ..." when it cannot run here (a missing optional tool such as gnuplot);
# `finish` prints the tally and exits nonzero if any check failed.
set -u

if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: $0 SGDLAB_BINARY [SCRATCH_DIR]" >&2
    exit 2
fi
case "$1" in
    /*) SGDLAB=$1 ;;
    *) SGDLAB=$(pwd)/$1 ;;
esac
if [ ! -x "$SGDLAB" ]; then
    echo "FAIL: sgdlab binary '$SGDLAB' is not executable"
    exit 1
fi
if [ $# -ge 2 ] && [ -n "$2" ]; then
    WORK=$2
    mkdir -p "$WORK" || exit 1
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/sgdlab-cli.XXXXXX") || exit 1
    trap 'rm -rf "$WORK"' EXIT
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

NPASS=0
NFAIL=0
NSKIP=0
pass() { echo "PASS: $*"; NPASS=$((NPASS + 1)); }
skip() { echo "SKIP: $*"; NSKIP=$((NSKIP + 1)); }
fail() { echo "FAIL: $*"; NFAIL=$((NFAIL + 1)); }
# check DESCRIPTION COMMAND...: PASS if the command succeeds
check() {
    local desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}
# Run a python checker that prints its own PASS:/FAIL: lines; fold them into
# the tally.  A crash without FAIL lines counts as one failure.
pycheck() {
    local desc=$1
    shift
    local out rc np nf
    out=$("$PY" "$@" 2>&1)
    rc=$?
    [ -n "$out" ] && printf '%s\n' "$out"
    np=$(printf '%s\n' "$out" | grep -c '^PASS:')
    nf=$(printf '%s\n' "$out" | grep -c '^FAIL:')
    NPASS=$((NPASS + np))
    NFAIL=$((NFAIL + nf))
    if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then fail "$desc: python checker exited $rc"; fi
}
finish() {
    echo "$(basename "$0"): $NPASS passed, $NFAIL failed$([ "$NSKIP" -gt 0 ] && echo ", $NSKIP skipped")"
    [ "$NFAIL" -eq 0 ] && exit 0
    exit 1
}
# version string as printed by `sgdlab version` ("sgdlab X.Y.Z (git ...)")
sgl_version() { "$SGDLAB" version 2>/dev/null | awk 'NR == 1 { print $2 }'; }
