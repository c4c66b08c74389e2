"""Matrix products: matmul and its special cases, the add-and-multiply family, einsum.

``matmul`` and ``einsum`` are the primitives; everything else here (mv, dot, outer,
addmm, tensordot, kron, ...) is composed from them and needs no gradient code.
Decompositions and ``ember.linalg`` live in ``linalg_decomp.py`` and ``linalg_norms.py``.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._autograd.node import show_grad_fn_as
from ._helpers import (
    Tensor,
    check_tensor,
    dispatch,
    handle_out,
    inplace_by_copy,
    type_word,
    wrap_dim,
)
from ._registry import Op, export, register

# --- matmul ----------------------------------------------------------------------------------


def _cpp(dt):
    """The C++ scalar name PyTorch prints in dtype-mismatch messages."""
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "float16": "c10::Half", "bfloat16": "c10::BFloat16", "bool": "bool",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            }[dt.name]  # fmt: skip


def _same_dtype_rule(args, attrs):
    dt = args[0].dtype
    for a in args[1:]:
        if a.dtype is not dt:
            raise RuntimeError(
                f"expected m1 and m2 to have the same dtype, but got: {_cpp(dt)} != {_cpp(a.dtype)}"
            )
    if dt is D.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    return dt, dt


def _x(shape):
    return "x".join(map(str, shape))


def _lst(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def check_matmul(a, b):
    """PyTorch's shape checks for ``a @ b``, in the order PyTorch makes them."""
    na, nb = a.ndim, b.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    sa, sb = tuple(a.shape), tuple(b.shape)
    if na == 1 and nb == 1:
        if sa != sb:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have "
                f"the same number of elements, but got {sa[0]} and {sb[0]} elements respectively"
            )
        return
    if nb == 1 and na >= 2:
        rows = math.prod(sa[:-1])
        if sa[-1] != sb[0]:
            raise RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
            )
        return
    if nb == 2 and na <= 2 or (nb == 2 and na > 2):
        m = (1, sa[0]) if na == 1 else (math.prod(sa[:-1]), sa[-1])
        if m[1] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_x(m)} and {_x(sb)})")
        return
    ba, bb = sa[:-2], sb[:-2]
    try:
        batch = np.broadcast_shapes(ba, bb)
    except ValueError:
        _broadcast_error(ba, bb)
    k_a = sa[-1]
    k_b = sb[-2]
    if k_a != k_b:
        nbatch = math.prod(batch)
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{nbatch}, {k_a}] but got: [{nbatch}, {k_b}]."
        )


def _broadcast_error(sa, sb):
    for i in range(1, builtins.max(len(sa), len(sb)) + 1):
        x = sa[-i] if i <= len(sa) else 1
        y = sb[-i] if i <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - i
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {dim}"
            )


def _matmul_fwd(xp, a, b):
    return xp.matmul(a, b)


def _matmul_bwd(c, g):
    a, b = c.inputs
    ga = gb = None
    if a.ndim == 1 and b.ndim == 1:
        ga = g * b.conj() if c.next_edges[0] is not None else None
        gb = g * a.conj() if c.next_edges[1] is not None else None
        return ga, gb
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
            if gb.ndim > 1:
                gb = gb.reshape(-1, gb.shape[-1]).sum(0)
        else:
            gb = a.mT.conj() @ g
    return ga, gb


def _product(name, grad_name):
    return register(Op(name, _matmul_fwd, _matmul_bwd, _same_dtype_rule, "i", grad_name=grad_name))


MATMUL = _product("matmul", "MmBackward0")
MM = _product("mm", "MmBackward0")
BMM = _product("bmm", "BmmBackward0")
MV = _product("mv", "MvBackward0")
DOT = _product("dot", "DotBackward0")


@export
def matmul(input, other, *, out=None):
    check_tensor("matmul", input)
    check_tensor("matmul", other, "other", 2)
    check_matmul(input, other)
    res = dispatch(MATMUL, (input, other))
    if res.grad_fn is not None:
        show_grad_fn_as(res, _matmul_grad_name(input.ndim, other.ndim))
    return handle_out(out, res)


def _matmul_grad_name(a: int, b: int) -> str:
    """The node torch's matmul ends with for operands of these ranks."""
    if a > 2 or b > 2:
        return "UnsafeViewBackward0"
    return {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4"}.get(
        (a, b), "MmBackward0"
    )


