"""The op registry: one record per primitive op.

A record names the op (PyTorch's name), gives its forward against an array
module ``xp``, its backward written in ember ops (so gradients of gradients
work), its dtype rule, and what backward needs saved. Bindings (``ember.X``,
``Tensor.X``, ``Tensor.X_``) are registered beside the record with
:func:`export`, and a test walks both tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import _dtype as D

# dtype rules: (args, attrs) -> (compute dtype, result dtype)


def _fast_binary(args):
    """The result dtype for the common cases (same dtypes; float tensor with a number), or None."""
    if len(args) != 2:
        return None
    a, b = args
    tb = type(b)
    if tb is float or tb is int:
        da = getattr(a, "_dtype", None)
        if da is not None and da.category == _FLOAT:
            return da
        return None
    ta = type(a)
    if ta is float or ta is int:
        db = getattr(b, "_dtype", None)
        if db is not None and db.category == _FLOAT:
            return db
        return None
    da = getattr(a, "_dtype", None)
    if da is not None and getattr(b, "_dtype", None) is da:
        return da
    return None


_FLOAT = D.FLOAT


def promote(args, attrs):
    dt = _fast_binary(args) or D.result_type_of(args)
    return dt, dt


def promote_float(args, attrs):
    """Like promote, but integers and bools compute in the default float dtype."""
    dt = _fast_binary(args) or D.result_type_of(args)
    if dt.category < D.FLOAT:
        dt = D.get_default_dtype()
    return dt, dt


def compare(args, attrs):
    return _fast_binary(args) or D.result_type_of(args), D.bool_


def same(args, attrs):
    dt = args[0]._dtype
    return dt, dt


def to_bool(args, attrs):
    return args[0]._dtype, D.bool_


def to_int64(args, attrs):
    return args[0]._dtype, D.int64


def to_real(args, attrs):
    dt = args[0].dtype
    return dt, dt.to_real()


def float_same(args, attrs):
    """The input's dtype, integers and bools first becoming the default float dtype."""
    dt = args[0]._dtype
    if dt.category < D.FLOAT:
        dt = D.get_default_dtype()
    return dt, dt


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive.

    ``forward(xp, *args, **attrs)`` receives arrays already cast to the compute
    dtype (Python scalars pass through) and returns an array, or a tuple of
    arrays when ``nout > 1``. ``backward(ctx, *grads)`` returns one gradient
    (a Tensor or None) per positional argument. ``save`` says what backward
    reads: ``"i"`` the inputs, ``"o"`` the output, ``"io"`` both.
    """

    name: str
    forward: Callable
    backward: Callable | None = None
    dtype_rule: Callable = promote
    save: str = ""
    view: bool = False
    nout: int = 1
    # outputs that carry gradients (the rest, e.g. argmax indices, do not)
    grad_outputs: tuple = (0,)
    grad_name: str = ""
    # bf16 and f16 are computed in float32 (ml_dtypes' own arithmetic is slow and
    # accumulates in bf16); ops whose result must stay exact (movement) say False.
    upcast_half: bool = True
    # positional args passed to forward as they are (masks, indices), not cast
    nocast: tuple = ()
    attrs: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.grad_name:
            camel = "".join(p[:1].upper() + p[1:] for p in self.name.split("_"))
            object.__setattr__(self, "grad_name", camel + "Backward0")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


REGISTRY: dict[str, Op] = {}
FUNCTIONS: dict[str, Callable] = {}  # ember.<name>
METHODS: dict[str, Callable] = {}  # Tensor.<name>


def register(op: Op) -> Op:
    if op.name in REGISTRY:
        raise RuntimeError(f"op {op.name} registered twice")
    REGISTRY[op.name] = op
    return op


# The in-place variants PyTorch also binds as ``torch.<name>_`` functions; every other
# ``<name>_`` is a Tensor method only (``torch.add_`` does not exist).
TOPLEVEL_INPLACE = frozenset(
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ "
    "asin_ asinh_ atan_ atanh_ ceil_ celu_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ "
    "cos_ cosh_ deg2rad_ detach_ dropout_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ "
    "gcd_ i0_ index_put_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ "
    "rad2deg_ reciprocal_ relu_ round_ rsqrt_ selu_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ "
    "tanh_ threshold_ trunc_ xlogy_ zero_".split()
)


def export(fn=None, *, names=None, method=True, function=True, method_names=None):
    """Bind ``fn`` as ``ember.<name>`` and (with ``method``) ``Tensor.<name>``.

    A method is the same function with the tensor as first argument, exactly as
    PyTorch's ``Tensor.add(other)`` is ``torch.add(self, other)``. An in-place
    name (``add_``) becomes a function only where PyTorch has one (TOPLEVEL_INPLACE).
    """

    def deco(f):
        fnames = names or (f.__name__,)
        for n in fnames:
            if function and (not n.endswith("_") or n in TOPLEVEL_INPLACE):
                FUNCTIONS[n] = f
            if method:
                METHODS[n] = f
        for n in method_names or ():
            METHODS[n] = f
        return f

    return deco(fn) if fn is not None else deco
