"""ember.jit.compile / CompilationUnit(source): functions by attribute and by invoke."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SOURCE = """
def scale(x, k: float):
    return x * k

def poly(x, n: int):
    y = torch.zeros_like(x)
    for i in range(n):
        y = y + scale(x, float(i))
    return y

def pick(xs: List[Tensor], i: int) -> Tensor:
    if i < 0:
        return xs[len(xs) + i]
    return xs[i]

def stats(x) -> Tuple[Tensor, int]:
    return torch.relu(x).sum(), x.dim()
"""


def _t(a):
    return ember.from_numpy(a.detach().numpy().copy())


@pytest.fixture(scope="module")
def units():
    return torch.jit.CompilationUnit(SOURCE), ember.jit.CompilationUnit(SOURCE)


def test_functions_are_attributes_and_invokable(units):
    tcu, ecu = units
    x = torch.randn(3, generator=torch.Generator().manual_seed(0))
    for name, args in [("scale", (x, 2.5)), ("poly", (x, 4))]:
        expected = getattr(tcu, name)(*args)
        eargs = [_t(a) if isinstance(a, torch.Tensor) else a for a in args]
        np.testing.assert_allclose(getattr(ecu, name)(*eargs).numpy(), expected.numpy(), rtol=1e-6)
        np.testing.assert_allclose(ecu.invoke(name, *eargs).numpy(), expected.numpy(), rtol=1e-6)


def test_list_arguments_and_tuple_results(units):
    tcu, ecu = units
    xs = [torch.full([2], float(i)) for i in range(3)]
    for i in (0, 2, -1):
        np.testing.assert_array_equal(
            ecu.pick([_t(x) for x in xs], i).numpy(), tcu.pick(xs, i).numpy()
        )
    x = torch.randn(2, 3, generator=torch.Generator().manual_seed(1))
    s, d = ecu.stats(_t(x))
    ts, td = tcu.stats(x)
    assert d == td
    np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-6)


def test_jit_compile_returns_a_compilation_unit():
    cu = ember.jit.compile("def add1(x: int) -> int:\n    return x + 1\n")
    assert isinstance(cu, ember.jit.CompilationUnit)
    assert cu.add1(4) == 5
    assert cu.invoke("add1", 1) == 2


def test_compiled_functions_get_gradients():
    cu = ember.jit.compile("def f(x):\n    return (x * x).sum()\n")
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    cu.f(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_unknown_function_name_fails():
    with pytest.raises(RuntimeError):
        ember.jit.CompilationUnit("def f(x):\n    return frob(x)\n").f(ember.ones(1))
    with pytest.raises(RuntimeError, match="no function named 'missing'"):
        ember.jit.compile("def f(x):\n    return x\n").invoke("missing", 1)


def test_source_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    src = f"import os\nos.system('touch {marker}')\ndef f(x):\n    return x\n"
    with pytest.raises(RuntimeError):
        ember.jit.compile(src)
    assert not marker.exists()
