#!/usr/bin/python3
"""Reference benchmark: label-noise (S)GD written the way a researcher would
with PyTorch autograd (float64, CPU).

Run with Debian's interpreter (it has torch), e.g.

    /usr/bin/python3 bench/ref/ref_torch.py --case all --threads 1

torch.set_num_threads(T) is called with T = --threads (default 1).

Two cases, both in float64, with shared data:
  d=100 features, n=40 samples, Z (n x d) i.i.d. N(0,1) drawn with numpy as
  numpy.random.default_rng(seed=1).standard_normal((n, d)) and converted to a
  torch tensor, ground truth w*_j = 1 for j < kappa (kappa=5) else 0,
  y = Z w*, test_error = ||w - w*||^2.

  diagnet : batch-1 label-noise SGD on the diagonal linear network
            w = u*u - v*v, u = v = alpha*1 (leaf tensors, requires_grad),
            a=0.5, eta=1e-3, eps = +-delta (delta=1).  One step:
                loss = a*(<z_i, u*u - v*v> - y_i - eps)**2
                loss.backward()
                with no_grad: u -= eta*u.grad; v -= eta*v.grad; zero grads
  lngd    : HaoChen et al. "Shape Matters" label-noise GD on w = v*v,
            lr=0.01, delta=1, i uniform, e ~ delta*N(0,1).  One step:
                f    = Z @ (v*v)
                loss = mean(0.25*(y - f)**2)
                       + 0.25*(y_i + e - f_i)**2 - 0.25*(y_i - f_i)**2
                loss.backward()
                with no_grad: v -= lr*v.grad; zero grad
            (the gradient equals (1/n) sum_i r_i z_i*v - e*z_i*v, r = f - y).

  ensemble64 : the diagnet step for 64 independent trajectories at once:
            U, V leaves of shape (64, d), one sample index and one sign per
            trajectory per step (shared Z), the loss summed over trajectories
            (their gradients stay separate).  Reported per trajectory-step.

What is timed: only the per-step forward/backward/update.  All randomness
(sample indices, label-noise signs / Gaussian noise) is pre-drawn with a numpy
Generator BEFORE the timed loop, so RNG cost is excluded and every repeat sees
exactly the same noise sequence.  Protocol: one warm-up run of min(1000, N)
steps, then R repeats of N steps each from the same initialisation; the
reported ns_per_step is min over repeats of elapsed/N.  final_test_error is the
test error at the end of the last repeat.

Output: one line per case on stdout,
    ref=torch case=<case> ns_per_step=<float> steps=<N> final_test_error=<float>
"""

import argparse
import time

import numpy as np
import torch

DEFAULT_STEPS = {"diagnet": 20000, "lngd": 5000, "ensemble64": 2000}
ENSEMBLE = 64
DTYPE = torch.float64


def make_data(n, d, kappa):
    rng = np.random.default_rng(seed=1)
    Z = rng.standard_normal((n, d))
    w_star = np.zeros(d)
    w_star[:kappa] = 1.0
    y = Z @ w_star
    return (torch.from_numpy(Z).to(DTYPE), torch.from_numpy(y).to(DTYPE),
            torch.from_numpy(w_star).to(DTYPE))


def diagnet_run(Z, y, idx, sgn, steps, alpha=1.0, a=0.5, eta=1e-3):
    """Run `steps` label-noise SGD steps with autograd; idx/sgn pre-drawn lists."""
    d = Z.shape[1]
    u = torch.full((d,), alpha, dtype=DTYPE, requires_grad=True)
    v = torch.full((d,), alpha, dtype=DTYPE, requires_grad=True)
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        f = torch.dot(Z[i], u * u - v * v)
        loss = a * (f - y[i] - sgn[t]) ** 2
        loss.backward()
        with torch.no_grad():
            u -= eta * u.grad
            v -= eta * v.grad
        u.grad.zero_()
        v.grad.zero_()
    t1 = time.perf_counter_ns()
    with torch.no_grad():
        w = u * u - v * v
    return t1 - t0, w


def lngd_run(Z, y, idx, noise, steps, alpha=1.0, lr=0.01):
    """Run `steps` label-noise GD steps with autograd; idx/noise pre-drawn lists."""
    d = Z.shape[1]
    v = torch.full((d,), alpha, dtype=DTYPE, requires_grad=True)
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        e = noise[t]
        f = Z @ (v * v)
        loss = (0.25 * (y - f) ** 2).mean()
        loss = loss + 0.25 * (y[i] + e - f[i]) ** 2 - 0.25 * (y[i] - f[i]) ** 2
        loss.backward()
        with torch.no_grad():
            v -= lr * v.grad
        v.grad.zero_()
    t1 = time.perf_counter_ns()
    with torch.no_grad():
        w = v * v
    return t1 - t0, w


def ensemble_run(Z, y, idx, sgn, steps, alpha=1.0, a=0.5, eta=1e-3):
    """diagnet_run for ENSEMBLE trajectories as (M, d) leaves; idx/sgn (steps, M) tensors."""
    d = Z.shape[1]
    U = torch.full((ENSEMBLE, d), alpha, dtype=DTYPE, requires_grad=True)
    V = torch.full((ENSEMBLE, d), alpha, dtype=DTYPE, requires_grad=True)
    t0 = time.perf_counter_ns()
    for t in range(steps):
        i = idx[t]
        Zi = Z[i]
        f = (Zi * (U * U - V * V)).sum(dim=1)
        loss = (a * (f - y[i] - sgn[t]) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            U -= eta * U.grad
            V -= eta * V.grad
        U.grad.zero_()
        V.grad.zero_()
    t1 = time.perf_counter_ns()
    with torch.no_grad():
        w = (U * U - V * V)[0]
    return t1 - t0, w


def predraw(case, n, total, delta, seed):
    """Pre-draw all randomness (outside the timed region)."""
    rng = np.random.default_rng(seed)
    if case == "ensemble64":
        return (torch.from_numpy(rng.integers(0, n, size=(total, ENSEMBLE))),
                torch.from_numpy(delta * (2.0 * rng.integers(0, 2, size=(total, ENSEMBLE)) - 1.0)).to(DTYPE))
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
    err = float(((w - w_star) ** 2).sum())
    if case == "ensemble64":
        print(f"ref=torch case={case} threads=1 ns_per_traj_step_per_core={best / steps / ENSEMBLE:.1f} "
              f"steps={steps} final_test_error={err:.6g}", flush=True)
        return
    print(f"ref=torch case={case} ns_per_step={best / steps:.1f} "
          f"steps={steps} final_test_error={err:.6g}", flush=True)


def main():
    p = argparse.ArgumentParser(
        description="PyTorch-autograd reference timings for label-noise SGD "
                    "(diagnet) and label-noise GD (lngd), float64 on CPU.",
        epilog="Default steps: diagnet 20000, lngd 5000; default repeats 3 "
               "(one warm-up of min(1000, steps) steps first). Runtime at "
               "defaults with --case all is well under 60 s.")
    p.add_argument("--case", choices=["diagnet", "lngd", "ensemble64", "all"], default="all",
                   help="which case to run (default: all = both, one line each)")
    p.add_argument("--steps", type=int, default=None,
                   help="steps per timed repeat (default: diagnet 20000, lngd 5000)")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads value (default 1)")
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
    if args.threads < 1:
        p.error("--threads must be >= 1")
    torch.set_num_threads(args.threads)
    cases = ["diagnet", "lngd", "ensemble64"] if args.case == "all" else [args.case]
    for c in cases:
        bench(c, args)


if __name__ == "__main__":
    main()
