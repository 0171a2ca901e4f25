#!/usr/bin/env python3
"""Shape Matters (HaoChen, Wei, Lee, Ma) through sgdlab's Python API: GD, SGD with minibatch-difference noise,
LNGD, SGLD on the quadratic model and label-noise SGD on the diagonal net, the mean test error over seeds
against the step with its standard-error band, saved as a PNG (matplotlib, Agg backend).

    PYTHONPATH=python python3 examples/python/shape_matters.py --out shape-matters.png          # the paper's settings
    PYTHONPATH=python python3 examples/python/shape_matters.py --quick --trajectories 4 --out q.png    # 10x fewer steps

The numbers are those of `sgdlab reproduce shape-matters` with the same flags.  Exit 77 when matplotlib is
missing (apt-get install python3-matplotlib)."""
import argparse
import sys

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("SKIP: matplotlib is missing (apt-get install python3-matplotlib)", file=sys.stderr)
    sys.exit(77)
import numpy as np

import sgdlab.reproduce

COLORS = {"GD": "#000000", "SGD-minibatch-diff": "#1f77b4", "LNGD": "#d62728", "SGLD": "#ff7f0e",
          "diagnet-label": "#2ca02c"}   # as the CLI's plot


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trajectories", type=int, default=None, help="trajectories per variant (default 8)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="10x fewer steps (the verdicts are then not meaningful)")
    ap.add_argument("--out", default="shape-matters.png", help="the PNG to write")
    a = ap.parse_args()
    try:
        r = sgdlab.reproduce.shape_matters(trajectories=a.trajectories, seed=a.seed, threads=a.threads, quick=a.quick)
    except sgdlab.SpecError as e:
        print("shape_matters.py: %s" % e, file=sys.stderr)
        return 2
    fig, ax = plt.subplots(figsize=(9, 6))
    for name, c in r.cells.items():
        k = c.steps.astype(float)
        mean, se = c.curve["mean"], c.curve["se"]
        ok = (k > 0) & (mean > 0)   # log axes
        ax.plot(k[ok], mean[ok], color=COLORS.get(name), lw=2, ls="--" if name == "SGLD" else "-",
                label="%s (%s)" % (name, c.verdict))
        lo = np.maximum(mean - se, mean * 1e-3)   # a band reaching 0 is drawn down to 1e-3 x the mean
        ax.fill_between(k[ok], lo[ok], (mean + se)[ok], color=COLORS.get(name), alpha=0.2, lw=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step k")
    ax.set_ylabel(r"test error $\|w - w^*\|^2$ (mean $\pm$ SE over seeds)")
    seeds = next(iter(r.cells.values())).params["seeds"]
    ax.set_title("Shape Matters (HaoChen et al.), %d seeds%s" % (seeds, " (quick: steps / 10)" if a.quick else ""))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(a.out, dpi=100)
    for name, c in r.cells.items():
        print("%-20s test error %.4g +- %.2g  %s" % (name, c.test.mean, c.test.std_err, c.verdict))
    print("ordering LNGD < SGD-minibatch-diff < min(GD, SGLD): %s; figure: %s"
          % ("PASS" if r.ordering else "DIFFERS", a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
