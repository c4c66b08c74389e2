"""Op-table rows for random sampling: the same seed gives the same numbers as torch.

Each row seeds both libraries with the sample's first argument and compares bit for bit
(``rtol=atol=0``). Sizes cross torch's algorithm switches (randn at 16 elements, the
vectorised kernels) and dtypes cover every one torch accepts. Sampling carries no
gradient in these rows: torch's NormalBackward/BernoulliBackward return zeros, and
ember's samplers return tensors without history (see docs/random.md).
"""

import os

from ..optable import Arg, OpInfo, S
from ..util import ALL_FLOATS

SEEDS = (0, 42, 2**32 + 5)
INT_DTYPES = ("int64", "int32", "int16", "uint8")


def _intel_with_mkl():
    try:
        with open("/proc/cpuinfo") as f:
            intel = "GenuineIntel" in f.read(4096)
    except OSError:
        intel = False
    if not intel:
        return False
    import torch

    return torch.backends.mkl.is_available()


# torch's bernoulli_(float p) takes MKL's own stream on Intel CPUs (not reproduced)
SCALAR_BERNOULLI = not _intel_with_mkl() or os.environ.get("EMBER_FORCE_BERNOULLI") == "1"


def _seeded(call):
    """(ember fn, torch fn): seed, then ``call(lib, *args, **kwargs)``."""

    def make(lib_name):
        def fn(seed, *args, **kwargs):
            import importlib

            lib = importlib.import_module(lib_name)
            lib.manual_seed(seed)
            return call(lib, *args, **kwargs)

        return fn

    return make("ember"), make("torch")


def row(name, call, samples, dtypes=tuple(ALL_FLOATS), **kw):
    e, t = _seeded(call)
    return OpInfo(name, samples, dtypes=dtypes, ember_fn=e, torch_fn=t, grad=False, rtol=0,
                  atol=0, method=False, **kw)  # fmt: skip


def _dt(lib, name):
    return getattr(lib, name)


def _sizes(*sizes):
    return lambda dt: [
        S(s, size, dt, desc=f"seed {s} size {size}") for s in SEEDS for size in sizes
    ]


def _inplace(method, *margs, **mkw):
    """``lib.empty(size, dtype).<method>(*margs)`` after seeding."""

    def call(lib, size, dt):
        return getattr(lib.empty(size, dtype=_dt(lib, dt)), method)(*margs, **mkw)

    return call


def _probs(shape, low=0.05, high=0.95):
    return Arg(shape, "float64", low, high, grad=False)


