"""Op-table rows for the assorted extras: view scatters, index_reduce/put, cov/corrcoef, dist,
frexp, mvlgamma, Cholesky solves, sum_to_size, fill_diagonal_ and aliases."""

from ..optable import Arg, OpInfo, S
from ..util import INTS

ANY = ("bool",) + tuple(INTS) + ("float32", "float64")
NUM = tuple(INTS) + ("float32", "float64")


def both(label, fn, samples, **kw):
    """A row whose body ``fn(mod, *args)`` runs once against ember and once against torch."""
    import torch

    import ember

    return OpInfo(label, samples, ember_fn=lambda *a, **k: fn(ember, *a, **k),
                  torch_fn=lambda *a, **k: fn(torch, *a, **k), **kw)  # fmt: skip


def one(*shapes):
    return lambda dt: [S(Arg(s)) for s in shapes]


def _long(mod, vals):
    return mod.tensor(vals, dtype=mod.int64)


def _fill_diag(mod, x, v=2.5, wrap=False):
    return x.clone().fill_diagonal_(v, wrap=wrap)


def _spd(mod, a):
    # a well-conditioned lower Cholesky factor built from a
    n = a.shape[-1]
    return a.tril(-1) * 0.3 + mod.eye(n, dtype=a.dtype) * (2 + a.diagonal(0, -2, -1).abs()
                                                          ).unsqueeze(-1)  # fmt: skip


def _resize(mod, x, *size):
    y = x.clone()
    y.resize_(*size)
    n = min(x.numel(), y.numel())
    return y.reshape(-1)[:n], tuple(y.shape)


def _apply(mod, x):
    y = x.clone()
    y.apply_(lambda v: v * 2 + 1)
    return y


def _map(mod, x, o):
    y = x.clone()
    y.map_(o, lambda a, b: a * b - 1)
    return y


def _new(mod, x):
    a = x.new(2, 3)
    return (
        tuple(a.shape),
        str(a.dtype),
        x.new([1, 2]),
        tuple(x.new().shape),
        tuple(x.new(mod.Size([4])).shape),
    )


