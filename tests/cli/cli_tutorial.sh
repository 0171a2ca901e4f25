#!/usr/bin/env bash
# docs/TUTORIAL.md runs as written: every ```sh block, in order, in an empty
# directory, with the sgdlab under test first on PATH as `sgdlab`; each command
# must succeed and the files it says it writes must exist.  Left out (each
# covered by its own test, too slow or too special for this one): lines
# starting with `sgdlab reproduce` (cli_reproduce) and `mpirun` (cli_mpi).
# Also every `sgdlab ...` line of README.md and the tutorial, placeholders
# and all, names a command that exists and only flags its --help lists.
. "$(dirname "$0")/common.sh" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK/bin" "$WORK/tut"
ln -s "$SGDLAB" "$WORK/bin/sgdlab"
export PATH="$WORK/bin:$PATH"

# the sh blocks, joined into one script (heredocs inside a block stay whole)
awk '/^```sh$/ {on = 1; next} /^```/ {on = 0} on' "$SRC/docs/TUTORIAL.md" |
    grep -vE '^(sgdlab reproduce|mpirun) ' > "$WORK/tutorial.sh"
check "the tutorial has commands" test "$(grep -c '^sgdlab ' "$WORK/tutorial.sh")" -ge 10
(cd "$WORK/tut" && bash -e -x "$WORK/tutorial.sh") > "$WORK/tut.out" 2> "$WORK/tut.err"
rc=$?
check "the tutorial's commands run as written (exit $rc; last: $(grep '^+ ' "$WORK/tut.err" | tail -1))" test $rc -eq 0
d=$WORK/tut/sgdlab-tutorial
for f in first.csv tutorial.db sharpness-vs-lr.png sharpness-curves.png estimates.csv; do
    check "the tutorial writes $f" test -s "$d/$f"
done
check "tutorial: the store holds its 6 runs" grep -q "^label  *0.002  *236.466 +- 1.1  " "$WORK/tut.out"

# every sgdlab line of README.md and the tutorial: command exists, flags are its own
pycheck "README and tutorial commands" - "$SGDLAB" "$SRC/README.md" "$SRC/docs/TUTORIAL.md" <<'PY'
import re, subprocess, sys
exe, files = sys.argv[1], sys.argv[2:]
helps, fails = {}, 0
def help_of(words):
    key = tuple(words)
    if key not in helps:
        p = subprocess.run([exe] + words + ["--help"], capture_output=True, text=True)
        helps[key] = p.stdout + p.stderr if p.returncode == 0 else None
    return helps[key]
for path in files:
    lines = open(path, encoding="utf-8").read().split("\n")
    i, fence = 0, None
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("```"):
            fence = None if fence is not None else line[3:]
            continue
        # code: an indented block outside fences, or a ```sh block
        if fence is None and not line.startswith("    ") or fence not in (None, "sh"):
            continue
        m = re.match(r"^\s*(?:mpirun .*?)?(sgdlab [a-z].*)$", line)
        if not m:
            continue
        cmd = m.group(1)
        while cmd.endswith("\\") and i < len(lines):
            cmd = cmd[:-1] + " " + lines[i].strip()
            i += 1
        cmd = re.sub(r"\s+#.*$", "", cmd)
        words = cmd.split()
        if len(words) < 2 or words[1] in ("help", "version", "list"):
            continue
        sub = words[1:3] if words[1] == "reproduce" else words[1:2]
        h = help_of(sub)
        name = path.split("/")[-1] + ": " + cmd[:90]
        if h is None:
            print("FAIL: %s: 'sgdlab %s --help' fails" % (name, " ".join(sub)))
            fails += 1
            continue
        bad = [f for f in re.findall(r"(?<![\w-])--[A-Za-z][\w-]*", cmd) if f not in h]
        print(("FAIL: %s: flags not in its --help: %s" % (name, bad)) if bad else "PASS: " + name)
        fails += bool(bad)
sys.exit(1 if fails else 0)
PY
finish
