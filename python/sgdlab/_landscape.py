"""Python-callback escape landscapes: sgdlab.Landscape(value=..., grad=..., hess=..., minimum=..., saddle=...)
from numpy functions, usable wherever a built-in landscape is (sgdlab.escape(landscape=L, ...),
sgdlab.theory(landscape=L, ...), which has no prediction for it, as for a C plugin).  The landscape is an
sgl_landscape_plugin (include/sgdlab_plugin.h) whose function pointers are cffi callbacks, registered in the
library under the id "python:NAME:CODE" (sgl_landscape_plugin_register), so every noise, dynamics, event and
estimate runs on it as on a C plugin, at the cost of a Python call per gradient or value (bench/run prints
it; C plugins are the fast path).  The run key holds that id and the content hash (_identity.py)."""
import collections
import inspect

import numpy as np

from ._ffi import ffi, lib, EXP_CONSTANTS
from ._identity import content_hash
from ._spec import raise_err

ffi.cdef(r"""
typedef struct {
    unsigned n;
    double L0, a, h, q, k;
} sgl_plugin_lparams;
typedef struct sgl_landscape_plugin {
    uint32_t abi_version;
    uint32_t size;
    const char *name;
    const char *doc;
    const char *reads;
    int has_saddle;
    unsigned max_dim;
    double (*value)(const sgl_plugin_lparams *p, const double *x);
    void (*grad)(const sgl_plugin_lparams *p, const double *x, double *g);
    void (*hess)(const sgl_plugin_lparams *p, const double *x, double *H);
    void (*critical)(const sgl_plugin_lparams *p, double *x_min, double *x_sad, double *x_next);
} sgl_landscape_plugin;
int sgl_landscape_plugin_register(const char *id, uint64_t hash, const sgl_landscape_plugin *api, sgl_err *err);
""")
ABI_VERSION = EXP_CONSTANTS["SGL_PLUGIN_ABI_VERSION"]   # (checked against the headers by test_0_layout.py)
MAX_DIM = EXP_CONSTANTS["SGL_ESC_MAX_DIM"]
READABLE = ("a", "h", "h-ratio", "k")   # the escape keys a landscape may read besides L0 and n-dim

# The parameters a callback gets: n (--n-dim), L0, a, h, h_ratio, k (the escape spec's landscape keys)
Params = collections.namedtuple("Params", "n L0 a h h_ratio k")

_landscapes = []   # every Landscape made in this process: the library keeps their callbacks for its lifetime


def _params(p):
    return Params(p.n, p.L0, p.a, p.h, p.q, p.k)


