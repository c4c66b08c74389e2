"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch."""

from collections import OrderedDict

import pytest

import ember
import ember.nn as enn

from ..util import assert_same, from_torch, make_pair, torch


def seq(lib, n=4):
    nn = lib.nn
    return nn.Sequential(*[nn.Linear(2, 2) if i % 2 == 0 else nn.ReLU() for i in range(n)])


def names(m):
    return list(m._modules)


def test_sequential_indexing_and_mutation():
    te, ee = seq(torch), seq(ember)
    for idx in (0, -1, 2, slice(1, 3), slice(None, None, -1)):
        assert repr(ee[idx]) == repr(te[idx])
    for lib, m in ((torch, te), (ember, ee)):
        m.append(lib.nn.Tanh())
        m.insert(1, lib.nn.Sigmoid())
        m.insert(-1, lib.nn.ELU())
        m.extend([lib.nn.Identity()])
        del m[0]
        del m[1:3]
        m[0] = lib.nn.GELU()
        m.pop(-1)
    assert repr(ee) == repr(te) and names(ee) == names(te)
    assert len(ee) == len(te)
    assert repr(ee + seq(ember, 2)) == repr(te + seq(torch, 2))
    assert repr(ee * 2) == repr(te * 2)
    assert repr(2 * ee) == repr(2 * te)
    ee *= 2
    te *= 2
    assert repr(ee) == repr(te)
    for bad in (len(te), -len(te) - 1):
        with pytest.raises(IndexError) as ti:
            te[bad]
        with pytest.raises(IndexError) as ei:
            ee[bad]
        assert str(ei.value) == str(ti.value)


def test_sequential_ordered_dict_forward_and_state_dict():
    od = lambda lib: OrderedDict([("fc", lib.nn.Linear(3, 2)), ("act", lib.nn.Tanh())])  # noqa: E731
    te, ee = torch.nn.Sequential(od(torch)), enn.Sequential(od(ember))
    assert repr(ee) == repr(te)
    ee.load_state_dict({k: from_torch(v) for k, v in te.state_dict().items()})
    assert list(ee.state_dict()) == list(te.state_dict())
    e, t = make_pair((4, 3), requires_grad=True)
    assert_same(ee(e), te(t))
    assert repr(ee[1:]) == repr(te[1:])


def test_sequential_errors():
    for exc, call in [
        (ValueError, lambda L: L.nn.Sequential() + 1),
        (TypeError, lambda L: L.nn.Sequential() * 1.5),
        (ValueError, lambda L: L.nn.Sequential() * 0),
        (IndexError, lambda L: L.nn.Sequential().insert(3, L.nn.ReLU())),
    ]:
        with pytest.raises(exc) as ti:
            call(torch)
        with pytest.raises(exc) as ei:
            call(ember)
        assert str(ei.value).replace("ember", "torch") == str(ti.value)


def test_module_list():
    mk = lambda lib: lib.nn.ModuleList([lib.nn.Linear(1, 1), lib.nn.ReLU()])  # noqa: E731
    te, ee = mk(torch), mk(ember)
    for lib, m in ((torch, te), (ember, ee)):
        m.append(lib.nn.ReLU())
        m.extend([lib.nn.ReLU(), lib.nn.Tanh()])
        m.insert(0, lib.nn.Tanh())
        m += [lib.nn.Identity()]
        del m[1]
        m[-1] = lib.nn.Sigmoid()
        m.pop(0)
    assert repr(ee) == repr(te) and names(ee) == names(te)
    assert repr(ee[1:3]) == repr(te[1:3])
    assert repr(ee + mk(ember)) == repr(te + mk(torch))
    assert repr(enn.ModuleList()) == repr(torch.nn.ModuleList())
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ee.extend(5)
    with pytest.raises(NotImplementedError):
        ee(1)


def test_module_dict():
    mk = lambda lib: lib.nn.ModuleDict({"b": lib.nn.ReLU(), "a": lib.nn.Linear(1, 2)})  # noqa: E731
    te, ee = mk(torch), mk(ember)
    for lib, m in ((torch, te), (ember, ee)):
        m["c"] = lib.nn.Tanh()
        m.update([("d", lib.nn.ELU())])
        m.pop("b")
    assert repr(ee) == repr(te)
    assert list(ee.keys()) == list(te.keys()) and "c" in ee and len(ee) == len(te)
    assert list(ee) == list(te)
    with pytest.raises(ValueError, match="has length 1; 2 is required"):
        ee.update([("x",)])
    ee.clear()
    assert len(ee) == 0


def test_parameter_list():
    mk = lambda lib: lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])  # noqa: E731
    te, ee = mk(torch), mk(ember)
    for lib, m in ((torch, te), (ember, ee)):
        m.append(lib.ones(1, dtype=lib.float64))
        m.extend([lib.nn.Parameter(lib.ones(3))])
        m[0] = lib.zeros(5)
    assert repr(ee) == repr(te)
    assert isinstance(ee[1], enn.Parameter) and len(ee) == len(te) == 4
    assert repr(ee[1:3]) == repr(te[1:3])
    assert list(ee.state_dict()) == list(te.state_dict())
    assert [n for n, _ in ee.named_parameters()] == [n for n, _ in te.named_parameters()]
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        ee()
    with pytest.raises(TypeError):
        ee.extend(ember.ones(2))


def test_parameter_dict():
    mk = lambda lib: lib.nn.ParameterDict({"w": lib.nn.Parameter(lib.ones(2)), "a": lib.zeros(3)})  # noqa: E731
    te, ee = mk(torch), mk(ember)
    for lib, m in ((torch, te), (ember, ee)):
        m["z"] = lib.ones(1)
        m.update(OrderedDict([("y", lib.ones(2, 2))]))
        m.setdefault("q", lib.ones(3))
        m.pop("w")
    assert repr(ee) == repr(te)
    assert list(ee.keys()) == list(te.keys())
    assert list(ee.state_dict()) == list(te.state_dict())
    assert isinstance(ee["a"], enn.Parameter) and ee.get("nope", 3) == 3
    k, _ = ee.popitem()
    assert k == te.popitem()[0]
    with pytest.raises(TypeError) as ti:
        te[1]
    with pytest.raises(TypeError) as ei:
        ee[1]
    assert str(ei.value) == str(ti.value)
    assert repr(ee | {"n": ember.ones(1)}) == repr(te | {"n": torch.ones(1)})
