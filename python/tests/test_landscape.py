"""sgdlab.Landscape: an escape landscape from Python functions, registered in the library as a landscape plugin.
Known answer: a Python copy of the built-in doublewell (the same arithmetic in the same order) gives the
built-in's first passages bit for bit, for threads 1 and 2, and theory has no prediction for it as for a C
plugin.  A function that raises, or returns a non-finite number, makes its trajectory diverge (counted); a
critical point that is not a number is a SpecError naming the landscape; neither crashes the process."""
import math

import numpy as np
import pytest


def kk(p):
    return p.k if p.k > 0 else 1.0


def dw_value(x, p):
    k = kk(p)
    u = k * x[0] * x[0] - 1.0
    return p.L0 + p.a * u * u


def dw_grad(x, p):
    k = kk(p)
    return [4.0 * p.a * k * x[0] * (k * x[0] * x[0] - 1.0)]


def dw_hess(x, p):
    k = kk(p)
    return [[p.a * (12.0 * k * k * x[0] * x[0] - 4.0 * k)]]


def dw(sgdlab, **kw):
    return sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=lambda p: [1.0 / math.sqrt(kk(p))],
                            saddle=lambda p: [0.0], next_minimum=lambda p: [-1.0 / math.sqrt(kk(p))], reads="a",
                            max_dim=1, **kw)


SPEC = dict(noise="isotropic", D=0.2, a=0.5, trajectories=12, t_max=40, seed=5)


def bits(x):
    return np.ascontiguousarray(x).view(np.uint64)


def test_python_doublewell_is_the_builtin_bit_for_bit(sgdlab):
    L = dw(sgdlab, name="dw_py")
    want = sgdlab.escape(landscape="doublewell", threads=1, **SPEC)
    got = sgdlab.escape(landscape=L, threads=2, **SPEC)
    assert want.escaped >= 3   # the comparison covers escapes, not only censoring
    for f in ("t", "steps", "state", "L", "x"):
        assert np.array_equal(bits(getattr(got, f)) if getattr(got, f).dtype == np.float64 else getattr(got, f),
                              bits(getattr(want, f)) if getattr(want, f).dtype == np.float64 else getattr(want, f)), f
    assert got.params["landscape-plugin"] == L.id and got.params["plugin-hash"] == L.code
    assert got.params["landscape"].startswith("dw_py@")
    assert got.theory == {} and "no closed-form" in got.theory_unavailable
    assert list(sgdlab.theory(landscape=L, noise="isotropic", D=0.2)) == ["none"]


def test_one_argument_functions_and_fixed_points(sgdlab):
    """value(x) without parameters, critical points as arrays (their length sets n-dim): a 2-D well"""
    L = sgdlab.Landscape(lambda x: (x[0] ** 2 - 1.0) ** 2 + 2.0 * x[1] ** 2,
                         lambda x: np.array([4.0 * x[0] * (x[0] ** 2 - 1.0), 4.0 * x[1]]),
                         lambda x: np.array([[12.0 * x[0] ** 2 - 4.0, 0.0], [0.0, 4.0]]),
                         minimum=[1.0, 0.0], saddle=[0.0, 0.0], name="well2")
    r = sgdlab.escape(landscape=L, noise="isotropic", D=0.4, trajectories=6, t_max=30, seed=1, threads=1)
    assert r.n == 2 and r.x.shape == (6, 2) and r.escaped + r.censored == 6 and r.diverged == 0
    assert r.escaped >= 1


def test_raising_or_nonfinite_function_diverges(sgdlab):
    """past x = 1.6 the gradient raises (or the value is infinite): the trajectories that go there diverge, the
    others keep the built-in's first passages (each trajectory has its own random stream)"""
    def bad_grad(x, p):
        if x[0] > 1.6:
            raise ArithmeticError("deliberate")
        return dw_grad(x, p)

    want = sgdlab.escape(landscape="doublewell", threads=1, **SPEC)
    L = sgdlab.Landscape(dw_value, bad_grad, dw_hess, minimum=[1.0], saddle=[0.0], reads="a", name="raises")
    L2 = sgdlab.Landscape(lambda x, p: dw_value(x, p) if x[0] <= 1.6 else math.inf, dw_grad, dw_hess,
                          minimum=[1.0], saddle=[0.0], reads="a", name="infinite")
    for land in (L, L2):
        r = sgdlab.escape(landscape=land, threads=2, **SPEC)
        ok = r.state != sgdlab.DIVERGED
        assert 1 <= r.diverged < SPEC["trajectories"] and r.diverged == (~ok).sum()
        assert np.array_equal(bits(r.t[ok]), bits(want.t[ok])) and (want.state[~ok] != sgdlab.DIVERGED).all()
    assert L.errors and isinstance(L.errors[0], ArithmeticError)


def test_nonfinite_critical_point_is_a_spec_error(sgdlab):
    def minimum(p):
        raise ValueError("no minimum")

    L = sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=minimum, saddle=[0.0], reads="a", name="nomin")
    with pytest.raises(sgdlab.SpecError, match="the minimum of landscape nomin@.* is not finite"):
        sgdlab.escape(landscape=L, threads=1, **SPEC)
    L2 = sgdlab.Landscape(dw_value, dw_grad, lambda x, p: [[math.nan]], minimum=[1.0], saddle=[0.0], reads="a",
                          name="nanhess")
    with pytest.raises(sgdlab.SpecError, match="Hessian at the minimum"):
        sgdlab.escape(landscape=L2, threads=1, **SPEC)


def test_bad_arguments(sgdlab):
    with pytest.raises(ValueError, match="reads"):
        sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[1.0], reads="b")
    with pytest.raises(ValueError, match="name"):
        sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[1.0], name="a b")
    with pytest.raises(ValueError, match="same length"):
        sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[1.0], saddle=[0.0, 0.0])
    L = dw(sgdlab, name="strict")
    with pytest.raises(sgdlab.SpecError, match="--h"):   # a key the landscape does not read, as for a C plugin
        sgdlab.escape(landscape=L, h=2.0, threads=1, **SPEC)


def test_sweep_with_a_python_landscape(sgdlab, tmp_path):
    """an escape sweep over a Python landscape (its id as landscape-plugin): the runs of sgdlab.escape, resumable"""
    L = dw(sgdlab, name="dw_sweep")
    db = str(tmp_path / "s.db")
    spec = {"kind": "escape", "base": dict(landscape=L, **{k.replace("_", "-"): v for k, v in SPEC.items()
                                                           if k != "seed"}), "grid": {"seed": [5, 6]}}
    res = sgdlab.sweep(spec, db=db)
    assert (res.n, res.done) == (2, 2)
    one = sgdlab.escape(landscape=L, threads=1, **SPEC)
    assert res.keys[0] == one.key
    with sgdlab.Store(db) as st:
        ev = st.events()
        t = np.sort(ev["time"][(ev["run_key"] == one.key) & (ev["kind"] == "first_passage")])
    assert np.array_equal(bits(t), bits(np.sort(one.t)))
    again = sgdlab.sweep(spec, db=db, resume=True)
    assert (again.done, again.skipped) == (0, 2)
