"""Tensor metadata, memory sharing, conversion and creation, against torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from .util import assert_same, torch


def test_size_repr_and_tuple_behaviour():
    s = ember.zeros(2, 3).shape
    assert repr(s) == repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert s == (2, 3) and isinstance(s, tuple) and s.numel() == 6
    assert ember.zeros(2, 3).size(-1) == 3 and ember.zeros(2, 3).size() == (2, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.arange(24.0).view(2, 3, 4),
        lambda lib: lib.arange(24.0).view(2, 3, 4).transpose(0, 2),
        lambda lib: lib.arange(24.0).view(2, 3, 4).permute(1, 2, 0),
        lambda lib: lib.arange(24.0).view(2, 3, 4).unsqueeze(1),
        lambda lib: lib.arange(24.0).view(4, 6).t(),
        lambda lib: lib.arange(6.0).view(1, 6).expand(3, 6),
        lambda lib: lib.arange(24.0).view(2, 3, 4).squeeze(),
        lambda lib: lib.zeros(3, 0, 2),
        lambda lib: lib.tensor(5.0),
    ],
)
def test_strides_offsets_contiguity_match_torch(make):
    e, t = make(ember), make(torch)
    assert e.stride() == t.stride()
    assert e.storage_offset() == t.storage_offset()
    assert e.is_contiguous() == t.is_contiguous()
    assert_same(e.contiguous(), t.contiguous())
    assert e.contiguous().is_contiguous()


def test_views_share_memory_and_data_ptr():
    x = ember.arange(12.0)
    v = x.view(3, 4).t()
    assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    assert v.data_ptr() == x.data_ptr()
    with ember.no_grad():
        v.mul_(2)
    assert x.tolist() == [2.0 * i for i in range(12)]
    assert x.untyped_storage().nbytes() == 48


def test_numpy_sharing_both_ways():
    a = np.zeros(4, dtype=np.float32)
    t = ember.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5.0 if hasattr(t, "__getitem__") else t.tolist()[0] == 5.0
    n = t.numpy()
    n[1] = 7
    assert t.tolist()[1] == 7.0
    assert np.asarray(t).dtype == np.float32
    with pytest.raises(RuntimeError, match="requires grad"):
        ember.ones(2, requires_grad=True).numpy()
    with pytest.raises(ValueError):
        ember.from_numpy(np.arange(4)[::-1])


def test_item_tolist_len_iter_bool():
    assert ember.tensor(3.5).item() == 3.5
    assert ember.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert len(ember.zeros(5, 2)) == 5
    with pytest.raises(TypeError):
        len(ember.tensor(1.0))
    assert bool(ember.tensor([1.0])) and not bool(ember.tensor(0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.ones(2))
    with pytest.raises(RuntimeError):
        ember.ones(2).item()
    assert int(ember.tensor(3.7)) == 3 and float(ember.tensor(2)) == 2.0


def test_contains_compares_elements():
    x = [[1.5, 2.0], [3.0, -4.0]]
    for value in [2.0, 5, -4, True, ember.tensor(3.0)]:
        tv = torch.tensor(3.0) if isinstance(value, ember.Tensor) else value
        assert (value in ember.tensor(x)) == (tv in torch.tensor(x))
    assert 1 in ember.tensor([[True, False]])
    with pytest.raises(RuntimeError, match="only supports Tensor or scalar"):
        "a" in ember.ones(2)  # noqa: B015


def test_numpy_scalar_on_the_left_gives_a_tensor():
    for mod in (ember, torch):
        x = mod.tensor([1.5, 2.0])
        for r in [np.float64(2) * x, np.float32(2) + x, np.int64(3) - x, np.float64(2) > x]:
            assert isinstance(r, mod.Tensor)
    assert (np.float64(2) * ember.tensor([1.5])).dtype is ember.float32
    with pytest.raises(TypeError):
        np.ones(2) * ember.ones(2)


def test_element_size_nbytes_numel_dim():
    t = ember.zeros(3, 4, dtype=ember.float64)
    assert (t.element_size(), t.nbytes, t.numel(), t.dim(), t.ndim) == (8, 96, 12, 2, 2)
    assert ember.zeros(2, dtype=ember.bfloat16).element_size() == 2


@pytest.mark.parametrize(
    "data",
    [
        [1, 2, 3],
        [1.0, 2, 3],
        [True, False],
        [[1, 2], [3, 4]],
        3,
        2.5,
        True,
        [1 + 2j, 3],
        [],
        [[], []],
        np.array([1.5, 2.5]),
        np.array([1, 2], dtype=np.int16),
        np.float32(2.5),
        np.int8(3),
        np.bool_(True),
        [np.int8(1), np.int8(2)],
        [np.float64(1.5), 2],
    ],
)
def test_tensor_infers_dtype_like_torch(data):
    assert_same(ember.tensor(data), torch.tensor(data))


def test_as_tensor_keeps_numpy_scalar_dtype():
    assert_same(ember.as_tensor(np.int8(2)), torch.as_tensor(np.int8(2)))


def test_tensor_ragged_raises_valueerror():
    with pytest.raises(ValueError):
        torch.tensor([[1, 2], [3]])
    with pytest.raises(ValueError):
        ember.tensor([[1, 2], [3]])


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.zeros(2, 3),
        lambda lib: lib.ones((2, 3), dtype=lib.int32),
        lambda lib: lib.full((2, 2), 7),
        lambda lib: lib.full((2, 2), 7.5),
        lambda lib: lib.full((2,), True),
        lambda lib: lib.arange(5),
        lambda lib: lib.arange(1, 4, 0.5),
        lambda lib: lib.arange(0, -3, -1),
        lambda lib: lib.arange(0.1, 1.0, 0.3, dtype=lib.float64),
        lambda lib: lib.linspace(0, 1, 5),
        lambda lib: lib.linspace(-2, 10, 7, dtype=lib.float64),
        lambda lib: lib.linspace(0, 10, 4, dtype=lib.int64),
        lambda lib: lib.logspace(0, 2, 3),
        lambda lib: lib.eye(3),
        lambda lib: lib.eye(2, 4, dtype=lib.int64),
        lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.int16)),
        lambda lib: lib.ones_like(lib.ones(2, 2), dtype=lib.float64),
        lambda lib: lib.full_like(lib.ones(3), 4),
        lambda lib: lib.empty(0, 3),
        lambda lib: lib.tensor([1, 2]).new_ones(3),
        lambda lib: lib.tensor([1.0]).new_zeros((2, 2)),
        lambda lib: lib.tensor([1.0]).new_full((2,), 3),
        lambda lib: lib.tensor([1.0]).new_tensor([4, 5]),
    ],
)
def test_creation_matches_torch(call):
    assert_same(call(ember), call(torch))


def test_creation_errors_match_torch():
    for call in (
        lambda lib: lib.zeros(-1),
        lambda lib: lib.arange(0, 1, 0),
        lambda lib: lib.arange(0, 5, -1),
    ):
        with pytest.raises(Exception) as te:
            call(torch)
        with pytest.raises(type(te.value)):
            call(ember)


def test_to_clone_detach_type_as():
    x = ember.tensor([1.5, -2.5], requires_grad=True)
    assert x.to(ember.int64).tolist() == [1, -2]
    assert x.to("cpu") is x and x.to(ember.float32) is x
    assert x.double().dtype is ember.float64 and x.half().dtype is ember.float16
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
    assert x.type(ember.float64).dtype is ember.float64
    assert x.type_as(ember.zeros(1, dtype=ember.int32)).dtype is ember.int32
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0" and c.data_ptr() != x.data_ptr()
    d = x.detach()
    assert not d.requires_grad and d.data_ptr() == x.data_ptr() and d._version == x._version
    y = x.to(ember.float64)
    y.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.tolist() == [1.0, 1.0]


def test_bfloat16_round_trip_and_arithmetic():
    e = ember.tensor([1.0, 2.5, 3.14159], dtype=ember.bfloat16)
    t = torch.tensor([1.0, 2.5, 3.14159], dtype=torch.bfloat16)
    assert_same(e * 3, t * 3)
    assert_same(e.float(), t.float())


def test_device_objects():
    d = ember.device("cpu")
    assert repr(d) == repr(torch.device("cpu"))
    assert repr(ember.device("cuda:1")) == repr(torch.device("cuda:1"))
    assert str(ember.device("cuda", 0)) == "cuda:0"
    assert ember.zeros(1).device == ember.device("cpu") == "cpu"
    with pytest.raises(RuntimeError):
        ember.device("tpu")


def test_cuda_reports_unavailable_cleanly():
    if ember.cuda.is_available():
        pytest.skip("a CUDA device is present")
    assert ember.cuda.device_count() == 0
    with pytest.raises(RuntimeError):
        ember.zeros(1).cuda()


def test_legacy_tensor_constructor():
    assert_same(ember.Tensor([1, 2]), torch.Tensor([1, 2]))
    assert tuple(ember.Tensor(2, 3).shape) == (2, 3)


def test_out_argument():
    out = ember.empty(3)
    r = ember.add(ember.ones(3), 1, out=out)
    assert r is out and out.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.add(ember.ones(3), 1.5, out=ember.empty(3, dtype=ember.int64))


def test_python_operators_match_torch():
    ops = [
        lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
        lambda a, b: a // b, lambda a, b: a % b, lambda a, b: a ** 2, lambda a, b: 2 ** a,
        lambda a, b: 1 - a, lambda a, b: 3 / a, lambda a, b: -a, lambda a, b: abs(a),
        lambda a, b: a == b, lambda a, b: a < 2, lambda a, b: a >= b, lambda a, b: a @ b.t(),
        lambda a, b: 2.5 * a, lambda a, b: 7 // a, lambda a, b: 7 % a,
    ]  # fmt: skip
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 3, (3, 3)).astype(np.float32)
    b = rng.uniform(0.5, 3, (3, 3)).astype(np.float32)
    for op in ops:
        assert_same(
            op(ember.from_numpy(a.copy()), ember.from_numpy(b.copy())),
            op(torch.from_numpy(a.copy()), torch.from_numpy(b.copy())),
        )
    ia = np.array([[5, -7], [3, 9]])
    ib = np.array([[2, 3], [-2, 4]])
    for op in (lambda a, b: a & b, lambda a, b: a | b, lambda a, b: a ^ b, lambda a, b: ~a,
               lambda a, b: a << 1, lambda a, b: a >> 1, lambda a, b: a // b, lambda a, b: a % b,
               lambda a, b: a / b):  # fmt: skip
        assert_same(
            op(ember.from_numpy(ia.copy()), ember.from_numpy(ib.copy())),
            op(torch.from_numpy(ia.copy()), torch.from_numpy(ib.copy())),
        )


def test_inplace_operators_keep_identity_and_dtype():
    x = ember.ones(3, dtype=ember.int64)
    y = x
    y += 2
    assert y is x and x.tolist() == [3, 3, 3]
    with pytest.raises(RuntimeError, match="can't be cast"):
        x += 1.5
    t = torch.ones(3, dtype=torch.int64)
    with pytest.raises(RuntimeError):
        t += 1.5


def test_integer_division_by_zero_raises_like_torch():
    with pytest.raises(RuntimeError):
        torch.tensor([1]) // 0
    with pytest.raises(RuntimeError):
        ember.tensor([1]) // 0


def test_device_mismatch_error_names_devices():
    class FakeDevice:
        pass

    x = ember.ones(2)
    y = ember.ones(2)
    y._device = ember.device("cuda:0")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + y


@pytest.mark.parametrize(
    "view",
    [
        lambda t: t.transpose(0, 1),
        lambda t: t.permute(2, 0, 1),
        lambda t: t[:, ::2],
        lambda t: t[:, :1].expand(4, 3, 5),
    ],
)
def test_like_functions_keep_layout_and_fills_follow_memory_order(view):
    outs = []
    for m in (torch, ember):
        m.manual_seed(1)
        x = view(m.zeros(4, 3, 5))
        likes = [m.zeros_like(x), m.empty_like(x), m.ones_like(x), m.full_like(x, 2.0)]
        fills = [
            m.empty_like(x).normal_(),
            m.empty_like(x).uniform_(),
            m.empty_like(x).bernoulli_(0.3),
            m.zeros_like(x, memory_format=m.contiguous_format),
        ]
        outs.append(([t.stride() for t in likes + fills[-1:]], fills))
    (ts, tf), (es, ef) = outs
    assert [tuple(s) for s in es] == [tuple(s) for s in ts]
    for e, t in zip(ef, tf):
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize(
    "name",
    ["float", "double", "half", "bfloat16", "int", "long", "short", "char", "byte", "bool",
     "cfloat", "cdouble"],
)  # fmt: skip
def test_dtype_shorthand_methods_match_torch(name):
    data = [[1.5, -2.0], [0.0, 3.25]]
    assert_same(getattr(ember.tensor(data), name)(), getattr(torch.tensor(data), name)())
