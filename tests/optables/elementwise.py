from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS, FLOATS, INTS

ANY = ("bool",) + tuple(INTS) + tuple(ALL_FLOATS)


def unary(dtype, low=-3, high=3):
    return [
        S(Arg((5,), low=low, high=high), desc="1-d"),
        S(Arg((), low=low, high=high), desc="0-d"),
        S(Arg((0, 3), low=low, high=high), desc="empty"),
        S(Arg((3, 4), low=low, high=high, noncontig=True), desc="non-contiguous"),
    ]


def binary(dtype, low=-3, high=3):
    return [
        S(Arg((4,), low=low, high=high), Arg((4,), low=low, high=high), desc="same shape"),
        S(Arg((3, 1), low=low, high=high), Arg((1, 4), low=low, high=high), desc="broadcast"),
        S(Arg((2, 3), low=low, high=high), Arg((), low=low, high=high), desc="0-d other"),
        S(Arg((2, 3), low=low, high=high), 2.5, desc="float scalar"),
        S(Arg((2, 3), low=low, high=high), 2, desc="int scalar"),
        S(Arg((0, 3), low=low, high=high), Arg((3,), low=low, high=high), desc="empty"),
        S(Arg((3, 4), low=low, high=high, noncontig=True), Arg((4,), low=low, high=high),
          desc="non-contiguous"),  # fmt: skip
    ]


def positive(dtype):
    return unary(dtype, 0.5, 3)


OPS = [
    OpInfo("abs", unary, dtypes=ANY[1:]),
    OpInfo("neg", unary, dtypes=ANY[1:]),
    OpInfo("exp", unary, dtypes=ANY),
    OpInfo("log", positive, dtypes=ANY),
    OpInfo("log1p", positive),
    OpInfo("expm1", unary),
    OpInfo("sqrt", positive, dtypes=ANY),
    OpInfo("rsqrt", positive),
    OpInfo("sin", unary, dtypes=ANY),
    OpInfo("cos", unary),
    OpInfo("tanh", unary, dtypes=ANY),
    OpInfo("sigmoid", unary, dtypes=ANY),
    OpInfo("erf", unary, dtypes=tuple(ALL_FLOATS)),
    OpInfo("reciprocal", positive),
    OpInfo("floor", unary, dtypes=tuple(INTS) + tuple(ALL_FLOATS), gradcheck=False),
    OpInfo("ceil", unary, gradcheck=False),
    OpInfo("relu", unary, dtypes=tuple(INTS[1:]) + tuple(FLOATS), gradcheck=False),
    OpInfo("add", binary, dtypes=ANY),
    OpInfo("sub", binary, dtypes=ANY[1:]),
    OpInfo("mul", binary, dtypes=ANY),
    OpInfo("div", binary, dtypes=ANY),
    OpInfo("maximum", binary, dtypes=ANY),
    OpInfo("minimum", binary, dtypes=ANY),
    OpInfo("pow", lambda dt: binary(dt, 0.5, 2), dtypes=tuple(FLOATS)),
    OpInfo("eq", binary, dtypes=ANY, grad=False),
    OpInfo("lt", binary, dtypes=ANY, grad=False),
    OpInfo(
        "where",
        lambda dt: [
            S(Arg((3, 4), "bool"), Arg((3, 4)), Arg((4,))),
            S(Arg((3, 1), "bool"), Arg((1, 4)), 0.0),
        ],
        dtypes=ANY,
    ),
    OpInfo(
        "clamp",
        lambda dt: [S(Arg((3, 4)), -1, 1), S(Arg((5,)), min=0.5), S(Arg((5,)), max=0.5)],
        dtypes=tuple(INTS[1:]) + tuple(FLOATS),
        errors=lambda: [S(Arg((3,)))],
    ),
]
