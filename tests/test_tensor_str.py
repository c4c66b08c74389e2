"""Tensor printing: ``tensor_repr`` must match PyTorch's ``repr`` character for character."""

import math

import ml_dtypes
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ember import _dtype  # noqa: E402
from ember import _tensor_str as ts  # noqa: E402

# ----------------------------------------------------------------------------- helpers


class _Device:
    def __init__(self, s):
        self.type = s.split(":")[0]
        self._s = s

    def __str__(self):
        return self._s


class _GradFn:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


class _Fake:
    """The minimal tensor interface that ``tensor_repr`` relies on."""

    def __init__(self, tt, device=None, grad_fn=None):
        tt = tt.detach()
        if tt.dtype == torch.bfloat16:
            data = tt.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
        else:
            data = tt.numpy()
        self._data = data
        self.dtype = _dtype._dtype_by_name(str(tt.dtype).split(".")[1])
        self.device = _Device(device or "cpu")
        self.requires_grad = tt.requires_grad
        self.grad_fn = grad_fn
        self.is_leaf = grad_fn is None

    def cpu(self):
        twin = object.__new__(_Fake)
        twin.__dict__.update(self.__dict__)
        twin.device = _Device("cpu")
        return twin


def fake(tt):
    grad_fn = None
    if tt.grad_fn is not None:
        grad_fn = _GradFn(type(tt.grad_fn).__name__)
    f = _Fake(tt, grad_fn=grad_fn)
    f.requires_grad = tt.requires_grad
    return f


def check(tt):
    expected = repr(tt)
    got = ts.tensor_repr(fake(tt))
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"
    assert str(tt) == expected


@pytest.fixture(autouse=True)
def _reset_options():
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")


def both(**kwargs):
    torch.set_printoptions(**kwargs)
    ts.set_printoptions(**kwargs)


# ----------------------------------------------------------------------------- cases


