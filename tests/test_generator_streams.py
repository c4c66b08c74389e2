"""ember._generator against torch 2.13's CPU generator: same seed, same numbers.

Every comparison here is bit for bit (``same_bits``): the generator reproduces torch's
streams exactly for every function tested, including float16/bfloat16 outputs.
"""

import math

import ml_dtypes
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ember import _generator as eg  # noqa: E402


def _intel_with_mkl():
    # torch's bernoulli_(p) takes an MKL path on Intel CPUs, which ember does not reproduce
    try:
        with open("/proc/cpuinfo") as f:
            intel = "GenuineIntel" in f.read(4096)
    except OSError:
        intel = False
    return intel and torch.backends.mkl.is_available()


INTEL_MKL = _intel_with_mkl()
needs_default_bernoulli = pytest.mark.skipif(
    INTEL_MKL, reason="torch uses MKL's bernoulli stream on Intel CPUs"
)

SEEDS = [0, 1, 42, 2**32 + 5, 2**63 + 12345]
SIZES = [1, 7, 15, 16, 17, 100, 1000, 100003]
SMALL_SIZES = [1, 7, 16, 17, 1000]
FLOATS = [np.float32, np.float64, np.float16, ml_dtypes.bfloat16]
INTS = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]

TORCH_DTYPE = {
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
    np.dtype(np.float16): torch.float16,
    np.dtype(ml_dtypes.bfloat16): torch.bfloat16,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.int16): torch.int16,
    np.dtype(np.int8): torch.int8,
    np.dtype(np.uint8): torch.uint8,
    np.dtype(np.bool_): torch.bool,
}


def td(dt):
    return TORCH_DTYPE[np.dtype(dt)]


def to_np(t):
    if t.dtype == torch.bfloat16:
        return t.contiguous().view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.contiguous().numpy()


def same_bits(ours, theirs):
    ours = np.ascontiguousarray(ours)
    theirs = np.ascontiguousarray(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    a = ours.reshape(-1).view(np.uint8)
    b = theirs.reshape(-1).view(np.uint8)
    if not np.array_equal(a, b):
        bad = np.nonzero(
            ours.reshape(-1).view(f"u{ours.itemsize}")
            != theirs.reshape(-1).view(f"u{ours.itemsize}")
        )[0]
        raise AssertionError(
            f"{bad.size} of {ours.size} differ; first at {bad[0]}: "
            f"{ours.reshape(-1)[bad[0]]!r} vs {theirs.reshape(-1)[bad[0]]!r}"
        )


def run_both(seed, ours, theirs):
    g = eg.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    expected = to_np(theirs())
    got = ours(g)
    same_bits(got, expected)
    # the stream position afterwards (and any cached normal) must agree too
    np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())


# ------------------------------------------------------------------------------- raw stream


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_words_and_seeding(seed):
    g = eg.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())
    assert g.initial_seed() == torch.initial_seed()
    # random_(0, 2**31) on int64 uses two words and keeps the low 31 bits of the second
    w = g.random_uint32(2000).reshape(-1, 2)[:, 1] & 0x7FFFFFFF
    same_bits(w.astype(np.int64), to_np(torch.randint(0, 2**31, (1000,))))


def test_documented_first_words():
    g = eg.Generator().manual_seed(0)
    assert g.random_uint32(3).tolist() == [2357136044, 2546248239, 3071714933]


@pytest.mark.parametrize("seed", [-1, -(2**63), 2**64 - 1, 2**32])
def test_negative_and_64bit_seeds(seed):
    g = eg.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    assert g.initial_seed() == torch.initial_seed()
    np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())
    same_bits(g.uniform(50, np.float32), to_np(torch.rand(50)))


def test_seed_out_of_range():
    with pytest.raises(RuntimeError):
        eg.Generator().manual_seed(2**64)


def test_default_generator_seed_and_state():
    g = eg.Generator()
    assert g.initial_seed() == 67280421310721 == torch.Generator().initial_seed()
    np.testing.assert_array_equal(g.get_state(), torch.Generator().get_state().numpy())
    s = g.seed()
    assert 0 <= s < 2**64 and g.initial_seed() == s
    assert eg.manual_seed(7) is eg.default_generator
    assert eg.initial_seed() == 7
    st = eg.get_rng_state()
    a = eg.default_generator.uniform(10, np.float32)
    eg.set_rng_state(st)
    same_bits(eg.default_generator.uniform(10, np.float32), a)


