#!/usr/bin/env bash
# The project documents itself (docs/): every THEORY.md section and check id
# cited in src/, cli/, tests/, include/, examples/ and the docs exists in
# docs/THEORY.md; every link and .md path in README.md and docs/*.md
# resolves; nothing printed or documented refers to ../shared or to an issue
# number (tests/cli/check_docs.py).  Then the checker itself is shown to fail
# on a tree with a missing section, a missing check id, a dead link and an
# outside reference.
# usage: cli_docs.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK="$ROOT/tests/cli/check_docs.py"

pycheck "docs of the project" "$CHECK" "$ROOT"

# the same checker on a broken copy: it must fail, naming each problem
B="$WORK/broken"
mkdir -p "$B/docs" "$B/src"
grep -v -e '^### 3\.6 ' -e '^\*\*M2\. ' "$ROOT/docs/THEORY.md" > "$B/docs/THEORY.md"
printf '%s\n' '/* expected magnitudes (THEORY.md 3.6), first passage (THEORY M2) */' \
    'static const char *s = "see ../shared/docs/THEORY.md, issue 16";' > "$B/src/x.c"
printf '%s\n' '# x' 'See [the design](docs/DESIGN.md) and `docs/THEORY.md`.' > "$B/README.md"
"$PY" "$CHECK" "$B" > "$WORK/broken.out" 2>&1
check "broken tree: the checker exits nonzero" test $? -ne 0
check "broken tree: names the missing section 3.6" grep -q "missing: src/x.c: .* section 3.6" "$WORK/broken.out"
check "broken tree: names the missing check M2" grep -q "missing: src/x.c: .* check M2" "$WORK/broken.out"
check "broken tree: names the dead link" grep -q "dead link: README.md -> docs/DESIGN.md" "$WORK/broken.out"
check "broken tree: names the ../shared reference" grep -q "outside the project: src/x.c:2: see ../shared" "$WORK/broken.out"
check "the real tree's docs/THEORY.md keeps 3.6 and M2" grep -q -e '^### 3\.6 ' "$ROOT/docs/THEORY.md"
finish
