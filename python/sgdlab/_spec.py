"""Specs from keyword arguments: every value goes to the library's one setter (sgl_any_spec_set) as text, so
Python accepts exactly what the CLI and sweep files accept and fails with the same message.  Nothing is checked
here: the library's parameter table and validation decide."""
import json
import warnings

from ._ffi import ffi, lib, has

KINDS = {"run": 0, "limit": 1, "escape": 2}
_VEC_CAP = 4096   # values of a vector key (run init, escape x0), as the CLI's buffer


class SpecError(ValueError):
    """Bad input: the message is the CLI's (field as the flag, then what is allowed), e.g.
    "--lr: must be > 0, got -1".  .field and .msg hold its two parts."""

    def __init__(self, field, msg):
        self.field, self.msg = field, msg
        super().__init__("%s: %s" % (field, msg) if field else msg)


class SgdlabError(RuntimeError):
    """A run-time failure of the library (the CLI's exit 1): out of memory, a store that cannot be written."""


def _names(kind):
    out = []
    p = lib.sgl_param_table(KINDS[kind])
    i = 0
    while p[i].name != ffi.NULL:
        out.append(ffi.string(p[i].name).decode())
        i += 1
    return out


def _aliases(kind):
    """{deprecated spelling: canonical key} of a kind (the table's alias column: run seeds, escape eta)."""
    out = {}
    p = lib.sgl_param_table(KINDS[kind])
    i = 0
    while p[i].name != ffi.NULL:
        if p[i].alias != ffi.NULL:
            out[ffi.string(p[i].alias).decode()] = ffi.string(p[i].name).decode()
        i += 1
    return out


_KEYS = {k: _names(k) for k in KINDS}
_ALIASES = {k: _aliases(k) for k in KINDS}
_ALL_KEYS = set().union(*_KEYS.values())


def keys(kind="run"):
    """The spec keys of a kind (run, limit, escape) in table order: the CLI flags without "--"."""
    return list(_KEYS[kind])


def raise_err(status, err, usage=None):
    """Raise the library's error as SpecError (bad input: SGL_EINVAL, SGL_ECAPS) or SgdlabError.  A field that is
    a spec key is shown as its flag ("lr" -> "--lr"), as the CLI prints it."""
    field = ffi.string(err.field).decode("utf-8", "replace")
    msg = ffi.string(err.msg).decode("utf-8", "replace")
    if field in _ALL_KEYS:
        field = "--" + field
    if not field and not msg:
        msg = ffi.string(lib.sgl_strerror(status)).decode()
    if usage is None:
        usage = status in (-1, -4)   # SGL_EINVAL, SGL_ECAPS: the CLI's exit 2
    if usage:
        raise SpecError(field, msg)
    raise SgdlabError("%s: %s" % (field, msg) if field else msg)


def _text(value):
    """A Python value as the text the CLI would be given."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return ",".join(_text(v) for v in value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        return repr(float(value))   # shortest text that reads back to the same double
    return str(value)


class Spec:
    """One spec of a kind, set from keyword arguments (names as the CLI flags, "_" for "-").  Keeps the text
    and vector storage the C spec points into alive as long as it lives."""

    def __init__(self, kind, kwargs):
        self.kind = kind
        self.c = ffi.new("sgl_any_spec *")
        lib.sgl_any_spec_default(self.c, KINDS[kind])
        self._vec = ffi.new("double[]", _VEC_CAP)
        self.c.vec = self._vec
        self.c.vec_cap = _VEC_CAP
        self._keep = []
        err = ffi.new("sgl_err *")
        kwargs = dict(kwargs)
        if hasattr(kwargs.get("model"), "spec_keys"):   # a Python-callback model (sgdlab.Model): its plugin keys
            kwargs.update(kwargs.pop("model").spec_keys())
        if hasattr(kwargs.get("landscape"), "spec_keys"):   # a Python landscape (sgdlab.Landscape): its id
            land = kwargs.pop("landscape")
            kwargs.update(land.spec_keys())
            if land.n_fixed is not None and "n_dim" not in kwargs and "n-dim" not in kwargs:
                kwargs["n-dim"] = land.n_fixed   # its critical points' length
        for name, value in kwargs.items():
            key = name.replace("_", "-")
            if key in _ALIASES[kind]:   # the old spelling: the same key, said to be deprecated (as the CLI does)
                new = _ALIASES[kind][key]
                warnings.warn("%s is deprecated (kept for one release): use %s" % (name, new.replace("-", "_")),
                              DeprecationWarning, stacklevel=3)
            text = ffi.new("char[]", _text(value).encode())
            self._keep.append(text)
            st = lib.sgl_any_spec_set(self.c, key.encode(), text, err)
            if st != 0:
                raise_err(st, err)
        self.given = set(_ALIASES[kind].get(k.replace("_", "-"), k.replace("_", "-")) for k in kwargs)

    def check_given(self):
        """Keys given that the other settings leave unused are refused (the CLI's rule), where the library
        has that check."""
        if has("sgl_any_spec_check_given"):
            err = ffi.new("sgl_err *")
            st = lib.sgl_any_spec_check_given(self.c, err)
            if st != 0:
                raise_err(st, err)

    def validate(self):
        err = ffi.new("sgl_err *")
        st = lib.sgl_any_spec_validate(self.c, err)
        if st != 0:
            raise_err(st, err)

    def canonical(self):
        """The canonical JSON text (what a store keeps) and the run key."""
        return canonical(self.c)

    def params(self):
        text, key = self.canonical()
        return json.loads(text), key


def canonical(cspec):
    """(canonical JSON text, run key) of an sgl_any_spec *."""
    n = lib.sgl_any_spec_canonical(cspec, ffi.NULL, 0)
    buf = ffi.new("char[]", n + 1)
    lib.sgl_any_spec_canonical(cspec, buf, n + 1)
    key = ffi.new("char[17]")
    lib.sgl_any_spec_run_key(cspec, key)
    return ffi.string(buf).decode("utf-8", "replace"), ffi.string(key).decode()


def params_of(cspec):
    text, key = canonical(cspec)
    return json.loads(text), key


def run_spec(kwargs):
    """A run Spec from keyword arguments, its keys checked and its data file and model plugin resolved (their
    content hashes in the spec, as `sgdlab run` resolves them): (spec, the sgl_spec * inside it)."""
    spec = Spec("run", kwargs)
    spec.check_given()
    cspec = ffi.addressof(spec.c, "u", "run")
    err = ffi.new("sgl_err *")
    st = lib.sgl_spec_resolve_data(cspec, err)
    if st != 0:
        raise_err(st, err)
    return spec, cspec
