#!/usr/bin/env python3
"""numpy reference of bench_escape: 1-D double well L0 + a(x^2-1)^2, Mori noise,
Euler-Maruyama, M trajectories vectorised over the array axis (numpy's own
normal generator), hyperplane exit masked.  Prints ns per trajectory-step."""
import sys, time
import numpy as np

def run(M=8192, K=2000, eta=0.01, Bh=4000.0, L0=0.5, a=1.0, hs=8.0, xe=-0.8):
    rng = np.random.default_rng(1)
    x = np.ones(M)
    alive = np.ones(M, dtype=bool)
    t0 = time.perf_counter()
    for _ in range(K):
        u = x * x - 1.0
        L = L0 + a * u * u
        g = 4.0 * a * x * u
        xn = x - eta * g + np.sqrt(2.0 * (L * hs / Bh) * eta) * rng.standard_normal(M)
        x = np.where(alive, xn, x)
        alive &= x > xe
    dt = time.perf_counter() - t0
    return dt / (M * K) * 1e9

if __name__ == "__main__":
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    ns = min(run(K=max(50, int(2000 * scale))) for _ in range(2))
    print("ref=numpy case=escape_dw_mori threads=1 ns_per_traj_step=%.3f traj_steps_per_s=%.4g" % (ns, 1e9 / ns))