M = one((3, 4), (4, 3), (0, 3), (2, 2))
OPS = [
    both(
        "fill_diagonal_",
        _fill_diag,
        lambda dt: [
            S(Arg((3, 4))),
            S(Arg((5, 2))),
            S(Arg((5, 2)), wrap=True),
            S(Arg((7, 3)), wrap=True),
            S(Arg((3, 3, 3))),
            S(Arg((3, 3), noncontig=True)),
            S(Arg((0, 2))),
        ],
        dtypes=("float32", "float64", "int64", "bool"),
        gradcheck=False,
        errors=lambda: [S(Arg((3,))), S(Arg((3, 3, 2)))],
    ),  # fmt: skip
    both(
        "sum_to_size",
        lambda m, x, *s: x.sum_to_size(*s),
        lambda dt: [
            S(Arg((2, 3, 4)), 3, 1),
            S(Arg((2, 3, 4)), (1, 3, 4)),
            S(Arg((2, 3)), 2, 3),
            S(Arg((4, 3)), 1),
            S(Arg((2,)), ()),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 3)), 3, 3), S(Arg((3,)), 2, 3), S(Arg(()))],
    ),  # fmt: skip
    both(
        "is_nonzero",
        lambda m, x: m.is_nonzero(x),
        one((), (1,), (1, 1)),
        dtypes=ANY,
        grad=False,
        errors=lambda: [S(Arg((2,))), S(Arg((0,)))],
    ),  # fmt: skip
    both("is_nonzero_zero", lambda m, x: (x * 0).is_nonzero(), one(()), grad=False),
    both(
        "is_same_size",
        lambda m, x, y: m.is_same_size(x, y),
        lambda dt: [
            S(Arg((2, 3)), Arg((2, 3))),
            S(Arg((2, 3)), Arg((3, 2))),
            S(Arg(()), Arg((1,))),
        ],
        grad=False,
    ),  # fmt: skip
    both(
        "positive",
        lambda m, x: m.positive(x),
        one((2, 3), ()),
        dtypes=NUM,
        errors=lambda: [S(Arg((2,), "bool"))],
    ),  # fmt: skip
    both("is_inference", lambda m, x: x.is_inference(), one((2,)), grad=False),
    both(
        "adjoint",
        lambda m, x: m.adjoint(x),
        one((3, 4), (2, 3, 4), (0, 2)),
        dtypes=NUM,
        errors=lambda: [S(Arg((3,)))],
    ),  # fmt: skip
    both(
        "adjoint_complex", lambda m, x: x.to(m.complex128).adjoint() * 1j, one((2, 3)), grad=False
    ),
    both(
        "narrow_copy",
        lambda m, x, *a: m.narrow_copy(x, *a),
        lambda dt: [
            S(Arg((4, 5)), 1, 1, 3),
            S(Arg((4, 5), noncontig=True), 0, 2, 2),
            S(Arg((4,)), 0, 4, 0),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((4, 5)), 1, 3, 4)],
    ),  # fmt: skip
    # negative start: forward only (torch's own backward fails there)
    both("narrow_copy_neg", lambda m, x: m.narrow_copy(x, 0, -2, 2), one((4, 5)), grad=False),
    both(
        "narrow_copy_out",
        lambda m, x: m.narrow_copy(x, 0, 1, 2, out=m.empty(0, dtype=x.dtype)),
        one((4, 3)),
        grad=False,
    ),
    both(
        "unsafe_chunk",
        lambda m, x, *a: m.unsafe_chunk(x, *a),
        lambda dt: [S(Arg((5, 3)), 2), S(Arg((5, 3)), 3, 1)],
        dtypes=NUM,
    ),  # fmt: skip
    both(
        "unsafe_split",
        lambda m, x, *a: x.unsafe_split(*a),
        lambda dt: [S(Arg((5, 3)), 2), S(Arg((5, 3)), 1, 1)],
        dtypes=NUM,
    ),  # fmt: skip
    both(
        "diagonal_scatter",
        lambda m, x, s, *a: m.diagonal_scatter(x, s, *a),
        lambda dt: [
            S(Arg((3, 4)), Arg((3,))),
            S(Arg((3, 4)), Arg((3,)), 1),
            S(Arg((3, 4)), Arg((2,)), -1),
            S(Arg((2, 3, 4)), Arg((4, 2)), 0, 0, 1),
            S(Arg((3, 4), noncontig=True), Arg((3,))),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((3, 4)), Arg((4,)))],
    ),  # fmt: skip
    both(
        "select_scatter",
        lambda m, x, s, *a: m.select_scatter(x, s, *a),
        lambda dt: [
            S(Arg((3, 4)), Arg((4,)), 0, 1),
            S(Arg((3, 4)), Arg((3,)), 1, -1),
            S(Arg((3,)), Arg(()), 0, 2),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((3, 4)), Arg((3,)), 0, 0)],
    ),  # fmt: skip
    both(
        "slice_scatter",
        lambda m, x, s, *a, **k: m.slice_scatter(x, s, *a, **k),
        lambda dt: [
            S(Arg((6, 4)), Arg((2, 4)), 0, 2, 4),
            S(Arg((6, 4)), Arg((6, 2)), 1, 0, 4, 2),
            S(Arg((6, 4)), Arg((6, 4))),
            S(Arg((6, 4)), Arg((3, 4)), start=3),
            S(Arg((6, 4)), Arg((2, 4)), end=-4),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((6, 4)), Arg((3, 4)), 0, 2, 4)],
    ),  # fmt: skip
]


def _ir(mod, x, s, reduce, include_self=True, dim=0, idx=(0, 2, 0, 1, 2), inplace=False):
    i = _long(mod, list(idx))
    if inplace:
        return x.clone().index_reduce_(dim, i, s, reduce, include_self=include_self)
    return mod.index_reduce(x, dim, i, s, reduce, include_self=include_self)


def _ir_samples(dt):
    out = []
    for r in ("prod", "mean", "amax", "amin"):
        for inc in (True, False):
            out.append(S(Arg((3, 4)), Arg((5, 4)), r, inc))
        out.append(S(Arg((4, 3)), Arg((4, 5), noncontig=True), r, False, 1))
    return out


def _put(mod, x, s, idx, accumulate=False, inplace=False):
    i = _long(mod, idx)
    if inplace:
        return x.clone().put_(i, s, accumulate)
    return mod.put(x, i, s, accumulate)


