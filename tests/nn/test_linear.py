"""Identity, Linear, Bilinear, LazyLinear, Flatten, Unflatten against torch."""

import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF

from ..util import assert_same, from_torch, make_pair, torch


def _copy_weights(em, tm):
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})


def _check_module(em, tm, *shapes):
    assert repr(em) == repr(tm)
    pairs = [make_pair(s, requires_grad=True, rng=np.random.default_rng(i)) for i, s in
             enumerate(shapes)]  # fmt: skip
    ye = em(*[p[0] for p in pairs])
    yt = tm(*[p[1] for p in pairs])
    assert_same(ye, yt)
    ye.pow(2).sum().backward()
    yt.pow(2).sum().backward()
    for e, t in pairs:
        assert_same(e.grad, t.grad)
    for (n, p), (m, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert n == m
        assert_same(p.grad, q.grad, msg=n)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (3,)])
def test_linear(bias, shape):
    tm = torch.nn.Linear(3, 4, bias=bias)
    em = enn.Linear(3, 4, bias=bias)
    _copy_weights(em, tm)
    _check_module(em, tm, shape)


def test_linear_seeded_init_matches_torch_bit_for_bit():
    for seed in (0, 7):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        tm = torch.nn.Linear(13, 7)
        em = enn.Linear(13, 7)
        np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
        np.testing.assert_array_equal(em.bias.detach().numpy(), tm.bias.detach().numpy())
    torch.manual_seed(1)
    ember.manual_seed(1)
    tb, eb = torch.nn.Bilinear(3, 4, 5), enn.Bilinear(3, 4, 5)
    np.testing.assert_array_equal(eb.weight.detach().numpy(), tb.weight.detach().numpy())
    np.testing.assert_array_equal(eb.bias.detach().numpy(), tb.bias.detach().numpy())


def test_linear_dtype_and_errors():
    em = enn.Linear(3, 2, dtype=ember.float64)
    assert em.weight.dtype is ember.float64
    with pytest.raises(RuntimeError) as te:
        torch.nn.Linear(3, 2)(torch.ones(2, 4))
    with pytest.raises(RuntimeError) as ee:
        enn.Linear(3, 2)(ember.ones(2, 4))
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear(bias):
    tm = torch.nn.Bilinear(3, 4, 5, bias=bias)
    em = enn.Bilinear(3, 4, 5, bias=bias)
    _copy_weights(em, tm)
    _check_module(em, tm, (6, 3), (6, 4))
    _check_module(em, tm, (2, 3, 3), (2, 3, 4))


def test_functional_linear_1d_weight():
    e, t = make_pair((4, 3))
    we, wt = make_pair((3,))
    assert_same(EF.linear(e, we), torch.nn.functional.linear(t, wt))


def test_identity():
    tm, em = torch.nn.Identity(3, foo=1), enn.Identity(3, foo=1)
    assert repr(em) == repr(tm) == "Identity()"
    e, t = make_pair((2,))
    assert em(e) is e


def test_lazy_linear_materialises_and_becomes_linear():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm, em = torch.nn.LazyLinear(4), enn.LazyLinear(4)
    assert repr(em) == repr(tm)
    ember.manual_seed(0)
    torch.manual_seed(0)
    e, t = make_pair((2, 3))
    ye, yt = em(e), tm(t)
    assert type(em) is enn.Linear and type(tm) is torch.nn.Linear
    assert repr(em) == repr(tm)
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    assert_same(ye, yt)
    assert not em._forward_pre_hooks


def test_lazy_linear_loads_state_dict():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em = enn.LazyLinear(4)
    tm = torch.nn.Linear(3, 4)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    assert tuple(em.weight.shape) == (4, 3)
    e, t = make_pair((2, 3))
    assert_same(em(e), tm(t))


@pytest.mark.parametrize("args", [(), (0,), (1, 2), (-3, -1)])
def test_flatten(args):
    tm, em = torch.nn.Flatten(*args), enn.Flatten(*args)
    assert repr(em) == repr(tm)
    _check_module(em, tm, (2, 3, 4, 5))


def test_unflatten():
    tm, em = torch.nn.Unflatten(1, (2, 5)), enn.Unflatten(1, (2, 5))
    assert repr(em) == repr(tm)
    _check_module(em, tm, (3, 10, 2))
    for bad in [(2, 2.5), 5]:
        with pytest.raises(TypeError) as te:
            torch.nn.Unflatten(1, bad)
        with pytest.raises(TypeError) as ee:
            enn.Unflatten(1, bad)
        assert str(ee.value) == str(te.value)
