"""Op-table rows for indexing, gather/scatter, index_* and masked ops."""

import numpy as np

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS, INTS

ANY = ("bool",) + tuple(INTS) + tuple(ALL_FLOATS)
IDX = "int64"


def _get(key):
    return lambda x: x[key]


def _gi(dt):
    return [
        S(Arg((4, 5)), desc="4x5"),
        S(Arg((4, 5), noncontig=True), desc="non-contiguous"),
        S(Arg((0, 5)), desc="empty"),
    ]


KEYS = [
    (1,), (slice(1, 3),), (slice(None, None, 2), -1), (None, Ellipsis, None), (Ellipsis, 2),
    ([0, 2, 2],), (slice(1, None), [0, 3]), ([[0], [1]], [1, 2]), ([0, 1], slice(None), None),
    (np.array([3, 1]),), ([True, False, True, False],),
]  # fmt: skip


def _getitem_rows():
    rows = []
    for i, k in enumerate(KEYS):
        fn = _get(k)
        rows.append(OpInfo(f"getitem[{i}]", lambda dt: [S(Arg((4, 5))),
                                                        S(Arg((4, 5), noncontig=True))],
                           dtypes=ANY, ember_fn=fn, torch_fn=fn, method=False))  # fmt: skip
    return rows


def _mask_get(x, m):
    return x[m]


def _tensor_get(x, i):
    return x[i]


def _tensor_get2(x, i, j):
    return x[:, i, j]


def _set(x, v):
    y = x * 1
    y[1:, [0, 2]] = v
    return y


def _set_scalar(x):
    y = x * 1
    y[..., 1] = 2.5
    y[y > 1] = 0.0
    return y


def _set_view(x, v):
    y = x * 1
    y[1][1:3] = v
    return y


def _gather(dt):
    return [
        S(Arg((3, 4)), 1, Arg((3, 2), IDX, 0, 4)),
        S(Arg((3, 4)), 0, Arg((2, 4), IDX, 0, 3)),
        S(Arg(()), 0, Arg((), IDX, 0, 1)),
        S(Arg((3, 4), noncontig=True), -1, Arg((2, 3), IDX, 0, 4)),
    ]


def _scatter(dt):
    return [
        S(Arg((3, 4)), 1, Arg((3, 2), IDX, 0, 4), Arg((3, 2))),
        S(Arg((3, 4)), 0, Arg((2, 4), IDX, 0, 3), Arg((2, 4))),
    ]


def _scatter_big_src(dt):
    return [S(Arg((3, 4)), 0, Arg((2, 4), IDX, 0, 3), Arg((3, 5)))]


def _scatter_value(dt):
    return [S(Arg((3, 4)), 1, Arg((3, 2), IDX, 0, 4), 1.5)]


def _scatter_reduce(reduce, include_self):
    def samples(dt):
        return [
            S(Arg((3, 4)), 1, Arg((3, 3), IDX, 0, 4), Arg((3, 3)), reduce,
              include_self=include_self),
            S(Arg((5,)), 0, Arg((4,), IDX, 0, 5), Arg((4,)), reduce, include_self=include_self),
        ]  # fmt: skip

    return samples


def _index_select(dt):
    return [
        S(Arg((3, 4)), 1, Arg((5,), IDX, 0, 4)),
        S(Arg((3, 4)), 0, Arg((0,), IDX, 0, 3)),
        S(Arg((3, 4)), -2, Arg((), IDX, 0, 3)),
    ]


def _index_add(dt):
    return [
        S(Arg((3, 4)), 1, Arg((3,), IDX, 0, 4), Arg((3, 3))),
        S(Arg((3, 4)), 0, Arg((2,), IDX, 0, 3), Arg((2, 4)), alpha=2),
    ]


def _index_copy(dt):
    return [S(Arg((3, 4)), 1, np.array([2, 0]), Arg((3, 2)))]