def _cases():
    g = torch.Generator().manual_seed(0)

    def r(*shape, scale=1.0, dtype=torch.float32):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)

    c = {}
    # scalars
    c["scalar_float"] = torch.tensor(3.0)
    c["scalar_frac"] = torch.tensor(3.14159)
    c["scalar_int"] = torch.tensor(3)
    c["scalar_neg_int"] = torch.tensor(-7)
    c["scalar_bool"] = torch.tensor(True)
    c["scalar_nan"] = torch.tensor(float("nan"))
    c["scalar_inf"] = torch.tensor(-float("inf"))
    c["scalar_negzero"] = torch.tensor(-0.0)
    c["scalar_zero"] = torch.tensor(0.0)
    c["scalar_small"] = torch.tensor(1e-8)
    c["scalar_big"] = torch.tensor(1e9)
    c["scalar_f64"] = torch.tensor(2.5, dtype=torch.float64)
    c["scalar_i32"] = torch.tensor(5, dtype=torch.int32)
    c["scalar_complex"] = torch.tensor(1 + 2j)
    c["scalar_complex_neg"] = torch.tensor(1.5 - 2.25j)
    c["scalar_f16"] = torch.tensor(0.1, dtype=torch.float16)
    c["scalar_bf16"] = torch.tensor(0.1, dtype=torch.bfloat16)
    # 1-D floats
    c["f_small_vec"] = torch.tensor([1.0, 2.5, -3.25])
    c["f_int_valued"] = torch.tensor([1.0, 2.0, -3.0, 100.0])
    c["f_int_valued_big"] = torch.tensor([1.0, 2.0, 1e5])
    c["f_int_valued_sci"] = torch.tensor([1.0, 1e9])
    c["f_randn"] = r(10)
    c["f_mix_tiny_huge"] = torch.tensor([1e-8, 1.0, 1e8])
    c["f_tiny"] = torch.tensor([1e-8, 2e-8, -3e-9])
    c["f_huge"] = torch.tensor([1e10, -2e12, 3.5e9])
    c["f_ratio_1000"] = torch.tensor([1.0, 1000.0])
    c["f_ratio_1001"] = torch.tensor([1.0, 1001.5])
    c["f_edge_1e-4"] = torch.tensor([1e-4, 0.5])
    c["f_edge_1e8"] = torch.tensor([1e8, 1e7])
    c["f_nan_inf"] = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5])
    c["f_nan_inf_int"] = torch.tensor([float("nan"), float("inf"), -float("inf"), 2.0])
    c["f_only_nonfinite"] = torch.tensor([float("nan"), float("inf")])
    c["f_zeros"] = torch.zeros(5)
    c["f_negzero"] = torch.tensor([-0.0, 0.0, 1.0])
    c["f_negzero_frac"] = torch.tensor([-0.0, 0.5])
    c["f_negzero_sci"] = torch.tensor([-0.0, 1e-7])
    c["f_mags"] = r(20) * torch.logspace(-6, 6, 20)
    c["f_long_row"] = r(50)
    c["f_long_row_sci"] = r(37, scale=1e6)
    c["f64_vec"] = r(7, dtype=torch.float64)
    c["f64_precise"] = torch.tensor([1 / 3, 2 / 3], dtype=torch.float64)
    c["f16_vec"] = r(9, dtype=torch.float16)
    c["f16_big"] = torch.tensor([65504.0, -1.0, 0.5], dtype=torch.float16)
    c["bf16_vec"] = r(9, dtype=torch.bfloat16)
    c["bf16_big"] = torch.tensor([1e30, 1.0, -3e-20], dtype=torch.bfloat16)
    c["f_rounding"] = torch.tensor([0.99995, 9.99995, 0.00005, 123.45675])
    # 2-D / 3-D floats
    c["f_2d"] = r(3, 4)
    c["f_2d_wide"] = r(4, 30)
    c["f_3d"] = r(2, 3, 4)
    c["f_4d"] = r(2, 2, 2, 3)
    c["f_2d_sci"] = r(3, 5) * torch.tensor([1e-6, 1, 1e3, 1e6, 1e9])
    c["f_col"] = r(5, 1)
    c["f_row"] = r(1, 5)
    # summarising
    c["sum_1d"] = r(2000)
    c["sum_1d_arange"] = torch.arange(1001, dtype=torch.float32)
    c["sum_2d"] = r(100, 100)
    c["sum_2d_thin"] = r(1001, 2)
    c["sum_2d_flat"] = r(2, 1001)
    c["sum_3d"] = r(20, 20, 20)
    c["sum_3d_small_mid"] = r(200, 2, 200)
    c["sum_4d"] = r(8, 8, 8, 8)
    c["sum_int"] = torch.arange(-5000, 5000).reshape(100, 100)
    c["sum_bool"] = torch.rand(40, 40, generator=g) > 0.5
    c["sum_complex"] = torch.complex(r(1200), r(1200))
    # hidden corner values must not widen the columns
    big_hidden = torch.ones(2000)
    big_hidden[1000] = 123456.0
    c["sum_hidden_big"] = big_hidden
    # ints
    c["i_vec"] = torch.tensor([1, -2, 3, 40000])
    c["i_big"] = torch.tensor([2**62, -(2**63), 0])
    c["i_2d"] = torch.arange(-6, 6).reshape(3, 4)
    c["i_long_row"] = torch.arange(100) * 1000
    c["i32"] = torch.arange(5, dtype=torch.int32)
    c["i16"] = torch.tensor([-300, 2], dtype=torch.int16)
    c["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    c["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    # bool
    c["b_vec"] = torch.tensor([True, False, True])
    c["b_2d"] = torch.tensor([[True, False], [False, False]])
    c["b_long"] = torch.ones(40, dtype=torch.bool)
    # complex
    c["c_vec"] = torch.tensor([1 + 2j, -3.5 - 0.25j, 0j])
    c["c_int_valued"] = torch.tensor([1 + 2j, 3 - 4j])
    c["c_sci"] = torch.tensor([1e-8 + 1e8j, 2 + 3j])
    c["c_negzero"] = torch.complex(torch.tensor([0.0, 1.0]), torch.tensor([-0.0, 0.0]))
    c["c_nan"] = torch.complex(torch.tensor([float("nan"), 1.0]), torch.tensor([1.0, float("inf")]))
    c["c128"] = torch.tensor([1 / 3 + 2j], dtype=torch.complex128)
    c["c_2d"] = torch.complex(r(3, 4), r(3, 4))
    c["c_long"] = torch.complex(r(40), r(40))
    # empty
    c["empty_1d"] = torch.tensor([])
    c["empty_0x3"] = torch.zeros(0, 3)
    c["empty_3x0"] = torch.zeros(3, 0)
    c["empty_mid"] = torch.zeros(2, 0, 4)
    c["empty_int"] = torch.zeros(0, dtype=torch.int64)
    c["empty_int_2d"] = torch.zeros(0, 2, dtype=torch.int64)
    c["empty_bool"] = torch.zeros(0, dtype=torch.bool)
    c["empty_f64"] = torch.zeros(0, dtype=torch.float64)
    c["empty_c64"] = torch.zeros(0, 1, dtype=torch.complex64)
    # autograd
    c["req_grad"] = torch.tensor([1.0, 2.0], requires_grad=True)
    c["req_grad_scalar"] = torch.tensor(2.0, requires_grad=True)
    c["req_grad_f64"] = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    c["grad_fn_mul"] = x * 2
    c["grad_fn_sum"] = (x * x).sum()
    c["grad_fn_wide"] = r(30, 7).requires_grad_() @ r(7, 7)
    c["grad_fn_long_line"] = (r(23, dtype=torch.float64).requires_grad_() * 3).exp()
    c["req_grad_empty"] = torch.zeros(0, 2, requires_grad=True)
    # suffix wrapping on the last line
    c["suffix_wrap"] = torch.arange(21, dtype=torch.int32) * 100
    c["suffix_wrap2"] = torch.tensor([1.0, 2.0, 3.0] * 5, dtype=torch.float64)
    return c


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    check(CASES[name])


OPTION_SETS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"precision": 2, "sci_mode": True},
    {"profile": "full"},
    {"profile": "short"},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"edgeitems": 5},
    {"linewidth": 40},
    {"linewidth": 200},
    {"linewidth": 5},
]

