"""The README's worked Python example, run as written (the indented block after "A worked example to paste"):
it must run without error in a fresh folder and print what it says (the skipped run, one line per lr)."""
import os
import subprocess
import sys

from conftest import ROOT


def readme_example():
    lines = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("A worked example to paste"))
    i = start + 1
    while not lines[i].startswith("    "):
        i += 1
    block = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        block.append(lines[i][4:])
        i += 1
    return "\n".join(block).strip() + "\n"


def test_readme_worked_example(sgdlab, tmp_path):
    code = readme_example()
    assert "sgdlab.run(" in code and "sgdlab.Store(" in code
    (tmp_path / "demo.py").write_text(code)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    p = subprocess.run([sys.executable, "demo.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert "(16, 11)" in out[0]
    assert out[1] == "<sgdlab.SweepResult n=3 done=2 skipped=1>"
    assert [l.split(":")[0] for l in out[2:]] == ["lr 0.0005", "lr 0.001", "lr 0.002"]
