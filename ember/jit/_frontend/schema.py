"""The operator table of the TorchScript front ends.

TorchScript code (what ``torch.jit.save`` prints, and what ``ember.jit.script``
lowers Python to) calls operators by PyTorch's names: ``torch.add`` is
``aten::add``, ``ops.prim.device`` is ``prim::device``. This module maps each such
name to an ember callable over run-time values (ember Tensors, Python numbers,
bools, strings, lists, tuples, ``ember.device``), with aten's argument order and
its integer codes for dtypes, layouts and memory formats.

Every entry is a :class:`Schema`; :func:`lookup` finds one by qualified name
(``"aten::add"``) and applies the version upgraders of an archive (formats.md
§2.7): ``aten::div`` on integers truncates for version < 4, ``aten::full`` with
an int/bool fill gives the default float dtype for version < 5.

Overloads are picked at run time from the values (a Python int plus an int is
``aten::add.int``, a tensor plus anything is ``aten::add.Tensor``), which gives
the same results as aten's static overload choice for well-typed programs.
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import ember

F = None  # ember.nn.functional, bound lazily (nn imports the jit package)


def _F():
    global F
    if F is None:
        from ...nn import functional

        F = functional
    return F


# --- integer codes (stable c10 enums) --------------------------------------------------------

DTYPE_CODES: dict[int, object] = {
    0: ember.uint8,
    1: ember.int8,
    2: ember.int16,
    3: ember.int32,
    4: ember.int64,
    5: ember.float16,
    6: ember.float32,
    7: ember.float64,
    9: ember.complex64,
    10: ember.complex128,
    11: ember.bool,
    15: ember.bfloat16,
}
CODE_OF_DTYPE = {v: k for k, v in DTYPE_CODES.items()}
LAYOUT_CODES = {0: ember.strided, 1: ember.sparse_coo}
MEMORY_FORMAT_CODES = {
    0: ember.contiguous_format,
    1: ember.preserve_format,
    2: ember.channels_last,
}


def dtype_of(code):
    """An aten dtype argument (int code, ember dtype or None) as an ember dtype or None."""
    if code is None or isinstance(code, ember.dtype):
        return code
    if isinstance(code, bool) or not isinstance(code, int) or code not in DTYPE_CODES:
        raise RuntimeError(f"TorchScript: unsupported scalar type code {code!r}")
    return DTYPE_CODES[code]


def dtype_code(dt) -> int:
    """The c10 scalar-type code of an ember dtype (what ``ops.prim.dtype`` returns)."""
    return CODE_OF_DTYPE[dt]


def layout_of(code):
    if code is None or isinstance(code, ember.layout):
        return code
    return LAYOUT_CODES[code]


def memory_format_of(code):
    if code is None or isinstance(code, ember.memory_format):
        return code
    if code == 3:
        return getattr(ember, "channels_last_3d", ember.contiguous_format)
    return MEMORY_FORMAT_CODES[code]


def _factory_kwargs(dtype=None, layout=None, device=None, pin_memory=None):
    kw = {}
    if dtype is not None:
        kw["dtype"] = dtype_of(dtype)
    if device is not None:
        kw["device"] = device
    return kw


def _is_tensor(x) -> bool:
    return isinstance(x, ember.Tensor)


def _is_num(x) -> bool:
    return isinstance(x, (int, float, complex)) and not _is_tensor(x)


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """One TorchScript-callable operator.

    ``fn`` runs it on values. ``ret`` names its result type for the compiler's
    type checks: a TorchScript type string, ``"same"`` (the type of the first
    argument), ``"num"`` (int/float/bool by Python promotion when every input is
    a number, else Tensor) or ``"cmp"`` (bool for numbers, else Tensor).
    ``bump`` is the archive version from which the current semantics hold.
    """

    name: str
    fn: Callable
    ret: str = "Tensor"
    bump: int = 0


TABLE: dict[str, Schema] = {}


def op(name, ret="Tensor", bump=0):
    """Register ``fn`` as ``name`` (``"aten::x"``, ``"prim::x"``; a bare name means aten)."""

    def deco(fn):
        q = name if "::" in name else "aten::" + name
        TABLE[q] = Schema(q, fn, ret, bump)
        return fn

    return deco


def _arith(name, pyop, tensor_fn):
    def fn(a, b, alpha=1):
        if _is_num(a) and _is_num(b):
            return pyop(a, b * alpha if alpha != 1 else b)
        if alpha != 1:
            return tensor_fn(a, b, alpha=alpha)
        return tensor_fn(a, b)

    op(name, "num")(fn)


def _python_add(a, b):
    return a + b


_arith("add", _python_add, lambda a, b, **kw: ember.add(a, b, **kw))
_arith("sub", lambda a, b: a - b, lambda a, b, **kw: ember.sub(a, b, **kw))
_arith("rsub", lambda a, b: b - a, lambda a, b, **kw: ember.rsub(a, b, **kw))


@op("mul", "num")
def _mul(a, b):
    if _is_num(a) and _is_num(b):
        return a * b
    if isinstance(a, (list, str)):
        return a * b
    return ember.mul(a, b)


def _div_modern(a, b, rounding_mode=None):
    if _is_num(a) and _is_num(b):
        return a / b
    return ember.div(a, b, rounding_mode=rounding_mode)


def _div_v3(a, b, rounding_mode=None):
    """aten::div before version 4: integer operands truncate (upgrader div_*_0_3)."""

    def is_int(x):
        if _is_tensor(x):
            return not (x.is_floating_point() or x.is_complex())
        return isinstance(x, int)

    if rounding_mode is None and is_int(a) and is_int(b):
        if _is_num(a) and _is_num(b):
            q = abs(a) // abs(b)
            return q if (a >= 0) == (b >= 0) else -q
        return ember.div(a, b, rounding_mode="trunc")
    return _div_modern(a, b, rounding_mode)


op("div", "float", bump=4)(_div_modern)
op("div_", "same", bump=4)(lambda a, b, rounding_mode=None: a.div_(b, rounding_mode=rounding_mode))
op("true_divide")(lambda a, b: ember.div(a, b))


@op("floordiv", "num")
def _floordiv(a, b):
    return a // b


@op("floor_divide", "num")
def _floor_divide(a, b):
    if _is_num(a) and _is_num(b):
        return a // b
    return ember.floor_divide(a, b)


@op("remainder", "num")
def _remainder(a, b):
    if _is_num(a) and _is_num(b):
        return a % b
    return ember.remainder(a, b)


@op("pow", "num")
def _pow(a, b):
    if _is_num(a) and _is_num(b):
        return float(a**b) if isinstance(b, int) and b < 0 else a**b
    return ember.pow(a, b)


@op("neg", "num")
def _neg(a):
    return -a


def _cmp(name, pyop):
    def fn(a, b):
        if isinstance(a, ember.dtype):
            a = dtype_code(a)
        if isinstance(b, ember.dtype):
            b = dtype_code(b)
        if _is_tensor(a) or _is_tensor(b):
            return getattr(ember, name)(a, b)
        return pyop(a, b)

    op(name, "cmp")(fn)


_cmp("eq", lambda a, b: a == b)
_cmp("ne", lambda a, b: a != b)
_cmp("lt", lambda a, b: a < b)
_cmp("le", lambda a, b: a <= b)
_cmp("gt", lambda a, b: a > b)
_cmp("ge", lambda a, b: a >= b)

op("__is__", "bool")(lambda a, b: a is b or (a is None and b is None))
op("__isnot__", "bool")(lambda a, b: not (a is b or (a is None and b is None)))
op("__not__", "bool")(lambda a: not a)
op("__and__", "num")(lambda a, b: a & b)
op("__or__", "num")(lambda a, b: a | b)
op("__xor__", "num")(lambda a, b: a ^ b)
op("__contains__", "bool")(lambda c, x: x in c)
op("len", "int")(lambda x: len(x))
op("dim", "int")(lambda x: x.dim())
op("numel", "int")(lambda x: x.numel())
op("list", "same")(lambda x: list(x))
op("format", "str")(lambda s, *args: s.format(*args))
op("str", "str")(lambda x: str(x))
op("is_floating_point", "bool")(lambda x: x.is_floating_point())
op("is_grad_enabled", "bool")(lambda: ember.is_grad_enabled())
op("is_autocast_enabled", "bool")(lambda: False)
op("warn", "NoneType")(lambda msg, stacklevel=2: warnings.warn(msg, stacklevel=2))
op("item", "Scalar")(lambda x: x.item())
op("Int", "int")(lambda x: int(x))
op("Float", "float")(lambda x: float(x))
op("Bool", "bool")(lambda x: bool(x))
op("ScalarImplicit", "Scalar")(lambda x: x.item())
op("__getitem__", "elem")(lambda c, i: c[i])
op("_set_item", "NoneType")(lambda c, k, v: c.__setitem__(k, v))
op("keys", "List")(lambda d: list(d.keys()))
op("values", "List")(lambda d: list(d.values()))
op("items", "List")(lambda d: list(d.items()))
op("get", "elem")(lambda d, k, default=None: d.get(k, default))
op("pop", "elem")(lambda c, *a: c.pop(*a))
op("insert", "NoneType")(lambda c, i, x: c.insert(i, x))
op("extend", "NoneType")(lambda c, x: c.extend(x))
op("clear", "NoneType")(lambda c: c.clear())
op("copy", "same")(lambda c: c.copy())
op("join", "str")(lambda s, xs: s.join(xs))
op("split", "List[Tensor]")(
    lambda x, split_size_or_sections=None, dim=0, *rest: (
        x.split(split_size_or_sections, dim) if _is_tensor(x) else x.split(split_size_or_sections)
    )
)


@op("append", "same")
def _append(c, x):
    c.append(x)
    return c


@op("size")
def _size(x, dim=None):
    return list(x.shape) if dim is None else x.shape[dim]


@op("mathremainder", "float")
def _mathrem(a, b):
    return math.remainder(a, b)


@op("floor", "num")
def _floor(x):
    return math.floor(x) if _is_num(x) else ember.floor(x)


@op("ceil", "num")
def _ceil(x):
    return math.ceil(x) if _is_num(x) else ember.ceil(x)


@op("sqrt", "num")
def _sqrt(x):
    return math.sqrt(x) if _is_num(x) else ember.sqrt(x)


@op("abs", "num")
def _abs(x):
    return abs(x)


for _n in ("log", "exp", "sin", "cos", "tanh", "sigmoid"):
    # math-module versions for numbers, ember for tensors
    def _mk(n):
        def fn(x):
            if _is_num(x):
                return getattr(math, n)(x) if n != "sigmoid" else 1 / (1 + math.exp(-x))
            return getattr(ember, n)(x)

        return fn

    op(_n, "num")(_mk(_n))


@op("min", "num")
def _min(a, b=None, keepdim=False):
    if isinstance(a, list):
        return builtins.min(a)
    if _is_num(a) and _is_num(b):
        return builtins.min(a, b)
    if b is None:
        return ember.min(a)
    if isinstance(b, int) and _is_tensor(a):
        return tuple(ember.min(a, b, keepdim))
    return ember.minimum(a, b)


@op("max", "num")
def _max(a, b=None, keepdim=False):
    if isinstance(a, list):
        return builtins.max(a)
    if _is_num(a) and _is_num(b):
        return builtins.max(a, b)
    if b is None:
        return ember.max(a)
    if isinstance(b, int) and _is_tensor(a):
        return tuple(ember.max(a, b, keepdim))
    return ember.maximum(a, b)


# --- prim:: ---------------------------------------------------------------------------------

op("prim::NumToTensor")(lambda x: ember.tensor(x))
op("prim::device", "Device")(lambda x: x.device)
op("prim::dtype", "int")(lambda x: dtype_code(x.dtype))
op("prim::layout", "int")(lambda x: 0)
op("prim::requires_grad", "bool")(lambda x: x.requires_grad)
op("prim::is_cuda", "bool")(lambda x: x.device.type == "cuda")
op("prim::is_nested", "bool")(lambda x: False)
op("prim::is_sparse", "bool")(lambda x: False)
op("prim::is_quantized", "bool")(lambda x: False)
op("prim::is_mkldnn", "bool")(lambda x: False)
op("prim::type", "str")(lambda d: d.type)
op("prim::shape", "List[int]")(lambda x: list(x.shape))
op("prim::data")(lambda x: x.detach())
op("prim::grad", "Optional[Tensor]")(lambda x: x.grad)
op("prim::min", "num")(lambda *a: builtins.min(*a))
op("prim::max", "num")(lambda *a: builtins.max(*a))
op("prim::abs", "num")(lambda x: abs(x))
op("prim::unchecked_unwrap_optional", "same")(lambda x: x)


_EXC = {
    "builtins.ValueError": ValueError,
    "builtins.TypeError": TypeError,
    "builtins.RuntimeError": RuntimeError,
    "builtins.IndexError": IndexError,
    "builtins.KeyError": KeyError,
    "builtins.AssertionError": AssertionError,
    "builtins.NotImplementedError": NotImplementedError,
    "builtins.StopIteration": StopIteration,
}


@op("prim::RaiseException", "NoneType")
def _raise(msg, qualified_name=None):
    from . import errors as _errors

    raise _errors.make_exception(msg, _EXC.get(qualified_name))


op("prim::Uninitialized", "Any")(lambda: None)


# --- factories ------------------------------------------------------------------------------


def _factory(name):
    def fn(size, *, dtype=None, layout=None, device=None, pin_memory=None, **kw):
        return getattr(ember, name)(size, **_factory_kwargs(dtype, layout, device))

    op(name)(fn)


for _n in ("zeros", "ones", "empty", "rand", "randn"):
    _factory(_n)


def _like(name):
    def fn(x, *, dtype=None, layout=None, device=None, pin_memory=None, memory_format=None):
        return getattr(ember, name)(x, **_factory_kwargs(dtype, layout, device))

    op(name)(fn)


for _n in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"):
    _like(_n)


@op("full", bump=5)
def _full(size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=None):
    return ember.full(size, fill_value, **_factory_kwargs(dtype, layout, device))


def _full_v4(size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=None):
    """aten::full before version 5: an int/bool fill still gives the default float dtype."""
    if dtype is None:
        dtype = ember.get_default_dtype()
    return _full(size, fill_value, dtype=dtype, device=device)


@op("full_like")
def _full_like(x, fill_value, *, dtype=None, layout=None, device=None, pin_memory=None,
               memory_format=None):  # fmt: skip
    return ember.full_like(x, fill_value, **_factory_kwargs(dtype, layout, device))


@op("arange")
def _arange(*args, dtype=None, layout=None, device=None, pin_memory=None):
    return ember.arange(*args, **_factory_kwargs(dtype, layout, device))


@op("tensor")
def _tensor(data, *, dtype=None, device=None, requires_grad=False):
    return ember.tensor(data, dtype=dtype_of(dtype), device=device, requires_grad=requires_grad)


@op("scalar_tensor")
def _scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None):
    return ember.tensor(s, **_factory_kwargs(dtype, layout, device))


@op("linspace", bump=8)
def _linspace(start, end, steps, *, dtype=None, layout=None, device=None, pin_memory=None):
    return ember.linspace(start, end, steps, **_factory_kwargs(dtype, layout, device))


@op("device", "Device")
def _device(s, index=None):
    return ember.device(s) if index is None else ember.device(s, index)


# --- conversions ----------------------------------------------------------------------------


@op("to")
def _to(x, *args, non_blocking=False, copy=False, memory_format=None, dtype=None, device=None):
    # to(dtype, non_blocking, copy, mf) | to(device, dtype, non_blocking, copy, mf)
    # | to(other, non_blocking, copy, mf)
    args = list(args)
    if args and _is_tensor(args[0]):
        other = args.pop(0)
        dtype, device = other.dtype, other.device
    elif args and (isinstance(args[0], (ember.device, str)) or args[0] is None):
        device = args.pop(0)
        if args:
            dtype = args.pop(0)
    elif args:
        dtype = args.pop(0)
    if args:
        args.pop(0)  # non_blocking: ember copies synchronously
    if args:
        copy = args.pop(0)
    kw = {}
    if dtype is not None:
        kw["dtype"] = dtype_of(dtype)
    if device is not None:
        kw["device"] = device
    return x.to(copy=bool(copy), **kw)


op("type_as")(lambda x, o: x.type_as(o))
op("contiguous")(lambda x, memory_format=0: x.contiguous())
op("detach")(lambda x: x.detach())
op("clone")(lambda x, memory_format=None: x.clone())
op("float")(lambda x: x.float())
op("long")(lambda x: x.long())
op("int")(lambda x: x.int())
op("bool")(lambda x: x.bool())
op("double")(lambda x: x.double())
op("half")(lambda x: x.half())


# --- shape and indexing ---------------------------------------------------------------------


@op("slice", "same")
def _slice(x, dim=0, start=None, end=None, step=1):
    if not _is_tensor(x):  # list/str slicing: aten::slice.t(l, start, end, step)
        return x[dim:start:end]
    return x[(builtins.slice(None),) * (dim % x.dim()) + (builtins.slice(start, end, step),)]


op("select")(lambda x, dim, index: x.select(dim, index))
op("expand")(lambda x, size, implicit=False: x.expand(size))
op("view")(lambda x, size: x.view(size) if not isinstance(size, int) else x.view(dtype_of(size)))
op("reshape")(lambda x, shape: x.reshape(shape))
op("flatten")(lambda x, start_dim=0, end_dim=-1: x.flatten(start_dim, end_dim))
op("unflatten")(lambda x, dim, sizes: x.unflatten(dim, sizes))
op("permute")(lambda x, dims: x.permute(dims))
op("transpose")(lambda x, a, b: x.transpose(a, b))
op("t")(lambda x: x.t())
op("unsqueeze")(lambda x, d: x.unsqueeze(d))
op("squeeze")(lambda x, dim=None: x.squeeze() if dim is None else x.squeeze(dim))
op("chunk", "List[Tensor]")(lambda x, chunks, dim=0: list(x.chunk(chunks, dim)))
op("unbind", "List[Tensor]")(lambda x, dim=0: list(x.unbind(dim)))
op("split_with_sizes", "List[Tensor]")(lambda x, sizes, dim=0: list(x.split(sizes, dim)))
op("cat")(lambda ts, dim=0: ember.cat(ts, dim))
op("stack")(lambda ts, dim=0: ember.stack(ts, dim))
op("repeat")(lambda x, reps: x.repeat(reps))
op("index_select")(lambda x, dim, idx: x.index_select(dim, idx))
op("narrow")(lambda x, dim, start, length: x.narrow(dim, start, length))
op("masked_fill")(lambda x, m, v: x.masked_fill(m, v))
op("masked_fill_")(lambda x, m, v: x.masked_fill_(m, v))
op("where")(lambda c, a, b: ember.where(c, a, b))
op("gather")(lambda x, dim, idx, sparse_grad=False: ember.gather(x, dim, idx))
op("flip")(lambda x, dims: x.flip(dims))
op("roll")(lambda x, shifts, dims=(): x.roll(shifts, dims or None))
op("expand_as")(lambda x, o: x.expand_as(o))
op("view_as")(lambda x, o: x.view_as(o))
op("reshape_as")(lambda x, o: x.reshape_as(o))
op("copy_")(lambda x, src, non_blocking=False: x.copy_(src))
op("fill_")(lambda x, v: x.fill_(v))
op("zero_")(lambda x: x.zero_())
op("tril")(lambda x, diagonal=0: x.tril(diagonal))
op("triu")(lambda x, diagonal=0: x.triu(diagonal))


@op("index")
def _index(x, indices):
    # a None entry of aten::index means "all of this dimension", not a new axis
    return x[tuple(slice(None) if i is None else i for i in indices)]


@op("index_put_")
def _index_put_(x, indices, values, accumulate=False):
    return x.index_put_(tuple(indices), values, accumulate)


# --- reductions -----------------------------------------------------------------------------


def _reduce(name):
    def fn(x, dim=None, keepdim=False, *, dtype=None):
        kw = {"dtype": dtype_of(dtype)} if dtype is not None else {}
        if dim is None or (isinstance(dim, list) and not dim and name != "mean"):
            return getattr(ember, name)(x, **kw)
        if isinstance(dim, list) and not dim:
            return getattr(ember, name)(x, **kw)
        return getattr(ember, name)(x, dim, keepdim, **kw)

    op(name)(fn)


for _n in ("sum", "mean", "prod", "nansum"):
    _reduce(_n)


@op("var")
def _var(x, dim=None, unbiased=True, keepdim=False, *, correction=None):
    if isinstance(unbiased, list):  # var(x, dim, unbiased, keepdim) vs var.correction
        dim, unbiased = unbiased, True
    c = correction if correction is not None else int(bool(unbiased))
    return ember.var(x, dim, correction=c, keepdim=keepdim)


@op("std")
def _std(x, dim=None, unbiased=True, keepdim=False, *, correction=None):
    c = correction if correction is not None else int(bool(unbiased))
    return ember.std(x, dim, correction=c, keepdim=keepdim)


op("argmax")(lambda x, dim=None, keepdim=False: ember.argmax(x, dim, keepdim))
op("argmin")(lambda x, dim=None, keepdim=False: ember.argmin(x, dim, keepdim))
op("any")(
    lambda x, dim=None, keepdim=False: ember.any(x) if dim is None else ember.any(x, dim, keepdim)
)
op("all")(
    lambda x, dim=None, keepdim=False: ember.all(x) if dim is None else ember.all(x, dim, keepdim)
)
op("norm")(lambda x, p=2, dim=None, keepdim=False, dtype=None: ember.norm(x, p, dim, keepdim))


# --- linear algebra and nn ------------------------------------------------------------------

op("linear")(lambda x, w, b=None: _F().linear(x, w, b))
op("matmul")(lambda a, b: ember.matmul(a, b))
op("mm")(lambda a, b: ember.mm(a, b))
op("bmm")(lambda a, b: ember.bmm(a, b))
op("addmm")(lambda c, a, b, *, beta=1, alpha=1: ember.addmm(c, a, b, beta=beta, alpha=alpha))
op("baddbmm")(lambda c, a, b, *, beta=1, alpha=1: ember.baddbmm(c, a, b, beta=beta, alpha=alpha))
op("einsum")(lambda eq, ts, path=None: ember.einsum(eq, *ts))
op("clamp")(lambda x, min=None, max=None: ember.clamp(x, min, max))
op("clamp_")(lambda x, min=None, max=None: x.clamp_(min, max))
op("softmax")(lambda x, dim, dtype=None: _F().softmax(x, dim, dtype=dtype_of(dtype)))
op("log_softmax")(lambda x, dim, dtype=None: _F().log_softmax(x, dim, dtype=dtype_of(dtype)))
op("gelu")(lambda x, *, approximate="none": _F().gelu(x, approximate=approximate))
op("relu")(lambda x: _F().relu(x))
op("relu_")(lambda x: _F().relu_(x))


def _elu(x, alpha=1.0, scale=1.0, input_scale=1.0):
    # aten::elu: scale * (x if x > 0 else alpha * (exp(x * input_scale) - 1))
    if scale == 1.0 and input_scale == 1.0:
        return _F().elu(x, alpha)
    import ember

    neg = ember.expm1(ember.clamp(x, max=0) * input_scale) * alpha
    return ember.where(x > 0, x, neg) * scale


op("silu")(lambda x: _F().silu(x))
op("hardtanh")(lambda x, lo=-1.0, hi=1.0: _F().hardtanh(x, lo, hi))
op("leaky_relu")(lambda x, slope=0.01: _F().leaky_relu(x, slope))
op("elu")(_elu)
op("dropout")(lambda x, p, train: _F().dropout(x, p, train))
op("dropout_")(lambda x, p, train: _F().dropout(x, p, train, inplace=True))
op("feature_dropout")(lambda x, p, train: _F().dropout2d(x, p, train))
op("embedding")(
    lambda w, idx, padding_idx=-1, scale_grad_by_freq=False, sparse=False: _F().embedding(
        idx,
        w,
        None if padding_idx == -1 else padding_idx,
        scale_grad_by_freq=bool(scale_grad_by_freq),
        sparse=bool(sparse),
    )
)
op("layer_norm")(
    lambda x, shape, w=None, b=None, eps=1e-5, cudnn_enable=True: _F().layer_norm(
        x, shape, w, b, eps
    )
)
op("group_norm")(
    lambda x, g, w=None, b=None, eps=1e-5, cudnn_enable=True: _F().group_norm(x, g, w, b, eps)
)


@op("batch_norm")
def _batch_norm(x, w, b, mean, var, training, momentum, eps, cudnn_enabled=True):
    return _F().batch_norm(x, mean, var, w, b, training, momentum, eps)


@op("instance_norm")
def _instance_norm(x, w, b, mean, var, use_input_stats, momentum, eps, cudnn_enabled=True):
    return _F().instance_norm(x, mean, var, w, b, use_input_stats, momentum, eps)


def _conv(name, nd):
    def fn(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        return getattr(_F(), name)(x, w, b, stride, padding, dilation, groups)

    op(name)(fn)


for _nd in (1, 2, 3):
    _conv(f"conv{_nd}d", _nd)


def _conv_t(name):
    def fn(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        return getattr(_F(), name)(x, w, b, stride, padding, output_padding, groups, dilation)

    op(name)(fn)


for _nd in (1, 2, 3):
    _conv_t(f"conv_transpose{_nd}d")


@op("_convolution")
def _convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups,
                 *flags):  # fmt: skip
    nd = w.dim() - 2
    if transposed:
        fn = getattr(_F(), f"conv_transpose{nd}d")
        return fn(x, w, b, stride, padding, output_padding, groups, dilation)
    return getattr(_F(), f"conv{nd}d")(x, w, b, stride, padding, dilation, groups)


op("convolution")(lambda x, w, b, s, p, d, t, op_, g: _convolution(x, w, b, s, p, d, t, op_, g))


def _pool(name, fname, with_ceil=True):
    def fn(x, kernel_size, stride=(), padding=0, *rest):
        kw = {}
        if name.startswith("max"):
            dilation = rest[0] if len(rest) > 0 else 1
            ceil_mode = rest[1] if len(rest) > 1 else False
            return getattr(_F(), fname)(x, kernel_size, list(stride) or None, padding, dilation,
                                        ceil_mode)  # fmt: skip
        names = ("ceil_mode", "count_include_pad", "divisor_override")
        kw = dict(zip(names, rest))
        return getattr(_F(), fname)(x, kernel_size, list(stride) or None, padding, **kw)

    op(name)(fn)


for _nd in (1, 2, 3):
    _pool(f"max_pool{_nd}d", f"max_pool{_nd}d")
    _pool(f"avg_pool{_nd}d", f"avg_pool{_nd}d")
    op(f"adaptive_avg_pool{_nd}d")(
        (lambda n: lambda x, size: getattr(_F(), f"adaptive_avg_pool{n}d")(x, size))(_nd)
    )
    op(f"adaptive_max_pool{_nd}d", "Tuple[Tensor, Tensor]")(
        (lambda n: lambda x, size: getattr(_F(), f"adaptive_max_pool{n}d")(x, size, True))(_nd)
    )
    op(f"max_pool{_nd}d_with_indices", "Tuple[Tensor, Tensor]")(
        (
            lambda n: (
                lambda x, k, s=(), p=0, d=1, c=False: getattr(_F(), f"max_pool{n}d")(
                    x, k, list(s) or None, p, d, c, True
                )
            )
        )(_nd)
    )


@op("pad")
def _pad(x, pad, mode="constant", value=None):
    return _F().pad(x, pad, mode, 0.0 if value is None else value)


op("constant_pad_nd")(lambda x, pad, value=0: _F().pad(x, pad, "constant", value))


@op("scaled_dot_product_attention")
def _sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, *, scale=None,
          enable_gqa=False):  # fmt: skip
    return _F().scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale=scale)


def _rnn(mode):
    def fn(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
           batch_first):  # fmt: skip
        from . import _rnn_ops

        return _rnn_ops.run(mode, input, hx, params, has_biases, num_layers, dropout, train,
                            bidirectional, batch_first)  # fmt: skip

    return fn


op("lstm", "Tuple[Tensor, Tensor, Tensor]")(_rnn("LSTM"))
op("gru", "Tuple[Tensor, Tensor]")(_rnn("GRU"))
op("rnn_tanh", "Tuple[Tensor, Tensor]")(_rnn("RNN_TANH"))
op("rnn_relu", "Tuple[Tensor, Tensor]")(_rnn("RNN_RELU"))


# --- lookup ---------------------------------------------------------------------------------

# aten ops ember runs through a same-named ember function or Tensor method, args unchanged
_PASSTHROUGH_OK = (int, float, bool, type(None), list, tuple, str)


def _generic(name):
    """An aten op with no table entry, run by ember's own function or method of that name."""
    from ..._ops import _registry as R

    fn = R.FUNCTIONS.get(name) or getattr(ember, name, None)
    if callable(fn) and not isinstance(fn, type):
        return Schema("aten::" + name, fn, "Tensor")
    meth = R.METHODS.get(name) or getattr(ember.Tensor, name, None)
    if callable(meth):
        return Schema("aten::" + name, lambda x, *a, **k: getattr(x, name)(*a, **k), "Tensor")
    return None