OPTION_CASES = [
    "scalar_frac",
    "scalar_complex",
    "f_small_vec",
    "f_int_valued",
    "f_mix_tiny_huge",
    "f_nan_inf",
    "f_negzero",
    "f_long_row",
    "f_2d_wide",
    "f_3d",
    "sum_1d",
    "sum_2d",
    "sum_3d_small_mid",
    "i_long_row",
    "b_2d",
    "c_vec",
    "c_long",
    "empty_0x3",
    "grad_fn_wide",
    "suffix_wrap",
]


def _opts_id(opts):
    return ",".join(f"{k}={v}" for k, v in opts.items())


@pytest.mark.parametrize("opts", OPTION_SETS, ids=_opts_id)
def test_with_printoptions(opts):
    both(**opts)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    for name in OPTION_CASES:
        check(CASES[name])


def test_full_profile_large():
    both(profile="full")
    check(torch.arange(1500).reshape(30, 50))


def test_get_set_printoptions():
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    both(precision=3, threshold=50, edgeitems=2, linewidth=60, sci_mode=True)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    both(profile="full")
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert ts.get_printoptions()["threshold"] == math.inf
    both(profile="short", precision=6)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    both(linewidth=70)  # leaving sci_mode out resets it
    assert ts.get_printoptions()["sci_mode"] is None


