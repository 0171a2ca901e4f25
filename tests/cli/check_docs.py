#!/usr/bin/env python3
"""The project documents itself: every citation of THEORY.md in the code, the
tests, the examples and the docs ("THEORY.md 3.6", "THEORY 9.2 K1",
"THEORY.md checks C5, C6, C9/C2", "THEORY.md 2.4-2.6, 2.8") names a section
or a known-answer check that exists in docs/THEORY.md; every link and every
`*.md` path in README.md and docs/*.md resolves to a file of the project; no
README, doc or printed string sends the reader outside the project (../shared)
or to an issue number.

usage: check_docs.py REPO_ROOT
Prints one PASS:/FAIL: line per check (tests/cli/common.sh's pycheck)."""
import os
import re
import sys

root = sys.argv[1]
fails = 0


def result(ok, desc):
    global fails
    print(("PASS: " if ok else "FAIL: ") + desc)
    if not ok:
        fails += 1


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


theory_path = os.path.join(root, "docs", "THEORY.md")
theory = read(theory_path)
# sections: "## 3. Title" and "### 3.6 Title"; checks: "**C7. Title**"
sections = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", theory, re.M))
checks = set(re.findall(r"^\*\*([A-Z]\d+)\. ", theory, re.M))
result(len(sections) > 40 and {"C1", "C11", "M1", "M4", "K1", "Z1", "X1"} <= checks,
       "docs/THEORY.md has its sections (%d) and checks C1-C11, M1-M4, K1, Z1, X1" % len(sections))

# the files that may cite the theory
cite_files = [os.path.join(root, "README.md")]
for top in ("src", "cli", "include", "tests", "examples", "scripts", "docs", "bench"):
    for d, _, names in os.walk(os.path.join(root, top)):
        if "corpus" in d:
            continue
        for n in names:
            if n.endswith((".c", ".h", ".sh", ".py", ".md", ".yaml", ".txt", ".cmake")):
                cite_files.append(os.path.join(d, n))
cite_files = [p for p in cite_files if os.path.abspath(p) != os.path.abspath(theory_path)
              and os.path.abspath(p) != os.path.abspath(__file__)]

# A citation: THEORY or THEORY.md, an optional "(", "section(s)", "check(s)" or
# "§", then a list of section numbers, ranges and check ids.  Comment line
# breaks (" *", "#", "//") inside a citation are joined first.
ITEM = r"(?:§?\d{1,2}(?:\.\d{1,2})?(?:-\d{1,2}(?:\.\d{1,2})?)?(?![\d.]\d)|[CMKXZ]\d{1,2}(?:[-/][CMKXZ]?\d{1,2})*\b)"
SEP = r"(?:,\s*|\s*/\s*|\s+and\s+|;\s*|\s+)"
CITE = re.compile(r"THEORY(?:\.md)?\s*\(?\s*(?:sections?\s+|checks?\s+|§\s*)?(" + ITEM + r"(?:" + SEP
                  + r"(?:checks?\s+)?" + ITEM + r")*)")
JOIN = re.compile(r"\n[ \t]*(?:\*(?!/)|#|//)?[ \t]*")


def expand(item):
    """section numbers and check ids an item names (both ends of a range)"""
    item = item.lstrip("§")
    out = []
    if re.match(r"\d", item):
        for part in item.split("-"):
            out.append(("section", part))
    else:
        letter = item[0]
        for part in re.split(r"[-/]", item):
            if re.match(r"\d", part):
                part = letter + part
            out.append(("check", part))
    return out


n_cites = 0
missing = []
for path in sorted(cite_files):
    text = JOIN.sub(" ", read(path))
    for m in CITE.finditer(text):
        items = re.findall(ITEM, m.group(1))
        for item in items:
            for kind, name in expand(item):
                n_cites += 1
                ok = name in (sections if kind == "section" else checks)
                if not ok:
                    missing.append("%s: '%s' cites %s %s" % (os.path.relpath(path, root),
                                                             m.group(0)[:60], kind, name))
for m in missing:
    print("  missing: " + m)
result(n_cites > 100 and not missing,
       "every THEORY.md section/check cited in the project exists in docs/THEORY.md "
       "(%d citations, %d missing)" % (n_cites, len(missing)))

# links and .md paths in README.md and docs/*.md
docs = [os.path.join(root, "README.md")] + sorted(
    os.path.join(root, "docs", n) for n in os.listdir(os.path.join(root, "docs")) if n.endswith(".md"))
dead = []
n_links = 0
for doc in docs:
    text = read(doc)
    base = os.path.dirname(doc)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    targets += re.findall(r"`([A-Za-z0-9_./-]+\.md)(?:#[^`]*)?`", text)
    for t in targets:
        if re.match(r"[a-z]+:", t) or t.startswith("#") or not re.search(r"[./]", t):
            continue
        t = t.split("#")[0]
        n_links += 1
        if not (os.path.exists(os.path.join(base, t)) or os.path.exists(os.path.join(root, t))):
            dead.append("%s -> %s" % (os.path.relpath(doc, root), t))
for d in dead:
    print("  dead link: " + d)
result(n_links >= 8 and not dead, "README.md and docs/*.md: every link and .md path resolves (%d, %d dead)"
       % (n_links, len(dead)))

# nothing outside the project, no issue numbers: README, docs, and string literals the program prints
outside = []
for doc in docs:
    for i, line in enumerate(read(doc).splitlines(), 1):
        if "../shared" in line or re.search(r"\b[Ii]ssues? #?\d", line):
            outside.append("%s:%d: %s" % (os.path.relpath(doc, root), i, line.strip()[:80]))
for top in ("src", "cli"):
    for d, _, names in os.walk(os.path.join(root, top)):
        for n in names:
            if not n.endswith((".c", ".h")):
                continue
            p = os.path.join(d, n)
            for i, line in enumerate(read(p).splitlines(), 1):
                for s in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
                    if "../shared" in s or re.search(r"\b[Ii]ssues? #?\d", s):
                        outside.append("%s:%d: %s" % (os.path.relpath(p, root), i, s[:80]))
for o in outside:
    print("  outside the project: " + o)
result(not outside, "no README/doc/printed text refers to ../shared or to an issue number (%d found)"
       % len(outside))
sys.exit(1 if fails else 0)
