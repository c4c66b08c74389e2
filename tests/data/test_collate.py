"""default_collate / default_convert against torch."""

import collections

import numpy as np
import pytest
import torch

import ember
from ember.utils.data import default_collate, default_convert
from tests.util import from_torch

Point = collections.namedtuple("Point", ["x", "y"])


def same(e, t):
    """Structural equality of an ember result and a torch result."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), (e, t)
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        assert e.tolist() == t.tolist()
        return
    assert type(e) is type(t), (type(e), type(t))
    if isinstance(t, dict):
        assert list(e) == list(t)
        for k in t:
            same(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            same(a, b)
    elif isinstance(t, np.ndarray):
        np.testing.assert_array_equal(e, t)
    else:
        assert e == t


CASES = [
    lambda L: [0, 1, 2],
    lambda L: [0.5, 1.5],
    lambda L: [True, False],
    lambda L: ["a", "b"],
    lambda L: [b"a", b"b"],
    lambda L: [np.float32(1.5), np.float32(2.5)],
    lambda L: [np.int16(1), np.int16(2)],
    lambda L: [np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)],
    lambda L: [L.tensor([1.0, 2.0]), L.tensor([3.0, 4.0])],
    lambda L: [L.tensor(1), L.tensor(2)],
    lambda L: [(L.ones(2), 1, "x"), (L.zeros(2), 2, "y")],
    lambda L: [[1, 2.0], [3, 4.0]],
    lambda L: [{"a": 1, "b": L.ones(1)}, {"a": 2, "b": L.zeros(1)}],
    lambda L: [Point(1, 2.0), Point(3, 4.0)],
    lambda L: [collections.OrderedDict(k=1), collections.OrderedDict(k=2)],
    lambda L: [{"n": [1, (2, 3)]}, {"n": [4, (5, 6)]}],
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_default_collate_matches_torch(case):
    t = torch.utils.data.default_collate(CASES[case](torch))
    e = default_collate(CASES[case](ember))
    same(e, t)


@pytest.mark.parametrize(
    "make",
    [
        lambda L: np.array([1.0, 2.0]),
        lambda L: np.float64(3.0),
        lambda L: np.array(["a"]),
        lambda L: (np.array([1]), [np.int8(2)], "s"),
        lambda L: {"a": np.arange(3)},
        lambda L: Point(np.zeros(1), 2),
        lambda L: L.ones(2),
        lambda L: 7,
    ],
)
def test_default_convert_matches_torch(make):
    same(default_convert(make(ember)), torch.utils.data.default_convert(make(torch)))


@pytest.mark.parametrize(
    "make",
    [
        lambda L: [[1, 2], [3]],
        lambda L: [L.ones(2), L.ones(3)],
        lambda L: [np.array(["a"]), np.array(["b"])],
        lambda L: [object(), object()],
        lambda L: [None, None],
    ],
)
def test_default_collate_errors_match_torch(make):
    with pytest.raises(Exception) as t:
        torch.utils.data.default_collate(make(torch))
    with pytest.raises(type(t.value)) as e:
        default_collate(make(ember))
    msg_t = str(t.value).replace("torch.", "").replace("<class 'object'>", "")
    msg_e = str(e.value).replace("ember.", "").replace("<class 'object'>", "")
    assert msg_e.split(";")[0] == msg_t.split(";")[0]
    if isinstance(t.value, TypeError):
        assert "found" in str(e.value)


def test_collated_tensor_values():
    t = torch.utils.data.default_collate([torch.randn(2, 3) for _ in range(4)])
    e = default_collate([from_torch(x) for x in t.unbind(0)])
    assert e.tolist() == t.tolist() and e.dtype == ember.float32
