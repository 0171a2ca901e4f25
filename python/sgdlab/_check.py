"""Derivative checks for users: sgdlab.check(model) -> CheckReport.

A model (a built-in name, a model plugin's path, or an sgdlab.Model) is checked by the library's
sgl_spec_check_model, the checks `sgdlab check-model` prints and the test suite applies to every built-in
(residuals batched vs one at a time, gradient and J^T vs central differences, HVP vs differences of the
gradient, symmetry, trace, d3), at init(alpha) + 0.3 N(0,1) (seed) or at init.  A landscape (an
sgdlab.Landscape, or a landscape plugin's path) is checked here with the same kind of comparisons: the gradient
against central differences of the value, the Hessian against central differences of the gradient, its
symmetry, and the gradient at the critical points.  A failed check is a result (report.ok False, the row's ok
False with the worst coordinate, observed and expected values), not an exception."""
import collections
import os

import numpy as np

from ._ffi import ffi, lib
from ._spec import Spec, SpecError, raise_err, run_spec
from . import _landscape   # noqa: F401 (declares sgl_landscape_plugin, used below)

ffi.cdef(r"""
typedef struct {
    const char *name;
    const char *against;
    int ran, ok;
    size_t coord;
    double observed, expected;
    double err, tol;
} sgl_check_result;
typedef struct {
    size_t n;
    sgl_check_result c[8];
    int ok;
} sgl_check_report;
typedef struct {
    char model[64];
    size_t dim, n;
    double a;
    int at_init;
} sgl_check_info;
int sgl_spec_check_model(const sgl_spec *s, sgl_check_report *rep, sgl_check_info *info, sgl_err *err);
extern sgl_landscape_plugin sgdlab_landscape_plugin;   /* a landscape plugin's object (read only) */
""")

# One check: name (residuals, gradient, jt, hvp, symmetry, trace, d3; landscapes: gradient, hessian, symmetry,
# critical), ran, ok, coord (the worst coordinate; residuals: the sample), observed and expected there, err
# (max |observed - expected| / max |expected|) and tol, against (what the expected values are, or why skipped)
Check = collections.namedtuple("Check", "name ran ok coord observed expected err tol against")

# the run keys a model check reads (those of `sgdlab check-model`); any other is refused as there
MODEL_KEYS = ("model", "model-plugin", "plugin-param", "d", "n", "kappa", "data", "data-file", "truth-file", "truth",
              "data-noise", "width", "loss-a", "alpha", "seed", "init")


class CheckReport:
    """What sgdlab.check found: ok (every check that ran passed), checks (a list of Check rows), what (the
    model or landscape), dim, n (samples; landscapes: None), a, point (the parameters checked at), wrong (the
    failed rows).  report["gradient"] is that row; str(report) is the table `sgdlab check-model` prints."""

    def __init__(self, what, checks, dim, n=None, a=None, point=None):
        self.what, self.checks, self.dim, self.n, self.a, self.point = what, checks, dim, n, a, point
        self.ok = all(c.ok for c in checks if c.ran)
        self.wrong = [c for c in checks if c.ran and not c.ok]

    def __getitem__(self, name):
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def __bool__(self):
        return self.ok

    def __str__(self):
        rows = ["# sgdlab.check: %s, D = %d%s: %s" % (self.what, self.dim, "" if self.n is None else
                                                        ", n = %d samples" % self.n, "ok" if self.ok else "WRONG"),
                "%-10s %-7s %-10s %-9s %-9s %-24s %-24s %s" % ("check", "result", "rel_error", "tolerance", "worst_at",
                                                              "observed", "expected", "against")]
        for c in self.checks:
            if not c.ran:
                rows.append("%-10s %-7s %-10s %-9s %-9s %-24s %-24s %s" % (c.name, "skipped", "-", "-", "-", "-", "-",
                                                                          c.against))
            else:
                rows.append("%-10s %-7s %-10.3g %-9.3g %-9d %-24.17g %-24.17g %s" % (
                    c.name, "ok" if c.ok else "WRONG", c.err, c.tol, c.coord, c.observed, c.expected, c.against))
        return "\n".join(rows)

    def __repr__(self):
        return "<sgdlab.CheckReport %s %s%s>" % (self.what, "ok" if self.ok else "WRONG: ",
                                                 ", ".join("%s at %d" % (c.name, c.coord) for c in self.wrong))


