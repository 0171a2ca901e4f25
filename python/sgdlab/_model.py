"""Python-callback models: sgdlab.Model(residuals=..., jt=..., hvp=..., dim=...) from numpy functions, usable
wherever a built-in model is (sgdlab.run(model=m, ...), sgdlab.limit(model=m, ...), sgdlab.check(m)).  The model
is an sgl_model_plugin (include/sgdlab_plugin.h) whose function pointers are cffi callbacks, registered in the
library under the id "python:NAME:CODE" (sgl_model_plugin_register), so every noise kind, observable and the
limit work as with a C plugin, at the cost of a Python call (a few microseconds plus the numpy work) per
residual, J^T or Hessian-vector product -- C plugins are the fast path.  The run's stored parameters (and run
key) hold that id and the content hash (plugin-hash): what the functions compute, not where or when they were
defined (_identity.py)."""
import numpy as np

from ._ffi import ffi, lib, EXP_CONSTANTS
from ._identity import content_hash
from ._spec import raise_err

ffi.cdef(r"""
typedef struct {
    size_t n, d, ld;
    const double *X;
    const double *y;
} sgl_plugin_data;
typedef struct {
    const char *key, *value;
} sgl_plugin_param;
typedef struct sgl_model_plugin {
    uint32_t abi_version;
    uint32_t size;
    const char *name;
    const char *doc;
    unsigned flags;
    double default_a;
    int (*create)(const sgl_plugin_param *params, size_t n_params, void **self, char *msg, size_t msg_len);
    void (*destroy)(void *self);
    size_t (*dim)(const void *self, const sgl_plugin_data *data);
    size_t (*scratch)(const void *self, const sgl_plugin_data *data);
    void (*init)(const void *self, const sgl_plugin_data *data, double alpha, double *theta);
    void (*residuals)(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch);
    void (*jt)(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch);
    void (*hvp)(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch);
    double (*label)(const void *self, const double *x, size_t d);
    double (*trace)(const void *self, const sgl_plugin_data *data, double a, const double *theta, double *scratch);
    void (*d3)(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *A,
               double *out, double *scratch);
    void (*layout)(const void *self, const sgl_plugin_data *data, size_t *nb, size_t *len, size_t *stride);
} sgl_model_plugin;
int sgl_model_plugin_register(const char *id, uint64_t hash, const sgl_model_plugin *api, sgl_err *err);
""")

_models = []   # every Model made in this process: the library keeps their callbacks for its lifetime


def _vec(ptr, n):
    """a writable numpy view of n doubles at ptr (no copy)"""
    return np.frombuffer(ffi.buffer(ptr, n * 8), dtype=np.float64) if n else np.empty(0)


def _data(data, idx, nidx):
    """the rows (X, y) a call is about: all n rows (idx NULL) or the nidx rows idx names"""
    n, d, ld = data.n, data.d, data.ld
    X = np.frombuffer(ffi.buffer(data.X, n * ld * 8), dtype=np.float64).reshape(n, ld)[:, :d] if n else \
        np.empty((0, d))
    y = np.frombuffer(ffi.buffer(data.y, n * 8), dtype=np.float64) if n else np.empty(0)
    if idx == ffi.NULL:
        return X, y
    rows = np.frombuffer(ffi.buffer(idx, nidx * 4), dtype=np.uint32)
    return X[rows], y[rows]