def _index_copy_fn(mod):
    def fn(x, dim, idx, src):
        return mod.index_copy(x, dim, mod.tensor(idx), src)

    return fn


def _masked(dt):
    return [
        S(Arg((3, 4)), Arg((3, 4), "bool"), 2.0),
        S(Arg((3, 4)), Arg((4,), "bool"), Arg(())),
        S(Arg((3, 1)), Arg((3, 4), "bool"), -1.0),
    ]


def _masked_scatter(dt):
    return [S(Arg((3, 4)), Arg((3, 4), "bool"), Arg((13,))), S(Arg((4,)), Arg((3, 4), "bool"),
                                                               Arg((3, 5)))]  # fmt: skip


def _masked_select(dt):
    return [S(Arg((3, 4)), Arg((3, 4), "bool")), S(Arg((4,)), Arg((2, 4), "bool")),
            S(Arg(()), Arg((), "bool"))]  # fmt: skip


def _take(dt):
    return [S(Arg((3, 4)), Arg((5,), IDX, -12, 12)), S(Arg((3, 4)), Arg((2, 2), IDX, 0, 12))]


def _take_along(dt):
    return [S(Arg((3, 4)), Arg((3, 2), IDX, 0, 4), 1), S(Arg((3, 4)), Arg((1, 4), IDX, 0, 3), 0),
            S(Arg((3, 4)), Arg((5,), IDX, 0, 12))]  # fmt: skip


def _index_put(dt):
    return [S(Arg((3, 4)), np.array([0, 2]), Arg((2,)), False),
            S(Arg((3, 4)), np.array([0, 0]), Arg((2,)), True)]  # fmt: skip


def _index_put_fn(mod):
    def fn(x, i, v, acc):
        return mod.index_put(x, (mod.tensor(i), mod.tensor([1, 3])), v, acc)

    return fn


