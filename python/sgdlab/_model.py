"""Python-callback models: sgdlab.Model(residuals=..., jt=..., hvp=..., dim=...) from numpy functions, usable
wherever a built-in model is (sgdlab.run(model=m, ...), sgdlab.limit(model=m, ...)).  The model runs as the model
plugin build/libsgdlab_pymodel.so (python/sgdlab/pymodel.c), whose functions call these through cffi callbacks:
every noise kind, observable and the limit work as with a C plugin, at the cost of a Python call (a few
microseconds plus the numpy work) per residual, J^T or Hessian-vector product -- C plugins
(include/sgdlab_plugin.h) are the fast path.  The run's stored parameters (and run key) hold the bridge's path
and hash, the model's name and a hash of the functions' code (not of values they capture from outside)."""
import hashlib
import marshal
import os

import numpy as np

from ._ffi import ffi, LIB_PATH

ffi.cdef(r"""
typedef struct {
    size_t n, d, ld;
    const double *X;
    const double *y;
} sgl_plugin_data;
typedef struct {
    size_t (*dim)(size_t d, size_t n);
    void (*init)(const sgl_plugin_data *data, double alpha, double *theta, size_t D);
    void (*residuals)(const sgl_plugin_data *data, const double *theta, size_t D, const uint32_t *idx, size_t nidx,
                      double *r);
    void (*jt)(const sgl_plugin_data *data, const double *theta, size_t D, const uint32_t *idx, size_t nidx,
               const double *c, double *g);
    void (*hvp)(const sgl_plugin_data *data, double a, const double *theta, size_t D, const double *p, double *out);
} sgl_pymodel_slot;
int sgl_pymodel_set(unsigned i, const sgl_pymodel_slot *s);
""")

BRIDGE_PATH = os.path.join(os.path.dirname(LIB_PATH), "libsgdlab_pymodel.so")
_bridge = None
_models = []   # every Model made in this process: its callbacks must outlive any run that may call them


def _lib():
    global _bridge
    if _bridge is None:
        if not os.path.isfile(BRIDGE_PATH):
            raise ImportError("sgdlab.Model needs %s (built by CMake with the library)" % BRIDGE_PATH)
        _bridge = ffi.dlopen(BRIDGE_PATH)
    return _bridge


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


def _code_hash(*fns):
    h = hashlib.sha256()
    for f in fns:
        code = getattr(f, "__code__", None)
        h.update(marshal.dumps(code) if code is not None else repr(f).encode())
    return h.hexdigest()[:16]


class Model:
    """A model from Python functions on numpy arrays (shapes: theta (D,), X (rows, d), y (rows,)):

      residuals(theta, X, y) -> r (rows,): f(theta; x_i) - y_i for the given rows;
      jt(theta, X, y, c) -> g (D,): sum_i c_i grad f(theta; x_i) over the given rows;
      hvp(theta, X, y, p, a) -> (D,): the Hessian of L = (a / n) sum_i r_i^2 over all n rows, times p;
      dim: the parameter count D, an int or a function (d, n) -> D;
      init(d, n, alpha) -> theta (optional; default alpha * ones(D)).

    The loss is L = (a / n) sum r_i^2 (a: loss_a, default 1).  The functions must be deterministic (same
    arguments, same bits); a function that raises, or returns non-finite numbers, makes its trajectory
    diverge (the first exceptions are kept in .errors).  Use it as sgdlab.run(model=m, noise="label", d=...,
    n=..., ...); dim = 0 (a model without parameters) is refused by the run."""

    def __init__(self, residuals, jt, hvp, dim, init=None, name="python"):
        if len(_models) >= 1024:
            raise RuntimeError("sgdlab.Model: at most 1024 Python models per process")
        if not isinstance(name, str) or not name or any(ch in name for ch in ",= \t\n"):
            raise ValueError("sgdlab.Model: name must be a non-empty word without ',', '=' or blanks, got %r"
                             % (name,))
        self.name, self.slot = name, len(_models)
        self._fns = (residuals, jt, hvp, dim if callable(dim) else None, init)
        D0 = None if callable(dim) else int(dim)

        def c_dim(d, n):
            return D0 if D0 is not None else int(dim(d, n))

        def c_init(data, alpha, theta, D):
            out = _vec(theta, D)
            out[:] = np.full(D, alpha) if init is None else init(data.d, data.n, alpha)

        def c_residuals(data, theta, D, idx, nidx, r):
            X, y = _data(data, idx, nidx)
            _vec(r, nidx)[:] = residuals(_vec(theta, D).copy(), X, y)

        def c_jt(data, theta, D, idx, nidx, c, g):
            X, y = _data(data, idx, nidx)
            _vec(g, D)[:] = jt(_vec(theta, D).copy(), X, y, _vec(c, nidx).copy())

        def c_hvp(data, a, theta, D, p, out):
            X, y = _data(data, ffi.NULL, 0)
            _vec(out, D)[:] = hvp(_vec(theta, D).copy(), X, y, _vec(p, D).copy(), a)

        self.errors = []   # the first exceptions the functions raised (their outputs stay NaN: divergence)

        def caught(exc, value, tb):
            if len(self.errors) < 10:
                self.errors.append(value)

        slot = ffi.new("sgl_pymodel_slot *")
        self._cb = [ffi.callback("size_t(size_t, size_t)", c_dim, onerror=caught),
                    ffi.callback("void(const sgl_plugin_data *, double, double *, size_t)", c_init, onerror=caught),
                    ffi.callback("void(const sgl_plugin_data *, const double *, size_t, const uint32_t *, size_t, "
                                 "double *)", c_residuals, onerror=caught),
                    ffi.callback("void(const sgl_plugin_data *, const double *, size_t, const uint32_t *, size_t, "
                                 "const double *, double *)", c_jt, onerror=caught),
                    ffi.callback("void(const sgl_plugin_data *, double, const double *, size_t, const double *, "
                                 "double *)", c_hvp, onerror=caught)]
        slot.dim, slot.init, slot.residuals, slot.jt, slot.hvp = self._cb
        if _lib().sgl_pymodel_set(self.slot, slot) != 0:
            raise RuntimeError("sgdlab.Model: no free slot")
        self.code = _code_hash(residuals, jt, hvp, dim if callable(dim) else None, init)
        _models.append(self)

    def spec_keys(self):
        """the run keys that select this model (what sgdlab.run(model=self) sets)"""
        return {"model-plugin": BRIDGE_PATH, "plugin-param": "code=%s,name=%s,slot=%d" % (self.code, self.name,
                                                                                            self.slot)}

    def __repr__(self):
        return "<sgdlab.Model %s slot=%d code=%s>" % (self.name, self.slot, self.code)
