"""The README's worked Python example, run as written (the indented block after "A worked example to paste"):
it must run without error in a fresh folder and print what it says."""
import os
import subprocess
import sys

import pytest

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
    """the "Done when" walk of issue 12: the plugin ReLU net with the CLI's bits, a numpy model, a wrong gradient
    caught, a sweep plotted from its store -- in a fresh folder whose build/ is the one under test"""
    code = readme_example()
    for call in ("sgdlab.run(", "sgdlab.Model(", "sgdlab.check(", "sgdlab.sweep(", "sgdlab.Store(", "savefig("):
        assert call in code
    (tmp_path / "demo.py").write_text(code)
    os.symlink(os.path.dirname(sgdlab.LIB_PATH), tmp_path / "build")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, "demo.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 0 and "No module named 'matplotlib'" in p.stderr:
        pytest.skip("no matplotlib (python3-matplotlib)")
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0].startswith("(4, 5) ")
    assert out[1] == "same bits as the CLI: True"
    assert out[2].startswith("numpy model: final train loss")
    assert out[3].startswith("check ok: False | gradient wrong at coordinate 1 observed")
    assert out[4] == "<sgdlab.SweepResult n=3 done=3 skipped=0>"
    assert out[5] == "wrote sweep.png" and (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
