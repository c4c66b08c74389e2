"""nn.utils against torch: clipping, vector conversion, parametrize, weight/spectral norm."""

import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.utils as eu

from ..util import assert_same, from_torch, make_pair, torch

tu = torch.nn.utils


def _params_with_grads(seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for shape in [(3, 4), (5,), (2, 2, 2)]:
        (e, t), (ge, gt) = make_pair(shape, rng=rng), make_pair(shape, rng=rng)
        e, t = enn.Parameter(e), torch.nn.Parameter(t)
        e.grad, t.grad = ge, gt
        out.append((e, t))
    return [p[0] for p in out], [p[1] for p in out]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), 0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm(norm_type, max_norm):
    pe, pt = _params_with_grads()
    ne = eu.clip_grad_norm_(pe, max_norm, norm_type)
    nt = tu.clip_grad_norm_(pt, max_norm, norm_type)
    assert_same(ne, nt)
    for e, t in zip(pe, pt):
        assert_same(e.grad, t.grad)


def test_clip_grad_norm_nonfinite_and_single_tensor():
    pe, pt = _params_with_grads()
    pe[0].grad[0, 0] = float("inf")
    pt[0].grad[0, 0] = float("inf")
    with pytest.raises(RuntimeError) as ti:
        tu.clip_grad_norm_(pt, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as ei:
        eu.clip_grad_norm_(pe, 1.0, error_if_nonfinite=True)
    assert str(ei.value) == str(ti.value)
    assert_same(eu.clip_grad_norm_(pe[1], 0.1, foreach=True), tu.clip_grad_norm_(pt[1], 0.1))
    assert_same(eu.clip_grad_norm_([], 1.0), tu.clip_grad_norm_([], 1.0))


def test_clip_grad_value():
    pe, pt = _params_with_grads(1)
    eu.clip_grad_value_(pe, 0.7)
    tu.clip_grad_value_(pt, 0.7)
    for e, t in zip(pe, pt):
        assert_same(e.grad, t.grad)


def test_parameters_vector_round_trip():
    pe, pt = _params_with_grads(2)
    ve, vt = eu.parameters_to_vector(pe), tu.parameters_to_vector(pt)
    assert_same(ve, vt)
    eu.vector_to_parameters(ve * 2, pe)
    tu.vector_to_parameters(vt * 2, pt)
    for e, t in zip(pe, pt):
        assert_same(e, t)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        eu.vector_to_parameters([1], pe)


def _linear_pair(*args, **kwargs):
    torch.manual_seed(0)  # deterministic weights: the checks compare float32 gradients
    tm = torch.nn.Linear(*args, **kwargs)
    em = enn.Linear(*args, **kwargs)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    return em, tm


def _run(em, tm, shape=(4, 3)):
    e, t = make_pair(shape, requires_grad=True)
    ye, yt = em(e), tm(t)
    assert_same(ye, yt)
    ye.pow(2).sum().backward()
    yt.pow(2).sum().backward()
    assert_same(e.grad, t.grad)
    for (n, p), (m, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert n == m
        assert_same(p.grad, q.grad, msg=n)


class Symmetric:
    @staticmethod
    def make(lib):
        class Sym(lib.nn.Module):
            def forward(self, x):
                return x.triu() + x.triu(1).transpose(-1, -2)

        return Sym()


class Scale:
    @staticmethod
    def make(lib):
        class Twice(lib.nn.Module):
            def forward(self, x):
                return x * 2

            def right_inverse(self, x):
                return x / 2

        return Twice()


def test_parametrize_register_cache_remove():
    em, tm = _linear_pair(3, 3)
    for lib, m in ((ember, em), (torch, tm)):
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", Scale.make(lib))
        P.register_parametrization(m, "weight", Scale.make(lib))
    assert repr(em) == repr(tm)
    assert type(em).__name__ == "ParametrizedLinear"
    assert list(em.state_dict()) == list(tm.state_dict())
    assert_same(em.parametrizations.weight.original, tm.parametrizations.weight.original)
    assert eu.parametrize.is_parametrized(em) and eu.parametrize.is_parametrized(em, "weight")
    assert not eu.parametrize.is_parametrized(em, "bias")
    _run(em, tm)
    with eu.parametrize.cached():
        assert em.weight is em.weight
    assert em.weight is not em.weight
    with ember.no_grad():
        em.weight = ember.ones(3, 3)
    with torch.no_grad():
        tm.weight = torch.ones(3, 3)
    assert_same(em.parametrizations.weight.original, tm.parametrizations.weight.original)
    for lib, m in ((ember, em), (torch, tm)):
        lib.nn.utils.parametrize.remove_parametrizations(m, "weight")
    assert type(em) is enn.Linear and repr(em) == repr(tm)
    assert isinstance(em.weight, enn.Parameter)
    assert_same(em.weight, tm.weight)


def test_parametrize_errors():
    em = enn.Linear(2, 2)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        eu.parametrize.register_parametrization(em, "nope", Scale.make(ember))
    with pytest.raises(ValueError, match="does not have a parametrization on"):
        eu.parametrize.remove_parametrizations(em, "weight")

    class Shrink(enn.Module):
        def forward(self, x):
            return x[0]

    with pytest.raises(ValueError, match="may not change the shape"):
        eu.parametrize.register_parametrization(em, "weight", Shrink())


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_parametrization(dim):
    em, tm = _linear_pair(3, 4)
    eu.parametrizations.weight_norm(em, dim=dim)
    tu.parametrizations.weight_norm(tm, dim=dim)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        assert_same(em.state_dict()[k], v, msg=k)
    _run(em, tm)


@pytest.mark.parametrize("dim", [0, 1])
def test_classic_weight_norm(dim):
    em, tm = _linear_pair(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eu.weight_norm(em, dim=dim)
        tu.weight_norm(tm, dim=dim)
    assert list(em.state_dict()) == list(tm.state_dict())
    _run(em, tm)
    eu.remove_weight_norm(em)
    tu.remove_weight_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert_same(em.weight, tm.weight)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        eu.remove_weight_norm(em)


def test_weight_norm_loads_classic_checkpoint():
    em, tm = _linear_pair(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tu.weight_norm(tm)
    eu.parametrizations.weight_norm(em)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    e, t = make_pair((2, 3))
    assert_same(em(e), tm(t))


def test_spectral_norm_parametrization_matches_torch_draws():
    for training in (True, False):
        torch.manual_seed(0)
        ember.manual_seed(0)
        em, tm = _linear_pair(5, 4)
        torch.manual_seed(1)
        ember.manual_seed(1)
        eu.parametrizations.spectral_norm(em)
        tu.parametrizations.spectral_norm(tm)
        em.train(training)
        tm.train(training)
        assert list(em.state_dict()) == list(tm.state_dict())
        for k, v in tm.state_dict().items():
            assert_same(em.state_dict()[k], v, msg=k, rtol=1e-4, atol=1e-5)
        _run(em, tm, (3, 5))
        assert_same(em.parametrizations.weight[0]._u, tm.parametrizations.weight[0]._u,
                    rtol=1e-4, atol=1e-5)  # fmt: skip


def test_classic_spectral_norm_matches_torch_draws():
    em, tm = _linear_pair(5, 4)
    torch.manual_seed(2)
    ember.manual_seed(2)
    eu.spectral_norm(em)
    tu.spectral_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert em.state_dict()._metadata == tm.state_dict()._metadata
    _run(em, tm, (3, 5))
    assert_same(em.weight_u, tm.weight_u, rtol=1e-4, atol=1e-5)
    eu.remove_spectral_norm(em)
    tu.remove_spectral_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert_same(em.weight, tm.weight, rtol=1e-4, atol=1e-5)


def test_fuse_linear_bn_weights():
    em, tm = _linear_pair(3, 4)
    rm, rv = make_pair((4,)), make_pair((4,), low=0.5, high=2)
    bw, bb = make_pair((4,)), make_pair((4,))
    we, be = eu.fuse_linear_bn_weights(em.weight, em.bias, rm[0], rv[0], 1e-5, bw[0], bb[0])
    wt, bt = tu.fuse_linear_bn_weights(tm.weight, tm.bias, rm[1], rv[1], 1e-5, bw[1], bb[1])
    assert_same(we, wt)
    assert_same(be, bt)
    assert isinstance(we, enn.Parameter)
    cw, cwt = make_pair((4, 2, 3, 3))
    ce, ct = eu.fuse_conv_bn_weights(cw, None, rm[0], rv[0], 1e-5, bw[0], bb[0]), \
        tu.fuse_conv_bn_weights(cwt, None, rm[1], rv[1], 1e-5, bw[1], bb[1])  # fmt: skip
    assert_same(ce[0], ct[0])
    assert_same(ce[1], ct[1])


def test_fuse_conv_bn_eval_with_modules():
    if not hasattr(enn, "Conv2d") or not hasattr(enn, "BatchNorm2d"):
        pytest.skip("Conv2d/BatchNorm2d not available yet")
    tc, tb = torch.nn.Conv2d(2, 3, 3).eval(), torch.nn.BatchNorm2d(3).eval()
    with torch.no_grad():
        tb.running_mean.uniform_(-1, 1)
        tb.running_var.uniform_(0.5, 2)
    ec, eb = enn.Conv2d(2, 3, 3).eval(), enn.BatchNorm2d(3).eval()
    ec.load_state_dict({k: from_torch(v) for k, v in tc.state_dict().items()})
    eb.load_state_dict({k: from_torch(v) for k, v in tb.state_dict().items()})
    fe, ft = eu.fuse_conv_bn_eval(ec, eb), tu.fuse_conv_bn_eval(tc, tb)
    e, t = make_pair((1, 2, 5, 5))
    assert_same(fe(e), ft(t), rtol=1e-4, atol=1e-5)
