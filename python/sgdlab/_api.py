"""The calls that mirror the commands: run, escape, theory.  Each builds a spec through the library's setter
(_spec.Spec), runs the library, and copies the C buffers into numpy arrays in one go (np.frombuffer on
ffi.buffer), so the numbers are the bits the CLI prints."""
import math
import os
import warnings

import numpy as np

from ._ffi import ffi, lib
from ._spec import Spec, SpecError, params_of, raise_err, run_spec

ESCAPED, CENSORED, DIVERGED = 1, 0, 2   # escape states (SGL_FP_*)
_EV_HYPERPLANE, _EV_NEXT_MIN = 0, 1


def _array(ptr, count, dtype):
    """count values of dtype at ptr, copied into a new numpy array (one memcpy, no Python loop)."""
    dt = np.dtype(dtype)
    if count == 0:
        return np.empty(0, dtype=dt)
    return np.frombuffer(ffi.buffer(ptr, count * dt.itemsize), dtype=dt).copy()


def _threads(threads):
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or not 0 <= threads <= 4096:
        raise SpecError("--threads", "must be a non-negative integer <= 4096, got '%s'" % (threads,))
    return int(threads)


_CLAIM_REPLACE = 3   # SGL_CLAIM_REPLACE: a finished run of the same key was replaced


def _life_cycle(spec, command, threads, db):
    """Execute spec (a _spec.Spec) through the library's one run life cycle, sgl_store_run_any: without db only
    execute; with db the run is claimed in that store before it runs (an unusable store fails at once) and its
    results are written in one transaction ending 'finished': the rows `sgdlab COMMAND --db` leaves.
    Returns (status, err, rec); on a nonzero status rec is already cleared (the caller translates err)."""
    err = ffi.new("sgl_err *")
    store = ffi.NULL
    if db is not None:
        out = ffi.new("sgl_store **")
        st = lib.sgl_store_open(os.fsencode(db), 0, 5000, out, err)
        if st != 0:
            raise_err(st, err)
        store = out[0]
    rec = ffi.new("sgl_record *")
    outcome = ffi.new("int *")
    ccmd = ffi.new("char[]", command.encode())
    info = ffi.new("sgl_run_info *", {"command": ccmd, "sweep_index": -1, "threads": threads, "ranks": 1})
    st = lib.sgl_store_run_any(store, spec.c, info, ffi.NULL, rec, outcome, err)
    if store != ffi.NULL:
        cerr = ffi.new("sgl_err *")
        cst = lib.sgl_store_close(store, cerr)
        if st == 0 and cst != 0:
            lib.sgl_record_clear(rec)
            raise_err(cst, cerr)
        if st == 0 and outcome[0] == _CLAIM_REPLACE:
            warnings.warn("sgdlab %s: run %s was already finished in '%s'; this execution replaced it (same "
                          "parameters and seed)" % (command, ffi.string(rec.key).decode(), os.fsdecode(db)),
                          stacklevel=3)
    if st != 0:
        lib.sgl_record_clear(rec)
    return st, err, rec


class Result:
    """Base: attribute access, and the names of what it holds."""

    def __repr__(self):
        return "<sgdlab.%s %s>" % (type(self).__name__, ", ".join(sorted(k for k in vars(self) if k[0] != "_")))


class RunResult(Result):
    """An ensemble run (`sgdlab run`).

    params: the full parameter set (the canonical JSON, parsed); key: the run key (as stored).
    observables: names, in the CLI's column order; result[name] or result.series[name]: float64 array of shape
    (trajectories, logged points), NaN after a trajectory diverged.  steps (uint64), t_eta, t_eta2, lr: per
    logged point.  diverged: bool per trajectory; diverged_step: int64, -1 where it never diverged.
    theta_final: (trajectories, dim), the final state with the model's padding (zeros) as the C layout has it.  summaries[name]: dict of arrays over the logged points (mean, se, min,
    max, n, n_diverged, n_nonfinite); summary[name]: the same at the last step (the CLI's summary record)."""

    def __getitem__(self, name):
        return self.series[name]


