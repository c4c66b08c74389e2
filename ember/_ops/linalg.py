"""Matrix products and linear algebra."""

from __future__ import annotations

from .. import _dtype as D
from . import _registry as R
from ._helpers import check_tensor, dispatch, handle_out
from ._registry import Op, export, register


def _matmul_rule(args, attrs):
    a, b = args
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_w(a.dtype)} != {_w(b.dtype)}"
        )
    return a.dtype, a.dtype


def _w(dt):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "float16": "c10::Half", "bfloat16": "c10::BFloat16", "bool": "bool",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char"}[dt.name]  # fmt: skip


def _matmul_fwd(xp, a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
            f"{b.ndim}D"
        )
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same "
                "number of elements, but got %d and %d elements respectively" % (ka, kb, ka, kb)
            )
        sa = "x".join(map(str, (a.shape if a.ndim > 1 else (1,) + a.shape)[-2:]))
        sb = "x".join(map(str, b.shape[-2:] if b.ndim > 1 else b.shape + (1,)))
        if a.ndim > 2 or b.ndim > 2:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: "
                f"[{', '.join(map(str, b.shape[:-2]))}, {ka}] but got: "
                f"[{', '.join(map(str, b.shape[:-1] if b.ndim > 1 else b.shape))}]."
                if False
                else f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})"
            )
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
    return xp.matmul(a, b)


def _matmul_bwd(c, g):
    a, b = c.inputs
    ga = gb = None
    if a.ndim == 1 and b.ndim == 1:
        return (g * b.conj() if c.next_edges[0] else None, g * a.conj() if c.next_edges[1] else None)
    if c.next_edges[0] is not None:
        if b.ndim == 1:
            ga = g.unsqueeze(-1) * b.conj()
        elif a.ndim == 1:
            ga = (g.unsqueeze(-2) @ b.mT.conj()).squeeze(-2)
        else:
            ga = g @ b.mT.conj()
    if c.next_edges[1] is not None:
        if a.ndim == 1:
            gb = a.conj().unsqueeze(-1) * g.unsqueeze(-2)
        elif b.ndim == 1:
            gb = (a.mT.conj() @ g.unsqueeze(-1)).squeeze(-1)
        else:
            gb = a.mT.conj() @ g
    return ga, gb


MATMUL = register(
    Op("matmul", _matmul_fwd, _matmul_bwd, _matmul_rule, "i", grad_name="MmBackward0")
)


@export
def matmul(input, other, *, out=None):
    check_tensor("matmul", input)
    check_tensor("matmul", other, "other", 2)
    return handle_out(out, dispatch(MATMUL, (input, other)))


@export
def mm(input, mat2, *, out=None):
    check_tensor("mm", input)
    check_tensor("mm", mat2, "mat2", 2)
    if input.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    return handle_out(out, dispatch(MATMUL, (input, mat2)))


del D, R
