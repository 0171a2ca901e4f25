"""The experiments behind `sgdlab reproduce NAME` as calls: sgdlab.reproduce.shape_matters, lwa_sparse,
mori_escape, exponential_escape.  Each runs the library's experiment function (include/sgdlab_experiments.h)
and returns its result structure as a dataclass: every field of the C structure under its C name, numbers as
Python numbers, number arrays and arrays of plain rows (estimates, thresholds, fits) as numpy arrays (the rows
as structured arrays), arrays of richer rows as lists of dataclasses.  Beyond the C fields:

- a run's or setting's spec is `params` (the canonical parameter set, as a store keeps it) and `key` (run key);
- a shape-matters cell has `run` (a RunResult: every observable per trajectory and logged step), `steps` and
  `curve` (the mean test error's summary per logged step: mean, se, min, max, n, n_diverged, n_nonfinite)
  and `verdict` as the CLI prints it ("PASS", "DIFFERS", "n/a"); the result has `cells` (name -> cell);
- a simulated escape setting has `traj` (per trajectory: t, steps, state, L, x as sgdlab.escape returns them;
  None when not simulated);
- exponential-escape's Kaplan-Meier curve is km_t, km_S, km_se (arrays of km_n);
- lwa-sparse has `methods` (the method names in the order of every per-method axis); its label-SGD runs are
  not returned (sgdlab.run them to get their series).

Keyword arguments are the command's flags: trajectories (replicates: trajectories per cell or per setting, or
data draws; None: the command's default; seeds= is its deprecated spelling), seed, threads, quick; progress: a
function (label, seconds) called after each cell.  The numbers are the bits `sgdlab reproduce NAME --json` prints for the same settings, for any threads.
"""
import dataclasses
import warnings

import numpy as np

from ._ffi import ffi, lib
from ._api import _array, _threads, _run_result
from ._spec import Spec, SpecError, raise_err, params_of

__all__ = ["shape_matters", "lwa_sparse", "mori_escape", "exponential_escape"]

_DTYPES = {"double": "f8", "int": "i4", "unsigned int": "u4", "uint32_t": "u4", "uint64_t": "u8", "int64_t": "i8",
           "size_t": "u8", "long": "i8"}
_CLASSES = {}


def _class(cname, names):
    """The dataclass of a C structure (cached): sgl_mori_row_a -> MoriRowA."""
    if cname not in _CLASSES:
        py = "".join(w.capitalize() for w in cname.replace("sgl_", "", 1).split("_"))
        _CLASSES[cname] = dataclasses.make_dataclass(py, [(n, object) for n in names], repr=False,
                                                     namespace={"__repr__": _short_repr})
    return _CLASSES[cname]


def _short(v):
    if isinstance(v, np.ndarray):
        return "array(%s, %s)" % ("x".join(map(str, v.shape)), "fields " + "/".join(v.dtype.names)
                                  if v.dtype.names else v.dtype)
    if isinstance(v, (list, dict)):
        return "%s of %d" % (type(v).__name__, len(v))
    if dataclasses.is_dataclass(v) or hasattr(v, "__dict__"):
        return type(v).__name__
    return repr(v)


def _short_repr(self):
    """name=value for numbers and text, the shape for arrays, the type for the rest (the full values are
    fields: dataclasses.asdict(x) gives them all)."""
    return "%s(%s)" % (type(self).__name__, ", ".join("%s=%s" % (f.name, _short(getattr(self, f.name)))
                                                      for f in dataclasses.fields(self)))


def _base(ctype):
    """(primitive type, shape) of a (nested) array type; (None, ...) when its items are not primitive."""
    shape = []
    while ctype.kind == "array":
        shape.append(ctype.length)
        ctype = ctype.item
    return (ctype if ctype.kind == "primitive" else None), tuple(shape), ctype


def _plain(ctype):
    """A structure of numbers and number arrays only: its numpy dtype (C offsets and size), else None."""
    if ctype.kind != "struct":
        return None
    names, formats, offsets = [], [], []
    for name, f in ctype.fields:
        prim, shape, _ = _base(f.type)
        if prim is None or prim.cname not in _DTYPES:
            return None
        names.append(name)
        formats.append((_DTYPES[prim.cname], shape) if shape else _DTYPES[prim.cname])
        offsets.append(f.offset)
    return np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": ffi.sizeof(ctype)})


def _numbers(value, ctype):
    """A C array of numbers, or of plain structures, as a numpy array (one copy)."""
    prim, shape, item = _base(ctype)
    dt = np.dtype(_DTYPES[prim.cname]) if prim is not None else _plain(item)
    return np.frombuffer(ffi.buffer(value), dtype=dt).reshape(shape).copy()