OPS = [
    row(
        "rand",
        lambda lib, size, dt: lib.rand(size, dtype=_dt(lib, dt)),
        _sizes((1,), (7,), (4, 5), (1000,), (0,)),
    ),  # fmt: skip
    row(
        "randn",
        lambda lib, size, dt: lib.randn(*size, dtype=_dt(lib, dt)),
        _sizes((1,), (15,), (16,), (17,), (3, 33), (1003,)),
    ),  # fmt: skip
    row(
        "randint",
        lambda lib, size, dt: lib.randint(-5, 100, size, dtype=_dt(lib, dt)),
        _sizes((1,), (16,), (300,)),
        dtypes=("int64", "int32", "int16", "float32"),
    ),  # fmt: skip
    row(
        "randint:high",
        lambda lib, size, dt: lib.randint(2**40, size, dtype=_dt(lib, dt)),
        _sizes((5,), (40,)),
        dtypes=("int64",),
    ),  # fmt: skip
    row(
        "randperm",
        lambda lib, n, dt: lib.randperm(n, dtype=_dt(lib, dt)),
        lambda dt: [S(s, n, dt) for s in SEEDS for n in (0, 1, 5, 100, 3000)],
        dtypes=("int64", "int32", "float32"),
    ),  # fmt: skip
    row(
        "rand_like",
        lambda lib, x: lib.rand_like(x),
        lambda dt: [S(s, Arg(shape)) for s in SEEDS for shape in ((3,), (2, 20))],
    ),  # fmt: skip
    row(
        "randn_like",
        lambda lib, x: lib.randn_like(x),
        lambda dt: [S(s, Arg(shape)) for s in SEEDS for shape in ((3,), (2, 20))],
    ),  # fmt: skip
    row(
        "randint_like",
        lambda lib, x, *b: lib.randint_like(x, *b),
        lambda dt: [S(s, Arg((3, 7)), *b) for s in SEEDS for b in ((10,), (-3, 3))],
        dtypes=("int64", "int32", "float32"),
    ),  # fmt: skip
    row(
        "normal:tensor_tensor",
        lambda lib, m, sd: lib.normal(m, sd),
        lambda dt: [
            S(s, Arg(sh), Arg(sh, low=0.1, high=2)) for s in SEEDS for sh in ((5,), (4, 9))
        ],
    ),  # fmt: skip
    row(
        "normal:tensor_float",
        lambda lib, m: lib.normal(m, 0.5),
        lambda dt: [S(s, Arg(sh)) for s in SEEDS for sh in ((5,), (20,))],
    ),  # fmt: skip
    row(
        "normal:float_tensor",
        lambda lib, sd: lib.normal(1.5, sd),
        lambda dt: [S(s, Arg(sh, low=0.1, high=2)) for s in SEEDS for sh in ((5,), (20,))],
    ),
    row(
        "normal:float_float",
        lambda lib, size, dt: lib.normal(2.0, 3.0, size, dtype=_dt(lib, dt)),
        _sizes((5,), (40,)),
    ),  # fmt: skip
    row(
        "bernoulli:tensor_p",
        lambda lib, p: lib.bernoulli(p),
        lambda dt: [S(s, Arg(sh, low=0, high=1)) for s in SEEDS for sh in ((6,), (3, 50))],
    ),
    row(
        "multinomial:replacement",
        lambda lib, p, n: lib.multinomial(p, n, replacement=True),
        lambda dt: [
            S(s, Arg(sh, low=0, high=1), n)
            for s in SEEDS
            for sh, n in (((5,), 3), ((5,), 20), ((3, 8), 7), ((200,), 50))
        ],
    ),  # fmt: skip
    # without replacement: keys p/q tie exactly more often in bfloat16 over many categories,
    # and torch's unstable topk orders ties its own way (docs/random.md), so bf16 stays small
    row(
        "multinomial",
        lambda lib, p, n: lib.multinomial(p, n),
        lambda dt: [
            S(s, Arg(sh, low=0.01, high=1), n)
            for s in SEEDS
            for sh, n in (((5,), 3), ((5,), 5), ((3, 8), 4), ((200,), 50))
            if dt != "bfloat16" or sh[-1] < 100
        ],
        errors=lambda: [S(0, Arg((3,), low=0.1, high=1), 4), S(0, Arg((2, 2, 2)), 1)],
    ),
    row(
        "poisson",
        lambda lib, rates: lib.poisson(rates),
        lambda dt: [
            S(s, Arg(sh, low=0, high=h)) for s in SEEDS for sh, h in (((6,), 3), ((4, 10), 30))
        ],
        dtypes=("float32", "float64"),
    ),  # fmt: skip
    row("Tensor.uniform_", _inplace("uniform_", -2.0, 5.0), _sizes((3,), (100,))),
    row("Tensor.normal_", _inplace("normal_", 1.0, 0.5), _sizes((3,), (16,), (100,))),
    row(
        "Tensor.random_",
        _inplace("random_"),
        _sizes((3,), (50,)),
        dtypes=("int64", "int32", "uint8", "float32", "float64"),
    ),  # fmt: skip
    row(
        "Tensor.random_:to",
        _inplace("random_", 7),
        _sizes((3,), (50,)),
        dtypes=("int64", "int16", "float32"),
    ),  # fmt: skip
    row(
        "Tensor.random_:from_to",
        _inplace("random_", -4, 9),
        _sizes((3,), (50,)),
        dtypes=("int64", "int8", "float64"),
    ),  # fmt: skip
    row("Tensor.exponential_", _inplace("exponential_", 2.5), _sizes((3,), (64,))),
    row(
        "Tensor.geometric_",
        _inplace("geometric_", 0.3),
        _sizes((3,), (64,)),
        dtypes=("float32", "float64", "int64"),
    ),  # fmt: skip
    row("Tensor.cauchy_", _inplace("cauchy_", 1.0, 2.0), _sizes((3,), (64,))),
    row("Tensor.log_normal_", _inplace("log_normal_", 0.5, 0.75), _sizes((3,), (64,))),
    row(
        "Tensor.bernoulli_:tensor_p",
        lambda lib, x, p: lib.zeros(x.shape, dtype=x.dtype).bernoulli_(p),
        lambda dt: [S(s, Arg((4, 9)), _probs(sh)) for s in SEEDS for sh in ((4, 9), (9,))],
    ),
    row(
        "get_rng_state",
        lambda lib, n: (lib.rand(n), lib.get_rng_state())[1],
        lambda dt: [S(s, n) for s in SEEDS for n in (0, 3, 1000)],
        dtypes=("uint8",),
    ),
    row(
        "initial_seed",
        lambda lib: lib.initial_seed(),
        lambda dt: [S(s) for s in SEEDS],
        dtypes=("int64",),
    ),  # fmt: skip
    row(
        "random.fork_rng",
        lambda lib: _forked(lib),
        lambda dt: [S(s) for s in SEEDS],
        dtypes=("float32",),
    ),  # fmt: skip
    row(
        "set_rng_state",
        lambda lib: _replay(lib),
        lambda dt: [S(s) for s in SEEDS],
        dtypes=("float32",),
    ),  # fmt: skip
]

if SCALAR_BERNOULLI:
    OPS += [
        row(
            "bernoulli:float_p",
            lambda lib, x: lib.bernoulli(x, 0.3),
            lambda dt: [S(s, Arg(sh)) for s in SEEDS for sh in ((5,), (100,))],
        ),  # fmt: skip
        row("Tensor.bernoulli_:float_p", _inplace("bernoulli_", 0.7), _sizes((5,), (100,))),
    ]


def _forked(lib):
    with lib.random.fork_rng():
        lib.randn(7)
    return lib.rand(5)


def _replay(lib):
    """set_rng_state with a state saved mid-stream (including the cached normal)."""
    lib.randn(3)
    state = lib.get_rng_state()
    a = lib.randn(5)
    lib.rand(11)
    lib.set_rng_state(state)
    return lib.stack([a, lib.randn(5)])
