"""Sweeps and the results store: sgdlab.sweep runs a sweep spec of any kind through the library's store life
cycle (claim, execute, write, finish in one transaction per run: resumable like `sgdlab sweep --resume`), and
sgdlab.Store reads a store through the library (sgl_store_columns) as numpy structured arrays (pandas DataFrames
when pandas is importable)."""
import json
import os

import numpy as np

from ._ffi import ffi, lib
from ._api import _threads, result_of
from ._spec import SpecError, raise_err

_CLAIM_REPLACE = 3   # sgl_claim: outcomes <= this took the run


def _check(st, err):
    if st != 0:
        raise_err(st, err)


def _plain(spec):
    """A dict spec with its sgdlab.Landscape / sgdlab.Model objects (under landscape or model, one or a list)
    replaced by the plugin ids they are registered under (landscape-plugin, model-plugin)."""
    out = dict(spec)
    for sec in ("base", "grid", "zip"):
        if not isinstance(out.get(sec), dict):
            continue
        m = out[sec] = dict(out[sec])
        for k in ("landscape", "model"):
            v = m.get(k)
            objs = v if isinstance(v, (list, tuple)) else [v]
            if any(hasattr(o, "spec_keys") for o in objs):
                ids = [o.spec_keys()[k + "-plugin"] if hasattr(o, "spec_keys") else o for o in objs]
                del m[k]
                m[k + "-plugin"] = ids if isinstance(v, (list, tuple)) else ids[0]
    return out


def _load(spec, err):
    """A sweep from a file path, YAML/JSON text, or a dict (as JSON; sgdlab.Landscape and sgdlab.Model objects
    as their plugin ids)."""
    out = ffi.new("sgl_sweep **")
    if isinstance(spec, dict):
        spec = json.dumps(_plain(spec))
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
    try:
        out = SweepResult()
        out.n, out.done, out.skipped, out.keys, out.results = lib.sgl_sweep_size(w), 0, 0, [], {}
        s = ffi.new("sgl_any_spec *")
        key = ffi.new("char[17]")
        for i in range(out.n):
            _check(lib.sgl_sweep_any_spec(w, i, s, err), err)
            lib.sgl_any_spec_run_key(s, key)
            out.keys.append(ffi.string(key).decode())
        if db is None:   # no store: every run executed here, its results returned
            rec = ffi.new("sgl_record *")
            for i in range(out.n):
                _check(lib.sgl_record_sweep_run(w, i, threads, rec, err), err)
                try:
                    _check(lib.sgl_sweep_any_spec(w, i, s, err), err)
                    out.results[i] = result_of(s, rec)
                finally:
                    lib.sgl_record_clear(rec)
                out.done += 1
            return out
        _drive(w, path, db, resume, threads, out, err)
        return out
    finally:
        lib.sgl_sweep_free(w)


def _drive(w, path, db, resume, threads, out, err):
    """The store's side of a sweep: the library's driver (src/sweep_run.c, the one `sgdlab sweep` runs): claims,
    executes and commits every run not finished in the store, in sweep order, resumable by run key."""
    st_p = ffi.new("sgl_store **")
    _check(lib.sgl_store_open(os.fsencode(db), 0, 5000, st_p, err), err)
    store, x_p = st_p[0], ffi.new("sgl_sweep_exec **")
    keep = [ffi.new("char[]", os.fsencode(path)), ffi.new("char[]", os.fsencode(db))]   # alive while the driver runs
    opts = ffi.new("sgl_sweep_exec_opts *", {"path": keep[0], "db_path": keep[1], "resume": 1 if resume else 0,
                                             "threads": threads, "ranks": 1})
    try:
        _check(lib.sgl_sweep_exec_open(w, store, opts, x_p, err), err)
        _check(lib.sgl_sweep_exec_run(x_p[0], ffi.NULL, err), err)
        p = lib.sgl_sweep_exec_progress(x_p[0])
        out.done, out.skipped = p.done, p.skipped
    finally:
        if x_p[0] != ffi.NULL:
            lib.sgl_sweep_exec_free(x_p[0])
        cerr = ffi.new("sgl_err *")
        st = lib.sgl_store_close(store, cerr)
        if st != 0:
            raise_err(st, cerr)


# ------------------------------------------------------------------------------------------------- reading

_VAL_INT, _VAL_REAL, _VAL_TEXT = 1, 2, 3   # sgl_val_type
_U64 = {"seed"}                            # 64-bit keys: stored bits, read as unsigned
_TABLES = ("runs", "series", "estimates", "events")


