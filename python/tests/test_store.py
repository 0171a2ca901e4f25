"""sgdlab.sweep and sgdlab.Store: a sweep through the library's store life cycle leaves the store `sgdlab
sweep` leaves (same run keys, parameters and series bits), resumes like --resume, refuses a used store without
it with the CLI's message; results without a store equal sgdlab.run's; Store's arrays."""
import json

import numpy as np

from conftest import cli

SPEC = {"name": "py", "base": {"model": "quadratic", "noise": "label", "steps": 300, "every": 100, "seeds": 3},
        "grid": {"lr": [0.01, 0.02]}}


def rows(store):
    import sgdlab
    with sgdlab.Store(store) as st:
        runs = st.runs()
        out = {}
        for r in runs:
            s = st.series(run_id=int(r["run_id"]))
            out[r["run_key"]] = (r["params"], r["status"], [(x["observable"], x["traj"], x["step"]) for x in s],
                                 s["value"].view(np.uint64).tolist())
        return out


def test_sweep_store_equals_cli(sgdlab, tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    code, _, err = cli("sweep", path, "--db", tmp_path / "cli.db", "--quiet")
    assert code == 0, err
    done = sgdlab.sweep(str(path), db=str(tmp_path / "py.db"))
    assert (done.n, done.done, done.skipped) == (2, 2, 0)
    assert rows(tmp_path / "py.db") == rows(tmp_path / "cli.db")


def test_sweep_resume_and_used_store(sgdlab, tmp_path):
    db = str(tmp_path / "s.db")
    sgdlab.sweep(SPEC, db=db)
    spec3 = json.loads(json.dumps(SPEC))
    spec3["grid"]["lr"].append(0.04)
    try:
        sgdlab.sweep(spec3, db=db)
        raise AssertionError("a used store without resume must be refused")
    except sgdlab.SpecError as e:
        path = tmp_path / "spec3.json"
        path.write_text(json.dumps(spec3))
        code, _, err = cli("sweep", path, "--db", db)
        assert code == 2 and "sgdlab: %s" % e == err.rstrip("\n")
    again = sgdlab.sweep(spec3, db=db, resume=True)
    assert (again.n, again.done, again.skipped) == (3, 1, 2)
    with sgdlab.Store(db) as st:
        assert len(st.runs(status="finished")) == 3


def test_sweep_results_equal_run(sgdlab):
    out = sgdlab.sweep(SPEC)
    assert out.n == out.done == 2 and sorted(out.results) == [0, 1]
    for i, lr in enumerate(SPEC["grid"]["lr"]):
        r = sgdlab.run(lr=lr, **SPEC["base"])
        got = out.results[i]
        assert got.key == r.key == out.keys[i]
        for name in r.observables:
            assert np.array_equal(got[name].view(np.uint64), r[name].view(np.uint64))


def test_store_arrays(sgdlab, tmp_path):
    db = str(tmp_path / "a.db")
    sgdlab.sweep(SPEC, db=db)
    with sgdlab.Store(db) as st:
        runs = st.runs()
        assert runs.dtype["run_id"] == np.int64 and runs.dtype["seed"] == np.uint64 and len(runs) == 2
        s = st.series(run_id=int(runs["run_id"][0]), observable="train_loss")
        assert s.dtype["value"] == np.float64 and len(s) == 3 * 4   # 3 trajectories x steps 0, 100, 200, 300
        assert st.params(int(runs["run_id"][1]))["lr"] == 0.02
        e = st.estimates(run_id=int(runs["run_id"][0]), name="train_loss")
        assert len(e) == 4 and e.dtype["mean"] == np.float64