def _value(value, ctype):
    """One field's value in Python; _SKIP for a pointer the structure's own conversion handles."""
    if ctype.kind == "primitive":
        return value
    if ctype.kind == "pointer":
        if ctype.item.kind == "primitive" and ctype.item.cname == "char":
            return None if value == ffi.NULL else ffi.string(value).decode("utf-8", "replace")
        return _SKIP
    if ctype.kind == "array":
        prim, _, item = _base(ctype)
        if prim is not None and prim.cname == "char" and ctype.item.kind == "primitive":
            return ffi.string(value).decode("utf-8", "replace")
        if prim is not None or _plain(item) is not None:
            return _numbers(value, ctype)
        return [_value(value[i], ctype.item) for i in range(ctype.length)]
    return _struct(value, ctype)


_SKIP = object()


def _struct(value, ctype):
    """A C structure as its dataclass: every field (_value), then what its own conversion (_EXTRA) adds."""
    out = {}
    for name, f in ctype.fields:
        if name in _SPECS:
            continue
        v = _value(getattr(value, name), f.type)
        if v is not _SKIP:
            out[name] = v
    extra = _EXTRA.get(ctype.cname)
    if extra:
        out.update(extra(value, out))
    return _class(ctype.cname, list(out))(**out)


# ------------------------------------------------------------------ what a structure adds to its C fields

_SPECS = {"spec", "rec", "res", "plan", "obs", "n_obs", "sgd_spec", "sgd_rec"}   # converted by _EXTRA or left out


def _params(cspec_ptr, kind):
    """(params, key) of a spec the experiment filled, through the library's canonical form."""
    a = ffi.new("sgl_any_spec *")
    lib.sgl_any_spec_default(a, kind)
    dst = ffi.addressof(a, "u", "run" if kind == 0 else "escape")
    ffi.memmove(dst, cspec_ptr, ffi.sizeof("sgl_spec" if kind == 0 else "sgl_escape_spec"))
    return params_of(a)


def _shape_cell(c, out):
    params, key = _params(ffi.addressof(c, "spec"), 0)
    L = c.n_log
    sm = ffi.cast("sgl_summary *", c.curve)
    curve = {}
    if L:
        rows = np.frombuffer(ffi.buffer(sm, L * ffi.sizeof("sgl_summary")), dtype=_plain(ffi.typeof("sgl_summary")))
        curve = {"mean": rows["mean"].copy(), "se": rows["std_err"].copy(), "min": rows["min"].copy(),
                 "max": rows["max"].copy(), "n": rows["n"].copy(), "n_diverged": rows["n_diverged"].copy(),
                 "n_nonfinite": rows["n_nonfinite"].copy()}
    run = None
    if c.res != ffi.NULL:
        run = _run_result((params, key), ffi.addressof(c, "spec"), c)
    return {"params": params, "key": key, "steps": _array(c.steps, L, np.uint64), "curve": curve, "run": run,
            "verdict": "PASS" if c.verdict > 0 else "DIFFERS" if c.verdict == 0 else "n/a"}


def _escape_cell(c, out):
    params, key = _params(ffi.addressof(c, "spec"), 2)
    traj = None
    e = c.rec.esc
    if c.simulated and e != ffi.NULL:
        M, n = e.M, e.n
        traj = {"t": _array(e.t, M, np.float64), "steps": _array(e.steps, M, np.uint64),
                "state": _array(e.state, M, np.intc), "L": _array(e.L, M, np.float64),
                "x": _array(e.x, M * n, np.float64).reshape(M, n)}
    return {"params": params, "key": key, "traj": traj}


def _expesc(r, out):
    n = r.km_n
    return {"km_t": _array(r.km_t, n, np.float64), "km_S": _array(r.km_S, n, np.float64),
            "km_se": _array(r.km_se, n, np.float64)}


def _shape(r, out):
    return {"cells": {c.name: c for c in out["cell"]}}


def _lwa(r, out):
    return {"methods": [ffi.string(lib.sgl_lwa_method_names[i]).decode() for i in range(7)],
            "method_docs": [ffi.string(lib.sgl_lwa_method_docs[i]).decode() for i in range(7)]}


_EXTRA = {"sgl_shape_result": _shape, "sgl_shape_cell": _shape_cell, "sgl_exp_escape_cell": _escape_cell, "sgl_expesc_result": _expesc,
          "sgl_lwa_result": _lwa}


# ----------------------------------------------------------------------------------------- the calls

