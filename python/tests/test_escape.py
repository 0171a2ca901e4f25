"""sgdlab.escape and sgdlab.theory against `sgdlab escape --json` / `sgdlab theory --json` (same spec and seed:
the same bits, threads 1 and 2), and the per-trajectory first passages against the events `escape --db` stores."""
import math
import sqlite3

import numpy as np
import pytest

from conftest import cli_json, flags

SPECS = [
    dict(landscape="doublewell", noise="mori", trajectories=40, t_max=60.0),
    dict(landscape="moriwell", n_dim=2, noise="isotropic", D=0.15, lr=0.02, dynamics="sgd", trajectories=30,
         t_max=50.0, seed=3),
    dict(landscape="quadratic", noise="xie-frozen", event="loss", c=3.0, trajectories=25, t_max=20.0, seed=9),
]


def eq(cli_value, py):
    if cli_value is None:
        assert not math.isfinite(py)
    else:
        assert float(cli_value) == py and (cli_value != 0 or math.copysign(1, py) > 0)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["landscape"] + "-" + s["noise"])
def test_escape_bitwise_equal_to_cli(sgdlab, spec, threads):
    (j,) = cli_json("escape", *flags(spec), "--json", "--threads", threads)
    e = sgdlab.escape(threads=threads, **spec)
    assert (j["escaped"], j["censored"], j["diverged"]) == (e.escaped, e.censored, e.diverged)
    assert j["trajectories"] == e.trajectories == len(e.t)
    eq(j["step"], e.step)
    eq(j["x_exit"], e.x_exit)
    for k in ("mean", "se", "mle_mean", "mean_steps", "se_steps"):
        eq(j["mfpt"][k], e.mfpt[k])
    assert j["mfpt"]["lower_bound"] == e.mfpt["lower_bound"]
    for k in ("value", "se", "per_step"):
        eq(j["rate"][k], e.rate[k])
    for est in ("mfpt", "rate"):
        eq(j[est]["ci"][0], getattr(e, est)["ci"][0])
        eq(j[est]["ci"][1], getattr(e, est)["ci"][1])
    th = j["theory"]
    assert th.get("unavailable") == e.theory_unavailable
    assert [k for k in th if k != "unavailable"] == list(e.theory)
    for name, p in e.theory.items():
        eq(th[name]["value"], p["value"])
        eq(th[name]["ratio_sim_over_theory"], p["ratio_sim_over_theory"])
        assert (th[name]["unit"], th[name]["note"]) == (p["unit"], p["note"])


def test_escape_per_trajectory_equal_to_store(sgdlab, tmp_path):
    """every trajectory's first-passage time and censoring as `escape --db` stores them"""
    spec = SPECS[0]
    db = tmp_path / "esc.db"
    cli_json("escape", *flags(spec), "--json", "--db", db)
    e = sgdlab.escape(**spec)
    con = sqlite3.connect(db)
    (key,) = con.execute("SELECT run_key FROM runs").fetchone()
    rows = con.execute("SELECT traj, time, censored, kind FROM events ORDER BY traj").fetchall()
    con.close()
    assert key == e.key
    assert [r[0] for r in rows] == list(range(len(e.t)))
    assert np.array_equal(np.array([r[1] for r in rows]).view(np.uint64), e.t.view(np.uint64))
    assert [bool(r[2]) for r in rows] == (e.state == sgdlab.CENSORED).tolist()
    assert e.escaped == int((e.state == sgdlab.ESCAPED).sum())


def test_escape_arrays_shapes_and_dtypes(sgdlab):
    e = sgdlab.escape(landscape="moriwell", n_dim=3, noise="mori", trajectories=12, t_max=5.0)
    assert e.t.dtype == np.float64 and e.t.shape == (12,)
    assert e.steps.dtype == np.uint64 and e.state.dtype == np.intc and e.L.shape == (12,)
    assert e.x.shape == (12, 3) and e.x.dtype == np.float64
    assert e.params["landscape"] == "moriwell" and e.params["n"] == 3 and len(e.key) == 16


@pytest.mark.parametrize("spec", [dict(landscape="doublewell"), dict(landscape="moriwell", n_dim=3, L0=0.2),
                                  dict(landscape="quadratic", noise="isotropic", D=0.3, event="ball", r=2.0)])
