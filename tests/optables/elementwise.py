"""Op-table rows for the elementwise family (unary, binary, special functions)."""

import ember

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS, FLOATS, INTS, torch

ANY = ("bool",) + tuple(INTS) + tuple(ALL_FLOATS)
NUMERIC = tuple(INTS) + tuple(ALL_FLOATS)
F = tuple(FLOATS)
AF = tuple(ALL_FLOATS)
IF = ("bool", "int64", "int32") + F  # ints and floats, a shorter list for costly ops


def unary(dtype, low=-3, high=3):
    return [
        S(Arg((5,), low=low, high=high), desc="1-d"),
        S(Arg((), low=low, high=high), desc="0-d"),
        S(Arg((0, 3), low=low, high=high), desc="empty"),
        S(Arg((3, 4), low=low, high=high, noncontig=True), desc="non-contiguous"),
    ]


def binary(dtype, low=-3, high=3, scalars=True, scalar_first=False):
    out = [
        S(Arg((4,), low=low, high=high), Arg((4,), low=low, high=high), desc="same shape"),
        S(Arg((3, 1), low=low, high=high), Arg((1, 4), low=low, high=high), desc="broadcast"),
        S(Arg((2, 3), low=low, high=high), Arg((), low=low, high=high), desc="0-d other"),
        S(Arg((0, 3), low=low, high=high), Arg((3,), low=low, high=high), desc="empty"),
        S(
            Arg((3, 4), low=low, high=high, noncontig=True),
            Arg((4,), low=low, high=high),
            desc="non-contiguous",
        ),
        S(
            Arg((2, 3), low=low, high=high),
            Arg((3,), "float64", low=low, high=high),
            desc="mixed dtypes",
        ),
    ]
    if scalars:
        out += [
            S(Arg((2, 3), low=low, high=high), 2.5, desc="float scalar"),
            S(Arg((2, 3), low=low, high=high), 2, desc="int scalar"),
        ]
    if scalar_first:
        out += [S(2.5, Arg((2, 3), low=low, high=high), desc="scalar first")]
    return out


def positive(dtype):
    return unary(dtype, 0.5, 3)


def unit(dtype):
    return unary(dtype, -0.95, 0.95)


def tensors(dtype, low=-3, high=3):
    return binary(dtype, low, high, scalars=False)


def ternary(dtype, w=None):
    wt = Arg((3, 1), low=0, high=1) if w is None else w
    return [
        S(Arg((3, 4)), Arg((3, 4)), Arg((3, 4), low=0, high=1), desc="tensor weight"),
        S(Arg((3, 4)), Arg((4,)), wt, desc="broadcast"),
        S(Arg((2, 3)), Arg((2, 3)), 0.3, desc="scalar weight"),
        S(Arg((2, 3)), Arg((2, 3)), 0.7, desc="scalar weight >= 0.5"),
        S(Arg(()), Arg((0,)), 0.3, desc="empty"),
    ]


def _bad_scalar_other(name):
    return lambda: [S(Arg((3,)), 2.0, desc="python scalar other")]


def _nonfinite(x):
    """+-inf where |x| > 1 (in float32; huge values in float64 below 2.4), NaN elsewhere."""
    return ((x.abs() * 300).exp() * x.sign()).where(x.abs() > 1, (x - 5).sqrt())


