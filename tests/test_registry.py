"""A test walks the registry: every binding exists in ember and in torch, every op has a backward.

``ember._ops.FUNCTIONS`` become ``ember.<name>``, ``METHODS`` become ``Tensor.<name>``; each
must name something torch 2.13 also has, so ember adds no spelling torch lacks. In-place
variants of the ops issues 2 and 3 list exist wherever torch has them, and every record in
``REGISTRY`` either has a backward or is listed below as deliberately non-differentiable.
"""

from __future__ import annotations

import inspect

import pytest

import ember
from ember._ops import FUNCTIONS, METHODS, REGISTRY

from .util import torch

# ember.<name> functions torch does not have, each with its reason (none today).
EMBER_ONLY_FUNCTIONS: dict[str, str] = {}
EMBER_ONLY_METHODS: dict[str, str] = {}

_BOOL_OUT = "result is bool: no gradient flows, as in PyTorch"
_INT_OUT = "result is an integer tensor: no gradient flows, as in PyTorch"
NON_DIFFERENTIABLE = {
    **{
        n: _BOOL_OUT
        for n in (
            "eq",
            "ne",
            "lt",
            "le",
            "gt",
            "ge",
            "logical_and",
            "logical_or",
            "logical_xor",
            "logical_not",
            "isnan",
            "isinf",
            "isfinite",
            "isposinf",
            "isneginf",
            "isreal",
            "signbit",
            "isclose",
            "all",
            "any",
        )
    },  # fmt: skip
    **{n: _INT_OUT for n in ("argmax", "argmin", "count_nonzero")},
    **{
        n: "integer-only op (PyTorch has no float kernel to differentiate)"
        for n in (
            "bitwise_and",
            "bitwise_or",
            "bitwise_xor",
            "bitwise_not",
            "bitwise_left_shift",
            "bitwise_right_shift",
            "gcd",
            "lcm",
        )
    },  # fmt: skip
    "heaviside": "PyTorch raises 'derivative for aten::heaviside is not implemented'",
    "aminmax": "this record runs only without grad; with grad aminmax is amin and amax, "
    "which carry PyTorch's AminmaxBackward0 formula",
}

# The op names of issue 2 and issue 3 whose in-place variants must exist where torch has them.
ISSUE_OPS = """
abs neg sign exp log log1p expm1 sqrt rsqrt sin cos tanh sigmoid erf floor ceil round clamp pow
reciprocal add sub mul div remainder maximum minimum where eq ne lt le gt ge logical_and
logical_or logical_xor logical_not sum mean prod max min amax amin argmax argmin std var
logsumexp cumsum all any view reshape flatten squeeze unsqueeze permute transpose t expand
repeat cat stack split chunk narrow select index_select gather scatter scatter_add masked_fill
tril triu matmul mm bmm addmm einsum
exp2 log2 log10 tan asin acos atan arcsin arccos arctan sinh cosh asinh acosh atanh arcsinh
arccosh arctanh logit erfc erfinv lgamma digamma polygamma i0 sinc trunc frac square
nan_to_num isnan isinf isfinite isneginf isposinf signbit deg2rad rad2deg angle real imag conj
true_divide floor_divide fmod float_power atan2 hypot fmax fmin lerp addcmul addcdiv logaddexp
logaddexp2 xlogy copysign nextafter ldexp gcd lcm bitwise_left_shift bitwise_right_shift
isclose allclose equal clip heaviside nansum nanmean aminmax std_mean var_mean norm
count_nonzero cumprod cummax cummin logcumsumexp median nanmedian mode kthvalue quantile
nanquantile topk sort argsort msort unique unique_consecutive bincount histc histogram diff
searchsorted bucketize view_as reshape_as unflatten movedim swapaxes swapdims expand_as
broadcast_to repeat_interleave tile tensor_split hsplit vsplit unbind take take_along_dim
scatter_reduce index_add index_copy index_fill index_put masked_scatter masked_select nonzero
argwhere flip fliplr flipud roll rot90 diag diag_embed diagonal diagflat trace unfold
as_strided mv dot vdot inner outer addbmm baddbmm addmv addr tensordot kron cross
bernoulli multinomial conj_physical
""".split()

