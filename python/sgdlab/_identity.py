"""Content identity of Python callbacks (the run key of sgdlab.Model and sgdlab.Landscape): a hash of what a
function computes, not of where or when it was defined.  Per function: its code object (bytecode, constants
with nested code objects hashed the same way, names, argument names and counts; not the file name or line
numbers), then the values it captures -- closure cells, defaults and the module globals its code names -- where
they are numbers, strings, numpy arrays or tuples/lists of those, and the same hash of captured functions
(functools.partial: its function and arguments; a callable object: its class's __call__ and its attributes).
Values of other types enter by their type name only: a model that reads a changing object should set key= or
version=.  The bytecode differs between Python versions, so a key is stable for one Python version."""
import functools
import hashlib
import numbers
import types

import numpy as np

_PLAIN = (numbers.Number, str, bytes, bool, type(None))


def _value(h, v, seen, depth=0):
    if depth > 8:
        h.update(b"<deep>")
    elif isinstance(v, np.ndarray):
        h.update(b"a" + str(v.dtype).encode() + repr(v.shape).encode())
        h.update(np.ascontiguousarray(v).tobytes() if v.dtype != object else repr(v.tolist()).encode())
    elif isinstance(v, _PLAIN) or isinstance(v, np.generic):
        h.update(b"v" + type(v).__name__.encode() + repr(v).encode())
    elif isinstance(v, (tuple, list, frozenset)):
        items = sorted(v, key=repr) if isinstance(v, frozenset) else v
        h.update(b"t%d" % len(items))
        for x in items:
            _value(h, x, seen, depth + 1)
    elif isinstance(v, types.CodeType):
        _code(h, v, seen, depth + 1)
    elif isinstance(v, (types.FunctionType, types.MethodType, functools.partial)):
        _function(h, v, seen, depth + 1)
    else:
        h.update(b"o" + type(v).__qualname__.encode())


def _code(h, c, seen, depth):
    h.update(b"c%d,%d,%d,%d" % (c.co_argcount, c.co_kwonlyargcount, c.co_posonlyargcount, c.co_flags))
    h.update(c.co_code)
    h.update(repr((c.co_names, c.co_varnames, c.co_freevars, c.co_cellvars)).encode())
    for k in c.co_consts:
        _value(h, k, seen, depth + 1)


def _globals_named(code):
    """names a code object (and the code objects nested in it) may load as globals"""
    out = set(code.co_names)
    for k in code.co_consts:
        if isinstance(k, types.CodeType):
            out |= _globals_named(k)
    return out


def _function(h, f, seen, depth=0):
    if isinstance(f, types.MethodType):
        h.update(b"m")
        _value(h, f.__self__, seen, depth + 1)
        f = f.__func__
    if id(f) in seen:
        h.update(b"<seen>")
        return
    seen.add(id(f))
    code = getattr(f, "__code__", None)
    if isinstance(f, functools.partial):   # the function and the arguments bound to it
        h.update(b"p")
        _value(h, f.func, seen, depth + 1)
        _value(h, f.args, seen, depth + 1)
        _value(h, tuple(sorted(f.keywords.items())), seen, depth + 1)
        return
    if code is None and not isinstance(f, type) and isinstance(getattr(type(f), "__call__", None),
                                                                types.FunctionType):
        h.update(b"i" + type(f).__qualname__.encode())   # a callable object: its __call__ and its attributes
        _function(h, type(f).__call__, seen, depth + 1)
        _value(h, tuple(sorted(getattr(f, "__dict__", {}).items())), seen, depth + 1)
        return
    if code is None:   # a builtin: by its name
        h.update(b"b" + repr(getattr(f, "__qualname__", type(f).__qualname__)).encode())
        return
    _code(h, code, seen, depth)
    for cell in f.__closure__ or ():
        try:
            _value(h, cell.cell_contents, seen, depth + 1)
        except ValueError:   # an empty cell
            h.update(b"<empty>")
    _value(h, f.__defaults__ or (), seen, depth + 1)
    _value(h, tuple(sorted((f.__kwdefaults__ or {}).items())), seen, depth + 1)
    g = f.__globals__
    for name in sorted(_globals_named(code)):
        if name in g and not isinstance(g[name], types.ModuleType):
            h.update(b"g" + name.encode())
            _value(h, g[name], seen, depth + 1)


def content_hash(fns, extra=()):
    """16 hex digits identifying what the functions compute (None entries allowed) and the extra values
    (name, dimensions, user key/version)."""
    h = hashlib.sha256()
    seen = set()
    for f in fns:
        if f is None:
            h.update(b"<none>")
        elif callable(f):
            _function(h, f, seen)
        else:
            _value(h, f, seen)
    _value(h, tuple(extra), seen)
    return h.hexdigest()[:16]