U = OpInfo
OPS = [
    # --- unary math --------------------------------------------------------------------
    U("abs", unary, dtypes=NUMERIC, errors=lambda: [S(Arg((3,), "bool"))]),
    U("neg", unary, dtypes=NUMERIC, errors=lambda: [S(Arg((3,), "bool"))]),
    U("sign", unary, dtypes=ANY, gradcheck=False),
    U("sgn", unary, dtypes=ANY, grad=False),
    U("signbit", unary, dtypes=ANY, grad=False),
    U("exp", unary, dtypes=ANY),
    U("exp2", unary, dtypes=ANY),
    U("expm1", unary, dtypes=IF),
    U("log", positive, dtypes=ANY),
    U("log2", positive, dtypes=IF),
    U("log10", positive, dtypes=IF),
    U("log1p", positive, dtypes=IF),
    U("sqrt", positive, dtypes=ANY),
    U("rsqrt", positive, dtypes=IF),
    U("reciprocal", positive, dtypes=IF),
    U("square", unary, dtypes=ANY),
    U("sin", unary, dtypes=ANY),
    U("cos", unary, dtypes=IF),
    U("tan", lambda dt: unary(dt, -1.2, 1.2), dtypes=IF),
    U("asin", unit, dtypes=("bool",) + F),
    U("acos", unit, dtypes=("bool",) + F),
    U("atan", unary, dtypes=IF),
    U("arcsin", unit),
    U("sinh", unary, dtypes=IF),
    U("cosh", unary, dtypes=IF),
    U("tanh", unary, dtypes=ANY),
    U("asinh", unary, dtypes=IF),
    U("acosh", lambda dt: unary(dt, 1.2, 4), dtypes=IF),
    U("atanh", unit, dtypes=("bool",) + F),
    U("arctanh", unit),
    U("sigmoid", unary, dtypes=ANY),
    U("relu", unary, dtypes=NUMERIC, gradcheck=False, errors=lambda: [S(Arg((3,), "bool"))]),
    U("deg2rad", unary, dtypes=ANY),
    U("rad2deg", unary, dtypes=ANY),
    U("angle", unary, dtypes=IF, gradcheck=False),
    U("floor", unary, dtypes=NUMERIC, gradcheck=False, errors=lambda: [S(Arg((3,), "bool"))]),
    U("ceil", unary, dtypes=NUMERIC, gradcheck=False),
    U("trunc", unary, dtypes=NUMERIC, gradcheck=False),
    U("fix", unary, gradcheck=False),
    U("frac", unary, dtypes=AF, errors=lambda: [S(Arg((3,), "int64"))]),
    U("round", unary, dtypes=NUMERIC, gradcheck=False),
    U(
        "round",
        lambda dt: [
            S(Arg((5,), low=-300, high=300), decimals=-1),
            S(Arg((2, 3)), decimals=2),
        ],
        dtypes=F,
        gradcheck=False,
        errors=lambda: [S(Arg((3,), "int64"), decimals=1)],
    ),
    U("nan_to_num", unary, dtypes=ANY),
    U(
        "nan_to_num",
        lambda dt: [S(Arg((4, 5))), S(Arg((4, 5)), 2.0, 5.0, -5.0), S(Arg((7,)), posinf=1.0)],
        dtypes=AF,
        ember_fn=lambda x, *a, **k: ember.nan_to_num(_nonfinite(x), *a, **k),
        torch_fn=lambda x, *a, **k: torch.nan_to_num(_nonfinite(x), *a, **k),
        gradcheck=False,
    ),
    U("isnan", unary, dtypes=ANY, grad=False),
    U("isinf", unary, dtypes=ANY, grad=False),
    U("isfinite", unary, dtypes=ANY, grad=False),
    U("isposinf", unary, dtypes=ANY, grad=False),
    U("isneginf", unary, dtypes=ANY, grad=False),
    # --- special functions ---------------------------------------------------------------
    U("erf", unary, dtypes=ANY),
    U("erfc", unary, dtypes=IF),
    U("erfinv", unit, dtypes=("bool",) + F),
    U("lgamma", lambda dt: unary(dt, -4, 6), dtypes=IF),
    U("digamma", lambda dt: unary(dt, 0.3, 6), dtypes=IF),
    U("digamma", lambda dt: unary(dt, -4, 0), gradcheck=False),
    U(
        "polygamma",
        lambda dt: [
            S(1, Arg((5,), low=0.3, high=5)),
            S(2, Arg((2, 3), low=-3, high=5)),
            S(3, Arg((), low=1, high=4)),
            S(0, Arg((4,), low=0.5, high=3)),
        ],
        dtypes=IF,
        method=False,
        errors=lambda: [S(-1, Arg((3,)))],
    ),
    U("i0", lambda dt: unary(dt, -25, 25), dtypes=IF, rtol=1e-5),
    U("i0", unary, gradcheck=True),
    U("sinc", unary, dtypes=IF),
    U("logit", lambda dt: unary(dt, 0.05, 0.95), dtypes=IF),
    U(
        "logit",
        lambda dt: [S(Arg((6,), low=0, high=1), eps=0.2), S(Arg((2, 3), low=0.01, high=1), 1e-6)],
    ),
    # --- arithmetic ----------------------------------------------------------------------
    U("add", lambda dt: binary(dt, scalar_first=True), dtypes=ANY),
    U(
        "add",
        lambda dt: [S(Arg((2, 3)), Arg((3,)), alpha=2), S(Arg((3,)), 1.5, alpha=-0.5)],
        dtypes=F,
        errors=lambda: [S(Arg((3,), "int64"), 1, alpha=0.5)],
    ),
    U(
        "sub",
        lambda dt: binary(dt, scalar_first=True),
        dtypes=NUMERIC,
        errors=lambda: [S(Arg((3,), "bool"), Arg((3,), "bool"))],
    ),
    U("sub", lambda dt: [S(Arg((2, 3)), Arg((3,)), alpha=2)], dtypes=F + ("int64",)),
    U("mul", lambda dt: binary(dt, scalar_first=True), dtypes=ANY),
    U("div", lambda dt: binary(dt, scalar_first=True), dtypes=ANY),
    U(
        "div",
        lambda dt: [
            S(Arg((3, 4)), Arg((4,), low=1, high=3), rounding_mode="floor"),
            S(Arg((3, 4)), Arg((4,), low=-3, high=-1), rounding_mode="trunc"),
            S(Arg((5,)), 2, rounding_mode="trunc"),
        ],
        dtypes=NUMERIC,
        errors=lambda: [S(Arg((3,)), 2, rounding_mode="bad")],
    ),
    U("true_divide", binary, dtypes=IF),
    U("floor_divide", lambda dt: binary(dt, 1, 4), dtypes=NUMERIC, grad=False),
    U("remainder", lambda dt: binary(dt, 1, 4), dtypes=NUMERIC),
    U("remainder", lambda dt: [S(2.5, Arg((2, 3), low=1, high=4))], dtypes=NUMERIC, grad=False),
    U(
        "remainder",
        lambda dt: [S(Arg((6,), low=-5, high=5), Arg((6,), low=-3, high=-1))],
        dtypes=NUMERIC[1:],
        errors=lambda: [S(Arg((3,), "int64"), 0)],
    ),
    U("fmod", lambda dt: binary(dt, 1, 4), dtypes=NUMERIC),
    U(
        "fmod",
        lambda dt: [S(Arg((6,), low=-5, high=5), Arg((6,), low=-3, high=-1))],
        dtypes=NUMERIC[1:],
    ),
    U("pow", lambda dt: binary(dt, 0.5, 2, scalar_first=True), dtypes=F),
    U(
        "pow",
        lambda dt: binary(dt, 0, 3) + [S(Arg((4,)), -1), S(2, Arg((5,), low=-2, high=4))],
        dtypes=tuple(INTS),
        grad=False,
        errors=lambda: [S(Arg((3,), "int64"), -2)],
    ),
    U(
        "pow",
        lambda dt: [
            S(Arg((5,), low=-2, high=2), 3),
            S(Arg((5,), low=-2, high=2), 0),
            S(Arg((2, 3), low=0, high=2), Arg((3,), low=-1, high=2)),
        ],
        dtypes=AF,
    ),
    U("float_power", lambda dt: binary(dt, 0.5, 2, scalar_first=True), dtypes=IF),
    U("maximum", tensors, dtypes=ANY, errors=_bad_scalar_other("maximum")),
    U("minimum", tensors, dtypes=ANY, errors=_bad_scalar_other("minimum")),
    U("fmax", tensors, dtypes=ANY),
    U("fmin", tensors, dtypes=ANY),
    U("atan2", tensors, dtypes=IF),
    U("arctan2", tensors),
    U("hypot", tensors, dtypes=AF, errors=lambda: [S(Arg((3,), "int64"), Arg((3,), "int64"))]),
    U("logaddexp", tensors, dtypes=AF),
    U("logaddexp2", tensors, dtypes=F),
    U("xlogy", lambda dt: binary(dt, 0, 3, scalar_first=True), dtypes=IF),
    U("copysign", lambda dt: binary(dt, 0.5, 3) + [S(Arg((4,)), -1.0)], dtypes=IF, gradcheck=False),
    U("nextafter", tensors, dtypes=F),
    U(
        "ldexp",
        lambda dt: [S(Arg((3, 4)), Arg((4,), "int64", low=0, high=4)), S(Arg((5,)), Arg((5,)))],
        dtypes=IF,
    ),
    U(
        "gcd",
        lambda dt: tensors(dt, -20, 20),
        dtypes=tuple(INTS),
        grad=False,
        errors=lambda: [S(Arg((3,), "float32"), Arg((3,), "float32"))],
    ),
    U("lcm", lambda dt: tensors(dt, -20, 20), dtypes=tuple(INTS), grad=False),
    U(
        "heaviside",
        lambda dt: [S(Arg((6,)), Arg((6,))), S(Arg((2, 3)), Arg(()))],
        dtypes=ANY,
        grad=False,
        errors=lambda: [S(Arg((3,)), Arg((3,), "float64"))],
    ),
    U(
        "lerp",
        ternary,
        dtypes=AF,
        errors=lambda: [
            S(Arg((3,), "int64"), Arg((3,), "int64"), 0.5),
            S(Arg((3,)), Arg((3,), "float64"), 0.5),
        ],
    ),
    U(
        "addcmul",
        lambda dt: [
            S(Arg((3, 4)), Arg((3, 1)), Arg((4,))),
            S(Arg((2, 3)), Arg((2, 3)), Arg(()), value=0.5),
        ],
        dtypes=NUMERIC,
    ),
    U(
        "addcdiv",
        lambda dt: [
            S(Arg((3, 4)), Arg((3, 1)), Arg((4,), low=1, high=3)),
            S(Arg((2, 3)), Arg((2, 3)), Arg((), low=1, high=2), value=-2),
        ],
        dtypes=AF,
        errors=lambda: [S(Arg((3,)), Arg((3,), "int64"), Arg((3,), "int64"))],
    ),
    # --- comparisons, logic, bitwise -----------------------------------------------------
    *[U(n, binary, dtypes=ANY, grad=False) for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    *[
        U(n, tensors, dtypes=ANY, grad=False, errors=_bad_scalar_other(n))
        for n in ("logical_and", "logical_or", "logical_xor")
    ],
    U("logical_not", unary, dtypes=ANY, grad=False),
    *[
        U(
            n,
            lambda dt: binary(dt, -20, 20, scalar_first=True),
            dtypes=("bool",) + tuple(INTS),
            grad=False,
            errors=lambda: [S(Arg((3,), "float32"), Arg((3,), "float32"))],
        )
        for n in ("bitwise_and", "bitwise_or", "bitwise_xor")
    ],
    *[
        U(
            n,
            lambda dt: [
                S(Arg((4,), low=-20, high=20), Arg((4,), low=0, high=6)),
                S(Arg((5,), low=-20, high=20), Arg((5,), low=-2, high=70)),
                S(Arg((3,), low=-20, high=20), 3),
            ],
            dtypes=tuple(INTS),
            grad=False,
        )
        for n in ("bitwise_left_shift", "bitwise_right_shift")
    ],
    U(
        "bitwise_not",
        unary,
        dtypes=("bool",) + tuple(INTS),
        grad=False,
        errors=lambda: [S(Arg((3,), "float32"))],
    ),
    U(
        "isclose",
        lambda dt: [
            S(Arg((5,)), Arg((5,))),
            S(Arg((3, 4)), Arg((4,)), rtol=0.5),
            S(Arg((4,)), Arg((4,)), atol=2.0, equal_nan=True),
        ],
        dtypes=ANY,
        grad=False,
        errors=lambda: [S(Arg((3,)), Arg((3,), "float64"))],
    ),
    U(
        "allclose",
        lambda dt: [S(Arg((5,)), Arg((5,)), atol=10.0), S(Arg((5,)), Arg((5,)))],
        dtypes=F,
        grad=False,
        method=False,
    ),
    U("equal", lambda dt: [S(Arg((5,)), Arg((5,)))], dtypes=ANY, grad=False),
    # --- selection ---------------------------------------------------------------------
    U(
        "where",
        lambda dt: [
            S(Arg((3, 4), "bool"), Arg((3, 4)), Arg((4,))),
            S(Arg((3, 1), "bool"), Arg((1, 4)), 0.0),
            S(Arg((3,), "bool"), 1, Arg((3,))),
        ],
        dtypes=ANY,
        errors=lambda: [S(Arg((3,), "int64"), Arg((3,)), Arg((3,)))],
    ),
    U(
        "clamp",
        lambda dt: [
            S(Arg((3, 4)), -1, 1),
            S(Arg((5,)), min=0.5),
            S(Arg((5,)), max=0.5),
            S(Arg((5,)), 2, 1),
        ],
        dtypes=NUMERIC,
        errors=lambda: [S(Arg((3,)))],
    ),
    U(
        "clamp",
        lambda dt: [
            S(Arg((3, 4)), Arg((4,), low=-3, high=0), Arg((3, 1), low=0, high=3)),
            S(Arg((6,)), Arg((6,))),
            S(Arg((6,)), None, Arg(())),
            S(Arg((8,)), Arg((8,)), Arg((8,))),
        ],
        dtypes=F,
    ),
    U("clip", lambda dt: [S(Arg((3, 4)), -1, 1)], dtypes=F),
]


# --- bindings: Tensor methods, in-place variants and out= ----------------------------------


def _method(name):
    return lambda x, *a, **k: getattr(x, name)(*a, **k)


def _inplace(name):
    return lambda x, *a, **k: getattr(x.clone(), name + "_")(*a, **k)


def _out(mod, name):
    def fn(*a, **k):
        f = getattr(mod, name)
        o = f(*a, **k).detach().new_empty((0,))
        r = f(*a, **k, out=o)
        assert r is o
        return o

    return fn


_BINDING_ROWS = [
    ("exp", unary, AF), ("sqrt", positive, F), ("tanh", unary, F), ("sigmoid", unary, F),
    ("erf", unary, F), ("lgamma", positive, F), ("floor", unary, F), ("frac", unary, F),
    ("atan2", tensors, F), ("add", binary, F), ("sub", binary, F),
    ("mul", binary, F), ("div", binary, F), ("remainder", lambda dt: binary(dt, 1, 4), F),
    ("pow", lambda dt: binary(dt, 0.5, 2), F), ("xlogy", binary, F),
    ("copysign", tensors, F), ("hypot", tensors, F),
    ("clamp", lambda dt: [S(Arg((5,)), -1, 1)], F),
    ("lerp", ternary, F), ("logit", unit, F), ("nan_to_num", unary, F), ("square", unary, F),
]  # fmt: skip
for _n, _s, _d in _BINDING_ROWS:
    OPS.append(U(_n + ":method", _s, dtypes=_d, ember_fn=_method(_n), torch_fn=_method(_n),
                 gradcheck=False))  # fmt: skip
    OPS.append(U(_n + ":inplace", _s, dtypes=_d, ember_fn=_inplace(_n), torch_fn=_inplace(_n),
                 gradcheck=False, grad_dtypes=("float64",)))  # fmt: skip
    OPS.append(U(_n + ":out", _s, dtypes=_d[-1:], ember_fn=_out(ember, _n),
                 torch_fn=_out(torch, _n), grad=False))  # fmt: skip
OPS += [
    U("add_:int", lambda dt: [S(Arg((3, 4)), Arg((4,)), alpha=2), S(Arg((3,)), True)],
      dtypes=("int64", "uint8"), ember_fn=_inplace("add"), torch_fn=_inplace("add")),
    U("exp_:int", unary, dtypes=("int64",), ember_fn=_inplace("exp"), torch_fn=_inplace("exp")),
    U("bitwise_and_:", lambda dt: [S(Arg((3, 4)), Arg((4,)))], dtypes=("int32", "bool"),
      ember_fn=_inplace("bitwise_and"), torch_fn=_inplace("bitwise_and"), grad=False),
    U("eq_", binary, dtypes=F, ember_fn=_inplace("eq"), torch_fn=_inplace("eq"), grad=False),
    U("polygamma:method", lambda dt: [S(Arg((5,), low=0.5, high=3), 2)],
      ember_fn=_method("polygamma"), torch_fn=_method("polygamma"), gradcheck=False),
    *[U(n + ":method", tensors, dtypes=F, ember_fn=_method(n), torch_fn=_method(n),
        gradcheck=False) for n in ("maximum", "fmin", "logaddexp")],
]  # fmt: skip