# Tensor methods issue 3 names directly.
RANDOM_METHODS = (
    "random_", "exponential_", "geometric_", "cauchy_", "log_normal_", "bernoulli_", "uniform_",
    "normal_", "fill_", "zero_",
)  # fmt: skip


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_bound_in_ember_and_torch(name):
    assert getattr(ember, name, None) is FUNCTIONS[name], f"ember.{name} is not the registry's"
    if name in EMBER_ONLY_FUNCTIONS:
        assert not hasattr(torch, name), f"torch.{name} exists now: drop it from the allow-list"
        return
    assert hasattr(torch, name), f"ember.{name} has no torch counterpart"


@pytest.mark.parametrize("name", sorted(METHODS))
def test_method_bound_in_ember_and_torch(name):
    assert getattr(ember.Tensor, name, None) is METHODS[name], f"Tensor.{name} is not bound"
    if name in EMBER_ONLY_METHODS:
        return
    assert hasattr(torch.Tensor, name), f"ember.Tensor.{name} has no torch counterpart"


def test_inplace_variants_where_torch_has_them():
    missing = [
        n + "_"
        for n in ISSUE_OPS
        if hasattr(torch.Tensor, n + "_") and not hasattr(ember.Tensor, n + "_")
    ]
    missing += [
        n + "_" for n in ISSUE_OPS if hasattr(torch, n + "_") and not hasattr(ember, n + "_")
    ]
    assert not missing, f"in-place variants torch has and ember lacks: {missing}"


def test_every_registered_method_has_its_torch_inplace_variant():
    missing = [
        n + "_"
        for n in METHODS
        if not n.endswith("_")
        and hasattr(torch.Tensor, n + "_")
        and not hasattr(ember.Tensor, n + "_")
    ]
    assert not missing, f"in-place variants torch has and ember lacks: {missing}"


def test_issue_ops_exist_as_functions_and_methods():
    missing = [f"ember.{n}" for n in ISSUE_OPS if hasattr(torch, n) and not hasattr(ember, n)]
    missing += [
        f"Tensor.{n}"
        for n in ISSUE_OPS
        if hasattr(torch.Tensor, n) and not hasattr(ember.Tensor, n)
    ]
    missing += [f"Tensor.{n}" for n in RANDOM_METHODS if not hasattr(ember.Tensor, n)]
    assert not missing, f"missing bindings: {missing}"


def _accepts(fn, kw):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return kw in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _torch_has_out(name):
    doc = getattr(getattr(torch, name), "__doc__", None) or ""
    head = [ln for ln in doc.strip().splitlines()[:6] if ln.strip().startswith(f"{name}(")]
    return any("out=None" in ln for ln in head)


@pytest.mark.parametrize("name", [n for n in ISSUE_OPS if hasattr(torch, n) and _torch_has_out(n)])
def test_out_argument_where_torch_has_one(name):
    assert _accepts(getattr(ember, name), "out"), f"ember.{name} lacks out="


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_op_has_a_backward_or_a_reason(name):
    op = REGISTRY[name]
    if op.backward is None:
        assert name in NON_DIFFERENTIABLE, f"op {name} has no backward and no listed reason"
    else:
        assert name not in NON_DIFFERENTIABLE, f"op {name} has a backward: drop it from the list"


def test_non_differentiable_list_names_real_ops():
    stale = sorted(set(NON_DIFFERENTIABLE) - set(REGISTRY))
    assert not stale, f"listed as non-differentiable but not registered: {stale}"


def test_keyword_names_match_torch():
    """Arguments PyTorch users pass by keyword are spelled as in PyTorch."""
    x = ember.randn(2, 3)
    assert ember.pow(x, exponent=2).shape == (2, 3)
    assert ember.swapaxes(x, axis0=0, axis1=1).shape == (3, 2)
    assert ember.swapdims(x, dim0=0, dim1=1).shape == (3, 2)
    assert ember.broadcast_to(x, size=(4, 2, 3)).shape == (4, 2, 3)
    assert ember.searchsorted(ember.arange(3.0), input=x).dtype is ember.int64
    out = ember.empty(2, 3, dtype=ember.bool)
    assert ember.isneginf(x, out=out) is out
