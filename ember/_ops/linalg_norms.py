"""Vector and matrix norms: ``linalg.vector_norm`` (the primitive), ``matrix_norm``, ``norm``."""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from ._helpers import (
    Tensor,
    check_tensor,
    dims_arg,
    dispatch,
    handle_out,
    inplace_by_copy,
    type_word,
    wrap_dim,
)
from ._registry import Op, export, register

INF = math.inf


def check_float(name, A, low_precision=False):
    if A.dtype.category < D.FLOAT:
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{type_word(A.dtype)}"
        )
    if not low_precision and A.dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {type_word(A.dtype)}")


def _vnorm_rule(args, attrs):
    dt = attrs.get("dtype") or args[0].dtype
    return dt, dt.to_real()


def _vnorm_fwd(xp, x, ord, dims=None, keepdim=False, dtype=None):
    a = xp.abs(x)
    if a.size == 0 and ord in (INF, -INF) or ord < 0 and a.size == 0:
        if dims is None or builtins.any(x.shape[d] == 0 for d in dims):
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                "operation does not have an identity"
            )
    if ord == INF:
        return xp.max(a, axis=dims, keepdims=keepdim) if a.size else a.sum(dims, keepdims=keepdim)
    if ord == -INF:
        return xp.min(a, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(a != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
    if ord == 1:
        return xp.sum(a, axis=dims, keepdims=keepdim)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=dims, keepdims=keepdim))
    return xp.sum(a**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


def _vnorm_bwd(c, g):
    (x,) = c.inputs
    n = c.out
    ord, dims, keepdim = c.attrs["ord"], c.attrs.get("dims"), c.attrs.get("keepdim", False)
    if not keepdim and dims is not None:
        for d in sorted(dims):
            g = g.unsqueeze(d)
            n = n.unsqueeze(d)
    elif not keepdim:
        g = g.reshape((1,) * x.ndim)
        n = n.reshape((1,) * x.ndim)
    if ord == 0:
        return (x.abs() * 0.0,)
    if ord == 1:
        return (x.sgn() * g,)
    if ord in (INF, -INF):
        mask = (x.abs() == n).to(g.dtype)
        count = mask.sum(dims, keepdim=True) if dims is not None else mask.sum()
        return (x.sgn() * mask * (g / count),)
    zero = n == 0
    safe = n.where(~zero, 1.0) if hasattr(n, "where") else n
    if ord == 2:
        scale = (g / safe).where(~zero, 0.0)
        return (x * scale,)
    ax = x.abs()
    if ord < 1:
        term = ax.pow(ord - 1).where(ax != 0, 0.0) * x.sgn()
    else:
        term = x * ax.pow(ord - 2) if ord >= 2 else x.sgn() * ax.pow(ord - 1)
    scale = (g / safe.pow(ord - 1)).where(~zero, 0.0)
    return (term * scale,)


VECTOR_NORM = register(Op("linalg_vector_norm", _vnorm_fwd, _vnorm_bwd, _vnorm_rule, "io"))


def _vector_norm(x, ord, dims, keepdim, dtype=None):
    attrs = {"ord": float(ord), "dims": dims, "keepdim": keepdim}
    if dtype is not None:
        attrs["dtype"] = D.as_dtype(dtype)
    return dispatch(VECTOR_NORM, (x,), attrs)


@export
def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along ``dim`` rescaled so its ``p``-norm is at most ``maxnorm``."""
    check_tensor("renorm", input)
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim < 2:
        raise RuntimeError(
            f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions"
        )
    d = wrap_dim(dim, input.ndim)
    others = tuple(i for i in range(input.ndim) if i != d)
    norms = input.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p)
    factor = (maxnorm / (norms + 1e-7)).where(norms > maxnorm, 1.0)
    return handle_out(out, input * factor)


export(inplace_by_copy(renorm, "renorm"), names=("renorm_",))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("linalg_vector_norm", x)
    check_float("linalg.vector_norm", x, low_precision=True)
    if isinstance(ord, Tensor):
        ord = ord.item()
    dims = dims_arg(dim, x.ndim) if x.ndim else None
    if dims == ():
        dims = None
    if dims is not None and x.ndim == 0:
        dims = None
    return handle_out(out, _vector_norm(x, ord, dims, keepdim, dtype))


def _matrix_dims(name, A, dim):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    d0, d1 = (wrap_dim(d, A.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    check_tensor("linalg_matrix_norm", A)
    name = "linalg.matrix_norm"
    check_float(name, A, low_precision=True)
    d0, d1 = _matrix_dims(name, A, dim)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        res = _vector_norm(A, 2, tuple(sorted((d0, d1))), keepdim)
    elif ord == "nuc" or ord in (2, -2):
        if isinstance(ord, str) and ord != "nuc":
            raise RuntimeError(f"{name}: Order {ord} not supported.")
        from .linalg_decomp import svdvals

        perm = [i for i in range(A.ndim) if i not in (d0, d1)] + [d0, d1]
        s = svdvals(A.permute(perm))
        if ord == "nuc":
            res = s.sum(-1)
        else:
            res = _vector_norm(s, INF if ord == 2 else -INF, (s.ndim - 1,), False)
        if keepdim:
            for d in sorted((d0, d1)):
                res = res.unsqueeze(d)
    elif ord in (1, -1, INF, -INF):
        if isinstance(ord, str):
            raise RuntimeError(f"{name}: Order {ord} not supported.")
        sum_dim, max_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=True)
        res = _vector_norm(s, INF if ord > 0 else -INF, (max_dim,), True)
        if not keepdim:
            res = res.squeeze(tuple(sorted((d0, d1))))
    else:
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    return handle_out(out, res)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """``linalg.norm``: a vector norm or a matrix norm, decided by ``ord`` and ``dim``."""
    check_tensor("linalg_norm", A)
    if dim is not None:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    else:
        dims = None
    if (
        isinstance(ord, str)
        or (dims is not None and len(dims) == 2)
        or (dims is None and ord is not None and A.ndim == 2)
    ):
        if dims is None:
            if A.ndim != 2:
                raise RuntimeError(
                    f"linalg.norm: If dim is not specified but ord is, the input must be 1D or "
                    f"2D. Got {A.ndim}D."
                )
            dims = (-2, -1)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if dims is None and ord is not None and A.ndim != 1:
        raise RuntimeError(
            f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)


def _torch_norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: the older spelling of linalg.norm / vector_norm."""
    check_tensor("norm", input)
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) != 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype, out=out)
        if dim is None:
            dim = (-2, -1)
        return matrix_norm(input, p, dim, keepdim, dtype=dtype, out=out)
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype, out=out)