def _summaries(res, names):
    """summaries[name][field] per logged point: every sgl_summarize of the run in one library call
    (sgl_summarize_all), then one numpy view per field."""
    L, O = res.n_log, len(names)
    buf = ffi.new("sgl_summary[]", max(1, L * O))
    lib.sgl_summarize_all(res, buf)
    dt = np.dtype({"names": ["mean", "se", "min", "max", "n", "n_diverged", "n_nonfinite"],
                   "formats": ["f8", "f8", "f8", "f8", "u8", "u8", "u8"],
                   "offsets": [ffi.offsetof("sgl_summary", f) for f in ("mean", "std_err", "min", "max", "n",
                                                                         "n_diverged", "n_nonfinite")],
                   "itemsize": ffi.sizeof("sgl_summary")})
    rows = np.frombuffer(ffi.buffer(buf, L * O * dt.itemsize), dtype=dt).reshape(O, L) if L * O else \
        np.empty((O, L), dtype=dt)
    return {n: {k: rows[o][k].copy() for k in dt.names} for o, n in enumerate(names)}


def _ensemble(r, params, rec):
    """What a run and a limit share: observables, series, logged steps, divergence, final states, summaries."""
    res = rec.res
    M, L, O = res.n_traj, res.n_log, res.n_obs
    r.params, r.key = params
    r.observables = [ffi.string(rec.obs[o].name).decode() for o in range(rec.n_obs)]
    cube = _array(res.series, M * L * O, np.float64).reshape(M, L, O)
    r.series = {n: np.ascontiguousarray(cube[:, :, o]) for o, n in enumerate(r.observables)}
    r.steps = _array(res.log_steps, L, np.uint64)
    r.diverged = _array(res.diverged, M, np.intc) != 0
    r.diverged_step = np.where(r.diverged, _array(res.diverged_step, M, np.uint64).astype(np.int64), -1)
    r.theta_final = _array(res.theta_final, M * res.dim, np.float64).reshape(M, res.dim)
    r.summaries = _summaries(res, r.observables)
    r.summary = {n: {k: v[-1].item() for k, v in d.items()} for n, d in r.summaries.items()}
    r.n_traj, r.n_diverged = M, int(r.diverged.sum())
    r.seconds = rec.seconds
    r.threads = rec.threads if ffi.typeof(rec) in (ffi.typeof("sgl_record"), ffi.typeof("sgl_record *")) else 0
    return r


def _run_result(params, cspec, rec):
    r = _ensemble(RunResult(), params, rec)
    L = len(r.steps)
    r.t_eta, r.t_eta2, r.lr = np.empty(L), np.empty(L), np.empty(L)
    if L:
        steps = np.ascontiguousarray(r.steps)
        lib.sgl_spec_clocks(cspec, ffi.from_buffer("uint64_t[]", steps), L, ffi.from_buffer("double[]", r.t_eta),
                            ffi.from_buffer("double[]", r.t_eta2), ffi.from_buffer("double[]", r.lr))
    return r


def run(threads=0, db=None, **kwargs):
    """`sgdlab run` as a call: keyword arguments named as its flags ("_" for "-"), e.g.
    sgdlab.run(model="diagnet", noise="label", lr=1e-3, steps=3e5, trajectories=32).  Returns a RunResult; bad input
    raises SpecError with the CLI's message.  The results do not depend on threads (0: all cores).  db: a
    results store the run is written into, as `sgdlab run --db` writes it."""
    threads = _threads(threads)
    spec, cspec = run_spec(kwargs)
    st, err, rec = _life_cycle(spec, "run", threads, db)
    if st != 0:
        if st == -1 and ffi.string(err.field) == b"--kappa" and "kappa" not in spec.given:
            raise SpecError("--kappa", "%s (%d is the default; pass --kappa)" % (
                ffi.string(err.msg).decode("utf-8", "replace"), cspec.data.kappa))
        raise_err(st, err)
    try:
        return _run_result(spec.params(), cspec, rec)
    finally:
        lib.sgl_record_clear(rec)


# ------------------------------------------------------------------------------------------------------ limit

_FORMS = ("auto", "general", "closed")


class LimitResult(RunResult):
    """The limiting SDE on the manifold of minimisers (`sgdlab limit`), in limit time t = eta^2 k.

    As a RunResult, but steps are Euler-Maruyama step indices and time = steps * dt (limit time); form (the
    form used), rank, gap_ratio, em_steps, dt, label_c (NaN unless label-shaped noise) as `limit --json`."""