@export
def mm(input, mat2, *, out=None):
    check_tensor("mm", input)
    check_tensor("mm", mat2, "mat2", 2)
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    check_matmul(input, mat2)
    return handle_out(out, dispatch(MM, (input, mat2)))


@export
def bmm(input, mat2, *, out=None):
    check_tensor("bmm", input)
    check_tensor("bmm", mat2, "mat2", 2)
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    sa, sb = tuple(input.shape), tuple(mat2.shape)
    if sb[0] != sa[0] or sb[1] != sa[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
            f"but got: [{sb[0]}, {sb[1]}]."
        )
    return handle_out(out, dispatch(BMM, (input, mat2)))


@export
def mv(input, vec, *, out=None):
    check_tensor("mv", input)
    check_tensor("mv", vec, "vec", 2)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.dtype is not vec.dtype:
        w = type_word
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {w(input.dtype)}, "
            f"{w(input.dtype)}, and {w(vec.dtype)}"
        )
    check_matmul(input, vec)
    return handle_out(out, dispatch(MV, (input, vec)))


def _check_vectors(name, a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"{name} : expected both vectors to have same dtype, but found "
            f"{type_word(a.dtype)} and {type_word(b.dtype)}"
        )
    check_matmul(a, b)


@export
def dot(input, tensor, *, out=None):
    check_tensor("dot", input)
    check_tensor("dot", tensor, "tensor", 2)
    _check_vectors("dot", input, tensor)
    return handle_out(out, dispatch(DOT, (input, tensor)))


@export
def vdot(input, other, *, out=None):
    check_tensor("vdot", input)
    check_tensor("vdot", other, "other", 2)
    _check_vectors("dot", input, other)
    return handle_out(out, dispatch(DOT, (input.conj(), other)))


@export
def inner(input, other, *, out=None):
    check_tensor("inner", input)
    check_tensor("inner", other, "other", 2)
    if input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if input.ndim == 0 or other.ndim == 0:
        return handle_out(out, input * other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{_lst(input.shape)} and {_lst(other.shape)}"
        )
    return handle_out(out, tensordot(input, other, ([-1], [-1])))


@export(names=("outer", "ger"))
def outer(input, vec2, *, out=None):
    check_tensor("outer", input)
    check_tensor("outer", vec2, "vec2", 2)
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(
            f"outer: Expected 1-D argument self, but got {input.ndim}-D"
            if input.ndim != 1
            else f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D"
        )
    return handle_out(out, input.unsqueeze(-1) * vec2)


# --- add-and-multiply family -------------------------------------------------------------------


def _addmul_finish(input, prod, beta, alpha):
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        # PyTorch ignores input (nan included) but still gives it a zero gradient
        never = Tensor._make(np.zeros(input.shape, dtype=bool), D.bool_, input.device)
        return prod.where(~never, input)
    if beta != 1:
        input = input * beta
    return input + prod


def _same_dtype(name, *ts):
    if any(t.dtype is not ts[0].dtype for t in ts):
        raise RuntimeError(
            f"{name}: expected all inputs to have the same dtype, but got "
            + ", ".join(type_word(t.dtype) for t in ts)
        )


@export
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    check_tensor("addmm", input)
    if input.dtype is not mat1.dtype and input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {type_word(input.dtype)} and "
            f"{type_word(mat2.dtype)}"
        )
    prod = mm(mat1, mat2)
    if input.dtype is not prod.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {type_word(input.dtype)} and "
            f"{type_word(mat2.dtype)}"
        )
    _check_broadcast(input, prod)
    return handle_out(out, _addmul_finish(input, prod, beta, alpha))


def _check_broadcast(input, prod):
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(prod.shape))
    except ValueError:
        _broadcast_error(tuple(input.shape), tuple(prod.shape))
    if input.ndim > prod.ndim or np.broadcast_shapes(input.shape, prod.shape) != prod.shape:
        raise RuntimeError(
            f"The expanded size of the tensor ({prod.shape[-1] if prod.ndim else 1}) must match "
            f"the existing size ({input.shape[-1] if input.ndim else 1}) at non-singleton "
            f"dimension {builtins.max(input.ndim, prod.ndim) - 1}.  Target sizes: "
            f"{_lst(prod.shape)}.  Tensor sizes: {_lst(input.shape)}"
        )


@export
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    check_tensor("addmv", input)
    _same_dtype("addmv", input, mat, vec)
    prod = mv(mat, vec)
    _check_broadcast(input, prod)
    return handle_out(out, _addmul_finish(input, prod, beta, alpha))