def _arity(f):
    """how many positional arguments f takes: 1 (x) or 2 (x, p)"""
    try:
        ps = [q for q in inspect.signature(f).parameters.values()
              if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD, q.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return 2
    return 1 if len(ps) == 1 and ps[0].kind != ps[0].VAR_POSITIONAL else 2


def _point(what, n_fixed):
    """a critical point: a function of the parameters, or a fixed array (its length fixes n)"""
    if what is None or callable(what):
        return what
    x = np.asarray(what, dtype=np.float64).ravel()
    if n_fixed is not None and len(x) != n_fixed:
        raise ValueError("sgdlab.Landscape: the critical points must have the same length, got %d and %d"
                         % (n_fixed, len(x)))
    return lambda p, x=x: x


class Landscape:
    """An escape landscape L(x), x in R^n, from Python functions on numpy arrays:

      value(x[, p]) -> float; grad(x[, p]) -> (n,); hess(x[, p]) -> (n, n) (or n*n numbers, row-major);
      minimum: the minimum the escape starts from, an array or a function of p;
      saddle: the index-1 saddle the escape crosses (optional: without it, only the events that need no saddle,
        e.g. --event loss, apply); next_minimum: the minimum beyond the saddle (default: the minimum reflected
        through the saddle, right for symmetric wells);
      reads: the escape keys the functions read besides L0 and n-dim: some of "a", "h", "h-ratio", "k" (a key
        not listed is refused as unused, as for a C plugin); max_dim: the largest n (default: the critical
        points' length when given as arrays, else 16);
      name: a word shown in messages; key / version: optional strings that enter the run key.

    p (when a function takes two arguments) holds the spec's parameters: p.n, p.L0, p.a, p.h, p.h_ratio, p.k.
    The escape runs along coordinate 0, from the minimum over the saddle.  The functions must be deterministic;
    one that raises or returns a non-finite number makes its trajectory diverge (the first exceptions are kept
    in .errors); non-finite critical points are refused when the escape starts.  The run key is the content
    identity of the functions (their code and the numbers they capture, see _identity.py), so the same
    landscape defined twice has the same key."""

    def __init__(self, value, grad, hess, minimum, saddle=None, next_minimum=None, reads=(), max_dim=None,
                 name="python", key=None, version=None):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError("sgdlab.Landscape: name must be a word (letters, digits, _), got %r" % (name,))
        for f, what in ((value, "value"), (grad, "grad"), (hess, "hess")):
            if not callable(f):
                raise ValueError("sgdlab.Landscape: %s must be a function, got %r" % (what, f))
        if isinstance(reads, str):
            reads = reads.split()
        reads = tuple(reads)
        for r in reads:
            if r not in READABLE:
                raise ValueError("sgdlab.Landscape: reads: %r is not a landscape key (allowed: %s)"
                                 % (r, ", ".join(READABLE)))
        if minimum is None:
            raise ValueError("sgdlab.Landscape: minimum is required (an array or a function of the parameters)")
        if next_minimum is not None and saddle is None:
            raise ValueError("sgdlab.Landscape: next_minimum needs a saddle")
        fixed = [len(np.ravel(v)) for v in (minimum, saddle, next_minimum) if v is not None and not callable(v)]
        n_fixed = fixed[0] if fixed else None
        if max_dim is None:
            max_dim = n_fixed if n_fixed is not None else MAX_DIM
        if isinstance(max_dim, bool) or not isinstance(max_dim, (int, np.integer)) or not 1 <= max_dim <= MAX_DIM:
            raise ValueError("sgdlab.Landscape: max_dim must be an integer in 1..%d, got %r" % (MAX_DIM, max_dim))
        xm, xs, xn = _point(minimum, n_fixed), _point(saddle, n_fixed), _point(next_minimum, n_fixed)
        if xs is not None and xn is None:
            xn = lambda p: 2.0 * np.asarray(xs(p), dtype=np.float64) - np.asarray(xm(p), dtype=np.float64)
        self.name, self.reads, self.max_dim, self.has_saddle = name, reads, int(max_dim), saddle is not None
        self.n_fixed = n_fixed
        self.code = content_hash((value, grad, hess, minimum, saddle, next_minimum),
                                 (name, reads, int(max_dim), key, version))
        self.id = "python:%s:%s" % (name, self.code)
        same = [L for L in _landscapes if L.id == self.id]   # defined before: the library keeps the first's functions
        self.errors = same[0].errors if same else []   # the first exceptions raised (outputs NaN: divergence)
        value, grad, hess = (f if _arity(f) == 2 else (lambda x, p, f=f: f(x)) for f in (value, grad, hess))
        self._make_api(value, grad, hess, xm, xs, xn)
        err = ffi.new("sgl_err *")
        st = lib.sgl_landscape_plugin_register(self.id.encode(), int(self.code, 16) or 1, self._api, err)
        if st != 0:
            raise_err(st, err)
        _landscapes.append(self)

    def _make_api(self, value, grad, hess, xm, xs, xn):
        nan = float("nan")
        cache = {}   # the parameters a callback gets, by the bytes of the C struct (the same for a whole run)

        def params(p):
            raw = ffi.buffer(p)[:]
            q = cache.get(raw)
            if q is None:
                q = cache[raw] = _params(p)
            return q

        def failed(out, k, exc):
            out[0:k] = [nan] * k   # a function that raised leaves NaN: the trajectory diverges
            if len(self.errors) < 10:
                self.errors.append(exc)

        def caught(exc, val, tb):
            if len(self.errors) < 10:
                self.errors.append(val)

        # the hot path (a value and a gradient per step): x as a new numpy array, results written through cffi
        def c_value(p, x):
            n = p.n
            return float(value(np.array(ffi.unpack(x, n)), params(p)))

        def c_grad(p, x, g):
            n = p.n
            try:
                r = grad(np.array(ffi.unpack(x, n)), params(p))
                g[0:n] = r.tolist() if isinstance(r, np.ndarray) else r
            except Exception as exc:
                failed(g, n, exc)

        def c_hess(p, x, H):
            n = p.n
            try:
                r = hess(np.array(ffi.unpack(x, n)), params(p))
                H[0:n * n] = np.asarray(r, dtype=np.float64).reshape(n * n).tolist()
            except Exception as exc:
                failed(H, n * n, exc)

        def c_critical(p, a, b, c):
            q = params(p)
            for ptr, f in ((a, xm), (b, xs), (c, xn)):
                if ptr == ffi.NULL:
                    continue
                try:
                    ptr[0:p.n] = np.asarray(f(q), dtype=np.float64).reshape(p.n).tolist()
                except Exception as exc:
                    failed(ptr, p.n, exc)

        P = "const sgl_plugin_lparams *"
        self._cb = [ffi.callback("double(%s, const double *)" % P, c_value, error=nan, onerror=caught),
                    ffi.callback("void(%s, const double *, double *)" % P, c_grad, onerror=caught),
                    ffi.callback("void(%s, const double *, double *)" % P, c_hess, onerror=caught),
                    ffi.callback("void(%s, double *, double *, double *)" % P, c_critical, onerror=caught)]
        self._strs = [ffi.new("char[]", s.encode()) for s in (self.name, "a Python landscape (sgdlab.Landscape)",
                                                               " ".join(self.reads))]
        api = ffi.new("sgl_landscape_plugin *")
        api.abi_version, api.size = ABI_VERSION, ffi.sizeof("sgl_landscape_plugin")
        api.name, api.doc, api.reads = self._strs
        api.has_saddle, api.max_dim = int(self.has_saddle), self.max_dim
        api.value, api.grad, api.hess, api.critical = self._cb
        self._api = api

    def spec_keys(self):
        """the escape keys that select this landscape (what sgdlab.escape(landscape=self) sets)"""
        return {"landscape-plugin": self.id}

    def __repr__(self):
        return "<sgdlab.Landscape %s code=%s>" % (self.name, self.code)