def limit(threads=0, db=None, **kwargs):
    """`sgdlab limit` as a call (without --compare-sgd: run sgdlab.run at each eta for that): the run's keys plus
    T, dt, form.  Returns a LimitResult; bad input raises SpecError.  db: a results store the limit run is
    written into, as `sgdlab limit --db` writes it."""
    threads = _threads(threads)
    spec = Spec("limit", kwargs)
    spec.check_given()
    err = ffi.new("sgl_err *")
    st = lib.sgl_spec_resolve_plugin(ffi.addressof(spec.c, "u", "limit", "run"), err)   # model_plugin: its hash
    if st != 0:
        raise_err(st, err)
    spec.validate()
    st, err, rec = _life_cycle(spec, "limit", threads, db)
    if st != 0:
        if st == -1 and ffi.string(err.field) == b"theta":   # the start point: named by the key that gave it
            raise SpecError("--init" if "init" in spec.given else "--alpha",
                            "the start point (after the gradient flow onto the minimisers) is not usable: %.400s"
                            % ffi.string(err.msg).decode("utf-8", "replace"))
        raise_err(st, err)
    try:
        return _limit_result(spec.params(), rec)
    finally:
        lib.sgl_record_clear(rec)


def _limit_result(params, rec):
    r = _ensemble(LimitResult(), params, rec)
    info = rec.limit
    r.form, r.rank, r.gap_ratio = _FORMS[info.form_used], int(info.rank), info.gap_ratio
    r.em_steps, r.dt, r.label_c = int(info.em_steps), info.dt, info.label_c
    r.time = r.steps.astype(np.float64) * info.dt
    return r


# ----------------------------------------------------------------------------------------------- escape, theory

def _predictions(cspec, err):
    """Every prediction of the escape spec: (list of (name, value, unit, note), why-unavailable or None)."""
    pred = ffi.new("sgl_prediction[64]")
    n = ffi.new("size_t *")
    st = lib.sgl_theory_escape(cspec, pred, 64, n, err)
    if st != 0:
        return st, [], None
    out = [(ffi.string(p.name).decode(), p.value, ffi.string(p.unit).decode(),
            ffi.string(p.note).decode("utf-8", "replace")) for p in pred[0:min(n[0], 64)]]
    return 0, out, None


class EscapeResult(Result):
    """A first-passage run (`sgdlab escape`).

    params, key: the canonical parameter set and run key.  Per trajectory: t (first-passage time in t = eta k,
    t_max when censored), steps (integrator steps, uint64), state (sgdlab.ESCAPED / CENSORED / DIVERGED), L and
    x (shape (trajectories, n)): the state at exit or censoring.  escaped, censored, diverged: counts.
    mfpt, rate: the estimates with SE and 95 % CI, as `escape --json` prints them; theory: every prediction
    (value, unit, note, ratio_sim_over_theory); theory_unavailable: why none applies (else None)."""


def _ratio(unit, value, mf, rate, eta):
    # as sgl_escape_sim_over_theory: times against the censored MLE when any trajectory is censored
    t = mf.mle_mean if mf.lower_bound else mf.mean
    if unit == "t = eta k":
        return t / value
    if unit == "steps k":
        return t / eta / value
    if unit == "1/t":
        return rate.value / value
    return math.nan


def _escape_estimates(r, rec, eta):
    mf, rate = rec.mfpt, rec.rate
    r.mfpt = {"mean": mf.mean, "se": mf.se, "ci": (mf.ci_lo, mf.ci_hi), "level": mf.level,
              "lower_bound": bool(mf.lower_bound), "mle_mean": mf.mle_mean, "unit": "t = eta k",
              "mean_steps": mf.mean / eta, "se_steps": mf.se / eta, "n_boot": mf.n_boot}
    r.rate = {"value": rate.value, "se": rate.se, "ci": (rate.ci_lo, rate.ci_hi), "level": rate.level,
              "unit": "1/t", "per_step": rate.value * eta, "exposure": rate.exposure,
              "method": "censored exponential MLE, likelihood-ratio CI"}