@export
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    check_tensor("addr", input)
    prod = outer(vec1, vec2)
    _check_broadcast(input, prod)
    if input.dtype is D.bool_ and prod.dtype is D.bool_:
        p = prod if alpha else prod & False
        return handle_out(out, p | input if beta else p)
    return handle_out(out, _addmul_finish(input, prod, beta, alpha))


@export
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    check_tensor("baddbmm", input)
    prod = bmm(batch1, batch2)
    if input.dtype is not prod.dtype:
        raise RuntimeError(
            f"Input dtypes must be the same, got: input {type_word(input.dtype)}, batch1: "
            f"{type_word(batch1.dtype)}, batch2: {type_word(batch2.dtype)}"
        )
    _check_broadcast(input, prod)
    return handle_out(out, _addmul_finish(input, prod, beta, alpha))


@export
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    check_tensor("addbmm", input)
    prod = bmm(batch1, batch2).sum(0)
    if input.dtype is not prod.dtype:
        raise RuntimeError(
            f"Input dtypes must be the same, got: input {type_word(input.dtype)}, batch1: "
            f"{type_word(batch1.dtype)}, batch2: {type_word(batch2.dtype)}"
        )
    _check_broadcast(input, prod)
    return handle_out(out, _addmul_finish(input, prod, beta, alpha))


@export(method=False)
def chain_matmul(*matrices, out=None):
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    return handle_out(out, multi_dot(matrices))


def multi_dot(tensors, *, out=None):
    """``linalg.multi_dot``: the product of a chain, first and last may be vectors."""
    ts = list(tensors)
    if not ts:
        raise RuntimeError("multi_dot(): expected at least 2 tensors but got 0")
    if len(ts) == 1:
        if ts[0].ndim != 2:
            raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
        return handle_out(out, ts[0])
    first_vec = ts[0].ndim == 1
    last_vec = ts[-1].ndim == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.ndim != 2:
            where = "first" if i == 0 else "last" if i == len(ts) - 1 else None
            if where:
                raise RuntimeError(
                    f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D"
                )
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    for t in ts[1:]:
        if t.dtype is not ts[0].dtype:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{type_word(ts[0].dtype)} and tensor {ts.index(t)} {type_word(t.dtype)}"
            )
    for i in range(len(ts) - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {_lst(ts[i].shape)} and "
                f"{_lst(ts[i + 1].shape)} cannot be multiplied"
            )
    res = _chain(ts)
    if first_vec:
        res = res.squeeze(0)
    if last_vec:
        res = res.squeeze(-1)
    return handle_out(out, res)


def _chain(ts):
    """Multiply a chain of matrices in the cheapest order (dynamic programming)."""
    n = len(ts)
    if n <= 2:
        return ts[0] @ ts[1] if n == 2 else ts[0]
    dims = [ts[0].shape[0]] + [t.shape[1] for t in ts]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j] = q
                    split[i][j] = k

    def build(i, j):
        if i == j:
            return ts[i]
        k = split[i][j]
        return mm(build(i, k), build(k + 1, j))

    return build(0, n - 1)


# --- tensordot, kron -----------------------------------------------------------------------


@export(method=False)
def tensordot(a, b, dims=2, out=None):
    check_tensor("tensordot", a, "a")
    check_tensor("tensordot", b, "b", 2)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else list(da)
        db = [db] if isinstance(db, (int, np.integer)) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected scalar type {type_word(a.dtype)} but found {type_word(b.dtype)}"
        )
    da = [wrap_dim(d, a.ndim) for d in da]
    db = [wrap_dim(d, b.ndim) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                f"{x} and second has size {b.shape[y]} in dim {y}"
            )
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    la = [next(letters) for _ in range(a.ndim)]
    lb = [next(letters) for _ in range(b.ndim)]
    for x, y in zip(da, db):
        lb[y] = la[x]
    lo = [la[i] for i in range(a.ndim) if i not in da] + [
        lb[i] for i in range(b.ndim) if i not in db
    ]
    eq = "".join(la) + "," + "".join(lb) + "->" + "".join(lo)
    return handle_out(out, einsum(eq, a, b))


@export
def kron(input, other, *, out=None):
    check_tensor("kron", input)
    check_tensor("kron", other, "other", 2)
    n = builtins.max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    # interleave: a[..., i, 1, j, 1] * b[..., 1, k, 1, l] -> (i*k, j*l)
    sa = []
    sb = []
    for x, y in zip(a.shape, b.shape):
        sa += [x, 1]
        sb += [1, y]
    prod = a.reshape(sa) * b.reshape(sb)
    return handle_out(out, prod.reshape([x * y for x, y in zip(a.shape, b.shape)]))


