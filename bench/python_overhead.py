#!/usr/bin/env python3
"""Python overhead of the sgdlab package (issue 12 item 8), for bench/run: the wall time of a call beyond the
library's own execution time (the record's seconds), per call and per returned megabyte, and the store read
(sgdlab.Store through sgl_store_columns) per megabyte.  Reports, asserts nothing.

    PYTHONPATH=python python3 bench/python_overhead.py [scale]     (scale < 1: fewer repetitions)
"""
import os
import statistics
import sys
import tempfile
import time

import numpy as np

import sgdlab


def timed(fn, reps):
    """median (wall seconds, C seconds, returned bytes) over reps calls"""
    walls, cs, nbytes = [], [], 0
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        walls.append(time.perf_counter() - t0)
        cs.append(r.seconds)
        nbytes = returned_bytes(r)
    return statistics.median(walls), statistics.median(cs), nbytes


def returned_bytes(r):
    n = 0
    for v in vars(r).values():
        if isinstance(v, np.ndarray):
            n += v.nbytes
        elif isinstance(v, dict):
            n += sum(a.nbytes for a in v.values() if isinstance(a, np.ndarray))
            n += sum(a.nbytes for d in v.values() if isinstance(d, dict) for a in d.values()
                     if isinstance(a, np.ndarray))
    return n


def main(scale):
    reps = max(3, int(50 * scale))
    print("# python: %s, numpy %s, library %s" % (sys.version.split()[0], np.__version__, sgdlab.LIB_PATH))
    tiny = dict(model="quadratic", noise="label", d=10, n=5, lr=0.01, steps=1, every=1, trajectories=1)
    w, c, b = timed(lambda: sgdlab.run(threads=1, **tiny), reps)
    print("python case=call_run ns_per_call=%.0f c_ns=%.0f wall_ns=%.0f bytes=%d" % (1e9 * (w - c), 1e9 * c, 1e9 * w, b))
    esc = dict(landscape="doublewell", trajectories=1, t_max=1)
    w, c, b = timed(lambda: sgdlab.escape(threads=1, **esc), reps)
    print("python case=call_escape ns_per_call=%.0f c_ns=%.0f wall_ns=%.0f (includes the theory of the spec)"
          % (1e9 * (w - c), 1e9 * c, 1e9 * w))
    # per returned megabyte: the same run with more logged points, overhead beyond the one of a tiny call
    pts = []
    for every in (1000, 100, 10, 2):
        spec = dict(model="quadratic", noise="label", d=10, n=5, lr=0.01, steps=20000, every=every, trajectories=8)
        w, c, b = timed(lambda: sgdlab.run(threads=1, **spec), max(3, reps // 10))
        pts.append((b / 1e6, w - c))
        print("python case=run_bytes every=%d mb=%.2f overhead_ms=%.2f c_ms=%.1f" % (every, b / 1e6, 1e3 * (w - c),
                                                                                    1e3 * c))
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    slope, icpt = np.polyfit(x, y, 1)
    print("python case=per_mb ms_per_mb=%.3f (least squares over the run_bytes rows; call overhead %.3f ms)"
          % (1e3 * slope, 1e3 * icpt))
    # a Python-callback model (sgdlab.Model) per step against the C built-in of the same kind (linear regression)
    def residuals(theta, X, y):
        return X @ theta - y

    def jt(theta, X, y, c):
        return X.T @ c

    def hvp(theta, X, y, p, a):
        return (2.0 * a / len(y)) * (X.T @ (X @ p))
    m = sgdlab.Model(residuals, jt, hvp, dim=lambda d, n: d, name="linreg_py")
    steps = max(200, int(5000 * scale))
    spec = dict(noise="label", d=20, n=40, kappa=5, lr=0.01, steps=steps, every=steps, trajectories=1)
    w, c, _ = timed(lambda: sgdlab.run(model=m, threads=1, **spec), 3)
    wb, cb, _ = timed(lambda: sgdlab.run(model="linreg", threads=1, **dict(spec, steps=100 * steps, every=100 * steps)), 3)
    print("python case=callback_model ns_per_step=%.0f builtin_ns_per_step=%.1f ratio=%.0f (label noise, batch 1, "
          "d=20, n=40: one residual and one J^T call per step)" % (1e9 * c / steps, 1e9 * cb / (100 * steps),
                                                                    (c / steps) / (cb / (100 * steps))))
    # a Python-callback landscape (sgdlab.Landscape) per step against the built-in doublewell: the same arithmetic
    # (tests/python/test_landscape.py shows the same first passages); one value and one gradient call per step
    def dw_value(x, p):
        u = x[0] * x[0] - 1.0
        return p.L0 + p.a * u * u

    def dw_grad(x, p):
        return [4.0 * p.a * x[0] * (x[0] * x[0] - 1.0)]

    def dw_hess(x, p):
        return [[p.a * (12.0 * x[0] * x[0] - 4.0)]]
    land = sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[1.0], saddle=[0.0], reads="a", name="dw_bench")
    espec = dict(noise="isotropic", D=0.05, trajectories=4, t_max=max(5.0, 100 * scale), seed=1)
    w, c, _ = timed(lambda: sgdlab.escape(landscape=land, threads=1, **espec), 3)
    ksteps = sgdlab.escape(landscape=land, threads=1, **espec).traj_steps
    wb, cb, _ = timed(lambda: sgdlab.escape(landscape="doublewell", threads=1, **dict(espec, t_max=100 * espec["t_max"])), 3)
    kb = sgdlab.escape(landscape="doublewell", threads=1, **dict(espec, t_max=100 * espec["t_max"])).traj_steps
    print("python case=callback_landscape ns_per_step=%.0f builtin_ns_per_step=%.1f ratio=%.0f (doublewell, "
          "isotropic noise, sgd: one value and one gradient call per trajectory step)"
          % (1e9 * c / ksteps, 1e9 * cb / kb, (c / ksteps) / (cb / kb)))
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "b.db")
        sgdlab.sweep({"base": {"model": "quadratic", "noise": "label", "steps": 10000, "every": 10, "trajectories": 8},
                      "grid": {"lr": [0.01, 0.02]}}, db=db)
        with sgdlab.Store(db) as st:
            t0 = time.perf_counter()
            s = st.series()
            w = time.perf_counter() - t0
        mb = sum(s[n].nbytes for n in s.dtype.names if s.dtype[n] != object) / 1e6
        print("python case=store_series rows=%d ns_per_row=%.0f ms_per_mb=%.1f (numeric columns %.2f MB)"
              % (len(s), 1e9 * w / len(s), 1e3 * w / mb, mb))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