def test_theory_equal_to_cli(sgdlab, spec):
    (j,) = cli_json("theory", *flags(spec), "--json")
    t = sgdlab.theory(**spec)
    assert list(j["theory"]) == list(t)
    for name, p in t.items():
        eq(j["theory"][name]["value"], p["value"])
        assert (j["theory"][name]["unit"], j["theory"][name]["note"]) == (p["unit"], p["note"])


AMS_SPECS = [
    dict(landscape="moriwell", method="ams", replicas=50),
    dict(landscape="doublewell", noise="isotropic", D=0.05, method="ams", replicas=40, kill=3, ams_runs=4,
         coordinate="loss", seed=5),
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("spec", AMS_SPECS, ids=lambda s: s["landscape"] + "-" + s.get("noise", "mori"))
def test_ams_bitwise_equal_to_cli(sgdlab, spec, threads):
    """method="ams": the splitting estimate `escape --method ams --json` prints, bit for bit, on 1 and 2 threads"""
    (j,) = cli_json("escape", *flags(spec), "--json", "--threads", threads)
    a = sgdlab.escape(threads=threads, **spec)
    assert isinstance(a, sgdlab.AmsResult) and len(a.key) == 16 and a.params["method"] == "ams"
    for k in ("mean", "se", "mean_steps", "se_steps"):
        eq(j["mfpt"][k], a.mfpt[k])
    for k in ("value", "se", "per_step"):
        eq(j["rate"][k], a.rate[k])
    for est in ("mfpt", "rate"):
        eq(j[est]["ci"][0], getattr(a, est)["ci"][0])
        eq(j[est]["ci"][1], getattr(a, est)["ci"][1])
        assert j[est]["method"] == getattr(a, est)["method"]
    for k, v in j["ams"].items():
        if k == "ci":
            eq(v[0], a.ams["ci"][0])
            eq(v[1], a.ams["ci"][1])
        elif isinstance(v, str):
            assert a.ams[k] == v
        else:
            eq(v, a.ams[k])
    assert a.ams["coordinate"] == spec.get("coordinate", "event") and a.ams["kill"] == spec.get("kill", 1)
    assert len(a.runs) == a.ams["runs"] == j["ams"]["runs"]
    assert sum(u["evaluations"] for u in a.runs) <= a.ams["evaluations"]
    assert math.isclose(sum(u["p"] for u in a.runs) / len(a.runs), a.ams["p"], rel_tol=1e-12)
    th = j["theory"]
    assert th.get("unavailable") == a.theory_unavailable
    assert [k for k in th if k != "unavailable"] == list(a.theory)
    for name, p in a.theory.items():
        eq(th[name]["value"], p["value"])
        eq(th[name]["ratio_sim_over_theory"], p["ratio_sim_over_theory"])


def test_ams_store_and_sweep(sgdlab, tmp_path):
    """escape(method="ams", db=F) stores the run `escape --method ams --db` stores (same key, same estimates, not
    redone by the CLI), and a sweep of method ams returns AmsResults equal to the calls"""
    spec = AMS_SPECS[0]
    db = tmp_path / "ams.db"
    a = sgdlab.escape(db=str(db), **spec)
    con = sqlite3.connect(db)
    (key, status), = con.execute("SELECT run_key, status FROM runs").fetchall()
    mfpt = con.execute("SELECT mean, se FROM estimates WHERE name = 'mfpt'").fetchone()
    p = con.execute("SELECT count(*) FROM events WHERE kind = 'ams_p'").fetchone()[0]
    con.close()
    assert key == a.key and status == "finished" and p == a.ams["runs"]
    assert mfpt == (a.mfpt["mean"], a.mfpt["se"])
    out = cli_json("escape", *flags(spec), "--json", "--db", db)
    assert out == []   # the CLI finds the run finished and does not redo it
    sw = sgdlab.sweep({"kind": "escape", "base": {k: v for k, v in spec.items()}, "grid": {"seed": [1, 2]}})
    assert sw.n == sw.done == 2
    for i, seed in enumerate((1, 2)):
        got, want = sw.results[i], sgdlab.escape(seed=seed, **spec)
        assert isinstance(got, sgdlab.AmsResult) and got.key == want.key
        assert (got.mfpt["mean"], got.mfpt["se"], got.ams["p"]) == (want.mfpt["mean"], want.mfpt["se"], want.ams["p"])