# --- einsum ----------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(equation, shapes):
    """The equation with ellipses made explicit: (input label lists, output labels)."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for ch in eq.replace("...", "").replace(",", "").replace("->", ""):
        if ch not in _LETTERS:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {eq.index(ch)} in the equation "
                f"string, subscripts must be in [a-zA-Z]"
            )
    used = set(eq)
    spare = [c for c in _LETTERS[::-1] if c not in used]
    ell_n = 0
    for t, shape in zip(terms, shapes):
        if "..." in t:
            ell_n = builtins.max(ell_n, len(shape) - (len(t) - 3))
    ell = spare[:ell_n][::-1]
    ins = []
    sizes = {}
    for i, (t, shape) in enumerate(zip(terms, shapes)):
        if "..." in t:
            k = len(shape) - (len(t) - 3)
            if k < 0:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(t) - 3}) is more "
                    f"than the number of dimensions ({len(shape)}) for operand {i}"
                )
            pre, post = t.split("...")
            labels = list(pre) + ell[ell_n - k :] + list(post)
        else:
            if len(t) != len(shape):
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(t)}) does not "
                    f"match the number of dimensions ({len(shape)}) for operand {i} and no "
                    f"ellipsis was given"
                )
            labels = list(t)
        seen = {}
        for lab, n in zip(labels, shape):
            if lab in seen and seen[lab] != n:
                raise RuntimeError(
                    f"einsum(): subscript {lab} is repeated for operand {i} but the sizes don't "
                    f"match, {n} != {seen[lab]}"
                )
            seen[lab] = n
            prev = sizes.get(lab)
            if prev is not None and prev != n and prev != 1 and n != 1:
                raise RuntimeError(
                    f"einsum(): subscript {lab} has size {n} for operand {i} which does not "
                    f"broadcast with previously seen size {prev}"
                )
            if prev is None or prev == 1:
                sizes[lab] = n
        ins.append(labels)
    if rhs is None:
        counts = {}
        for labels in ins:
            for lab in labels:
                if lab not in ell:
                    counts[lab] = counts.get(lab, 0) + 1
        out = ell + sorted((c for c, k in counts.items() if k == 1), key=_LETTERS.index)
    else:
        if "..." in rhs:
            pre, post = rhs.split("...")
            out = list(pre) + ell + list(post)
        else:
            out = list(rhs)
        seen = set()
        present = {lab for labels in ins for lab in labels}
        for lab in out:
            if lab in seen:
                raise RuntimeError(
                    f"einsum(): output subscript {lab} appears more than once in the output"
                )
            if lab not in present:
                raise RuntimeError(
                    f"einsum(): output subscript {lab} does not appear in the equation for any "
                    "input operand"
                )
            seen.add(lab)
    return ins, out, sizes


def _eq(ins, out):
    return ",".join("".join(t) for t in ins) + "->" + "".join(out)


def _einsum_fwd(xp, *ops, equation, ins=None, out=None):
    if len(ops) <= 2:
        return xp.einsum(equation, *ops)
    return xp.einsum(equation, *ops, optimize="greedy")


def _einsum_bwd(c, g):
    ops = c.inputs
    ins, out = c.attrs["ins"], c.attrs["out"]
    grads = []
    for i, labels in enumerate(ins):
        if c.next_edges[i] is None:
            grads.append(None)
            continue
        others = [(ins[j], ops[j].conj()) for j in range(len(ops)) if j != i]
        avail = set(out)
        for lab, _ in others:
            avail.update(lab)
        uniq = list(dict.fromkeys(labels))
        target = [lab for lab in uniq if lab in avail]
        gi = einsum(_eq([out] + [lab for lab, _ in others], target), g, *(o for _, o in others))
        # labels only this operand has were summed away: the gradient is constant along them
        shape = c.input_meta[i][0]
        size = dict(zip(labels, shape))
        if len(target) != len(uniq):
            for k, lab in enumerate(uniq):
                if lab not in avail:
                    gi = gi.unsqueeze(k)
            gi = gi.expand([size[lab] for lab in uniq])
        # repeated labels (a diagonal was read): put the gradient back on that diagonal
        if len(uniq) != len(labels):
            fresh = iter(c for c in _LETTERS if c not in labels and c not in out)
            full = []
            eyes = []
            seen = set()
            for lab in labels:
                if lab in seen:
                    new = next(fresh)
                    eye = Tensor._make(np.eye(size[lab], dtype=g.dtype.np), g.dtype, g.device)
                    eyes.append(([lab, new], eye))
                    full.append(new)
                else:
                    full.append(lab)
                    seen.add(lab)
            gi = einsum(_eq([uniq] + [e[0] for e in eyes], full), gi, *(e[1] for e in eyes))
        grads.append(gi)
    return tuple(grads)


def _einsum_rule(args, attrs):
    dt, _ = _same_dtype_rule(args, attrs)
    # PyTorch first sums away labels that only one operand has, and sums promote integers
    if dt.category < D.FLOAT:
        ins, out = attrs["ins"], attrs["out"]
        for i, labels in enumerate(ins):
            others = set(out).union(*(ins[j] for j in range(len(ins)) if j != i))
            if any(lab not in others for lab in labels):
                return D.int64, D.int64
    return dt, dt


EINSUM = register(Op("einsum", _einsum_fwd, _einsum_bwd, _einsum_rule, "i"))


def _einsum_rule_check(ops):
    for o in ops[1:]:
        if o.dtype is not ops[0].dtype:
            raise RuntimeError(
                f"expected scalar type {type_word(ops[0].dtype)} but found {type_word(o.dtype)}"
            )


@export(method=False)
def einsum(equation, *operands):
    """Sum of products over the labelled dimensions of ``operands`` (``torch.einsum``)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise NotImplementedError("einsum(): the sublist format is not supported yet")
    for i, o in enumerate(operands):
        if not isinstance(o, Tensor):
            raise TypeError(
                f"einsum(): argument 'operands' must be tuple of Tensors, but found element of "
                f"type {type(o).__name__} at pos {i}"
            )
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    ins, out, _ = _parse_einsum(equation, [tuple(o.shape) for o in operands])
    _einsum_rule_check(operands)
    attrs = {"equation": _eq(ins, out), "ins": ins, "out": out}
    return dispatch(EINSUM, tuple(operands), attrs)


