"""Op-table rows for reductions, scans and sorting/selection."""

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS, FLOATS, INTS

NUM = tuple(INTS) + tuple(ALL_FLOATS)
ANY = ("bool",) + NUM
F = tuple(FLOATS)


def reduce_samples(dtype):
    return [
        S(Arg((3, 4)), desc="full"),
        S(Arg(()), desc="0-d"),
        S(Arg(()), 0, desc="0-d dim 0"),
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((3, 4)), -1, True, desc="negative dim keepdim"),
        S(Arg((2, 3, 4)), (0, 2), desc="tuple dims"),
        S(Arg((2, 3, 4)), [-1, 0], keepdim=True, desc="list dims keepdim"),
        S(Arg((3, 4), noncontig=True), 0, desc="non-contiguous"),
        S(Arg((0, 3)), desc="empty full"),
        S(Arg((0, 3)), 0, desc="empty dim"),
        S(Arg((0, 3)), 1, desc="empty other dim"),
    ]


def single_dim_samples(dtype):
    return [
        S(Arg((3, 4)), desc="full"),
        S(Arg(()), desc="0-d"),
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((3, 4)), -2, True, desc="negative dim keepdim"),
        S(Arg((3, 4), noncontig=True), 0, desc="non-contiguous"),
        S(Arg((2, 0)), 1, desc="empty dim"),
        S(Arg((0, 3)), 1, desc="empty other dim"),
    ]


def select_samples(dtype):
    """max/min/argmax: dims must be non-empty (PyTorch raises otherwise)."""
    return [
        S(Arg((3, 4)), desc="full"),
        S(Arg(()), desc="0-d"),
        S(Arg(()), 0, desc="0-d dim"),
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((3, 4)), -2, True, desc="negative dim keepdim"),
        S(Arg((3, 4), noncontig=True), 0, desc="non-contiguous"),
        S(Arg((0, 3)), 1, desc="empty other dim"),
    ]


def amax_samples(dtype):
    return [
        S(Arg((3, 4)), desc="full"),
        S(Arg(()), desc="0-d"),
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((2, 3, 4)), (0, -1), True, desc="tuple dims keepdim"),
        S(Arg((3, 4), noncontig=True), 0, desc="non-contiguous"),
        S(Arg((0, 3)), 1, desc="empty other dim"),
    ]


def empty_full_error():
    return [S(Arg((0,))), S(Arg((0, 3)), 0)]


def var_samples(dtype):
    return [
        S(Arg((3, 4)), desc="full"),
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((3, 4)), 1, False, desc="dim unbiased=False"),
        S(Arg((3, 4)), False, desc="unbiased positional"),
        S(Arg((2, 3, 4)), (0, 2), correction=2, keepdim=True, desc="correction tuple dims"),
        S(Arg((3, 4), noncontig=True), 0, correction=0, desc="non-contiguous"),
        S(Arg((0, 3)), 1, desc="empty other dim"),
    ]


def scan_samples(dtype):
    return [
        S(Arg((3, 4)), 1, desc="dim"),
        S(Arg((3, 4)), -2, desc="negative dim"),
        S(Arg(()), 0, desc="0-d"),
        S(Arg((3, 4), noncontig=True), 0, desc="non-contiguous"),
        S(Arg((0, 3)), 0, desc="empty"),
    ]


def sort_samples(dtype):
    return [
        S(Arg((3, 5)), desc="default"),
        S(Arg((3, 5)), 0, desc="dim 0"),
        S(Arg((3, 5)), -1, True, desc="descending"),
        S(Arg((6,)), descending=True, stable=True, desc="stable descending"),
        S(Arg((3, 5)), stable=True, dim=0, desc="stable dim"),
        S(Arg(()), desc="0-d"),
        S(Arg((3, 4), noncontig=True), 1, desc="non-contiguous"),
        S(Arg((0, 3)), 1, desc="empty"),
    ]


def int_sort_samples(dtype):
    """Ties among integers: a stable sort fixes the order of equal elements."""
    return [
        S(Arg((12,), low=0, high=4), stable=True, desc="ties stable"),
        S(
            Arg((3, 8), low=0, high=4),
            dim=1,
            descending=True,
            stable=True,
            desc="ties stable descending",
        ),
    ]


