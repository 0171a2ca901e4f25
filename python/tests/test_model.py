"""sgdlab.Model: a model from numpy functions, registered in the library as a model plugin.  Known
answer: gradient descent on a Python linear regression ends at the least-squares solution of the run's own data;
the same bits for threads 1 and 2; the limiting SDE runs on it; the model's code is in the run key; a function
that raises makes its trajectories diverge (counted), it does not crash the run."""
import numpy as np
import pytest

seen = {}


def residuals(theta, X, y):
    seen["X"], seen["y"] = X.copy(), y.copy()   # all rows when full-batch GD asks for every residual
    return X @ theta - y


def jt(theta, X, y, c):
    return X.T @ c


def hvp(theta, X, y, p, a):
    return (2.0 * a / len(y)) * (X.T @ (X @ p))


def linreg(sgdlab, name="linreg_py"):
    return sgdlab.Model(residuals, jt, hvp, dim=lambda d, n: d, init=lambda d, n, alpha: np.zeros(d), name=name)


def test_gd_reaches_least_squares(sgdlab):
    m = linreg(sgdlab)
    r = sgdlab.run(model=m, noise="none", d=5, n=12, lr=0.05, steps=4000, every=1000, seeds=1, threads=1)
    assert r.params["model"] == "plugin" and r.params["model-plugin"] == m.id == "python:linreg_py:" + m.code
    assert r.params["plugin-hash"] == m.code and "plugin-param" not in r.params
    X, y = seen["X"], seen["y"]
    assert X.shape == (12, 5)
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.max(np.abs(r.theta_final[0, :5] - w)) < 1e-9   # GD on a well-conditioned least squares: converged
    assert r.summary["train_loss"]["n_diverged"] == 0


def test_same_bits_any_threads_and_key_follows_code(sgdlab):
    m = linreg(sgdlab)
    spec = dict(noise="label", d=6, n=10, lr=0.02, steps=600, every=200, seeds=4)
    r1 = sgdlab.run(model=m, threads=1, **spec)
    r2 = sgdlab.run(model=m, threads=2, **spec)
    for o in r1.observables:
        assert np.array_equal(r1[o].view(np.uint64), r2[o].view(np.uint64))
    assert r1.key == r2.key

    def jt2(theta, X, y, c):   # a different (here: equal) function: another model, another run key
        return c @ X
    m2 = sgdlab.Model(residuals, jt2, hvp, dim=lambda d, n: d, init=lambda d, n, alpha: np.zeros(d), name="linreg_py")
    assert m2.code != m.code and sgdlab.run(model=m2, threads=1, **spec).key != r1.key


def test_raising_function_diverges_not_crashes(sgdlab):
    def bad_jt(theta, X, y, c):
        raise ZeroDivisionError("deliberate")
    m = sgdlab.Model(residuals, bad_jt, hvp, dim=3, name="bad")
    r = sgdlab.run(model=m, noise="label", d=3, n=6, kappa=2, lr=0.01, steps=50, every=10, seeds=3, threads=1)
    assert r.n_diverged == 3 and r.diverged.all()
    assert m.errors and isinstance(m.errors[0], ZeroDivisionError)


def test_bad_model_arguments(sgdlab):
    with pytest.raises(ValueError):
        sgdlab.Model(residuals, jt, hvp, dim=3, name="a,b")


def test_limit_with_a_python_model(sgdlab):
    """the limiting SDE runs on a Python model as on a built-in: an overparametrised linear regression (n = 5
    < d = 10) has a rank-5 Hessian at its minimisers and the limit stays on them (train loss at rounding level)"""
    m = linreg(sgdlab, name="limit_py")
    r = sgdlab.limit(model=m, noise="label", d=10, n=5, kappa=2, T=0.05, dt=0.001, seeds=2, threads=1)
    assert r.rank == 5 and r.form in ("closed", "general")
    assert r.summary["train_loss"]["n"] == 2 and r.summary["train_loss"]["mean"] < 1e-20