OPS += [
    both(
        "index_reduce",
        _ir,
        _ir_samples,
        dtypes=("float32", "float64", "int64"),
        gradcheck=False,
        errors=lambda: [S(Arg((3, 4)), Arg((5, 4)), "sum"), S(Arg((3, 4)), Arg((4, 4)), "prod")],
    ),  # fmt: skip
    both(
        "index_reduce_",
        lambda m, *a: _ir(m, *a, inplace=True),
        lambda dt: [
            S(Arg((3, 4)), Arg((5, 4)), "mean", False),
            S(Arg((3, 4)), Arg((5, 4)), "amax"),
        ],
        grad=False,
    ),  # fmt: skip
    both(
        "put",
        _put,
        lambda dt: [
            S(Arg((3, 4)), Arg((3,)), [0, -1, 5]),
            S(Arg((3, 4)), Arg((2, 2)), [1, 1, 3, 1], True),
            S(Arg((3, 4), noncontig=True), Arg((3,)), [0, 7, 11]),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 2)), Arg((1,)), [4]), S(Arg((2, 2)), Arg((2,)), [1])],
    ),  # fmt: skip
    both(
        "put_",
        lambda m, *a: _put(m, *a, inplace=True),
        lambda dt: [
            S(Arg((3, 4)), Arg((3,)), [0, -1, 5]),
            S(Arg((3, 4)), Arg((3,)), [2, 2, 3], True),
        ],
        dtypes=NUM,
    ),  # fmt: skip
]


def _cov(mod, x, fw=None, aw=None, **kw):
    if fw is not None:
        kw["fweights"] = _long(mod, fw)
    if aw is not None:
        kw["aweights"] = mod.tensor(aw, dtype=x.dtype)
    return mod.cov(x, **kw)