def _column(c, n):
    """One sgl_column as a numpy array: INT int64 (NULL -1; seed uint64), REAL float64 (NULL NaN), TEXT object
    (NULL None), copied in one go each (text through the column's dictionary, one Python string per distinct
    value)."""
    null = _frombuf(c.null, n, np.uint8) != 0
    name = ffi.string(c.name).decode()
    if c.type == _VAL_INT:
        v = _frombuf(c.i, n, np.int64)
        if name in _U64:
            return v.view(np.uint64)
        v[null] = -1
        return v
    if c.type == _VAL_REAL:
        return _frombuf(c.x, n, np.float64)
    words = np.empty(c.n_dict + 1, dtype=object)
    words[:c.n_dict] = [ffi.string(c.dict[k]).decode("utf-8", "replace") for k in range(c.n_dict)]
    words[c.n_dict] = None
    codes = _frombuf(c.code, n, np.uint32).astype(np.int64)
    codes[null] = c.n_dict
    return words[codes]


def _frombuf(ptr, n, dtype):
    dt = np.dtype(dtype)
    if n == 0:
        return np.empty(0, dtype=dt)
    return np.frombuffer(ffi.buffer(ptr, n * dt.itemsize), dtype=dt).copy()


class Store:
    """A results store (`--db`), read-only, through the library (sgl_store_open, sgl_store_columns): runs, series,
    events and estimates as numpy structured arrays, whole columns at a time, filtered by any column
    (store.series(observable="train_loss"), store.runs(status="finished"), store.events(run_key=...)); the
    same as pandas DataFrames through store.frame("series", ...) when pandas is installed; store.params(run_key):
    a run's parameters.  Every row carries run_key and run_kind ("run", "limit", "escape")."""

    def __init__(self, path, busy_ms=5000):
        if not os.path.isfile(path):
            raise SpecError("--db", "no such results database '%s'" % path)
        self.path = os.fspath(path)
        out = ffi.new("sgl_store **")
        err = ffi.new("sgl_err *")
        _check(lib.sgl_store_open(os.fsencode(self.path), 1, int(busy_ms), out, err), err)   # SGL_STORE_READONLY
        self._st = out[0]

    def close(self):
        if self._st is not None:
            st, self._st = self._st, None
            err = ffi.new("sgl_err *")
            _check(lib.sgl_store_close(st, err), err)

    def __del__(self):
        if getattr(self, "_st", None) is not None:
            lib.sgl_store_close(self._st, ffi.NULL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def table(self, table, **where):
        """Table runs, series, estimates or events as a structured array (columns: include/sgdlab_columns.h),
        only the rows whose columns equal the given values (None: no filter)."""
        if self._st is None:
            raise ValueError("sgdlab.Store: closed")
        if table not in _TABLES:
            raise SpecError("table", "unknown table '%s'; valid: %s" % (table, ", ".join(_TABLES)))
        cols = ffi.new("sgl_columns *")
        err = ffi.new("sgl_err *")
        try:
            _check(lib.sgl_store_columns(self._st, table.encode(), ffi.NULL, cols, err), err)
            n = cols.n_rows
            data = {ffi.string(cols.col[j].name).decode(): _column(cols.col[j], n) for j in range(cols.n_cols)}
        finally:
            lib.sgl_columns_free(cols)
        keep = np.ones(n, dtype=bool)
        for k, v in where.items():
            if v is None:
                continue
            if k not in data:
                raise SpecError(k, "not a column of %s; columns: %s" % (table, ", ".join(data)))
            keep &= data[k] == v
        out = np.empty(int(keep.sum()), dtype=[(k, v.dtype) for k, v in data.items()])
        for k, v in data.items():
            out[k] = v[keep]
        return out

    def runs(self, **where):
        return self.table("runs", **where)

    def series(self, **where):
        return self.table("series", **where)

    def events(self, **where):
        return self.table("events", **where)

    def estimates(self, **where):
        return self.table("estimates", **where)

    def params(self, run_key):
        """A run's parameters (the stored JSON, parsed)."""
        r = self.table("runs", run_key=run_key)
        if len(r) == 0:
            raise KeyError(run_key)
        return json.loads(r["params"][0])

    def frame(self, table, **where):
        """The table as a pandas DataFrame (ImportError without pandas)."""
        import pandas
        return pandas.DataFrame.from_records(self.table(table, **where))