def _settings(seeds, seed, threads, quick, progress, min_count, what, old=None):
    """sgl_exp_settings from the flags: trajectories (seeds) and seed through the library's setter (the CLI's
    messages); old: the deprecated seeds= keyword."""
    if old is not None:
        warnings.warn("seeds is deprecated (kept for one release): use trajectories", DeprecationWarning,
                      stacklevel=3)
        seeds = old if seeds is None else seeds
    kw = {"seed": seed}
    if seeds is not None:
        kw["trajectories"] = seeds
    spec = Spec("run", kw)
    count = spec.c.u.run.seeds if seeds is not None else 0
    if seeds is not None and count < min_count:
        raise SpecError("--trajectories", "need >= %u %s, got %u" % (min_count, what, count))
    s = ffi.new("sgl_exp_settings *", {"count": count, "seed": spec.c.u.run.seed, "threads": _threads(threads),
                                       "quick": 1 if quick else 0})
    cb = None
    if progress is not None:
        def call(ctx, label, seconds):
            progress(ffi.string(label).decode("utf-8", "replace"), seconds)
        cb = ffi.callback("sgl_exp_progress_fn", call)
        s.progress = cb
    return s, cb


def _experiment(ctype, run, free, s):
    r = ffi.new(ctype + " *")
    err = ffi.new("sgl_err *")
    try:
        st = run(s, r, err)
        if st != 0:
            raise_err(st, err)
        return _struct(r[0], ffi.typeof(ctype))
    finally:
        free(r)


def shape_matters(trajectories=None, seed=1, threads=0, quick=False, progress=None, seeds=None):
    """`sgdlab reproduce shape-matters`: GD, SGD with minibatch-difference noise, LNGD, SGLD on the quadratic
    model and label-noise SGD on the diagonal net, each one ensemble run of `trajectories` trajectories (None: 8).  Returns
    ShapeResult: cell (list, in the order GD, SGD-minibatch-diff, LNGD, SGLD, then the diagonal net) and cells
    (name -> ShapeCell: test, off, train summaries at the final step, curve, run, verdict, params), ordering
    (1: LNGD < SGD-minibatch-diff < min(GD, SGLD)), seconds."""
    s, keep = _settings(trajectories, seed, threads, quick, progress, 1, "trajectories", seeds)
    out = _experiment("sgl_shape_result", lib.sgl_exp_shape_matters, lib.sgl_shape_result_free, s)
    del keep
    return out


def exponential_escape(trajectories=None, seed=1, threads=0, quick=False, progress=None, seeds=None):
    """`sgdlab reproduce exponential-escape` (trajectories: per setting; None: 1000, quick 200).  Returns
    ExpescResult: be (three series of log MFPT against B/eta: x, theory, sim cells, fit), start (from theta* and
    after the burn-in), rate, tail, mfpt, ks (structured arrays, one row per start), km_t/km_S/km_se, the ratios,
    sharp (the sharpness series)."""
    s, keep = _settings(trajectories, seed, threads, quick, progress, 10, "trajectories per setting", seeds)
    out = _experiment("sgl_expesc_result", lib.sgl_exp_exponential_escape, lib.sgl_expesc_result_free, s)
    del keep
    return out


def mori_escape(trajectories=None, seed=1, threads=0, quick=False, progress=None, seeds=None):
    """`sgdlab reproduce mori-escape` (trajectories: per setting; None: 1000, quick 200).  Returns
    MoriResult: a, b (rows with theory and sim cells), fit_a, fit_a_exact, fit_b, c, d (stationary exponent
    rows), fp (first passages of (d)), fp_why, dt, budget."""
    s, keep = _settings(trajectories, seed, threads, quick, progress, 10, "trajectories per setting", seeds)
    out = _experiment("sgl_mori_result", lib.sgl_exp_mori_escape, lib.sgl_mori_result_free, s)
    del keep
    return out


def lwa_sparse(trajectories=None, seed=1, threads=0, quick=False, progress=None, seeds=None):
    """`sgdlab reproduce lwa-sparse` (trajectories: data draws per (d, n); None: 20, quick 6).  Returns LwaResult:
    nd dimensions d[:nd] with ngrid[i] sample sizes n[i, :ngrid[i]], cell (structured array (3, 20): run,
    succ, err_sum per method), th (structured array (method, dimension): n_star, se, bound), fit_kappa_ln_d
    and fit_d (per method), methods (the method names), unconverged."""
    s, keep = _settings(trajectories, seed, threads, quick, progress, 2, "data draws per (d, n)", seeds)
    out = _experiment("sgl_lwa_result", lib.sgl_exp_lwa_sparse, lib.sgl_lwa_result_free, s)
    del keep
    return out
