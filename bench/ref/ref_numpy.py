#!/usr/bin/python3
"""Reference benchmark: label-noise (S)GD written in plain vectorised NumPy.

Run with Debian's interpreter (it has numpy), e.g.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/ref/ref_numpy.py --case all

OPENBLAS_NUM_THREADS=1 (or OMP_NUM_THREADS=1) is recommended so the numbers
are single-threaded and comparable with the C code; this script does not set
it itself, it respects the environment.

Two cases, both in float64, with shared data:
  d=100 features, n=40 samples, Z (n x d) i.i.d. N(0,1) drawn from
  numpy.random.default_rng(seed=1) as Z = rng.standard_normal((n, d)),
  ground truth w*_j = 1 for j < kappa (kappa=5) else 0, y = Z w*,
  test_error = ||w - w*||^2.

  diagnet : batch-1 label-noise SGD on the diagonal linear network
            w = u*u - v*v, u = v = alpha*1, per-sample loss a*(f_i-y_i-eps)^2
            (a=0.5, eta=1e-3, eps = +-delta, delta=1).  One step:
                g  = <z_i, u*u - v*v> - y_i - eps
                u <- u - eta*2a*g*(2 z_i*u)
                v <- v - eta*2a*g*(-2 z_i*v)
  lngd    : HaoChen et al. "Shape Matters" label-noise GD on w = v*v,
            L(v) = (1/n) sum_i 0.25*(y_i - <v*v, z_i>)^2, lr=0.01, delta=1.
            One step (i uniform, e ~ delta*N(0,1)):
                r    = Z @ (v*v) - y
                grad = (Z^T r) * v / n
                v   <- v - lr*(grad - e*(z_i*v))

  ensemble64 : the diagnet step for 64 independent trajectories at once, the
            way NumPy vectorises an ensemble: U, V of shape (64, d), one
            sample index and one sign per trajectory per step (shared Z).
            Reported per trajectory-step.

What is timed: only the per-step arithmetic.  All randomness (sample indices,
label-noise signs / Gaussian noise) is pre-drawn with a numpy Generator
BEFORE the timed loop, so RNG cost is excluded and every repeat sees exactly
the same noise sequence.  Protocol: one warm-up run of min(1000, N) steps,
then R repeats of N steps each from the same initialisation; the reported
ns_per_step is min over repeats of elapsed/N.  final_test_error is the test
error at the end of the last repeat (lets a reader check the algorithm works).

Output: one line per case on stdout,
    ref=numpy case=<case> ns_per_step=<float> steps=<N> final_test_error=<float>
"""

import argparse
import time

import numpy as np

DEFAULT_STEPS = {"diagnet": 20000, "lngd": 5000, "ensemble64": 5000}
ENSEMBLE = 64


def make_data(n, d, kappa):
    rng = np.random.default_rng(seed=1)
    Z = rng.standard_normal((n, d))
    w_star = np.zeros(d)
    w_star[:kappa] = 1.0
    y = Z @ w_star
    return Z, y, w_star


def diagnet_run(Z, y, idx, sgn, steps, alpha=1.0, a=0.5, eta=1e-3):
    """Run `steps` label-noise SGD steps; idx/sgn are pre-drawn python lists."""
    d = Z.shape[1]
    u = np.full(d, alpha)
    v = np.full(d, alpha)
    c0 = eta * 2.0 * a * 2.0  # eta * 2a * 2
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        z = Z[i]
        g = z @ (u * u - v * v) - y[i] - sgn[t]
        c = c0 * g
        # grad_u = 2a*g*(2 z*u), grad_v = 2a*g*(-2 z*v); v update uses old v only
        u -= c * (z * u)
        v += c * (z * v)
    t1 = time.perf_counter_ns()
    return t1 - t0, u * u - v * v


def lngd_run(Z, y, idx, noise, steps, alpha=1.0, lr=0.01):
    """Run `steps` label-noise GD steps; idx/noise are pre-drawn python lists."""
    n, d = Z.shape
    ZT = Z.T  # view, no copy
    v = np.full(d, alpha)
    inv_n = 1.0 / n
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        r = Z @ (v * v) - y
        grad = (ZT @ r) * v * inv_n
        grad -= noise[t] * (Z[i] * v)
        v -= lr * grad
    t1 = time.perf_counter_ns()
    return t1 - t0, v * v