def escape(threads=0, db=None, **kwargs):
    """`sgdlab escape` as a call: keyword arguments named as its flags (landscape, noise, L0, B_over_eta, eta,
    dynamics, event, trajectories, t_max, seed, ...; method="ams" with replicas, kill, ams_runs, ...).  Returns an
    EscapeResult (an AmsResult under method="ams"); bad input raises SpecError.
    The results do not depend on threads.  db: a results store the run (every first passage and the
    estimates) is written into, as `sgdlab escape --db` writes it."""
    threads = _threads(threads)
    spec = Spec("escape", kwargs)
    cspec = ffi.addressof(spec.c, "u", "escape")
    err = ffi.new("sgl_err *")
    st = lib.sgl_escape_spec_resolve_plugin(cspec, err)   # landscape_plugin: loaded, its hash in the spec
    if st != 0:
        raise_err(st, err)
    spec.check_given()
    spec.validate()
    cspec.threads = threads
    err = ffi.new("sgl_err *")
    info = ffi.new("sgl_escape_info *")
    st = lib.sgl_escape_describe(cspec, info, err)
    if st != 0:
        raise_err(st, err)
    st, err, rec = _life_cycle(spec, "escape", threads, db)
    if st != 0:
        raise_err(st, err)
    try:
        if rec.ams != ffi.NULL:
            return _ams_result(spec.params(), cspec, rec)
        return _escape_result(spec.params(), cspec, info, rec)
    finally:
        lib.sgl_record_clear(rec)


class AmsResult(Result):
    """A splitting estimate (`sgdlab escape --method ams`): no first passages, the MFPT assembled from the
    independent splitting runs as `escape --method ams --json` prints it.

    params, key: the canonical parameter set and run key.  mfpt, rate: estimate, SE and 95 % CI (log-normal,
    Student t over the runs).  ams: p (with SE and CI), t_first, t_loop, t_reactive (with SEs), the levels z_A and
    z_sigma, the options (replicas, kill, runs, cycles, coordinate) and the counts (extinct_runs, iterations,
    clones, evaluations, capped, direct_escapes).  runs: each independent run's p, t_first, t_loop, t_reactive
    and counts (what `escape --method ams --db` stores as events).  theory, theory_unavailable: as EscapeResult,
    the ratios against the splitting MFPT (times) or rate (1/t)."""


def _ams_ratio(unit, value, a, eta):
    # as `escape --method ams`: times against the splitting MFPT, rates against 1 / MFPT
    if unit == "t = eta k":
        return a.mfpt / value
    if unit == "steps k":
        return a.mfpt / eta / value
    if unit == "1/t":
        return a.rate / value
    return math.nan


def _theory_into(r, cspec, ratio):
    terr = ffi.new("sgl_err *")
    st, preds, _ = _predictions(cspec, terr)
    r.theory, r.theory_unavailable = {}, None
    if st != 0:
        r.theory_unavailable = "%s: %s" % (ffi.string(terr.field).decode(), ffi.string(terr.msg).decode())
    elif len(preds) == 1 and preds[0][0] == "none":
        r.theory_unavailable = preds[0][3]
    else:
        for name, value, unit, note in preds:
            r.theory[name] = {"value": value, "unit": unit, "note": note,
                              "ratio_sim_over_theory": ratio(unit, value)}


