"""sgdlab.reproduce: each experiment as a call returns the numbers `sgdlab reproduce NAME --quick --json`
prints for the same settings, bit for bit (the CLI at --threads 1, the call at threads 2: the results do not
depend on threads); bad settings raise the CLI's message.  The CLI runs while the call runs."""
import json
import math
import subprocess

import numpy as np
import pytest

from conftest import CLI


def start_cli(tmp_path, name, seeds):
    out = open(tmp_path / "cli.json", "w")
    return subprocess.Popen([CLI, "reproduce", name, "--quick", "--trajectories", str(seeds), "--threads", "1", "--json",
                             "--out-dir", str(tmp_path / "out")], stdout=out, stderr=subprocess.PIPE, text=True), out


def finish_cli(proc_out, tmp_path):
    proc, out = proc_out
    _, err = proc.communicate(timeout=120)
    out.close()
    assert proc.returncode == 0, err
    return json.loads((tmp_path / "cli.json").read_text())


def same(cli_value, py_value):
    """A CLI number (%.17g; null: non-finite or none) equals the Python one bit for bit."""
    if cli_value is None:
        assert py_value is None or not math.isfinite(py_value), py_value
    else:
        assert np.float64(cli_value).view(np.uint64) == np.float64(py_value).view(np.uint64), (cli_value, py_value)


def test_shape_matters_equals_cli(sgdlab, tmp_path):
    import sgdlab.reproduce as rep
    p = start_cli(tmp_path, "shape-matters", 2)
    r = rep.shape_matters(trajectories=2, quick=True, threads=2)
    ref = finish_cli(p, tmp_path)
    assert list(r.cells) == ["GD", "SGD-minibatch-diff", "LNGD", "SGLD", "diagnet-label"]
    for name, c in r.cells.items():
        j = ref[name]
        for cli_key, s in (("test_error", c.test), ("off_support", c.off), ("train_loss", c.train)):
            same(j[cli_key]["mean"], s.mean)
            same(j[cli_key]["se"], s.std_err)
        same(j["test_error"]["min"], c.test.min)
        same(j["test_error"]["max"], c.test.max)
        assert j["test_error"]["n"] == c.test.n and j["n_diverged"] == c.test.n_diverged
        assert j["verdict"] == c.verdict and j["steps"] == c.params["steps"] == int(c.steps[-1])
        same(j["loss_a"], c.loss_a)
        # the curve is the test error summarised per logged step; run holds every trajectory of the variant
        same(c.curve["mean"][-1], c.test.mean)
        assert c.run["test_error"].shape == (2, c.n_log) and c.run.steps.tolist() == c.steps.tolist()
        same(c.run.summary["test_error"]["mean"], c.test.mean)
        same(c.run.summary["train_loss"]["se"], c.train.std_err)
    assert ref["ordering"]["verdict"] == ("PASS" if r.ordering else "DIFFERS")


def test_exponential_escape_equals_cli(sgdlab, tmp_path):
    import sgdlab.reproduce as rep
    p = start_cli(tmp_path, "exponential-escape", 20)
    r = rep.exponential_escape(seeds=20, quick=True, threads=2)
    ref = finish_cli(p, tmp_path)
    for i, j in enumerate(ref["start"]):
        for k in ("value", "se"):
            same(j["rate"][k], r.rate[k][i])
        same(j["rate"]["ci"][0], r.rate["ci_lo"][i])
        same(j["rate"]["ci"][1], r.rate["ci_hi"][i])
        same(j["mfpt"]["mean"], r.mfpt["mean"][i])
        same(j["mfpt"]["se"], r.mfpt["se"][i])
        assert (j["escaped"], j["censored"], j["diverged"]) == (r.start[i].escaped, r.start[i].censored,
                                                                r.start[i].diverged)
        traj = r.start[i].traj   # every first passage of the setting
        assert traj["t"].shape == (r.start[i].M,) and int((traj["state"] == sgdlab.ESCAPED).sum()) == j["escaped"]
    same(ref["ks"]["D"], r.ks["D"][0])
    same(ref["ks"]["p_value"], r.ks["p_value"][0])
    same(ref["rate_ratio_qs_over_theta_star"], r.rate_ratio)
    for s, js in zip(r.be, ref["b_over_eta"]):
        assert js["series"] == s.label
        same(js["min_action_barrier"], s.barrier)
        for k, row in enumerate(js["rows"]):
            same(row["B_over_eta"], s.x[k])
            same(row["theory_mfpt"], s.theory[k])
            assert (row["sim"] is None) == (not s.sim[k].simulated)


def test_mori_escape_equals_cli(sgdlab, tmp_path):
    import sgdlab.reproduce as rep
    p = start_cli(tmp_path, "mori-escape", 20)
    r = rep.mori_escape(seeds=20, quick=True, threads=2)
    ref = finish_cli(p, tmp_path)
    for row, j in zip(r.a, ref["a"]["rows"]):
        for py, cli_key in (("exact", "exact_mfpt"), ("mori", "mori_mfpt"), ("gld", "gld_exact_mfpt")):
            same(j[cli_key], getattr(row, py))
    rows_c = [j for j in ref["c"] if j["part"] == "c"]
    assert len(rows_c) == len(r.c)
    for row, j in zip(r.c, rows_c):
        assert j["dynamics"] == row.dynamics and j["samples"] == row.samples
        same(j["phi"], row.phi)
        same(j["se"], row.se)


def test_lwa_sparse_equals_cli(sgdlab, tmp_path):
    import sgdlab.reproduce as rep
    p = start_cli(tmp_path, "lwa-sparse", 2)
    r = rep.lwa_sparse(seeds=2, quick=True, threads=2)
    ref = finish_cli(p, tmp_path)
    assert list(ref["methods"]) == r.methods
    for m, name in enumerate(r.methods):
        for i, j in enumerate(ref["methods"][name]["thresholds"]):
            assert j["d"] == r.d[i]
            if j["bound"] != "not_run":
                same(j["n_star"], r.th["n_star"][m, i])
            for k, cell in enumerate(j["success"]):
                assert cell["n"] == r.n[i, k] and cell["runs"] == r.cell["run"][i, k, m]
                if cell["runs"]:
                    same(cell["p"], r.cell["succ"][i, k, m] / r.cell["run"][i, k, m])


def test_bad_settings(sgdlab):
    import sgdlab.reproduce as rep
    with pytest.raises(sgdlab.SpecError) as e:
        rep.mori_escape(seeds=5)
    assert str(e.value) == "--trajectories: need >= 10 trajectories per setting, got 5"
    with pytest.raises(sgdlab.SpecError) as e:
        rep.shape_matters(seed=-1)
    assert e.value.field == "--seed"
    with pytest.raises(sgdlab.SpecError):
        rep.lwa_sparse(threads=-2)
