"""sgdlab.check: the library's derivative checks (sgl_spec_check_model, the ones `sgdlab check-model` prints) on a
built-in, a C model plugin or a Python model, and gradient/Hessian/critical-point checks of a landscape (an
sgdlab.Landscape or a C landscape plugin).  Known answers: a right model passes; a gradient deliberately wrong
by a factor 1.5 in coordinate 1 (a Python callback, and tests/plugins/badgrad.c) is caught there, with the
observed value 1.5 times the expected one, the same numbers as the CLI prints; bad keys are SpecErrors."""
import os
import re

import numpy as np
import pytest

from conftest import cli


def residuals(theta, X, y):
    return X @ theta - y


def jt(theta, X, y, c):
    return X.T @ c


def jt_wrong(theta, X, y, c):
    g = X.T @ c
    g[1] *= 1.5   # the deliberate mistake
    return g


def hvp(theta, X, y, p, a):
    return (2.0 * a / len(y)) * (X.T @ (X @ p))


def plugin(sgdlab, name):
    path = os.path.join(os.path.dirname(sgdlab.LIB_PATH), "plugins", name)
    if not os.path.isfile(path):
        pytest.skip("%s not built" % path)
    return path


def test_right_models_pass(sgdlab):
    m = sgdlab.Model(residuals, jt, hvp, dim=lambda d, n: d, name="lin_ok")
    rep = sgdlab.check(m, d=5, n=10)
    assert rep.ok and not rep.wrong and rep.what == "lin_ok" and (rep.dim, rep.n) == (5, 10)
    assert [c.name for c in rep.checks] == ["residuals", "gradient", "jt", "hvp", "symmetry", "trace", "d3"]
    assert rep["gradient"].ran and rep["gradient"].err < 1e-6 and not rep["trace"].ran
    assert sgdlab.check("diagnet").ok


def test_wrong_python_gradient_is_caught(sgdlab):
    m = sgdlab.Model(residuals, jt_wrong, hvp, dim=lambda d, n: d, name="lin_wrong")
    rep = sgdlab.check(m, d=5, n=10)
    assert not rep.ok and not rep
    g = rep["gradient"]
    assert not g.ok and g.coord == 1 and g.observed == pytest.approx(1.5 * g.expected, rel=1e-8)
    assert {c.name for c in rep.wrong} >= {"gradient", "jt"} and "WRONG" in str(rep)


def test_wrong_plugin_gradient_is_caught_as_by_the_cli(sgdlab):
    path = plugin(sgdlab, "badgrad.so")
    rep = sgdlab.check(path)
    g = rep["gradient"]
    assert not rep.ok and not g.ok and g.coord == 1
    code, out, err = cli("check-model", "--model-plugin", path)
    assert code == 1
    m = re.search(r"gradient of model \S+ is wrong: at coordinate (\d+) observed (\S+), expected (\S+) ", err)
    assert m and int(m.group(1)) == g.coord
    assert float(m.group(2)) == g.observed and float(m.group(3).rstrip(",")) == g.expected


def test_bad_keys(sgdlab):
    with pytest.raises(sgdlab.SpecError, match="--lr: not used by check"):
        sgdlab.check("diagnet", lr=0.1)
    with pytest.raises(sgdlab.SpecError, match="--model"):
        sgdlab.check("no_such_model")


def dw_value(x, p):
    u = x[0] * x[0] - 1.0
    return p.L0 + p.a * u * u


def dw_grad(x, p):
    return [4.0 * p.a * x[0] * (x[0] * x[0] - 1.0)]


def dw_hess(x, p):
    return [[p.a * (12.0 * x[0] * x[0] - 4.0)]]


def test_landscape_checks(sgdlab):
    rep = sgdlab.check(sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[1.0], saddle=[0.0], reads="a",
                                        name="dw_ok"))
    assert rep.ok and [c.name for c in rep.checks] == ["gradient", "hessian", "symmetry", "critical"]
    wrong = sgdlab.Landscape(dw_value, lambda x, p: [4.1 * p.a * x[0] * (x[0] * x[0] - 1.0)], dw_hess,
                             minimum=[1.0], saddle=[0.0], reads="a", name="dw_wrong")
    rep = sgdlab.check(wrong, a=2.0)
    assert not rep.ok and rep["gradient"].observed == pytest.approx(4.1 / 4.0 * rep["gradient"].expected, rel=1e-8)
    offmin = sgdlab.Landscape(dw_value, dw_grad, dw_hess, minimum=[0.9], saddle=[0.0], reads="a", name="dw_off")
    assert [c.name for c in sgdlab.check(offmin).wrong] == ["critical"]
    assert sgdlab.check(plugin(sgdlab, "dw_copy.so")).ok
    assert sgdlab.check(plugin(sgdlab, "well2d.so"), n_dim=2, a=1, h=4).ok
