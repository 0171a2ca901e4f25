"""Sweeps and the results store: sgdlab.sweep runs a sweep spec of any kind through the library's store life
cycle (claim, execute, write, finish in one transaction per run: resumable like `sgdlab sweep --resume`), and
sgdlab.Store reads a store as numpy structured arrays (pandas DataFrames when pandas is importable)."""
import json
import os
import sqlite3

import numpy as np

from ._ffi import ffi, lib
from ._api import _threads, result_of
from ._spec import SpecError, raise_err

_CLAIM_REPLACE = 3   # sgl_claim: outcomes <= this took the run


def _check(st, err):
    if st != 0:
        raise_err(st, err)


def _load(spec, err):
    """A sweep from a file path, YAML/JSON text, or a dict (as JSON)."""
    out = ffi.new("sgl_sweep **")
    if isinstance(spec, dict):
        spec = json.dumps(spec)
        path = "<dict>"
    elif isinstance(spec, (str, os.PathLike)) and "\n" not in str(spec) and os.path.exists(str(spec)):
        _check(lib.sgl_sweep_load(os.fsencode(spec), out, err), err)
        return out[0], os.fspath(spec)
    else:
        path = "<text>"
    text = spec.encode()
    _check(lib.sgl_sweep_parse(text, len(text), path.encode(), out, err), err)
    return out[0], path


class SweepResult:
    """What a sweep did: n runs in the spec, done (executed now), skipped (finished in the store already, or
    held by another live writer), keys (run key by index), results (index -> result, only without a store)."""

    def __repr__(self):
        return "<sgdlab.SweepResult n=%d done=%d skipped=%d>" % (self.n, self.done, self.skipped)


def sweep(spec, db=None, resume=False, threads=0):
    """`sgdlab sweep` as a call.  spec: a sweep file's path, its YAML/JSON text, or a dict.  db: a store to write
    every run into (a store that already holds runs needs resume=True: finished runs are then skipped and
    unfinished ones redone, as `sgdlab sweep --resume`).  Without db the results come back in .results."""
    threads = _threads(threads)
    err = ffi.new("sgl_err *")
    w, path = _load(spec, err)
    st_p = ffi.new("sgl_store **")
    store = ffi.NULL
    try:
        n = lib.sgl_sweep_size(w)
        out = SweepResult()
        out.n, out.done, out.skipped, out.keys, out.results = n, 0, 0, [], {}
        sweep_id = ffi.new("int64_t *")
        if db is not None:
            _check(lib.sgl_store_open(os.fsencode(db), 0, 5000, st_p, err), err)
            store = st_p[0]
            have = ffi.new("int64_t *")
            _check(lib.sgl_store_count_runs(store, have, err), err)
            if have[0] > 0 and not resume:
                raise SpecError("--db", "'%s' already holds %d runs; pass --resume to continue a sweep into it "
                                "(finished runs are skipped), or choose another --db" % (db, have[0]))
            _check(lib.sgl_store_add_sweep(store, lib.sgl_sweep_name(w), path.encode(), lib.sgl_sweep_text(w),
                                           sweep_id, err), err)
        s = ffi.new("sgl_any_spec *")
        run_id, outcome = ffi.new("int64_t *"), ffi.new("int *")
        rec = ffi.new("sgl_record *")
        command = ffi.new("char[]", b"sweep")   # kept alive while info points at it
        for i in range(n):
            _check(lib.sgl_sweep_any_spec(w, i, s, err), err)
            key = ffi.new("char[17]")
            lib.sgl_any_spec_run_key(s, key)
            out.keys.append(ffi.string(key).decode())
            if store != ffi.NULL:
                info = ffi.new("sgl_run_info *", {"command": command, "sweep_id": sweep_id[0],
                                                  "sweep_index": i, "threads": threads, "ranks": 1})
                _check(lib.sgl_store_claim_any(store, s, info, 1, run_id, outcome, err), err)   # skip finished
                if outcome[0] > _CLAIM_REPLACE:
                    out.skipped += 1
                    continue
            _check(lib.sgl_record_sweep_run(w, i, threads, rec, err), err)
            try:
                if store != ffi.NULL:
                    _check(lib.sgl_store_write_any(store, run_id[0], s, rec, err), err)
                else:
                    out.results[i] = result_of(s, rec)
            finally:
                lib.sgl_record_clear(rec)
            out.done += 1
        return out
    finally:
        if store != ffi.NULL:
            cerr = ffi.new("sgl_err *")
            st = lib.sgl_store_close(store, cerr)
            if st != 0:
                raise_err(st, cerr)
        lib.sgl_sweep_free(w)


