"""Op-table rows for view and movement ops, aliases, and the composite in-place variants."""

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS

ANY = ("bool", "int64", "uint8") + tuple(ALL_FLOATS)


def _call(fn):
    """(ember fn, torch fn) from ``fn(lib, *args)``."""
    import torch

    import ember

    return (lambda *a, **k: fn(ember, *a, **k)), (lambda *a, **k: fn(torch, *a, **k))


def row(name, fn, samples, dtypes=ANY, **kw):
    e, t = _call(fn)
    return OpInfo(name, samples, dtypes=dtypes, ember_fn=e, torch_fn=t, method=False, **kw)


def _one(*specs):
    return lambda dt: [S(Arg(shape, noncontig=nc)) for shape, nc in specs]


X = _one(((2, 3, 4), False), ((3, 4), True), ((0, 4), False))


def _clone_then(method, *args):
    # in-place view ops on a non-leaf (the leaf itself may not be modified in place)
    return lambda lib, x: getattr(x.clone(), method)(*args) * 1


OPS = [
    row("view", lambda lib, x: x.contiguous().view(-1, 4), X),
    row("reshape", lambda lib, x: lib.reshape(x, (4, -1)), X),
    row("flatten", lambda lib, x: lib.flatten(x), X),
    row("flatten:dims", lambda lib, x: x.flatten(0, 1), X),
    row("squeeze", lambda lib, x: lib.squeeze(x), _one(((1, 3, 1), False), ((), False))),
    row("squeeze:dim", lambda lib, x: x.squeeze((0, 2)), _one(((1, 3, 1), False))),
    row("unsqueeze", lambda lib, x: lib.unsqueeze(x, -1), X),
    row("permute", lambda lib, x: lib.permute(x, (1, 0)), _one(((3, 4), True), ((0, 2), False))),
    row("transpose", lambda lib, x: lib.transpose(x, 0, -1), X),
    row("swapaxes", lambda lib, x: lib.swapaxes(x, 0, 1), X),
    row("swapdims", lambda lib, x: x.swapdims(0, 1), X),
    row("t", lambda lib, x: lib.t(x), _one(((3, 4), True), ((5,), False), ((), False))),
    row("expand", lambda lib, x: x[:1].expand(3, -1, -1), _one(((2, 3, 4), False))),
    row(
        "expand_as",
        lambda lib, x, y: x.expand_as(y),
        lambda dt: [S(Arg((3, 1)), Arg((2, 3, 4), grad=False))],
    ),  # fmt: skip
    row("broadcast_to", lambda lib, x: lib.broadcast_to(x, (2, 3, 4)), _one(((3, 1), True))),
    row(
        "view_as",
        lambda lib, x, y: x.contiguous().view_as(y),
        lambda dt: [S(Arg((3, 4)), Arg((2, 6), grad=False))],
    ),  # fmt: skip
    row(
        "reshape_as",
        lambda lib, x, y: x.reshape_as(y),
        lambda dt: [S(Arg((3, 4), noncontig=True), Arg((4, 3), grad=False))],
    ),  # fmt: skip
    row("unflatten", lambda lib, x: lib.unflatten(x, 1, (2, -1)), _one(((3, 4), True))),
    row("movedim", lambda lib, x: lib.movedim(x, (0, 1), (2, 0)), _one(((2, 3, 4), True))),
    row("atleast_1d", lambda lib, x: lib.atleast_1d(x), _one(((), False), ((3,), False))),
    row("atleast_2d", lambda lib, x: lib.atleast_2d(x), _one(((), False), ((3,), False))),
    row(
        "index_fill",
        lambda lib, x, v: x.index_fill(1, lib.tensor([0, 2]), v),
        lambda dt: [S(Arg((3, 4)), -1.5 if dt in ALL_FLOATS else 1)],
        dtypes=("int64",) + tuple(ALL_FLOATS),
    ),  # fmt: skip
    row(
        "tril_indices",
        lambda lib, r, c, o: lib.tril_indices(r, c, o),
        lambda dt: [S(3, 4, 0), S(4, 3, -1), S(0, 3, 0)],
        dtypes=("int64",),
        grad=False,
    ),
    row(
        "triu_indices",
        lambda lib, r, c, o: lib.triu_indices(r, c, o),
        lambda dt: [S(3, 4, 1), S(4, 3, -2)],
        dtypes=("int64",),
        grad=False,
    ),
    row(
        "broadcast_shapes",
        lambda lib, *s: lib.tensor(lib.broadcast_shapes(*s)),
        lambda dt: [S((3, 1), (4,)), S((), (2, 1, 5))],
        dtypes=("int64",),
        grad=False,
    ),
    # aliases
    row(
        "arccos",
        lambda lib, x: lib.arccos(x),
        lambda dt: [S(Arg((5,), low=-0.9, high=0.9))],
        dtypes=tuple(ALL_FLOATS),
    ),  # fmt: skip
    row("arctan", lambda lib, x: lib.arctan(x), _one(((5,), False)), dtypes=tuple(ALL_FLOATS)),
    row("arcsinh", lambda lib, x: lib.arcsinh(x), _one(((5,), False)), dtypes=tuple(ALL_FLOATS)),
    row(
        "arccosh",
        lambda lib, x: lib.arccosh(x),
        lambda dt: [S(Arg((5,), low=1.1, high=3))],
        dtypes=tuple(ALL_FLOATS),
    ),  # fmt: skip
    row("real", lambda lib, x: lib.real(x), _one(((3, 2), False)), dtypes=("float64",)),
    row(
        "conj_physical",
        lambda lib, x: lib.conj_physical(x),
        _one(((3, 2), True)),
        dtypes=("float32", "float64"),
    ),  # fmt: skip
    # composite in-place variants
    row(
        "Tensor.addmm_",
        lambda lib, x, a, b: x.clone().addmm_(a, b, beta=0.5, alpha=2),
        lambda dt: [S(Arg((2, 4)), Arg((2, 3)), Arg((3, 4)))],
        dtypes=("float32", "float64"),
    ),
    row(
        "Tensor.addmv_",
        lambda lib, x, a, b: x.clone().addmv_(a, b),
        lambda dt: [S(Arg((2,)), Arg((2, 3)), Arg((3,)))],
        dtypes=("float32", "float64"),
    ),
    row(
        "Tensor.baddbmm_",
        lambda lib, x, a, b: x.clone().baddbmm_(a, b),
        lambda dt: [S(Arg((2, 2, 4)), Arg((2, 2, 3)), Arg((2, 3, 4)))],
        dtypes=("float32", "float64"),
    ),  # fmt: skip
    row("Tensor.cumsum_", lambda lib, x: x.clone().cumsum_(1), X, dtypes=("float32", "float64")),
    row(
        "Tensor.cumprod_",
        lambda lib, x: x.clone().cumprod_(0),
        _one(((4, 3), True)),
        dtypes=("float32", "float64"),
    ),  # fmt: skip
    row("Tensor.t_", _clone_then("t_"), _one(((3, 4), True))),
    row("Tensor.transpose_", _clone_then("transpose_", 0, 2), _one(((2, 3, 4), False))),
    row("Tensor.squeeze_", _clone_then("squeeze_"), _one(((1, 3, 1), False))),
    row("Tensor.unsqueeze_", _clone_then("unsqueeze_", 1), _one(((3, 4), False))),
    row(
        "Tensor.as_strided_", _clone_then("as_strided_", (2, 2), (1, 2), 1), _one(((6,), False))
    ),  # fmt: skip
    row("ravel", lambda lib, x: lib.ravel(x), X),
    row("Tensor.ravel", lambda lib, x: x.ravel(), _one(((3, 4), True), ((), False))),
    row("renorm", lambda lib, x: lib.renorm(x, 2, 0, 1.0), X, dtypes=("float32", "float64")),
    row(
        "renorm:p1",
        lambda lib, x: x.renorm(1, -1, 0.5),
        _one(((2, 3, 4), True), ((5, 1), False)),
        dtypes=("float32", "float64"),
        errors=lambda: [S(Arg((5,)))],
    ),
    row(
        "Tensor.renorm_",
        lambda lib, x: x.clone().renorm_(2, 1, 0.5),
        _one(((3, 4), True)),
        dtypes=("float32", "float64"),
    ),
    row(
        "isin",
        lambda lib, x: lib.isin(x, lib.tensor([0, 1, 3])),
        _one(((2, 3, 4), False), ((3, 4), True)),
        dtypes=("int64", "uint8"),
        grad=False,
    ),
    row(
        "isin:invert",
        lambda lib, x: lib.isin(x, 2, invert=True),
        _one(((3, 4), True)),
        dtypes=("int64",),
        grad=False,
    ),
]
