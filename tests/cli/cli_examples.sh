#!/usr/bin/env bash
# examples/*.yaml are reproducible through sweep + report + plot as README.md
# says (issue 16, "Done when"): every spec parses (sweep --list); every
# `sgdlab sweep|report|plot` line in a spec's comment is, character for
# character, an indented command line of README.md (cli_tutorial checks
# those name real flags); and the cheap one, limit-vs-sgd (SGD and its
# limit into one store), runs exactly as written: its report shows the
# limit's 1.3678 and its plot the SGD points against it, filtered to
# delta = 1 (the title says so).  The others take seconds to minutes.  And
# README's own command lines read only stores and specs that exist by then.
. "$(dirname "$0")/common.sh" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK/bin" "$WORK/run"
ln -s "$SGDLAB" "$WORK/bin/sgdlab"
export PATH="$WORK/bin:$PATH"
ln -s "$SRC/examples" "$WORK/run/examples"

n=0
for f in "$SRC"/examples/*.yaml; do
    "$SGDLAB" sweep "$f" --list > /dev/null 2> "$WORK/err"
    rc=$?
    check "$(basename "$f"): parses (sweep --list; $(head -c 200 "$WORK/err"))" test $rc -eq 0
    while IFS= read -r cmd; do
        n=$((n + 1))
        check "README.md has '$cmd'" grep -qxF -- "    $cmd" <(sed 's/  *#.*$//' "$SRC/README.md")
    done < <(grep -oE 'sgdlab (sweep|report|plot) .*' "$f" | sed 's/  *#.*$//; s/ *$//')
done
check "the specs' comments name commands ($n)" test "$n" -ge 18

# README's command lines in order: every store a report/export/plot line reads is written by an earlier line
# (--db F), and every spec a sweep line reads is in the repository (a new user runs them as written)
pycheck "README stores and specs" - "$SRC" <<'PY'
import os, re, sys
src = sys.argv[1]
made, bad, n = set(), 0, 0
for line in open(os.path.join(src, "README.md"), encoding="utf-8"):
    m = re.match(r"^    (?:mpirun .*?)?(sgdlab [a-z].*)$", line.rstrip("\n"))
    if not m or "..." in m.group(1):
        continue
    w = re.sub(r"\s+#.*$", "", m.group(1)).split()
    if len(w) > 2 and w[1] in ("report", "export", "plot"):
        n += 1
        if w[2] not in made:
            print("FAIL: README: '%s' reads %s, which no earlier README line writes" % (" ".join(w), w[2])); bad += 1
    if len(w) > 2 and w[1] == "sweep" and not w[2].startswith("-"):
        n += 1
        if not os.path.exists(os.path.join(src, w[2])):
            print("FAIL: README: '%s': no file %s in the repository" % (" ".join(w), w[2])); bad += 1
    made.update(w[i + 1] for i in range(len(w) - 1) if w[i] == "--db")
print(("PASS" if n >= 20 and not bad else "FAIL") + ": README: %d report/export/plot/sweep lines, each on a store or spec it has" % n)
PY

# limit-vs-sgd, every line of its comment as written
grep -oE 'sgdlab (sweep|report|plot) .*' "$SRC/examples/limit-vs-sgd.yaml" | sed 's/  *#.*$//' > "$WORK/lvs.sh"
(cd "$WORK/run" && bash -e -x "$WORK/lvs.sh") > "$WORK/lvs.out" 2> "$WORK/lvs.err"
rc=$?
check "limit-vs-sgd: its commands run as written (exit $rc; $(grep '^+ ' "$WORK/lvs.err" | tail -1))" test $rc -eq 0
check "limit-vs-sgd: 4 commands" test "$(wc -l < "$WORK/lvs.sh")" -eq 4
check "report: the limit's trace_hessian at delta = 1" grep -qE '^1 +0\.001 +1\.3677' "$WORK/lvs.out"
if command -v gnuplot > /dev/null; then
    check "plot: an SVG" grep -q "<svg" "$WORK/run/lvs.svg"
    check "plot: the title says delta = 1 was selected" grep -qF ".'only delta=1' noenhanced" "$WORK/run/lvs.svg.gp"
    check "plot: 5 points (4 SGD step sizes and the limit)" grep -qF "(1 curves, 5 points" "$WORK/lvs.err"
else
    skip "plot: gnuplot not installed"
fi
finish