def _ams_result(params, cspec, rec):
    a, o, eta = rec.ams, cspec.ams, cspec.eta
    r = AmsResult()
    r.params, r.key = params
    r.mfpt = {"mean": a.mfpt, "se": a.mfpt_se, "ci": (a.mfpt_ci[0], a.mfpt_ci[1]), "level": 0.95, "unit": "t = eta k",
              "mean_steps": a.mfpt / eta, "se_steps": a.mfpt_se / eta,
              "method": "T_first + (1 - p)/p T_loop + T_reactive; delta-method SE across runs, log-normal t CI"}
    r.rate = {"value": a.rate, "se": a.rate_se, "ci": (a.rate_ci[0], a.rate_ci[1]), "level": 0.95, "unit": "1/t",
              "per_step": a.rate * eta, "method": "1 / mfpt"}
    r.ams = {"p": a.p, "p_se": a.p_se, "ci": (a.p_ci[0], a.p_ci[1]), "level": 0.95,
             "t_first": a.t_first, "t_first_se": a.t_first_se, "t_loop": a.t_loop, "t_loop_se": a.t_loop_se,
             "t_reactive": a.t_reactive, "t_reactive_se": a.t_reactive_se, "z_A": a.z_A, "z_sigma": a.z_sigma,
             "coordinate": ffi.string(lib.sgl_ams_coordinate_names[o.coordinate]).decode(),
             "replicas": o.replicas, "kill": o.kill, "runs": a.runs, "cycles": o.cycles, "extinct_runs": a.extinct,
             "iterations": a.iterations, "clones": a.clones, "evaluations": a.evaluations, "capped": a.capped,
             "direct_escapes": a.direct_escapes}
    r.runs = [{"p": u.p, "t_first": u.t_first, "t_loop": u.t_loop, "t_reactive": u.t_reactive,
               "iterations": u.iterations, "clones": u.clones, "evaluations": u.evaluations, "capped": u.capped,
               "direct_escapes": u.direct_escapes, "extinct": bool(u.extinct)}
              for u in (rec.ams_run[k] for k in range(a.runs))] if rec.ams_run != ffi.NULL else []
    r.seconds = a.seconds
    _theory_into(r, cspec, lambda unit, value: _ams_ratio(unit, value, a, eta))
    return r


def _escape_result(params, cspec, info, rec):
    e = rec.esc
    M, n = e.M, e.n
    r = EscapeResult()
    r.params, r.key = params
    r.t = _array(e.t, M, np.float64)
    r.steps = _array(e.steps, M, np.uint64)
    r.state = _array(e.state, M, np.intc)
    r.L = _array(e.L, M, np.float64)
    r.x = _array(e.x, M * n, np.float64).reshape(M, n)
    r.escaped, r.censored, r.diverged = int(e.escaped), int(e.censored), int(e.diverged)
    r.trajectories, r.n = M, n
    r.step = info.step
    r.x_exit = info.x_exit if cspec.event in (_EV_HYPERPLANE, _EV_NEXT_MIN) else math.nan
    r.seconds, r.traj_steps = e.seconds, e.traj_steps
    eta = cspec.eta
    _escape_estimates(r, rec, eta)
    _theory_into(r, cspec, lambda unit, value: _ratio(unit, value, rec.mfpt, rec.rate, eta))
    return r


def result_of(cany, rec):
    """The result object of a record of any kind (sweeps), from its spec (sgl_any_spec *)."""
    params = params_of(cany)
    if cany.kind == 0:
        return _run_result(params, ffi.addressof(cany, "u", "run"), rec)
    if cany.kind == 1:
        return _limit_result(params, rec)
    cspec = ffi.addressof(cany, "u", "escape")
    if rec.ams != ffi.NULL:
        return _ams_result(params, cspec, rec)
    info = ffi.new("sgl_escape_info *")
    err = ffi.new("sgl_err *")
    st = lib.sgl_escape_describe(cspec, info, err)
    if st != 0:
        raise_err(st, err)
    return _escape_result(params, cspec, info, rec)


_SIM_ONLY = ("trajectories", "t-max", "seed")


def theory(**kwargs):
    """`sgdlab theory` as a call: every prediction for the escape problem the keyword arguments describe (the
    escape keys less those that only steer a simulation).  Returns {name: {"value", "unit", "note"}}."""
    spec = Spec("escape", kwargs)
    err = ffi.new("sgl_err *")
    st = lib.sgl_escape_spec_resolve_plugin(ffi.addressof(spec.c, "u", "escape"), err)   # a landscape plugin
    if st != 0:
        raise_err(st, err)
    spec.check_given()
    spec.validate()
    for key in _SIM_ONLY:
        if key in spec.given:
            raise SpecError("--" + key, "not used by theory (it simulates and stores nothing; sgdlab escape takes it)")
    err = ffi.new("sgl_err *")
    st, preds, _ = _predictions(ffi.addressof(spec.c, "u", "escape"), err)
    if st != 0:
        raise_err(st, err)
    return {name: {"value": value, "unit": unit, "note": note} for name, value, unit, note in preds}
