"""Op-table rows for joining, splitting and rearranging ops."""

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS, INTS

ANY = ("bool",) + tuple(INTS) + tuple(ALL_FLOATS)


def _one(*shapes):
    return lambda dt: [S(Arg(s)) for s in shapes]


def _fn(name, *args, **kwargs):
    import torch

    import ember

    def make(mod):
        return lambda *a: getattr(mod, name)(*a, *args, **kwargs)

    return make(ember), make(torch)


def row(name, samples, label=None, *args, dtypes=ANY, **kw):
    kwargs = kw.pop("kwargs", {})
    if "_list" in getattr(samples, "__qualname__", ""):
        kw.setdefault("gradcheck", False)  # leaves inside a list: checked against torch only
    e, t = _fn(name, *args, **kwargs)
    return OpInfo(label or name, samples, dtypes=dtypes, ember_fn=e, torch_fn=t, **kw)


def _list(*shapes):
    return lambda dt: [S([Arg(s) for s in shapes])]


M34 = _one((3, 4), (0, 4))
OPS = [
    row("cat", _list((2, 3), (1, 3), (0,)), "cat0"),
    row("cat", _list((2, 3), (2, 1)), "cat1", 1),
    row(
        "cat",
        lambda dt: [S([Arg((2, 3)), Arg((2, 3), "float64")])],
        "cat_promote",
        dtypes=("int32", "float32"),
        gradcheck=False,
    ),  # fmt: skip
    OpInfo(
        "cat",
        _list((2, 3), (2, 4)),
        gradcheck=False,
        errors=lambda: [S([Arg((2, 3)), Arg((2, 4))]), S([Arg(()), Arg(())]), S([])],
    ),  # fmt: skip
    row("stack", _list((2, 3), (2, 3)), "stack", 1),
    OpInfo(
        "stack", _list((2, 3), (2, 3)), errors=lambda: [S([Arg((2, 3)), Arg((3, 3))])], grad=False
    ),  # fmt: skip
    row("hstack", _list((2, 3), (2, 1))),
    row("hstack", _list((3,), (2,)), "hstack1d"),
    row("vstack", _list((3,), (2, 3))),
    row("dstack", _list((3,), (3,))),
    row("column_stack", _list((3,), (3, 2))),
    row("split", _one((5, 4)), "split_int", 2),
    row("split", _one((5, 4)), "split_list", [1, 3], 1),
    row("chunk", _one((5, 4), (0, 2)), "chunk", 3),
    row("unbind", _one((3, 2)), "unbind", 1),
    row("tensor_split", _one((7, 2)), "tensor_split", 3),
    row("tensor_split", _one((7, 2)), "tensor_split_idx", [1, 5, 9]),
    row("hsplit", _one((2, 6)), "hsplit", 3),
    row("vsplit", _one((4, 2)), "vsplit", [1]),
    row("atleast_3d", _one((), (3,), (2, 3))),
    row("broadcast_tensors", lambda dt: [S(Arg((3, 1)), Arg((4,)))]),
    row("meshgrid", lambda dt: [S(Arg((3,)), Arg((2,)))], "meshgrid_xy", kwargs={"indexing": "xy"}),
    row("meshgrid", lambda dt: [S(Arg((3,)), Arg(()))], "meshgrid_ij", kwargs={"indexing": "ij"}),
    row("cartesian_prod", lambda dt: [S(Arg((3,)), Arg((2,)))]),
    row("combinations", _one((4,)), "combinations", 2),
    row("combinations", _one((3,)), "combinations_rep", 2, True),
    row("block_diag", lambda dt: [S(Arg((2, 3)), Arg(()), Arg((2,)))]),
    row("flip", M34, "flip", (0, 1)),
    row("fliplr", M34),
    row("flipud", M34),
    row("roll", M34, "roll", (1, -2), (0, 1)),
    row("roll", M34, "roll_flat", 5),
    row("rot90", M34, "rot90", 1),
    row("rot90", M34, "rot90_3", 3, (1, 0)),
    row("tril", _one((3, 4), (2, 3, 3)), "tril", 1),
    row("triu", _one((3, 4), (2, 3, 3)), "triu", -1),
    OpInfo("tril", M34, errors=lambda: [S(Arg((3,)))]),
    row("diagonal", _one((3, 4), (2, 3, 4)), "diagonal", 1),
    row("diagonal", _one((3, 4, 2)), "diagonal_dims", -1, 0, 2),
    row("diag_embed", _one((2, 3)), "diag_embed", 1, 0, 2),
    row("diag_embed", _one((3,)), "diag_embed_1d", -1),
    row("diag", _one((3,), (3, 4)), "diag", -1),
    row("diagflat", _one((2, 2), ()), "diagflat", 1),
    row("trace", _one((3, 4)), dtypes=("int64", "float32", "float64")),
    OpInfo(
        "repeat",
        _one((2, 3), ()),
        ember_fn=lambda x: x.repeat(2, 1, 3),
        torch_fn=lambda x: x.repeat(2, 1, 3),
        dtypes=ANY,
    ),  # fmt: skip
    row("tile", _one((2, 3)), "tile", (2,)),
    row("repeat_interleave", _one((2, 3)), "repeat_interleave", 2, 1),
    row("repeat_interleave", _one((2, 3)), "repeat_interleave_flat", 3),
    row("take_along_dim", lambda dt: [S(Arg((3, 4)), Arg((3, 1), "int64", 0, 4))], "tad", 1),
    OpInfo(
        "unfold",
        _one((5, 4)),
        ember_fn=lambda x: x.unfold(0, 2, 2),
        torch_fn=lambda x: x.unfold(0, 2, 2),
        dtypes=ANY,
    ),  # fmt: skip
    OpInfo(
        "as_strided",
        _one((4, 4)),
        ember_fn=lambda x: x.as_strided((2, 3), (1, 2), 1),
        torch_fn=lambda x: x.as_strided((2, 3), (1, 2), 1),
        dtypes=ANY,
    ),  # fmt: skip
]
