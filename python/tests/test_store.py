"""sgdlab.sweep and sgdlab.Store: a sweep through the library's store life cycle leaves the store `sgdlab
sweep` leaves (same run keys, parameters and series bits), resumes like --resume, refuses a used store without
it with the CLI's message; results without a store equal sgdlab.run's; Store's arrays."""
import json

import numpy as np
import pytest

from conftest import cli

SPEC = {"name": "py", "base": {"model": "quadratic", "noise": "label", "steps": 300, "every": 100, "trajectories": 3},
        "grid": {"lr": [0.01, 0.02]}}


def rows(store):
    import sgdlab
    with sgdlab.Store(store) as st:
        runs = st.runs()
        out = {}
        for r in runs:
            s = st.series(run_key=r["run_key"])
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
        assert runs.dtype["threads"] == np.int64 and runs.dtype["seed"] == np.uint64 and len(runs) == 2
        s = st.series(run_key=runs["run_key"][0], observable="train_loss")
        assert s.dtype["value"] == np.float64 and len(s) == 3 * 4   # 3 trajectories x steps 0, 100, 200, 300
        assert st.params(runs["run_key"][1])["lr"] == 0.02
        e = st.estimates(run_key=runs["run_key"][0], name="train_loss")
        assert len(e) == 4 and e.dtype["mean"] == np.float64


def _sql_rows(db, table):
    """The table as Python's sqlite3 reads it, in the order and columns of Store (the reference)."""
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    own = {"runs": "r.command, r.status, r.seed, r.n_traj, r.sweep_id, r.sweep_index, r.version, r.git, "
                   "r.counter_layout, r.threads, r.ranks, r.started_at, r.finished_at, r.seconds, r.params FROM runs r",
           "series": "t.observable, t.traj, t.step, t.t_eta, t.t_eta2, t.value FROM series t JOIN runs r USING(run_id)",
           "events": "t.traj, t.kind, t.time, t.time_unit, t.censored, t.value FROM events t JOIN runs r USING(run_id)",
           "estimates": "t.name, t.method, t.step, t.time, t.time_unit, t.mean, t.se, t.ci_lo, t.ci_hi, t.min, t.max, "
                        "t.n, t.n_diverged, t.n_censored, t.n_nonfinite FROM estimates t JOIN runs r USING(run_id)"}
    order = {"runs": "r.run_id", "series": "r.run_id, t.observable, t.traj, t.step",
             "events": "r.run_id, t.traj, t.kind, t.time", "estimates": "r.run_id, t.name, t.step"}
    where = "" if table == "runs" else " WHERE r.status = 'finished'"
    rows = con.execute("SELECT r.run_key, " + own[table] + where + " ORDER BY " + order[table]).fetchall()
    con.close()
    return rows


def test_store_columns_equal_sqlite(sgdlab, tmp_path):
    """Every table of a store holding a run, a limit and an escape run, read through the
    library, equals Python's sqlite3 reading of it: numbers bit for bit, NULL as -1 / NaN / None, the seed
    2^64 - 1 as uint64, each row's kind."""
    db = str(tmp_path / "k.db")
    sgdlab.run(db=db, model="diagnet", noise="label", lr=0.0045, steps=3000, every=500, trajectories=6,
               seed=18446744073709551615)   # 3 of 6 diverge: NaN values, divergence events
    sgdlab.limit(db=db, model="diagnet", d=10, n=8, kappa=2, T=0.05, dt=0.001, trajectories=2)
    sgdlab.escape(db=db, landscape="doublewell", event="hyperplane", trajectories=30, t_max=50)
    with sgdlab.Store(db) as st:
        kinds = dict(zip(st.runs()["run_key"], st.runs()["run_kind"]))
        assert sorted(kinds.values()) == ["escape", "limit", "run"]
        for table in ("runs", "series", "events", "estimates"):
            got, ref = st.table(table), _sql_rows(db, table)
            assert len(got) == len(ref) > 0, table
            names = [n for n in got.dtype.names if n != "run_kind"]
            assert list(got["run_kind"]) == [kinds[r[0]] for r in ref]
            for j, name in enumerate(names):
                col = got[name]
                want = [r[j] for r in ref]
                if col.dtype == np.float64:
                    exp = np.array([np.nan if w is None else w for w in want], dtype=np.float64)
                    assert np.array_equal(col.view(np.uint64), exp.view(np.uint64)), (table, name)
                elif col.dtype == np.uint64:
                    assert col.tolist() == [w & 0xFFFFFFFFFFFFFFFF for w in want], (table, name)
                elif col.dtype == np.int64:
                    assert col.tolist() == [-1 if w is None else w for w in want], (table, name)
                else:
                    assert col.tolist() == want, (table, name)
        assert st.runs(run_kind="run")["seed"].tolist() == [18446744073709551615]
        esc = st.events(run_kind="escape")
        assert len(esc) == 30 and set(esc["kind"]) == {"first_passage"} and esc["censored"].dtype == np.int64
        assert len(st.series(observable="no such")) == 0
        try:
            st.series(nope=1)
            raise AssertionError("an unknown column must be refused")
        except sgdlab.SpecError as e:
            assert e.field == "nope" and "columns: run_key, run_kind, observable" in str(e)


def test_store_refuses_a_foreign_file(sgdlab, tmp_path):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"not a store\n" * 100)
    try:
        sgdlab.Store(str(bad))
        raise AssertionError("a foreign file must be refused")
    except sgdlab.SgdlabError as e:
        code, _, err = cli("report", bad)
        assert code == 1 and err.rstrip("\n") == "sgdlab: %s" % e
    assert bad.read_bytes() == b"not a store\n" * 100


def test_store_frame(sgdlab, tmp_path):
    pandas = pytest.importorskip("pandas")
    db = str(tmp_path / "f.db")
    sgdlab.sweep(SPEC, db=db)
    with sgdlab.Store(db) as st:
        f = st.frame("series", observable="train_loss")
        assert isinstance(f, pandas.DataFrame) and len(f) == 2 * 3 * 4 and list(f.columns) == list(
            st.series().dtype.names)