# --- cross, cdist -------------------------------------------------------------------------


def _cross3(a, b, d):
    a0, a1, a2 = (_take(a, d, k) for k in range(3))
    b0, b1, b2 = (_take(b, d, k) for k in range(3))
    parts = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    return _concat(parts, d)


def _take(t, d, k):
    return t.narrow(d, k, 1)


def _concat(parts, d):
    """Join keepdim slices along ``d`` (sums of products with one-hot vectors keep the dtype)."""
    n = len(parts)
    out = None
    for k, p in enumerate(parts):
        sel = np.zeros(n, dtype=p.dtype.np)
        sel[k] = 1
        shape = [1] * p.ndim
        shape[d] = n
        term = p * Tensor._make(sel.reshape(shape), p.dtype, p.device)
        out = term if out is None else out + term
    return out


def linalg_cross(input, other, *, dim=-1, out=None):
    check_tensor("linalg_cross", input)
    check_tensor("linalg_cross", other, "other", 2)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
            f"{other.shape[d]}"
        )
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    except ValueError:
        _broadcast_error(tuple(input.shape), tuple(other.shape))
    a, b = input.expand(shape), other.expand(shape)
    return handle_out(out, _cross3(a, b, d))


@export
def cross(input, other, dim=None, *, out=None):
    check_tensor("cross", input)
    check_tensor("cross", other, "other", 2)
    if dim is None:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dims = [i for i, s in enumerate(shape) if s == 3]
        if not dims:
            raise RuntimeError("no dimension of size 3 in input")
        dim = dims[0]
    return linalg_cross(input, other, dim=dim, out=out)


@export(method=False)
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    check_tensor("cdist", x1, "x1")
    check_tensor("cdist", x2, "x2", 2)
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if x1.dtype.category < D.FLOAT or x2.dtype.category < D.FLOAT:
        raise RuntimeError(
            f"cdist only supports floating-point dtypes, X1 got: {type_word(x1.dtype)}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    from .linalg_norms import _vector_norm

    return _vector_norm(diff, p, (diff.ndim - 1,), False)


# in-place variants (PyTorch's Tensor.addmm_ and friends)
for _n, _f in (("addmm", addmm), ("addmv", addmv), ("addr", addr), ("baddbmm", baddbmm),
               ("addbmm", addbmm)):  # fmt: skip
    export(inplace_by_copy(_f, _n), names=(_n + "_",))

# the rest of the family registers on import of this module
from . import linalg_decomp, linalg_norms  # noqa: E402, F401
