"""Shared helpers of the Python tests: the CLI binary to compare with (SGDLAB_CLI, else build/sgdlab) and a
runner for it.  The package is imported from python/ (run.sh sets PYTHONPATH)."""
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("SGDLAB_CLI") or os.path.join(ROOT, "build", "sgdlab")


def cli(*args):
    """Run the CLI; returns (exit code, stdout, stderr)."""
    p = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    code, out, err = cli(*args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def flags(kwargs):
    """Keyword arguments as CLI flags: lr_decay=... -> --lr-decay ..."""
    out = []
    for k, v in kwargs.items():
        out += ["--" + k.replace("_", "-"), v if isinstance(v, str) else ",".join(map(repr, v))
                if isinstance(v, (list, tuple)) else repr(v) if isinstance(v, float) else str(v)]
    return out


@pytest.fixture(scope="session")
def sgdlab():
    import sgdlab as mod
    return mod