def lookup(qualified: str, version: int | None = None) -> Schema | None:
    """The schema of ``"aten::x"`` / ``"prim::x"``, upgraded for ``version``; None if unknown."""
    s = TABLE.get(qualified)
    if s is None and qualified.startswith("aten::"):
        s = _generic(qualified[6:])
        if s is not None:
            TABLE[qualified] = s
            install_kind(qualified)
    if s is None or version is None:
        return s
    if qualified in ("aten::div", "aten::div_") and version < 4:
        if qualified == "aten::div":
            return Schema(qualified, _div_v3, s.ret)
        return Schema(
            qualified, lambda a, b, rounding_mode=None: a.copy_(_div_v3(a, b, rounding_mode)), s.ret
        )
    if qualified == "aten::full" and version < 5:
        return Schema(qualified, _full_v4, s.ret)
    return s


def required_version(names) -> int:
    """The archive version a writer must declare for code calling these qualified names."""
    v = 3
    for n in names:
        s = TABLE.get(n)
        if s is not None and s.bump:
            v = builtins.max(v, s.bump)
    if any(n == "aten::gelu" for n in names):
        v = builtins.max(v, 10)
    if any(n == "aten::logspace" for n in names):
        v = builtins.max(v, 9)
    return v


# --- helpers the compiler lowers Python syntax to --------------------------------------------