OPS += [
    both(
        "cov",
        _cov,
        lambda dt: [
            S(Arg((3, 5))),
            S(Arg((5,))),
            S(Arg((2, 4)), correction=0),
            S(Arg((2, 4)), correction=2),
            S(Arg((2, 3)), [1, 2, 3]),
            S(Arg((2, 3)), None, [0.5, 1.0, 2.0]),
            S(Arg((2, 3)), [1, 0, 3], [0.5, 1.0, 2.0], correction=0),
            S(Arg((2, 3)), [2, 1, 1], [0.25, 1.0, 2.0]),
            S(Arg((3, 4), noncontig=True)),
            S(Arg((1, 4))),
        ],
        errors=lambda: [S(Arg((2, 2, 2))), S(Arg((2, 3)), [1, 2])],
    ),  # fmt: skip
    both(
        "corrcoef",
        lambda m, x: m.corrcoef(x),
        one((3, 5), (2, 6), (4,)),
        errors=lambda: [S(Arg((2, 2, 2)))],
    ),  # fmt: skip
    both(
        "dist",
        lambda m, x, y, *a: m.dist(x, y, *a),
        lambda dt: [
            S(Arg((3, 4)), Arg((3, 4))),
            S(Arg((3, 4)), Arg((4,)), 1),
            S(Arg((3, 4)), Arg((3, 1)), 3),
            S(Arg((2, 3)), Arg((2, 3)), float("inf")),
            S(Arg(()), Arg(()), 2),
        ],
        errors=lambda: [S(Arg((3,)), Arg((4,)))],
    ),  # fmt: skip
    both(
        "dist_p0",
        lambda m, x, y: m.dist(x, y, 0),
        lambda dt: [S(Arg((2, 3)), Arg((2, 3)))],
        grad=False,
    ),
    both(
        "frexp",
        lambda m, x: tuple(m.frexp(x)),
        lambda dt: [S(Arg((3, 4), low=-100, high=100)), S(Arg(())), S(Arg((0,)))],
        errors=lambda: [S(Arg((3,), "int64"))],
    ),  # fmt: skip
    both(
        "frexp_special",
        lambda m, x: tuple(
            m.frexp(
                x * m.tensor([0.0, float("inf"), float("nan"), 1e-40, -1.0, 3e38], dtype=x.dtype)
            )
        ),
        one((6,)),
        grad=False,
    ),  # fmt: skip
    both(
        "mvlgamma",
        lambda m, x, p: m.mvlgamma(x.abs() + p, p),
        lambda dt: [S(Arg((3, 4)), 1), S(Arg((3,)), 3), S(Arg(()), 2)],
    ),  # fmt: skip
    both(
        "mvlgamma_",
        lambda m, x, p: x.clone().abs().add(p).mvlgamma_(p),
        lambda dt: [S(Arg((3, 4)), 2)],
        errors=lambda: [S(Arg((3,)), 0)],
    ),  # fmt: skip
    both("mvlgamma_domain", lambda m, x: m.mvlgamma(x * 0, 3), one((2,)), grad=False),
    both(
        "cholesky_solve",
        lambda m, b, a, up=False: m.cholesky_solve(b, _spd(m, a).mT if up else _spd(m, a), up),
        lambda dt: [
            S(Arg((3, 2)), Arg((3, 3))),
            S(Arg((3, 2)), Arg((3, 3)), True),
            S(Arg((2, 3, 1)), Arg((3, 3))),
            S(Arg((3, 4)), Arg((2, 3, 3))),
        ],
        errors=lambda: [S(Arg((4, 2)), Arg((3, 3)))],
    ),  # fmt: skip
    both(
        "cholesky_inverse",
        lambda m, a, up=False: m.cholesky_inverse(_spd(m, a).mT if up else _spd(m, a), up),
        lambda dt: [S(Arg((3, 3))), S(Arg((3, 3)), True), S(Arg((2, 4, 4)))],
        errors=lambda: [S(Arg((3, 2)))],
    ),  # fmt: skip
    both(
        "resize_",
        _resize,
        lambda dt: [
            S(Arg((3, 4), grad=False), 2, 5),
            S(Arg((3, 4), grad=False), 2, 2),
            S(Arg((3, 4), grad=False), 5, 3),
            S(Arg((2,), grad=False), 0),
        ],
        dtypes=NUM,
        grad=False,
    ),  # fmt: skip
    both(
        "resize_as_",
        lambda m, x, t: x.clone().resize_as_(t).shape,
        lambda dt: [S(Arg((3, 4)), Arg((2, 2)))],
        grad=False,
    ),  # fmt: skip
    both("apply_", _apply, one((3, 4), ()), dtypes=NUM, grad=False),
    both(
        "map_",
        _map,
        lambda dt: [S(Arg((3, 4)), Arg((3, 4))), S(Arg((3, 4)), Arg((4,)))],
        dtypes=NUM,
        grad=False,
    ),  # fmt: skip
    both("new", _new, one((2,)), dtypes=NUM, grad=False),
]


def _apply_leaf(mod, x):
    return x.detach().requires_grad_().apply_(lambda v: v)


def _new_bad(mod, x, kind):
    return x.new(2.5) if kind == 0 else x.new(x.to(mod.int64))


OPS.append(both("apply_requires_grad", _apply_leaf, one((3,)), grad=False,
                errors=lambda: [S(Arg((3,)))]))  # fmt: skip
OPS.append(both("new_errors", _new_bad, lambda dt: [S(Arg((3,)), 0)], grad=False,
                errors=lambda: [S(Arg((3,)), 0), S(Arg((3,)), 1)]))  # fmt: skip


def _leaf_resize(mod, x):
    y = x.detach().requires_grad_()
    return y.resize_(2)


OPS.append(both("resize_requires_grad", _leaf_resize, one((3,)), grad=False,
                errors=lambda: [S(Arg((3,)))]))  # fmt: skip


def _outs(mod, x, s):
    i = _long(mod, [0, 2, 0])
    o = [mod.empty(0, dtype=x.dtype) for _ in range(4)]
    e = mod.empty(0, dtype=mod.int32)
    mod.index_reduce(x, 0, i, s, "amax", out=o[0])
    mod.slice_scatter(x, s[:1], 0, 1, 2, out=o[1])
    mod.frexp(x, out=(o[2], e))
    mod.mvlgamma(x.abs() + 1, 1, out=o[3])
    return tuple(o) + (e,)


OPS.append(both("extras_out", _outs, lambda dt: [S(Arg((3, 4)), Arg((3, 4)))], grad=False))