def _string(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


def check_model(model, **kwargs):
    """the library's model checks (sgl_spec_check_model) of a run spec's model"""
    for k in kwargs:
        if k.replace("_", "-") not in MODEL_KEYS:
            raise SpecError("--" + k.replace("_", "-"), "not used by check (it checks the model's derivatives at one "
                            "point; it reads the model, data, loss-a, alpha, seed and init keys)")
    if isinstance(model, (str, os.PathLike)) and (os.sep in os.fspath(model) or os.path.isfile(model)):
        kwargs["model_plugin"] = os.fspath(model)
    else:
        kwargs["model"] = model
    spec, cspec = run_spec(kwargs)
    err = ffi.new("sgl_err *")
    rep = ffi.new("sgl_check_report *")
    info = ffi.new("sgl_check_info *")
    st = lib.sgl_spec_check_model(cspec, rep, info, err)
    if st != 0:
        raise_err(st, err)
    checks = [Check(_string(c.name), bool(c.ran), bool(c.ok), int(c.coord), c.observed, c.expected, c.err, c.tol,
                    _string(c.against)) for c in rep.c[0:rep.n]]
    return CheckReport(_string(info.model), checks, int(info.dim), int(info.n), info.a,
                       "init" if info.at_init else "init(alpha) + 0.3 N(0,1)")


# ---------------------------------------------------------------------------------------------- landscapes

def _verdict(name, obs, exp, tol, against):
    obs, exp = np.ravel(obs), np.ravel(exp)
    if len(obs) == 0:
        return Check(name, True, True, 0, 0.0, 0.0, 0.0, tol, against)
    diff = np.abs(obs - exp)
    bad = np.isnan(diff)
    at = int(np.argmax(bad)) if bad.any() else int(np.argmax(diff))
    scale = float(np.max(np.abs(exp))) if np.all(np.isfinite(exp)) else 0.0
    e = float(diff[at]) / (scale if scale > 0 else 1.0)
    if not np.isfinite(e):
        e = float("inf")
    return Check(name, True, e <= tol, at, float(obs[at]), float(exp[at]), e, tol, against)


def _landscape_fns(land, p):
    """value, grad, hess, critical as Python functions of x (numpy) for an sgdlab.Landscape or a plugin's struct"""
    api = land._api if hasattr(land, "_api") else land
    lp = ffi.new("sgl_plugin_lparams *", p)
    n = p["n"]

    def value(x):
        return api.value(lp, ffi.from_buffer("double[]", np.ascontiguousarray(x, dtype=np.float64)))

    def vec(fn, x, k):
        out = np.full(k, np.nan)
        fn(lp, ffi.from_buffer("double[]", np.ascontiguousarray(x, dtype=np.float64)), ffi.from_buffer("double[]", out))
        return out

    def critical():
        pts = [np.full(n, np.nan) for _ in range(3)]
        bufs = [ffi.from_buffer("double[]", q) for q in pts]
        api.critical(lp, bufs[0], bufs[1] if api.has_saddle else ffi.NULL, bufs[2] if api.has_saddle else ffi.NULL)
        return pts[0], (pts[1] if api.has_saddle else None)

    return value, (lambda x: vec(api.grad, x, n)), (lambda x: vec(api.hess, x, n * n).reshape(n, n)), critical, \
        _string(api.name)


def check_landscape(land, seed=1, **kwargs):
    """the landscape's gradient, Hessian, symmetry and critical points at the minimum + 0.3 N(0,1) (seed), with
    the escape spec's landscape keys (n_dim, L0, a, h, h_ratio, k)"""
    keep = None
    if isinstance(land, (str, os.PathLike)):
        path = os.fspath(land)
        if not os.path.isfile(path):
            raise SpecError("--landscape-plugin", "cannot open '%s'" % path)
        found = _landscape_object(path)
        if found is None:
            raise SpecError("--landscape-plugin", "'%s' does not load or has no symbol 'sgdlab_landscape_plugin'"
                            % path)
        keep, land = found
        kwargs["landscape_plugin"] = path
    else:
        kwargs["landscape"] = land
    for k in kwargs:
        if k.replace("_", "-") not in ("landscape", "landscape-plugin", "n-dim", "L0", "a", "h", "h-ratio", "k"):
            raise SpecError("--" + k.replace("_", "-"), "not used by check (it reads the landscape keys n-dim, L0, a, "
                            "h, h-ratio, k)")
    spec = Spec("escape", kwargs)
    err = ffi.new("sgl_err *")
    cs = ffi.addressof(spec.c, "u", "escape")
    st = lib.sgl_escape_spec_resolve_plugin(cs, err)
    if st != 0:
        raise_err(st, err)
    spec.check_given()
    lp = cs.lp
    p = {"n": lp.n, "L0": lp.L0, "a": lp.a, "h": lp.h, "q": lp.q, "k": lp.k}
    value, grad, hess, critical, name = _landscape_fns(land, p)
    n = p["n"]
    xm, xs = critical()
    rng = np.random.default_rng(seed)
    x = xm + 0.3 * rng.standard_normal(n)
    g, H = grad(x), hess(x)
    fd_g, fd_H = np.empty(n), np.empty((n, n))
    for i in range(n):
        h = 1e-6 * max(1.0, abs(x[i]))
        e = np.zeros(n)
        e[i] = h
        fd_g[i] = (value(x + e) - value(x - e)) / (2 * h)
        h = 1e-5 * max(1.0, abs(x[i]))
        e[i] = h
        fd_H[:, i] = (grad(x + e) - grad(x - e)) / (2 * h)
    checks = [_verdict("gradient", g, fd_g, 1e-6, "central differences of the value"),
              _verdict("hessian", H, fd_H, 1e-5, "central differences of the gradient"),
              _verdict("symmetry", H, H.T, 1e-12, "the Hessian's transpose")]
    scale = max(1.0, float(np.max(np.abs(fd_g))) if np.all(np.isfinite(fd_g)) else 1.0)
    crit = [("minimum", xm)] + ([("saddle", xs)] if xs is not None else [])
    gc = np.concatenate([grad(q) for _, q in crit])
    c = _verdict("critical", gc, np.zeros_like(gc), 1e-8, "zero gradient at the %s" % " and ".join(k for k, _ in crit))
    # relative to the gradient's size near the minimum (the expected values are all 0)
    checks.append(c._replace(err=c.err / scale, ok=c.err / scale <= 1e-8))
    del keep   # the C plugin stays loaded by the library (resolve) for the process
    return CheckReport("landscape " + name, checks, n, None, None, {"x": x, "params": p})


def check(model_or_plugin, **kwargs):
    """Derivative checks: sgdlab.check(model, **keys) -> CheckReport.

    model_or_plugin: an sgdlab.Model, a built-in model name, or a model plugin's path (keys: those of
    `sgdlab check-model`: d, n, kappa, plugin_param, loss_a, alpha, seed, init, data keys); or an
    sgdlab.Landscape or a landscape plugin's path (keys: n_dim, L0, a, h, h_ratio, k; seed picks the point).
    report.ok is False when a derivative is wrong; report.wrong names it with the worst coordinate, the
    observed and the expected value."""
    from ._landscape import Landscape
    if isinstance(model_or_plugin, Landscape):
        return check_landscape(model_or_plugin, **kwargs)
    if isinstance(model_or_plugin, (str, os.PathLike)) and os.path.isfile(model_or_plugin) and \
            _landscape_object(model_or_plugin) is not None:
        return check_landscape(model_or_plugin, **kwargs)
    return check_model(model_or_plugin, **kwargs)


def _landscape_object(path):
    """(the library handle, its sgdlab_landscape_plugin) of a shared object that defines one, else None (the
    model plugin's loader then says what is wrong with it)"""
    try:
        handle = ffi.dlopen(os.path.abspath(os.fspath(path)))
        return handle, handle.sgdlab_landscape_plugin
    except (OSError, AttributeError, KeyError):
        return None