@op("_ember_getitem")
def _ember_getitem(x, key):
    return x[key]


@op("_ember_setitem", "NoneType")
def _ember_setitem(x, key, v):
    x[key] = v


op("_ember_slice", "Any")(lambda lo, hi, st: builtins.slice(lo, hi, st))
op("_ember_ellipsis", "Any")(lambda: Ellipsis)


# --- running aten:: nodes in the interpreter --------------------------------------------------

NOTE_KINDS = """
NOTE [ aten:: node kinds ]
Archive code calls operators by aten name with aten's argument conventions; the
front end builds ``aten::<name>`` nodes for them (inputs positional, then the
keyword inputs named by ``node.kwnames``; ``node.attrs["version"]`` is set when
an upgrader of formats.md §2.7 applies). The interpreter's primitive table has
no entry for them, so :func:`install_kind` registers one handler per kind that
runs ``lookup(kind, version).fn``. A printer writes ``aten::x`` back as
``torch.x(...)`` and ``prim::x`` as ``ops.prim.x(...)``; ``aten::_ember_*``
kinds are ember's own (tensor indexing) and print as Python subscripts.
"""


def _handler(n, env):
    s = lookup(n.kind, n.attrs.get("version"))
    vals = [env[v] for v in n.inputs]
    k = len(n.kwnames)
    if k:
        return s.fn(*vals[:-k], **dict(zip(n.kwnames, vals[-k:])))
    return s.fn(*vals)


def install_kind(kind: str) -> None:
    """Let the interpreter run nodes of ``kind`` (an ``aten::``/``prim::`` name of TABLE)."""
    from .. import _interpreter

    if not _interpreter.is_registered(kind):
        _interpreter.register_kind(kind, _handler)


def _install_all():
    for k in TABLE:
        install_kind(k)


_install_all()


def _no_fast_path(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            f"aten::{name} (PyTorch's fused inference fast path) is not implemented in ember; "
            "archives reach it only when torch.backends.mha.get_fastpath_enabled() is True, "
            "which ember reports as False"
        )

    op(name, "Any")(fn)
    install_kind("aten::" + name)


_no_fast_path("_transformer_encoder_layer_fwd")
_no_fast_path("_native_multi_head_attention")
