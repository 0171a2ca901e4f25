"""sgdlab.run against `sgdlab run --format jsonl`: the same spec and seed give the same bits, for threads 1 and
2 (a value the CLI prints as null is non-finite here); shapes and dtypes of the arrays."""
import numpy as np
import pytest

from conftest import cli_json, flags

SPECS = [
    dict(model="diagnet", noise="label", lr=1e-3, steps=3000, every=500, trajectories=5),
    dict(model="quadratic", noise="lngd", lr=0.01, lr_decay="1000,2000", steps=3000, every=250, trajectories=3, seed=7),
    dict(model="diagnet", noise="label", lr=0.0045, steps=3000, every=500, trajectories=6),   # 3 of 6 diverge
    dict(model="toy2d", noise="label", delta=1.0, lr=0.01, steps=1000, every=250, trajectories=3, init=[1.0, 0.05],
         observe="theta_1"),
    dict(model="diagnet", noise="minibatch", batch=4, lr=2e-3, steps=2000, every=1000, trajectories=4,
         data_draw="shared", seed=18446744073709551615),
]


def same(cli_values, py):
    """CLI numbers (%.17g; None = null = non-finite) equal the array bit for bit."""
    py = np.asarray(py, dtype=np.float64)
    null = np.array([v is None for v in cli_values])
    assert not np.isfinite(py[null]).any()
    got = np.array([np.nan if v is None else v for v in cli_values], dtype=np.float64)
    assert np.array_equal(got[~null].view(np.uint64), py[~null].view(np.uint64))


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["model"] + "-" + s["noise"])
def test_run_bitwise_equal_to_cli(sgdlab, spec, threads):
    lines = cli_json("run", *flags(spec), "--format", "jsonl", "--threads", threads)
    header, recs, summary = lines[0], lines[1:-1], lines[-1]
    r = sgdlab.run(threads=threads, **spec)
    M, L = spec["trajectories"], len(r.steps)
    assert r.observables == header["observables"]
    assert len(recs) == M * L
    for name in r.observables:
        same([rec[name] for rec in recs], r[name].reshape(-1))   # records: trajectory-major, as the array
    assert [rec["step"] for rec in recs[:L]] == r.steps.tolist()
    for col in ("t_eta", "t_eta2", "lr"):
        same([rec[col] for rec in recs[:L]], getattr(r, col))
    div = [recs[t * L]["diverged_step"] for t in range(M)]
    assert r.diverged_step.tolist() == [-1 if d is None else d for d in div]
    assert r.diverged.tolist() == [d is not None for d in div]
    assert summary["n_traj"] == M and summary["n_diverged"] == r.n_diverged
    for name, s in summary["observables"].items():
        py = r.summary[name]
        same([s["mean"], s["se"], s["min"], s["max"]], [py["mean"], py["se"], py["min"], py["max"]])
        assert (s["n"], s["n_diverged"], s["n_nonfinite"]) == (py["n"], py["n_diverged"], py["n_nonfinite"])


def test_run_arrays_shapes_and_dtypes(sgdlab):
    r = sgdlab.run(model="diagnet", d=20, n=10, kappa=2, lr=1e-3, steps=1000, every=100, trajectories=3)
    assert r.steps.dtype == np.uint64 and r.steps.shape == (11,)
    for name in r.observables:
        a = r[name]
        assert a.dtype == np.float64 and a.shape == (3, 11) and a.flags.c_contiguous
        for k in ("mean", "se", "min", "max"):
            assert r.summaries[name][k].dtype == np.float64 and r.summaries[name][k].shape == (11,)
        assert r.summaries[name]["n"].dtype == np.uint64
    assert r.t_eta.shape == r.t_eta2.shape == r.lr.shape == (11,)
    assert r.diverged.dtype == np.bool_ and r.diverged_step.dtype == np.int64 and r.diverged_step.shape == (3,)
    assert r.theta_final.shape == (3, 48)   # diagnet: theta = (u, v), d = 20 each padded to 24 (SGL_LANES)
    assert r.t_eta[-1] == 1000 * 1e-3 and r.steps[-1] == 1000


def test_run_params_and_key(sgdlab):
    """params: the canonical parameter set (what a store keeps), key: the run key `run --db` stores."""
    r = sgdlab.run(model="quadratic", noise="label", lr=0.01, steps=200, every=100, trajectories=2, seed=5)
    assert r.params["model"] == "quadratic" and r.params["lr"] == 0.01 and r.params["seed"] == 5
    assert r.params["steps"] == 200 and len(r.key) == 16
    r2 = sgdlab.run(model="quadratic", noise="label", lr=0.01, steps=200, every=100, trajectories=2, seed=6)
    assert r2.key != r.key


LIMIT_SPECS = [
    dict(model="toy2d", noise="label", delta=1.0, alpha=1.0, trajectories=4, T=1.0, dt=0.01),
    dict(model="sphere", noise="gaussian", sigma=1.0, sigma_scale="eta", trajectories=5, T=0.2, form="general"),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("spec", LIMIT_SPECS, ids=lambda s: s["model"] + "-" + s["noise"])
def test_limit_bitwise_equal_to_cli(sgdlab, spec, threads):
    (j,) = cli_json("limit", *flags(spec), "--json", "--threads", threads)
    r = sgdlab.limit(threads=threads, **spec)
    assert (j["em_steps"], j["form"], j["rank"]) == (r.em_steps, r.form, r.rank)
    same([j["dt"], j["gap_ratio"], j["label_c"]], [r.dt, r.gap_ratio, r.label_c])
    (col,) = j["columns"]
    assert (col["n"], col["diverged"]) == (r.n_traj - r.n_diverged, r.n_diverged)
    for name in r.observables:
        s, py = col["observables"][name], r.summary[name]
        same([s["mean"], s["se"]], [py["mean"], py["se"]])
        assert s["n"] == py["n"]
        assert r[name].shape == (spec["trajectories"], len(r.steps))
    assert r.time[-1] == r.steps[-1] * r.dt and r.params["kind"] == "limit"
