"""db= on sgdlab.run, limit and escape: the store the call leaves equals the one `sgdlab run|limit|escape --db`
leaves (every table dumped through sqlite3, times, host and process masked); a repeated run replaces the
finished one with the CLI's warning; a file that is not a store is refused untouched with the CLI's message."""
import sqlite3
import warnings

import pytest

from conftest import cli, flags

MASK = {"started_at", "finished_at", "seconds", "created", "heartbeat", "owner"}   # differ between executions

CASES = [
    ("run", dict(model="diagnet", noise="label", lr=2e-3, steps=600, every=200, trajectories=3, threads=2)),
    ("run", dict(model="diagnet", noise="label", lr=0.0045, steps=3000, every=500, trajectories=6, threads=1)),  # diverging
    ("limit", dict(model="diagnet", d=10, n=8, kappa=2, T=0.05, dt=0.001, trajectories=2, threads=2)),
    ("escape", dict(landscape="doublewell", event="hyperplane", trajectories=40, t_max=100, threads=2)),
]


def dump(path):
    """Every row of every table, REALs as float.hex (exact), masked columns as '*', in a fixed order."""
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = []
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for t in tables:
        cols = [r[1] for r in con.execute("PRAGMA table_info(%s)" % t)]
        rows = []
        for row in con.execute("SELECT * FROM %s" % t):
            rows.append(tuple("*" if c in MASK and v is not None else v.hex() if isinstance(v, float) else v
                              for c, v in zip(cols, row)))
        out.append((t, cols, sorted(rows, key=repr)))
    con.close()
    return out


@pytest.mark.parametrize("kind,spec", CASES, ids=lambda c: c if isinstance(c, str) else "")
def test_db_equals_cli_store(sgdlab, tmp_path, kind, spec):
    code, _, err = cli(kind, *flags(spec), "--db", tmp_path / "cli.db")
    assert code == 0, err
    getattr(sgdlab, kind)(db=str(tmp_path / "py.db"), **spec)
    py, ref = dump(tmp_path / "py.db"), dump(tmp_path / "cli.db")
    assert [t for t, _, rows in ref if rows] == [t for t, _, rows in py if rows]
    assert any(t == "series" or t == "events" for t, _, rows in py if rows)
    assert py == ref


def test_db_replace_warns_and_bad_store_refused(sgdlab, tmp_path):
    spec = dict(model="quadratic", noise="label", lr=0.01, steps=200, every=100, trajectories=2)
    db = str(tmp_path / "r.db")
    sgdlab.run(db=db, **spec)
    before = dump(db)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sgdlab.run(db=db, **spec)
    assert len(w) == 1 and "was already finished in '%s'; this execution replaced it" % db in str(w[0].message)
    code, _, err = cli("run", *flags(spec), "--db", db)
    assert code == 0 and str(w[0].message) in err
    after = dump(db)
    assert [x for x in after if x[0] != "runs"] == [x for x in before if x[0] != "runs"]
    bad = tmp_path / "not.db"
    bad.write_bytes(b"not a database, keep me\n" * 50)
    with pytest.raises(sgdlab.SgdlabError) as e:
        sgdlab.run(db=str(bad), **spec)
    code, _, err = cli("run", *flags(spec), "--db", bad)
    assert code == 1 and err.rstrip("\n") == "sgdlab: %s" % e.value
    assert bad.read_bytes() == b"not a database, keep me\n" * 50