def test_printoptions_context():
    t = torch.tensor([1.123456, 2.0])
    with ts.printoptions(precision=2, sci_mode=True):
        with torch._tensor_str.printoptions(precision=2, sci_mode=True):
            check(t)
            assert ts.get_printoptions()["precision"] == 2
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    check(t)

    @ts.printoptions(precision=1)
    def inner():
        return ts.get_printoptions()["precision"]

    assert inner() == 1
    assert ts.get_printoptions()["precision"] == 4


def test_default_dtype_float64():
    old = _dtype.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    _dtype.set_default_dtype(_dtype.float64)
    try:
        for tt in [
            torch.tensor([1.0, 2.5]),
            torch.tensor([1.0, 2.5], dtype=torch.float32),
            torch.tensor([1 + 1j]),
            torch.tensor([1 + 1j], dtype=torch.complex64),
            torch.zeros(0),
            torch.zeros(0, dtype=torch.float32),
            torch.zeros(2, 0, dtype=torch.int64),
        ]:
            check(tt)
    finally:
        torch.set_default_dtype(torch.float32)
        _dtype.set_default_dtype(old)


def test_tensor_contents():
    tt = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    expected = torch._tensor_str._str(tt, tensor_contents="[CONTENTS]")
    assert ts.tensor_repr(fake(tt), tensor_contents="[CONTENTS]") == expected
    tt = torch.zeros(0, 3, dtype=torch.int32)
    expected = torch._tensor_str._str(tt, tensor_contents="XYZ")
    assert ts.tensor_repr(fake(tt), tensor_contents="XYZ") == expected


def test_device_suffix():
    # torch has no CUDA here: build the expected text from a CPU repr.
    tt = torch.tensor([1.0, 2.0], dtype=torch.float64)
    f = _Fake(tt, device="cuda:0")
    assert ts.tensor_repr(f) == "tensor([1., 2.], device='cuda:0', dtype=torch.float64)"
    f = _Fake(torch.tensor([1.0, 2.0]), device="cuda:1", grad_fn=_GradFn("MulBackward0"))
    assert ts.tensor_repr(f) == "tensor([1., 2.], device='cuda:1', grad_fn=<MulBackward0>)"
    f = _Fake(torch.zeros(0, 2, dtype=torch.int64), device="cuda:0")
    assert ts.tensor_repr(f) == "tensor([], device='cuda:0', size=(0, 2), dtype=torch.int64)"


def test_cpp_style_grad_fn_name():
    f = _Fake(torch.tensor([1.0]), grad_fn=_GradFn("torch::autograd::AccumulateGrad"))
    assert ts.tensor_repr(f) == "tensor([1.], grad_fn=<AccumulateGrad>)"


def test_non_contiguous():
    base = torch.randn(6, 8, generator=torch.Generator().manual_seed(1))
    for tt in [base.t(), base[::2, 1::3], base.t()[2]]:
        f = fake(tt)
        assert not f._data.flags["C_CONTIGUOUS"] or tt.dim() < 2
        check(tt)


# ----------------------------------------------------------------------------- properties

_magnitude = st.sampled_from([1e-9, 1e-5, 1e-3, 1.0, 10.0, 1e3, 1e5, 1e9])
_shape = st.lists(st.integers(0, 6), min_size=0, max_size=3).map(tuple)