class Model:
    """A model from Python functions on numpy arrays (shapes: theta (D,), X (rows, d), y (rows,)):

      residuals(theta, X, y) -> r (rows,): f(theta; x_i) - y_i for the given rows;
      jt(theta, X, y, c) -> g (D,): sum_i c_i grad f(theta; x_i) over the given rows;
      hvp(theta, X, y, p, a) -> (D,): the Hessian of L = (a / n) sum_i r_i^2 over all n rows, times p;
      dim: the parameter count D, an int or a function (d, n) -> D;
      init(d, n, alpha) -> theta (optional; default alpha * ones(D));
      name: a word shown in messages; key / version: optional strings that enter the run key.

    The loss is L = (a / n) sum r_i^2 (a: loss_a, default 1).  The functions must be deterministic (same
    arguments, same bits); a function that raises, or returns non-finite numbers, makes its trajectory
    diverge (the first exceptions are kept in .errors).  Use it as sgdlab.run(model=m, noise="label", d=...,
    n=..., ...); dim = 0 (a model without parameters) is refused by the run.  The run key is the content
    identity of the functions (their code and the numbers they capture, _identity.py) with name, key and
    version: the same model defined twice has the same key, a changed constant another."""

    def __init__(self, residuals, jt, hvp, dim, init=None, name="python", key=None, version=None):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError("sgdlab.Model: name must be a word (letters, digits, _), got %r" % (name,))
        for f, what in ((residuals, "residuals"), (jt, "jt"), (hvp, "hvp")):
            if not callable(f):
                raise ValueError("sgdlab.Model: %s must be a function, got %r" % (what, f))
        if not callable(dim) and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 0):
            raise ValueError("sgdlab.Model: dim must be a non-negative integer or a function (d, n) -> D, got %r"
                             % (dim,))
        for v, what in ((key, "key"), (version, "version")):
            if v is not None and not isinstance(v, str):
                raise ValueError("sgdlab.Model: %s must be a string, got %r" % (what, v))
        self.name = name
        self.code = content_hash((residuals, jt, hvp, dim, init), ("model", name, key, version))
        self.id = "python:%s:%s" % (name, self.code)
        same = [m for m in _models if m.id == self.id]   # defined before: the library keeps the first's functions
        self.errors = same[0].errors if same else []   # the first exceptions raised (outputs NaN: divergence)
        self._make_api(residuals, jt, hvp, dim, init)
        err = ffi.new("sgl_err *")
        st = lib.sgl_model_plugin_register(self.id.encode(), int(self.code, 16) or 1, self._api, err)
        if st != 0:
            raise_err(st, err)
        _models.append(self)

    def _make_api(self, residuals, jt, hvp, dim, init):
        nan = float("nan")
        D0 = None if callable(dim) else int(dim)

        def D(data):
            return D0 if D0 is not None else int(dim(data.d, data.n))

        def failed(out, exc):
            out[:] = nan   # a function that raised leaves NaN: the trajectory diverges
            if len(self.errors) < 10:
                self.errors.append(exc)

        def caught(exc, val, tb):
            if len(self.errors) < 10:
                self.errors.append(val)

        def c_dim(self_, data):
            return D(data)

        def c_init(self_, data, alpha, theta):
            out = _vec(theta, D(data))
            try:
                out[:] = np.full(len(out), alpha) if init is None else init(data.d, data.n, alpha)
            except Exception as exc:
                failed(out, exc)

        def c_residuals(self_, data, theta, idx, nidx, r, scratch):
            k = nidx if idx != ffi.NULL else data.n
            out = _vec(r, k)
            try:
                X, y = _data(data, idx, k)
                out[:] = residuals(_vec(theta, D(data)).copy(), X, y)
            except Exception as exc:
                failed(out, exc)

        def c_jt(self_, data, theta, idx, nidx, c, g, scratch):
            k = nidx if idx != ffi.NULL else data.n
            n = D(data)
            out = _vec(g, n)
            try:
                X, y = _data(data, idx, k)
                out[:] = jt(_vec(theta, n).copy(), X, y, _vec(c, k).copy())
            except Exception as exc:
                failed(out, exc)

        def c_hvp(self_, data, a, theta, p, o, scratch):
            n = D(data)
            out = _vec(o, n)
            try:
                X, y = _data(data, ffi.NULL, 0)
                out[:] = hvp(_vec(theta, n).copy(), X, y, _vec(p, n).copy(), a)
            except Exception as exc:
                failed(out, exc)

        S, DT = "const void *", "const sgl_plugin_data *"
        self._cb = [ffi.callback("size_t(%s, %s)" % (S, DT), c_dim, error=0, onerror=caught),
                    ffi.callback("void(%s, %s, double, double *)" % (S, DT), c_init, onerror=caught),
                    ffi.callback("void(%s, %s, const double *, const uint32_t *, size_t, double *, double *)"
                                 % (S, DT), c_residuals, onerror=caught),
                    ffi.callback("void(%s, %s, const double *, const uint32_t *, size_t, const double *, double *, "
                                 "double *)" % (S, DT), c_jt, onerror=caught),
                    ffi.callback("void(%s, %s, double, const double *, const double *, double *, double *)"
                                 % (S, DT), c_hvp, onerror=caught)]
        self._strs = [ffi.new("char[]", s.encode()) for s in (self.name, "a Python model (sgdlab.Model)")]
        api = ffi.new("sgl_model_plugin *")
        api.abi_version, api.size = EXP_CONSTANTS["SGL_PLUGIN_ABI_VERSION"], ffi.sizeof("sgl_model_plugin")
        api.name, api.doc = self._strs
        api.default_a = 1.0
        api.dim, api.init, api.residuals, api.jt, api.hvp = self._cb
        self._api = api

    def spec_keys(self):
        """the run keys that select this model (what sgdlab.run(model=self) sets)"""
        return {"model-plugin": self.id}

    def __repr__(self):
        return "<sgdlab.Model %s code=%s>" % (self.name, self.code)