def quantile_samples(dtype):
    import torch

    return [
        S(Arg((7,)), 0.3, desc="1-d"),
        S(Arg((3, 5)), 0.5, 1, desc="dim"),
        S(Arg((3, 5)), 0.75, -1, True, desc="keepdim"),
        S(
            Arg((3, 5)),
            torch.tensor([0.1, 0.5, 1.0], dtype=getattr(torch, dtype)),
            0,
            desc="tensor q",
        ),
        S(Arg((3, 5)), 0.4, interpolation="lower", desc="lower"),
        S(Arg((3, 5)), 0.4, 1, interpolation="higher", desc="higher"),
        S(Arg((3, 5)), 0.4, 1, interpolation="midpoint", desc="midpoint"),
        S(Arg((3, 5)), 0.6, 0, interpolation="nearest", desc="nearest"),
        S(Arg(()), 0.2, desc="0-d"),
    ]


def _q_fn(mod, name):
    """quantile's q tensor comes from torch in the sample: give ember its copy."""

    def fn(x, q, *a, **k):
        if not isinstance(q, float):
            import torch

            if mod.__name__ == "ember":
                q = mod.tensor(q.numpy()) if isinstance(q, torch.Tensor) else q
        return getattr(mod, name)(x, q, *a, **k)

    return fn


def _ember():
    import ember

    return ember


def _torch():
    import torch

    return torch


def _q(name):
    return OpInfo(
        name,
        quantile_samples,
        ember_fn=lambda *a, **k: _q_fn(_ember(), name)(*a, **k),
        torch_fn=lambda *a, **k: _q_fn(_torch(), name)(*a, **k),
        errors=lambda: [
            S(Arg((3,)), 1.5),
            S(Arg((0,)), 0.5),
            S(Arg((3,)), 0.5, interpolation="cubic"),
            S(Arg((3,), "int64"), 0.5),
        ],
    )


def _sorted_call(name):
    """searchsorted / bucketize on a sequence sorted first (samples are random)."""

    def make(mod):
        def fn(seq, vals, **k):
            seq = mod.sort(seq).values
            if name == "bucketize":
                return mod.bucketize(vals, seq, **k)
            return mod.searchsorted(seq, vals, **k)

        return fn

    return dict(
        ember_fn=lambda *a, **k: make(_ember())(*a, **k),
        torch_fn=lambda *a, **k: make(_torch())(*a, **k),
    )


def _values(r):
    return r[0] if isinstance(r, tuple) else r


def _values_row(name, samples):
    """Integer rows where ties make the chosen index unspecified: compare the values."""
    return OpInfo(
        name + ".values",
        lambda dt: samples,
        dtypes=tuple(INTS),
        grad=False,
        ember_fn=lambda *a, **k: _values(getattr(_ember(), name)(*a, **k)),
        torch_fn=lambda *a, **k: _values(getattr(_torch(), name)(*a, **k)),
    )


def search_samples(dtype):
    return [
        S(Arg((6,)), Arg((3, 4))),
        S(Arg((6,)), Arg((5,)), right=True),
        S(Arg((6,)), Arg((5,)), out_int32=True),
        S(Arg((3, 6)), Arg((3, 4)), side="right"),
        S(Arg((6,)), Arg((0,))),
    ]


def unique_samples(dtype):
    return [
        S(Arg((12,), low=0, high=5)),
        S(Arg((3, 8), low=0, high=5), return_inverse=True, return_counts=True),
        S(Arg((3, 8), low=0, high=5), sorted=False, return_inverse=True),
        S(Arg((6, 2), low=0, high=2), dim=0, return_inverse=True, return_counts=True),
        S(Arg((2, 6), low=0, high=2), dim=1, return_counts=True),
        S(Arg((0,)), return_counts=True),
    ]


def unique_consecutive_samples(dtype):
    return [s for s in unique_samples(dtype) if "sorted" not in s.kwargs]