# ------------------------------------------------------------------------------------------------- reading

# table -> columns and their numpy types ("O": text); NULL reads as NaN (floats), -1 (integers), None (text)
_TABLES = {
    "runs": [("run_id", "i8"), ("run_key", "O"), ("command", "O"), ("status", "O"), ("seed", "u8"),
             ("n_traj", "i8"), ("sweep_id", "i8"), ("sweep_index", "i8"), ("threads", "i8"), ("seconds", "f8"),
             ("params", "O")],
    "series": [("run_id", "i8"), ("observable", "O"), ("traj", "i8"), ("step", "i8"), ("t_eta", "f8"),
               ("t_eta2", "f8"), ("value", "f8")],
    "events": [("run_id", "i8"), ("traj", "i8"), ("kind", "O"), ("time", "f8"), ("time_unit", "O"),
               ("censored", "i8"), ("value", "f8")],
    "estimates": [("run_id", "i8"), ("name", "O"), ("method", "O"), ("step", "i8"), ("time", "f8"),
                  ("time_unit", "O"), ("mean", "f8"), ("se", "f8"), ("ci_lo", "f8"), ("ci_hi", "f8"), ("min", "f8"),
                  ("max", "f8"), ("n", "i8"), ("n_diverged", "i8"), ("n_censored", "i8"), ("n_nonfinite", "i8")],
}
_ORDER = {"runs": "run_id", "series": "run_id, observable, traj, step", "events": "run_id, rowid",
          "estimates": "run_id, rowid"}


class Store:
    """A results store (`--db`), read-only: runs, series, events and estimates as numpy structured arrays
    (store.runs(), store.series(run_id=..., observable=...), ...), the same as pandas DataFrames through
    store.frame("series", ...) when pandas is installed, and store.params(run_id): a run's parameters."""

    def __init__(self, path):
        if not os.path.isfile(path):
            raise SpecError("--db", "no such results database '%s'" % path)
        self.path = os.fspath(path)
        uri = "file:%s?mode=ro" % self.path.replace("?", "%3f").replace("#", "%23")
        self._con = sqlite3.connect(uri, uri=True)
        row = self._con.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        if not row or row[0] != "sgdlab":
            raise SpecError("--db", "'%s' is not an sgdlab results store" % self.path)

    def close(self):
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read(self, table, where):
        cols = _TABLES[table]
        sql = "SELECT %s FROM %s" % (", ".join(c for c, _ in cols), table)
        args = []
        conds = []
        for k, v in where.items():
            if v is not None:
                conds.append("%s = ?" % k)
                args.append(v)
        if conds:
            sql += " WHERE " + " AND ".join(conds)
        rows = self._con.execute(sql + " ORDER BY " + _ORDER[table], args).fetchall()
        dtype = np.dtype([(c, t) for c, t in cols])
        fix = []
        for r in rows:
            fix.append(tuple((np.nan if t == "f8" else -1 if t == "i8" else None) if v is None else
                             (v & 0xFFFFFFFFFFFFFFFF) if t == "u8" else v for v, (_, t) in zip(r, cols)))
        return np.array(fix, dtype=dtype)

    def runs(self, command=None, status=None):
        return self._read("runs", {"command": command, "status": status})

    def series(self, run_id=None, observable=None):
        return self._read("series", {"run_id": run_id, "observable": observable})

    def events(self, run_id=None, kind=None):
        return self._read("events", {"run_id": run_id, "kind": kind})

    def estimates(self, run_id=None, name=None):
        return self._read("estimates", {"run_id": run_id, "name": name})

    def params(self, run_id):
        row = self._con.execute("SELECT params FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(run_id)
        return json.loads(row[0])

    def frame(self, table, **where):
        """The table as a pandas DataFrame (ImportError without pandas)."""
        import pandas
        return pandas.DataFrame.from_records(getattr(self, table)(**where))