# ------------------------------------------------------------------------------- rand / randn


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_rand(seed, n, dtype):
    run_both(seed, lambda g: g.uniform(n, dtype), lambda: torch.rand(n, dtype=td(dtype)))


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_range(seed, n, dtype):
    run_both(
        seed,
        lambda g: g.uniform(n, dtype, -2.5, 3.25),
        lambda: torch.empty(n, dtype=td(dtype)).uniform_(-2.5, 3.25),
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_randn(seed, n, dtype):
    run_both(seed, lambda g: g.normal(n, dtype), lambda: torch.randn(n, dtype=td(dtype)))


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_mean_std(seed, n, dtype):
    run_both(
        seed,
        lambda g: g.normal(n, dtype, 0.3, 1.7),
        lambda: torch.empty(n, dtype=td(dtype)).normal_(0.3, 1.7),
    )


def test_scalar_normal_cache_carries_over():
    g = eg.Generator().manual_seed(3)
    torch.manual_seed(3)
    for n in [3, 1, 5, 2, 40, 7, 1]:
        same_bits(g.normal(n, np.float64), to_np(torch.randn(n, dtype=torch.float64)))
        np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())
    # the cached value also feeds log_normal_
    same_bits(g.log_normal(3, np.float64), to_np(torch.empty(3, dtype=torch.float64).log_normal_()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [5, 100, 1003])
def test_normal_tensor(dtype, n):
    mean = np.linspace(-3, 3, n).astype(dtype)
    std = np.linspace(0.1, 2, n).astype(dtype)
    run_both(
        11,
        lambda g: g.normal_tensor(mean, std, dtype),
        lambda: torch.normal(torch.from_numpy(mean), torch.from_numpy(std)),
    )


# ------------------------------------------------------------------------------- integers

RANGES = [(0, 10), (-5, 1000), (0, 2**28 - 1), (0, 2**28), (3, 2**31), (-(2**40), 2**40)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("lo,hi", RANGES)
def test_randint(seed, n, lo, hi):
    run_both(seed, lambda g: g.randint(lo, hi, n, np.int64), lambda: torch.randint(lo, hi, (n,)))


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint8, np.float32, np.float16])
def test_randint_dtypes(dtype):
    run_both(
        5,
        lambda g: g.randint(0, 100, 1000, dtype),
        lambda: torch.randint(0, 100, (1000,), dtype=td(dtype)),
    )


@pytest.mark.parametrize("n", SMALL_SIZES)
@pytest.mark.parametrize("dtype", FLOATS + INTS)
def test_random_default_range(n, dtype):
    run_both(42, lambda g: g.random_(n, dtype), lambda: torch.empty(n, dtype=td(dtype)).random_())


@pytest.mark.parametrize("n", SMALL_SIZES)
@pytest.mark.parametrize("dtype", FLOATS + INTS)
def test_random_from_to(n, dtype):
    lo, hi = (0, 2) if dtype is np.bool_ else (3, 100)
    run_both(
        1,
        lambda g: g.random_(n, dtype, lo, hi),
        lambda: torch.empty(n, dtype=td(dtype)).random_(lo, hi),
    )
    run_both(
        2,
        lambda g: g.random_(n, dtype, 1),
        lambda: torch.empty(n, dtype=td(dtype)).random_(1, None),
    )
    if dtype is not np.bool_:
        run_both(
            3,
            lambda g: g.random_(n, dtype, high=7),
            lambda: torch.empty(n, dtype=td(dtype)).random_(7),
        )


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "dtype,lo,hi",
    [
        (np.float32, 2**40 + 3, 2**41 - 5),
        (np.float16, -3000, 5000),
        (ml_dtypes.bfloat16, 1001, 70001),
        (np.float64, -(2**60) + 1, 2**62 - 1),
        (np.float32, -(2**30) - 1, None),
    ],
)
def test_random_float_ranges_beyond_precision(dtype, lo, hi):
    run_both(
        0,
        lambda g: g.random_(1000, dtype, lo, hi),
        lambda: torch.empty(1000, dtype=td(dtype)).random_(lo, hi),
    )