@st.composite
def _float_tensors(draw):
    shape = draw(_shape)
    n = int(np.prod(shape)) if shape else 1
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    mags = np.array(draw(st.lists(_magnitude, min_size=1, max_size=3)))
    vals = rng.standard_normal(n) * rng.choice(mags, size=n)
    if draw(st.booleans()):
        vals = np.round(vals)
    if n and draw(st.booleans()):
        special = [np.nan, np.inf, -np.inf, -0.0, 0.0]
        k = draw(st.integers(1, max(1, n // 3)))
        vals[rng.integers(0, n, size=k)] = rng.choice(special, size=k)
    dtype = draw(st.sampled_from([torch.float32, torch.float64, torch.float16, torch.bfloat16]))
    return torch.from_numpy(vals.reshape(shape)).to(dtype)


@settings(max_examples=150, deadline=None)
@given(_float_tensors())
def test_property_floats(tt):
    check(tt)


@settings(max_examples=40, deadline=None)
@given(
    _float_tensors(),
    st.sampled_from([None, True, False]),
    st.integers(0, 6),
    st.sampled_from([3, 10, 1000]),
    st.integers(1, 3),
    st.integers(20, 120),
)
def test_property_floats_options(tt, sci_mode, precision, threshold, edgeitems, linewidth):
    opts = dict(
        sci_mode=sci_mode,
        precision=precision,
        threshold=threshold,
        edgeitems=edgeitems,
        linewidth=linewidth,
    )
    try:
        both(**opts)
        check(tt)
    finally:
        both(profile="default")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=0, max_size=40),
    st.sampled_from([torch.int64, torch.int32, torch.bool, torch.complex64]),
)
def test_property_other_dtypes(values, dtype):
    base = torch.tensor(values, dtype=torch.int64)
    if dtype == torch.int32:
        tt = (base % 1000).to(torch.int32)
    elif dtype == torch.bool:
        tt = base % 2 == 0
    elif dtype == torch.complex64:
        tt = torch.complex((base % 1000).float() / 7, (base % 77).float() * 3)
    else:
        tt = base
    check(tt)


def test_meta_device():
    for tt in [
        torch.empty(2, 3, device="meta"),
        torch.empty(0, device="meta", dtype=torch.int64),
        torch.empty((), device="meta", dtype=torch.float64, requires_grad=True),
    ]:
        f = _Fake(torch.empty(tt.shape, dtype=tt.dtype), device="meta")
        f.requires_grad = tt.requires_grad
        f.shape = tuple(tt.shape)
        assert ts.tensor_repr(f) == repr(tt)


_REAL_CASES = [
    "scalar_frac",
    "scalar_int",
    "scalar_bool",
    "f_mags",
    "f_nan_inf",
    "f64_vec",
    "f16_vec",
    "bf16_vec",
    "f_3d",
    "sum_2d",
    "sum_int",
    "b_2d",
    "c_vec",
    "empty_mid",
    "empty_int",
    "req_grad",
    "i8",
]


@pytest.mark.parametrize("name", _REAL_CASES)
def test_real_tensor(name):
    import ember

    if not hasattr(ember, "tensor"):
        pytest.skip("ember.tensor is not available yet")
    tt = CASES[name].detach()
    dtype = getattr(ember, str(tt.dtype).split(".")[1])
    values = tt.float().numpy() if tt.dtype == torch.bfloat16 else tt.numpy()
    et = ember.tensor(values, dtype=dtype, requires_grad=CASES[name].requires_grad)
    assert repr(et) == repr(CASES[name])
    assert str(et) == str(CASES[name])


def test_real_tensor_grad_fn():
    import ember

    if not hasattr(ember, "tensor"):
        pytest.skip("ember.tensor is not available yet")
    x = ember.tensor([1.5, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([3., 4.], grad_fn=<MulBackward0>)"


def test_real_tensor_subclass_prefix():
    import ember

    if not hasattr(ember, "tensor") or not hasattr(ember.Tensor, "as_subclass"):
        pytest.skip("ember.tensor / Tensor.as_subclass are not available yet")

    class MyT(ember.Tensor):
        pass

    class TorchMyT(torch.Tensor):
        pass

    et = ember.tensor([1.0, 2.0]).as_subclass(MyT)
    tt = torch.tensor([1.0, 2.0]).as_subclass(TorchMyT)
    assert repr(et).replace("MyT", "X") == repr(tt).replace("TorchMyT", "X")