OPS = (
    _getitem_rows()
    + [
        OpInfo(
            "getitem_mask",
            lambda dt: [S(Arg((3, 4)), Arg((3, 4), "bool")), S(Arg((3, 4)), Arg((3,), "bool"))],
            dtypes=ANY,
            ember_fn=_mask_get,
            torch_fn=_mask_get,
        ),  # fmt: skip
        OpInfo(
            "getitem_tensor",
            lambda dt: [
                S(Arg((5, 3)), Arg((2, 3), IDX, -5, 5)),
                S(Arg((5, 3)), Arg((), IDX, 0, 5)),
                S(Arg((5, 3)), Arg((4,), "int32", 0, 5)),
            ],
            ember_fn=_tensor_get,
            torch_fn=_tensor_get,
            errors=lambda: [
                S(Arg((5, 3)), Arg((2,), IDX, 5, 7)),
                S(Arg((5, 3)), Arg((2,))),
                S(Arg((5, 3)), Arg((4,), "bool")),
            ],
        ),  # fmt: skip
        OpInfo(
            "getitem_split",
            lambda dt: [S(Arg((2, 3, 4)), Arg((2,), IDX, 0, 3), Arg((2,), IDX, 0, 4))],
            ember_fn=_tensor_get2,
            torch_fn=_tensor_get2,
        ),  # fmt: skip
        OpInfo(
            "setitem",
            lambda dt: [S(Arg((3, 4)), Arg((2, 2))), S(Arg((3, 4)), Arg((1, 1, 2)))],
            ember_fn=_set,
            torch_fn=_set,
        ),  # fmt: skip
        OpInfo(
            "setitem_scalar",
            lambda dt: [S(Arg((3, 4)))],
            ember_fn=_set_scalar,
            torch_fn=_set_scalar,
            gradcheck=False,
        ),  # fmt: skip
        OpInfo(
            "setitem_view",
            lambda dt: [S(Arg((3, 4)), Arg((2,))), S(Arg((3, 4)), Arg(()))],
            ember_fn=_set_view,
            torch_fn=_set_view,
        ),  # fmt: skip
        OpInfo(
            "select",
            lambda dt: [S(Arg((3, 4)), 1, -1), S(Arg((3,)), 0, 2)],
            dtypes=ANY,
            errors=lambda: [S(Arg((3, 4)), 1, 4), S(Arg(()), 0, 0)],
        ),  # fmt: skip
        OpInfo(
            "narrow",
            lambda dt: [S(Arg((3, 4)), 1, 1, 2), S(Arg((3, 4)), 0, -2, 2)],
            dtypes=ANY,
            errors=lambda: [S(Arg((3, 4)), 1, 3, 2), S(Arg((3, 4)), 1, 0, -1)],
        ),  # fmt: skip
        OpInfo(
            "gather",
            _gather,
            dtypes=ANY,
            errors=lambda: [
                S(Arg((3, 4)), 1, Arg((3, 2), IDX, 4, 5)),
                S(Arg((3, 4)), 1, Arg((3, 2), "int16", 0, 4)),
            ],
        ),  # fmt: skip
        # duplicate indices: which write wins is unspecified, so no finite-difference check
        OpInfo("scatter", _scatter, dtypes=ANY, gradcheck=False),
        OpInfo("scatter_add", _scatter_big_src, dtypes=ANY[1:], grad=False),
        OpInfo(
            "scatter_value",
            _scatter_value,
            ember_fn=lambda *a: __import__("ember").scatter(*a),
            torch_fn=lambda *a: __import__("torch").scatter(*a),
            gradcheck=False,
        ),  # fmt: skip
        OpInfo("scatter_add", _scatter, dtypes=ANY[1:]),
    ]
    + [
        OpInfo(
            f"scatter_reduce_{r}_{inc}",
            _scatter_reduce(r, inc),
            ember_fn=lambda *a, **k: __import__("ember").scatter_reduce(*a, **k),
            torch_fn=lambda *a, **k: __import__("torch").scatter_reduce(*a, **k),
            gradcheck=r != "prod",
        )
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    ]
    + [
        OpInfo(
            "index_select",
            _index_select,
            dtypes=ANY,
            errors=lambda: [
                S(Arg((3, 4)), 1, Arg((2,), IDX, 4, 5)),
                S(Arg((3, 4)), 1, Arg((2, 2), IDX, 0, 4)),
            ],
        ),  # fmt: skip
        OpInfo("index_add", _index_add, dtypes=ANY[1:]),
        OpInfo(
            "index_copy",
            _index_copy,
            dtypes=ANY,
            ember_fn=_index_copy_fn(__import__("ember")),
            torch_fn=_index_copy_fn(__import__("torch")),
        ),  # fmt: skip
        OpInfo(
            "index_put",
            _index_put,
            ember_fn=_index_put_fn(__import__("ember")),
            torch_fn=_index_put_fn(__import__("torch")),
        ),  # fmt: skip
        OpInfo(
            "masked_fill",
            _masked,
            dtypes=ANY,
            errors=lambda: [
                S(Arg((3, 4)), Arg((3, 4), IDX), 1.0),
                S(Arg((3, 4)), Arg((3, 4), "bool"), Arg((2,))),
            ],
        ),  # fmt: skip
        OpInfo("masked_scatter", _masked_scatter, dtypes=ANY),
        OpInfo("masked_select", _masked_select, dtypes=ANY),
        OpInfo("take", _take, dtypes=ANY, errors=lambda: [S(Arg((3, 4)), Arg((2,), IDX, 12, 13))]),
        OpInfo("take_along_dim", _take_along, dtypes=ANY),
        OpInfo(
            "nonzero",
            lambda dt: [S(Arg((3, 4))), S(Arg(())), S(Arg((0, 2)))],
            dtypes=("bool", "int64", "float32"),
            grad=False,
        ),  # fmt: skip
        OpInfo("argwhere", lambda dt: [S(Arg((3, 4)))], dtypes=("bool", "float32"), grad=False),
    ]
)