OPS = [
    OpInfo("sum", reduce_samples, dtypes=ANY),
    OpInfo(
        "sum",
        lambda dt: [S(Arg((3, 4)), 1, dtype=_ember().float64)],
        dtypes=("int32",),
        ember_fn=lambda x, *a, dtype=None, **k: _ember().sum(x, *a, dtype=dtype, **k),
        torch_fn=lambda x, *a, dtype=None, **k: _torch().sum(x, *a, dtype=_torch().float64, **k),
        grad=False,
    ),
    OpInfo(
        "mean",
        reduce_samples,
        dtypes=tuple(ALL_FLOATS),
        errors=lambda: [S(Arg((3,), "int64")), S(Arg((3,), "bool"))],
    ),
    OpInfo("prod", single_dim_samples, dtypes=ANY, errors=lambda: [S(Arg((2, 3)), (0, 1))]),
    OpInfo("max", select_samples, dtypes=ANY, errors=empty_full_error),
    OpInfo("min", select_samples, dtypes=ANY, errors=empty_full_error),
    OpInfo(
        "max_other",
        lambda dt: [S(Arg((3, 4)), Arg((4,)))],
        dtypes=NUM,
        ember_fn=lambda a, b: _ember().max(a, b),
        torch_fn=lambda a, b: _torch().max(a, b),
    ),
    OpInfo("amax", amax_samples, dtypes=ANY, errors=lambda: [S(Arg((0,))), S(Arg((0, 3)), 0)]),
    OpInfo("amin", amax_samples, dtypes=ANY, errors=lambda: [S(Arg((0,)))]),
    OpInfo("argmax", select_samples, dtypes=NUM, grad=False, errors=empty_full_error),
    OpInfo("argmin", select_samples, dtypes=NUM, grad=False, errors=empty_full_error),
    OpInfo(
        "aminmax",
        lambda dt: [S(Arg((3, 4))), S(Arg((3, 4)), dim=1), S(Arg((3, 4)), dim=-1, keepdim=True)],
        dtypes=NUM,
        errors=lambda: [S(Arg((0,)))],
    ),
    OpInfo("var", var_samples, dtypes=F + ("complex64",), errors=lambda: [S(Arg((3,), "int64"))]),
    OpInfo("std", var_samples, errors=lambda: [S(Arg((3,), "int64"))]),
    OpInfo("var_mean", var_samples, method=False),
    OpInfo("std_mean", var_samples, method=False),
    OpInfo(
        "logsumexp",
        lambda dt: [
            S(Arg((3, 4)), 1),
            S(Arg((2, 3, 4)), (0, 2), True),
            S(Arg(()), 0),
            S(Arg((0, 3)), 0),
            S(Arg((0, 3)), 1),
            S(Arg((3, 4), low=-200, high=200), 1, desc="large"),
        ],
        dtypes=NUM,
        errors=lambda: [S(Arg((3,)))],
    ),
    OpInfo("all", reduce_samples, dtypes=ANY, grad=False),
    OpInfo("any", reduce_samples, dtypes=ANY, grad=False),
    OpInfo(
        "count_nonzero",
        lambda dt: [
            S(Arg((3, 4), low=-1, high=2)),
            S(Arg((3, 4), low=-1, high=2), 1),
            S(Arg((2, 3, 4), low=-1, high=2), (0, 2)),
        ],
        dtypes=ANY,
        grad=False,
    ),
    OpInfo("nansum", reduce_samples, dtypes=tuple(d for d in NUM if d != "float16")),
    OpInfo("nanmean", reduce_samples, dtypes=F, errors=lambda: [S(Arg((3,), "int64"))]),
    OpInfo(
        "norm",
        lambda dt: [
            S(Arg((3, 4))),
            S(Arg((3, 4)), 1),
            S(Arg((3, 4)), 3, 1, True),
            S(Arg((3, 4)), 0.5, 0),
            S(Arg((3, 4)), float("inf"), 1),
            S(Arg((3, 4)), -float("inf")),
            S(Arg((3, 4)), 0, 1),
            S(Arg((3, 4)), "fro", (0, 1)),
            S(Arg((2, 3, 4)), 2, (0, 2)),
            S(Arg(())),
        ],
        dtypes=F,
        errors=lambda: [S(Arg((3,), "int64"))],
    ),
    OpInfo("cumsum", scan_samples, dtypes=ANY),
    OpInfo("cumprod", scan_samples, dtypes=ANY),
    OpInfo("cummax", scan_samples, dtypes=NUM),
    OpInfo("cummin", scan_samples, dtypes=NUM),
    OpInfo("logcumsumexp", scan_samples, dtypes=F, errors=lambda: [S(Arg((3,), "int64"), 0)]),
    OpInfo(
        "diff",
        lambda dt: [
            S(Arg((3, 5))),
            S(Arg((3, 5)), 2, 0),
            S(Arg((3, 5)), 1, -1, Arg((3, 1)), Arg((3, 2))),
            S(Arg((4,)), 5),
            S(Arg((3, 4), noncontig=True), 1, 0),
        ],
        dtypes=ANY,
        errors=lambda: [S(Arg(()))],
    ),
    OpInfo("sort", sort_samples, dtypes=ANY),
    OpInfo("sort", int_sort_samples, dtypes=tuple(INTS) + ("bool",), grad=False),
    OpInfo("argsort", sort_samples, dtypes=NUM, grad=False),
    OpInfo("msort", lambda dt: [S(Arg((4, 3))), S(Arg((5,)))], dtypes=NUM),
    OpInfo(
        "topk",
        lambda dt: [
            S(Arg((3, 6)), 2),
            S(Arg((3, 6)), 3, 0),
            S(Arg((3, 6)), 2, largest=False),
            S(Arg((6,)), 0),
            S(Arg((6,)), 6),
        ],
        dtypes=tuple(ALL_FLOATS),
        errors=lambda: [S(Arg((3,)), 4), S(Arg((3,)), -1)],
    ),
    OpInfo(
        "kthvalue",
        lambda dt: [
            S(Arg((3, 6)), 2),
            S(Arg((3, 6)), 3, 0),
            S(Arg((3, 6)), 1, -1, True),
            S(Arg(()), 1),
        ],
        dtypes=F,
        errors=lambda: [S(Arg((3,)), 4), S(Arg((0,)), 1)],
    ),
    _values_row("kthvalue", [S(Arg((3, 6)), 2), S(Arg((3, 6)), 3, 0)]),
    OpInfo(
        "median",
        lambda dt: [
            S(Arg((3, 6))),
            S(Arg((3, 5))),
            S(Arg((3, 6)), 1),
            S(Arg((4, 5)), 0, True),
            S(Arg(())),
        ],
        dtypes=tuple(ALL_FLOATS),
        errors=lambda: [S(Arg((0,)), 0)],
    ),
    _values_row("median", [S(Arg((3, 6)), 1), S(Arg((4, 5)), 0, True), S(Arg((3, 5)))]),
    OpInfo("nanmedian", lambda dt: [S(Arg((3, 6))), S(Arg((3, 5)), 1)], dtypes=F),
    OpInfo(
        "mode",
        lambda dt: [
            S(Arg((3, 8), low=0, high=3)),
            S(Arg((4, 8), low=0, high=3), 0),
            S(Arg((3, 8), low=0, high=3), 1, True),
        ],
        dtypes=tuple(INTS),
        grad=False,
        errors=lambda: [S(Arg((0,)))],
    ),
    _q("quantile"),
    _q("nanquantile"),
    OpInfo("unique", unique_samples, dtypes=ANY, grad=False),
    OpInfo("unique_consecutive", unique_consecutive_samples, dtypes=ANY, grad=False),
    OpInfo(
        "bincount",
        lambda dt: [
            S(Arg((10,), low=0, high=6)),
            S(Arg((10,), low=0, high=6), minlength=9),
            S(Arg((10,), low=0, high=6), Arg((10,), "float32")),
            S(Arg((10,), low=0, high=6), Arg((10,), "int32")),
            S(Arg((0,))),
        ],
        dtypes=("uint8", "int32", "int64"),
        grad=False,
        errors=lambda: [
            S(Arg((3,), "float32")),
            S(Arg((2, 3), "int64")),
            S(Arg((3,), "int64", low=-5, high=-1)),
        ],
    ),
    OpInfo(
        "histc",
        lambda dt: [
            S(Arg((20,))),
            S(Arg((4, 5)), 7),
            S(Arg((20,)), 5, -1, 1),
            S(Arg((20,)), 4, 1, 1),
        ],
        dtypes=F,
        grad=False,
        errors=lambda: [S(Arg((3,), "int64")), S(Arg((3,)), 3, 2, 1)],
    ),
    OpInfo(
        "histogram",
        lambda dt: [
            S(Arg((20,)), 5),
            S(Arg((4, 5)), 7, range=(-1.0, 1.0)),
            S(Arg((20,)), 4, weight=Arg((20,)), density=True),
        ],
        dtypes=F,
        grad=False,
        method=False,
    ),
    OpInfo(
        "searchsorted",
        search_samples,
        dtypes=("int64",) + F,
        grad=False,
        **_sorted_call("searchsorted"),
    ),
    OpInfo(
        "bucketize",
        lambda dt: [S(Arg((6,)), Arg((3, 4))), S(Arg((6,)), Arg((5,)), right=True)],
        dtypes=("int64",) + F,
        grad=False,
        **_sorted_call("bucketize"),
    ),
]
