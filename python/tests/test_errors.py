"""Bad input raises sgdlab.SpecError (a ValueError) whose text is the CLI's message on stderr (which exits 2)."""
import pytest

from conftest import cli

# (command, keyword arguments, the same as CLI flags)
CASES = [
    ("run", dict(lr=-1), ["--lr", "-1"]),
    ("run", dict(lr="fast"), ["--lr", "fast"]),
    ("run", dict(steps=2.5), ["--steps", "2.5"]),
    ("run", dict(trajectories=-3), ["--trajectories", "-3"]),
    ("run", dict(kappa=500), ["--kappa", "500"]),
    ("run", dict(d=3), ["--d", "3"]),
    ("run", dict(noise="lable"), ["--noise", "lable"]),
    ("run", dict(model="mlp"), ["--model", "mlp"]),
    ("run", dict(data="images"), ["--data", "images"]),
    ("run", dict(sigma_scale="eta2", noise="gaussian"), ["--sigma-scale", "eta2", "--noise", "gaussian"]),
    ("run", dict(noise="gaussian", sigma=0.1), ["--noise", "gaussian", "--sigma", "0.1"]),
    ("run", dict(lr_decay="100,50"), ["--lr-decay", "100,50"]),
    ("run", dict(init="1,x"), ["--init", "1,x"]),
    ("run", dict(observe="loss"), ["--observe", "loss"]),
    ("escape", dict(t_max=-1), ["--t-max", "-1"]),
    ("escape", dict(noise="mori", L0=0), ["--noise", "mori", "--L0", "0"]),
    ("escape", dict(landscape="valley"), ["--landscape", "valley"]),
    ("escape", dict(dynamics="leapfrog"), ["--dynamics", "leapfrog"]),
    ("escape", dict(trajectories="1e3.5"), ["--trajectories", "1e3.5"]),
    ("escape", dict(x0="0.5,0.2"), ["--x0", "0.5,0.2"]),
    ("escape", dict(noise="mori", D=0.1), ["--noise", "mori", "--D", "0.1"]),
    ("escape", dict(event="hyperplane", c=3), ["--event", "hyperplane", "--c", "3"]),
    ("escape", dict(k=0), ["--k", "0"]),
    ("limit", dict(T=-1), ["--T", "-1"]),
    ("limit", dict(T=1, dt=2), ["--T", "1", "--dt", "2"]),
    ("limit", dict(form="exact"), ["--form", "exact"]),
    ("limit", dict(model="toy2d", noise="gaussian", sigma=1, sigma_scale="sqrt-eta"),
     ["--model", "toy2d", "--noise", "gaussian", "--sigma", "1", "--sigma-scale", "sqrt-eta"]),
    ("theory", dict(trajectories=10), ["--trajectories", "10"]),
    ("theory", dict(a=-1), ["--a", "-1"]),
]
# refused because the other settings do not read them: the library's check_given (when it has one)
GIVEN = [
    ("run", dict(noise="none", batch=4), ["--noise", "none", "--batch", "4"]),
    ("run", dict(data="csv", d=5), ["--data", "csv", "--d", "5"]),
    ("run", dict(model="toy2d", n=10), ["--model", "toy2d", "--n", "10"]),
    ("run", dict(lr_decay_factor=0.5), ["--lr-decay-factor", "0.5"]),
]


def check(sgdlab, cmd, kwargs, argv):
    code, out, err = cli(cmd, *argv)
    assert code == 2 and out == "", (code, out)
    with pytest.raises(sgdlab.SpecError) as info:
        getattr(sgdlab, cmd)(**kwargs)
    assert isinstance(info.value, ValueError)
    assert "sgdlab: %s" % info.value == err.rstrip("\n")


@pytest.mark.parametrize("cmd,kwargs,argv", CASES, ids=lambda x: x if isinstance(x, str) else None)
def test_spec_error_text_equals_cli(sgdlab, cmd, kwargs, argv):
    check(sgdlab, cmd, kwargs, argv)


@pytest.mark.parametrize("cmd,kwargs,argv", GIVEN)
def test_unused_key_refused_as_cli(sgdlab, cmd, kwargs, argv):
    from sgdlab._ffi import has
    if not has("sgl_any_spec_check_given"):
        pytest.skip("this library has no sgl_any_spec_check_given yet")
    check(sgdlab, cmd, kwargs, argv)


def test_unknown_keyword(sgdlab):
    with pytest.raises(sgdlab.SpecError, match="unknown run key 'learning-rate'"):
        sgdlab.run(learning_rate=0.1)
    with pytest.raises(sgdlab.SpecError, match="--threads"):
        sgdlab.run(threads=-1)


def test_deprecated_alias_warns_and_is_the_canonical_key(sgdlab):
    """seeds= (run) and eta= (escape) are the old spellings of trajectories= and lr=: a DeprecationWarning with
    the CLI's words, and exactly the canonical key (the same run key and bits)."""
    kw = dict(model="linreg", noise="label", lr=0.01, steps=100, every=50)
    with pytest.warns(DeprecationWarning, match=r"seeds is deprecated \(kept for one release\): use trajectories"):
        old = sgdlab.run(seeds=2, **kw)
    new = sgdlab.run(trajectories=2, **kw)
    assert old.key == new.key
    assert (old["train_loss"] == new["train_loss"]).all()
    ekw = dict(landscape="doublewell", trajectories=20, t_max=20)
    with pytest.warns(DeprecationWarning, match=r"eta is deprecated \(kept for one release\): use lr"):
        eold = sgdlab.escape(eta=0.02, **ekw)
    enew = sgdlab.escape(lr=0.02, **ekw)
    assert eold.key == enew.key
    assert list(eold.t) == list(enew.t)
    with pytest.warns(DeprecationWarning):
        rold = sgdlab.reproduce.shape_matters(seeds=1, quick=True)
    assert rold.cells.keys() == sgdlab.reproduce.shape_matters(trajectories=1, quick=True).cells.keys()
