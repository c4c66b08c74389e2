"""``return`` inside ``for``/``while`` loops in scripted code, against torch.jit and its loader."""

from __future__ import annotations

import io

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SRC = """
def first_big(x, n: int):
    for i in range(n):
        if bool(x.sum() > 10.0):
            return x * float(i)
        x = x + 1.0
    return x - 1.0

def find(xs: List[int], target: int) -> int:
    i = 0
    while i < len(xs):
        for j in range(3):
            if xs[i] + j == target:
                return i * 10 + j
        i += 1
    return -1

def last_neg(xs: List[int]) -> Optional[int]:
    for v in xs:
        if v < 0:
            return v
    return None
"""


@pytest.fixture(scope="module")
def units():
    return ember.jit.CompilationUnit(SRC), torch.jit.CompilationUnit(SRC)


@pytest.mark.parametrize("n", [0, 2, 20])
def test_return_in_for_loop_matches_torch(units, n):
    ce, ct = units
    np.testing.assert_allclose(ce.first_big(ember.ones(3), n).numpy(),
                               ct.first_big(torch.ones(3), n).numpy())  # fmt: skip


@pytest.mark.parametrize("xs,t", [([1, 5, 7], 8), ([1], 9), ([], 0), ([4, 4], 4)])
def test_return_in_nested_while_and_for_matches_torch(units, xs, t):
    ce, ct = units
    assert ce.find(xs, t) == ct.find(xs, t)


@pytest.mark.parametrize("xs", [[1, -2, -3], [1, 2], []])
def test_return_in_loop_over_list_matches_torch(units, xs):
    ce, ct = units
    assert ce.last_neg(xs) == ct.last_neg(xs)


def test_torch_loads_functions_with_loop_returns(units):
    ce, ct = units
    for name, args in (("first_big", (3,)), ("find", ([1, 5, 7], 8))):
        fn = getattr(ce, name)
        assert "$" not in fn.code
        buf = io.BytesIO()
        ember.jit.save(fn, buf)
        buf.seek(0)
        loaded = torch.jit.load(buf)
        targs = (torch.ones(3), *args) if name == "first_big" else args
        want = getattr(ct, name)(*targs)
        got = loaded(*targs)
        if isinstance(want, torch.Tensor):
            np.testing.assert_allclose(got.numpy(), want.numpy())
        else:
            assert got == want
