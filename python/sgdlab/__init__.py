"""sgdlab from Python: the library's calls with numpy results.

    import sgdlab
    r = sgdlab.run(model="diagnet", noise="label", lr=1e-3, steps=30000, every=1000, trajectories=16)
    r["loss"]            # numpy array, shape (trajectories, logged points)
    e = sgdlab.escape(landscape="doublewell", noise="mori", L0=0.5, trajectories=200, t_max=1e3)
    e.mfpt["mean"], e.rate["ci"], e.theory

Keyword arguments are the CLI's flags with "_" for "-"; every value goes through the library's parameter table
(the same parser and messages as the CLI and sweep files): bad input raises SpecError (a ValueError) whose
message is the CLI's.  The arrays hold the bits the CLI prints for the same spec and seed, for any threads.
The shared library is found next to this package, via SGDLAB_LIB, or in the repository's build/.
"""
from ._ffi import LIB_PATH, lib as _lib, ffi as _ffi
from ._spec import SpecError, SgdlabError, keys
from ._store import sweep, Store, SweepResult
from ._api import run, limit, escape, theory, RunResult, LimitResult, EscapeResult, AmsResult, ESCAPED, CENSORED, DIVERGED
from ._model import Model   # Python-callback models: sgdlab.run(model=sgdlab.Model(...), ...)
from ._landscape import Landscape   # Python-callback landscapes: sgdlab.escape(landscape=sgdlab.Landscape(...))
from ._check import check, CheckReport   # derivative checks: sgdlab.check(model or landscape)
from . import reproduce   # sgdlab.reproduce.shape_matters(...), ...: the reproduce experiments as calls

__version__ = _ffi.string(_lib.sgl_version()).decode()
git_hash = _ffi.string(_lib.sgl_git_hash()).decode()

__all__ = ["sweep", "Store", "SweepResult", "run", "limit", "escape", "theory", "keys", "SpecError", "SgdlabError", "RunResult", "LimitResult",
           "EscapeResult", "AmsResult",
           "ESCAPED", "CENSORED", "DIVERGED", "LIB_PATH", "git_hash", "reproduce", "Model",
           "Landscape", "check", "CheckReport"]