def ensemble_run(Z, y, idx, sgn, steps, alpha=1.0, a=0.5, eta=1e-3):
    """diagnet_run for ENSEMBLE trajectories as (M, d) arrays; idx/sgn (steps, M)."""
    d = Z.shape[1]
    U = np.full((ENSEMBLE, d), alpha)
    V = np.full((ENSEMBLE, d), alpha)
    c0 = eta * 2.0 * a * 2.0
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        Zi = Z[i]
        g = np.einsum("md,md->m", Zi, U * U - V * V) - y[i] - sgn[t]
        c = (c0 * g)[:, None]
        U -= c * (Zi * U)
        V += c * (Zi * V)
    t1 = time.perf_counter_ns()
    return t1 - t0, (U * U - V * V)[0]


def predraw(case, n, total, delta, seed):
    """Pre-draw all randomness (outside the timed region)."""
    rng = np.random.default_rng(seed)
    if case == "ensemble64":
        return (rng.integers(0, n, size=(total, ENSEMBLE)),
                delta * (2.0 * rng.integers(0, 2, size=(total, ENSEMBLE)) - 1.0))
    idx = rng.integers(0, n, size=total).tolist()
    if case == "diagnet":
        # eps = +delta or -delta with probability 1/2 each
        noise = (delta * (2.0 * rng.integers(0, 2, size=total) - 1.0)).tolist()
    else:
        # e ~ delta * N(0, 1)
        noise = (delta * rng.standard_normal(total)).tolist()
    return idx, noise


def bench(case, args):
    steps = args.steps if args.steps is not None else DEFAULT_STEPS[case]
    Z, y, w_star = make_data(args.n, args.d, args.kappa)
    idx, noise = predraw(case, args.n, steps, args.delta, args.seed)
    run = {"diagnet": diagnet_run, "lngd": lngd_run, "ensemble64": ensemble_run}[case]
    run(Z, y, idx, noise, min(1000, steps))  # warm-up
    best = None
    w = None
    for _ in range(args.repeats):
        ns, w = run(Z, y, idx, noise, steps)
        best = ns if best is None else min(best, ns)
    err = float(np.sum((w - w_star) ** 2))
    if case == "ensemble64":
        print(f"ref=numpy case={case} threads=1 ns_per_traj_step_per_core={best / steps / ENSEMBLE:.1f} "
              f"steps={steps} final_test_error={err:.6g}", flush=True)
        return
    print(f"ref=numpy case={case} ns_per_step={best / steps:.1f} "
          f"steps={steps} final_test_error={err:.6g}", flush=True)


def main():
    p = argparse.ArgumentParser(
        description="NumPy reference timings for label-noise SGD (diagnet) "
                    "and label-noise GD (lngd). Set OPENBLAS_NUM_THREADS=1 "
                    "for single-threaded numbers.",
        epilog="Default steps: diagnet 20000, lngd 5000; default repeats 3 "
               "(one warm-up of min(1000, steps) steps first). Runtime at "
               "defaults with --case all is a few seconds.")
    p.add_argument("--case", choices=["diagnet", "lngd", "ensemble64", "all"], default="all",
                   help="which case to run (default: all, one line each)")
    p.add_argument("--steps", type=int, default=None,
                   help="steps per timed repeat (default: diagnet 20000, lngd 5000)")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    p.add_argument("--d", type=int, default=100, help="dimension (default 100)")
    p.add_argument("--n", type=int, default=40, help="samples (default 40)")
    p.add_argument("--kappa", type=int, default=5, help="sparsity of w* (default 5)")
    p.add_argument("--delta", type=float, default=1.0, help="label-noise scale (default 1)")
    p.add_argument("--seed", type=int, default=2,
                   help="seed of the noise Generator (data always uses seed 1)")
    args = p.parse_args()
    if args.steps is not None and args.steps < 1:
        p.error("--steps must be >= 1")
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    cases = ["diagnet", "lngd", "ensemble64"] if args.case == "all" else [args.case]
    for c in cases:
        bench(c, args)


if __name__ == "__main__":
    main()