def test_random_full_64bit_range():
    run_both(
        4,
        lambda g: g.random_(1000, np.int64, -(2**63)),
        lambda: torch.empty(1000, dtype=torch.int64).random_(-(2**63), None),
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 16, 100, 1000, 100003])
def test_randperm(seed, n):
    run_both(seed, lambda g: g.randperm(n), lambda: torch.randperm(n))


def test_randperm_documented():
    assert eg.Generator().manual_seed(0).randperm(8).tolist() == [4, 0, 7, 3, 2, 5, 1, 6]


# ------------------------------------------------------------------------------- distributions


@needs_default_bernoulli
@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("n", SMALL_SIZES)
@pytest.mark.parametrize("dtype", FLOATS + [np.int64, np.bool_, np.uint8])
def test_bernoulli_scalar(seed, n, dtype):
    run_both(
        seed,
        lambda g: g.bernoulli_scalar(n, 0.3, dtype),
        lambda: torch.empty(n, dtype=td(dtype)).bernoulli_(0.3),
    )


@pytest.mark.parametrize("n", SMALL_SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_bernoulli_tensor(n, dtype):
    p = np.linspace(0, 1, n).astype(dtype)
    run_both(
        9,
        lambda g: g.bernoulli_tensor(p, dtype),
        lambda: torch.bernoulli(torch.from_numpy(p.astype(np.float32)).to(td(dtype))),
    )


@pytest.mark.parametrize("n", SMALL_SIZES + [100003])
@pytest.mark.parametrize("dtype", FLOATS)
def test_exponential_geometric_cauchy_lognormal(n, dtype):
    run_both(
        1,
        lambda g: g.exponential(n, dtype, 1.5),
        lambda: torch.empty(n, dtype=td(dtype)).exponential_(1.5),
    )
    run_both(
        2,
        lambda g: g.geometric(n, dtype, 0.3),
        lambda: torch.empty(n, dtype=td(dtype)).geometric_(0.3),
    )
    run_both(
        3,
        lambda g: g.cauchy(n, dtype, 0.5, 2.0),
        lambda: torch.empty(n, dtype=td(dtype)).cauchy_(0.5, 2.0),
    )
    run_both(
        4,
        lambda g: g.log_normal(n, dtype, 0.5, 0.7),
        lambda: torch.empty(n, dtype=td(dtype)).log_normal_(0.5, 0.7),
    )


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_geometric_integer_output(dtype):
    run_both(
        6,
        lambda g: g.geometric(500, dtype, 0.2),
        lambda: torch.empty(500, dtype=td(dtype)).geometric_(0.2),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson(dtype):
    rates = np.concatenate([np.linspace(0, 30, 1500), [0.0, 1e-3, 9.99, 10.0, 500.0]]).astype(dtype)
    run_both(8, lambda g: g.poisson(rates), lambda: torch.poisson(torch.from_numpy(rates)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize(
    "k,replacement", [(1, True), (1, False), (3, True), (3, False), (40, True)]
)
@pytest.mark.parametrize("two_d", [False, True])
def test_multinomial(dtype, k, replacement, two_d):
    rng = np.random.default_rng(k)
    probs = rng.random((4, 50) if two_d else 50).astype(dtype)
    probs.reshape(-1, 50)[:, 7] = 0  # a zero-probability category is never drawn
    run_both(
        k,
        lambda g: g.multinomial(probs, k, replacement),
        lambda: torch.multinomial(torch.from_numpy(probs), k, replacement),
    )


def test_multinomial_large():
    probs = np.random.default_rng(0).random((3, 100)).astype(np.float32)
    run_both(
        0,
        lambda g: g.multinomial(probs, 5000, True),
        lambda: torch.multinomial(torch.from_numpy(probs), 5000, True),
    )
    run_both(
        1,
        lambda g: g.multinomial(probs, 60, False),
        lambda: torch.multinomial(torch.from_numpy(probs), 60, False),
    )


# ----------------------------------------------------------------------- interleaving / state


def test_interleaved_calls_continue_the_stream():
    g = eg.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    steps = [
        (lambda: g.uniform(5, np.float32), lambda: torch.rand(5)),
        (lambda: g.normal(3, np.float64), lambda: torch.randn(3, dtype=torch.float64)),
        (lambda: g.randint(0, 10, 7, np.int64), lambda: torch.randint(0, 10, (7,))),
        (lambda: g.normal(33, np.float32), lambda: torch.randn(33)),
        (lambda: g.normal(1, np.float32), lambda: torch.randn(1)),
        (lambda: g.randperm(20), lambda: torch.randperm(20)),
        (lambda: g.uniform(17, np.float64), lambda: torch.rand(17, dtype=torch.float64)),
        (lambda: g.normal(50, np.float16), lambda: torch.randn(50, dtype=torch.float16)),
        (
            lambda: g.bernoulli_tensor(np.full(9, 0.5, np.float32)),
            lambda: torch.bernoulli(torch.full((9,), 0.5)),
        ),
        (
            lambda: g.randint(-(2**40), 2**40, 5, np.int64),
            lambda: torch.randint(-(2**40), 2**40, (5,)),
        ),
        (lambda: g.uniform(1000, np.float32), lambda: torch.rand(1000)),
        (lambda: g.exponential(4, np.float32), lambda: torch.empty(4).exponential_()),
        (lambda: g.normal(5, np.float32), lambda: torch.randn(5)),
    ]
    for ours, theirs in steps * 2:
        same_bits(ours(), to_np(theirs()))
        np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())


def test_state_round_trip_and_exchange_with_torch():
    g = eg.Generator().manual_seed(99)
    g.normal(3, np.float64)  # leaves a cached Box-Muller value
    g.uniform(1000, np.float32)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.shape == (5056,)

    # ember -> torch
    tg = torch.Generator()
    tg.set_state(torch.from_numpy(state.copy()))
    expected = to_np(torch.randn(5, dtype=torch.float64, generator=tg))
    same_bits(g.normal(5, np.float64), expected)
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())

    # torch -> ember, accepting a tensor, bytes or an array
    torch.manual_seed(5)
    torch.randn(5, dtype=torch.float64)
    torch.rand(3000)
    tstate = torch.get_rng_state()
    for src in (tstate, tstate.numpy().tobytes(), tstate.numpy()):
        g2 = eg.Generator().set_state(src)
        np.testing.assert_array_equal(g2.get_state(), tstate.numpy())
    expected = to_np(torch.randn(9, dtype=torch.float64))
    same_bits(g2.normal(9, np.float64), expected)

    # round trip inside ember
    st = g2.get_state()
    a = g2.uniform(100, np.float32)
    g2.set_state(st)
    same_bits(g2.uniform(100, np.float32), a)


def test_set_state_unusual_position():
    # torch accepts any (left, next) pair; a state that serves a few untwisted words
    torch.manual_seed(3)
    st = torch.get_rng_state().numpy().copy()
    st[8:12] = np.array([5], np.int32).view(np.uint8)
    torch.set_rng_state(torch.from_numpy(st))
    g = eg.Generator().set_state(st)
    for n in (2, 1, 3000):
        same_bits(g.randint(0, 100, n, np.int64), to_np(torch.randint(0, 100, (n,))))
        np.testing.assert_array_equal(g.get_state(), torch.get_rng_state().numpy())


def test_set_state_rejects_bad_input():
    g = eg.Generator()
    with pytest.raises(RuntimeError):
        g.set_state(np.zeros(10, np.uint8))
    with pytest.raises(RuntimeError):
        g.set_state(np.zeros(5056, np.uint8))  # not seeded


def test_explicit_generators_are_independent():
    a = eg.Generator().manual_seed(1)
    b = eg.Generator().manual_seed(1)
    ta = torch.Generator().manual_seed(1)
    a.uniform(10, np.float32)
    torch.rand(10, generator=ta)
    same_bits(a.normal(20, np.float32), to_np(torch.randn(20, generator=ta)))
    same_bits(
        b.uniform(3, np.float32), to_np(torch.rand(3, generator=torch.Generator().manual_seed(1)))
    )
    assert math.isfinite(float(a.normal(1, np.float64)[0]))
