"""Run keys of Python models and landscapes are content identities (_identity.py): the same functions defined
twice -- in this process, at other lines, or in another process -- give the same key; a changed captured
constant, default, module constant or the user's key/version gives another."""
import os
import subprocess
import sys
import textwrap

import numpy as np

SRC = textwrap.dedent('''
    import numpy as np
    import sgdlab

    SHIFT = %r

    def make(scale, key=None):
        w = np.arange(3.0) * scale

        def residuals(theta, X, y):
            return X @ (theta + w) - y - SHIFT

        def jt(theta, X, y, c):
            return X.T @ c

        def hvp(theta, X, y, p, a):
            return (2.0 * a / len(y)) * (X.T @ (X @ p))
        return sgdlab.Model(residuals, jt, hvp, dim=3, name="ident", key=key)
''')
SPEC = dict(noise="label", d=3, n=6, kappa=2, lr=0.01, steps=20, every=10, seeds=1, threads=1)


def load(tmp_path, name, shift, pad=""):
    path = tmp_path / (name + ".py")
    path.write_text(pad + SRC % shift)
    ns = {"__name__": name}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    return ns["make"]


def test_same_model_twice_same_key_changed_constant_other_key(sgdlab, tmp_path):
    make = load(tmp_path, "m1", 0.5)
    a, b = make(2.0), make(2.0)
    assert a.code == b.code and a.id == b.id
    ka = sgdlab.run(model=a, **SPEC).key
    assert sgdlab.run(model=b, **SPEC).key == ka
    # the same source at other lines, in another module: the same identity
    assert load(tmp_path, "m2", 0.5, pad="\n\n# moved\n\n")(2.0).code == a.code
    # a captured array, a module constant, the user's key: another identity and run key
    others = [make(3.0), load(tmp_path, "m3", 0.25)(2.0), make(2.0, key="v2")]
    codes = {m.code for m in others} | {a.code}
    assert len(codes) == 4
    assert sgdlab.run(model=others[0], **SPEC).key != ka


def test_key_is_the_same_in_another_process(sgdlab, tmp_path):
    make = load(tmp_path, "m4", 0.5)
    here = sgdlab.run(model=make(2.0), **SPEC).key
    (tmp_path / "m4.py").write_text(SRC % 0.5)
    code = "import m4, sgdlab, json; print(sgdlab.run(model=m4.make(2.0), %s).key)" % ", ".join(
        "%s=%r" % kv for kv in SPEC.items())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == here


def test_landscape_identity(sgdlab):
    def make(depth):
        def value(x):
            return depth * (x[0] ** 2 - 1.0) ** 2

        def grad(x):
            return [4.0 * depth * x[0] * (x[0] ** 2 - 1.0)]

        def hess(x):
            return [[depth * (12.0 * x[0] ** 2 - 4.0)]]
        return sgdlab.Landscape(value, grad, hess, minimum=[1.0], saddle=[0.0], name="ident_land")
    a, b, c = make(1.0), make(1.0), make(1.5)
    assert a.id == b.id and a.id != c.id
    spec = dict(noise="isotropic", D=0.1, trajectories=2, t_max=1, seed=1, threads=1)
    assert sgdlab.escape(landscape=a, **spec).key == sgdlab.escape(landscape=b, **spec).key
    assert sgdlab.escape(landscape=c, **spec).key != sgdlab.escape(landscape=a, **spec).key
    assert np.isfinite(sgdlab.escape(landscape=b, **spec).t).all()


def test_partial_and_callable_objects(sgdlab):
    """functools.partial and callable objects are identified by what they bind, not by their type only"""
    import functools

    from sgdlab._identity import content_hash

    def f(x, w):
        return w * x

    class Scaled:
        def __init__(self, w):
            self.w = w

        def __call__(self, x):
            return self.w * x
    assert content_hash([functools.partial(f, w=2.0)]) == content_hash([functools.partial(f, w=2.0)])
    assert content_hash([functools.partial(f, w=2.0)]) != content_hash([functools.partial(f, w=3.0)])
    assert content_hash([Scaled(np.ones(3))]) == content_hash([Scaled(np.ones(3))])
    assert content_hash([Scaled(np.ones(3))]) != content_hash([Scaled(np.zeros(3))])
