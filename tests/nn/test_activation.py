"""Activations, functional and modules, against torch: values, gradients, repr, errors."""

import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF

from ..util import assert_same, from_torch, make_pair, torch

TF = torch.nn.functional

# (name, kwargs) for F.<name>(x, **kwargs)
FUNCTIONAL = [
    ("relu", {}), ("relu6", {}), ("elu", {}), ("elu", {"alpha": 0.5}), ("selu", {}),
    ("celu", {"alpha": 1.5}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}),
    ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 3.0}), ("softsign", {}),
    ("softshrink", {}), ("softshrink", {"lambd": 1.0}), ("hardshrink", {}), ("tanhshrink", {}),
    ("hardtanh", {}), ("hardtanh", {"min_val": -2.0, "max_val": 0.5}), ("hardsigmoid", {}),
    ("hardswish", {}), ("sigmoid", {}), ("logsigmoid", {}), ("tanh", {}),
    ("threshold", {"threshold": 0.3, "value": -1.0}), ("glu", {}), ("glu", {"dim": 0}),
    ("softmax", {"dim": 1}), ("softmax", {"dim": -1}), ("softmax", {"dim": 0, "dtype": "float64"}),
    ("softmin", {"dim": 1}), ("log_softmax", {"dim": 1}), ("log_softmax", {"dim": 0}),
    ("rrelu", {}),
]  # fmt: skip

SHAPES = [(4, 6), (2, 4, 6)]


def _kw(kwargs, lib):
    kw = dict(kwargs)
    if "dtype" in kw:
        kw["dtype"] = getattr(lib, kw["dtype"])
    return kw


def _ids(rows):
    return [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in rows]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,kwargs", FUNCTIONAL, ids=_ids(FUNCTIONAL))
def test_functional_values_and_grads(name, kwargs, shape, dtype):
    e, t = make_pair(shape, dtype, requires_grad=True, rng=np.random.default_rng(1))
    ye = getattr(EF, name)(e, **_kw(kwargs, ember))
    yt = getattr(TF, name)(t, **_kw(kwargs, torch))
    assert_same(ye, yt)
    g, gt = make_pair(tuple(yt.shape), str(yt.dtype).split(".")[-1], rng=np.random.default_rng(2))
    ye.backward(g)
    yt.backward(gt)
    assert_same(e.grad, t.grad)


@pytest.mark.parametrize(
    "name,kwargs",
    [("relu", {}), ("elu", {}), ("leaky_relu", {}), ("hardtanh", {}), ("selu", {}),
     ("celu", {}), ("silu", {}), ("mish", {}), ("hardsigmoid", {}), ("hardswish", {}),
     ("relu6", {}), ("threshold", {"threshold": 0.1, "value": 2.0})],
)  # fmt: skip
def test_inplace_functional_writes_input_and_keeps_grads(name, kwargs):
    e, t = make_pair((3, 5), requires_grad=True)
    e2, t2 = e * 1, t * 1
    ye = getattr(EF, name)(e2, inplace=True, **kwargs)
    yt = getattr(TF, name)(t2, inplace=True, **kwargs)
    assert ye is e2
    assert_same(e2, t2)
    ye.sum().backward()
    yt.sum().backward()
    assert_same(e.grad, t.grad)


def test_inplace_on_leaf_requiring_grad_raises_like_torch():
    e, t = make_pair((3,), requires_grad=True)
    with pytest.raises(RuntimeError):
        TF.elu(t, inplace=True)
    with pytest.raises(RuntimeError):
        EF.elu(e, inplace=True)


def test_underscore_variants():
    for name in ["relu_", "elu_", "leaky_relu_", "hardtanh_", "selu_", "celu_", "threshold_"]:
        e, t = make_pair((2, 3))
        args = (0.5, 0.0) if name == "threshold_" else ()
        getattr(EF, name)(e, *args)
        getattr(TF, name)(t, *args)
        assert_same(e, t, msg=name)


def test_softmax_extremes_are_stable():
    x = [[1000.0, 0.0, -1000.0], [-1e30, 0.0, 1e30]]
    for f in ("softmax", "log_softmax"):
        assert_same(getattr(EF, f)(ember.tensor(x), 1), getattr(TF, f)(torch.tensor(x), 1))


def test_softmax_half_and_empty_and_scalar():
    e, t = make_pair((3, 4), "bfloat16")
    assert_same(EF.softmax(e, 1), TF.softmax(t, 1))
    e, t = make_pair((0, 4))
    assert_same(EF.log_softmax(e, 1), TF.log_softmax(t, 1))
    e, t = make_pair(())
    assert_same(EF.softmax(e, 0), TF.softmax(t, 0))


def test_softmax_implicit_dim_warns_and_matches():
    e, t = make_pair((2, 3, 4))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        ye = EF.softmax(e)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = TF.softmax(t)
    assert_same(ye, yt)


def test_softmax_double_backward():
    e, t = make_pair((3, 4), "float64", requires_grad=True)
    for lib, x, F in ((ember, e, EF), (torch, t, TF)):
        (g,) = lib.autograd.grad(F.log_softmax(x, 1).pow(2).sum(), x, create_graph=True)
        g.sum().backward()
    assert_same(e.grad, t.grad)


def test_softmax_int_input_raises():
    with pytest.raises(RuntimeError):
        TF.softmax(torch.tensor([1, 2]), 0)
    with pytest.raises(RuntimeError):
        EF.softmax(ember.tensor([1, 2]), 0)


@pytest.mark.parametrize(
    "call",
    [lambda F, x: F.glu(x[:, :3], 1), lambda F, x: F.softshrink(x, -1.0),
     lambda F, x: F.gelu(x, approximate="bad"), lambda F, x: F.hardtanh(x, 2.0, 1.0)],
)  # fmt: skip
def test_errors_match_torch_types(call):
    e, t = make_pair((2, 4))
    with pytest.raises(Exception) as te:
        call(TF, t)
    with pytest.raises(type(te.value)):
        call(EF, e)


def test_prelu_per_channel_and_shared():
    for n in (1, 3):
        e, t = make_pair((2, 3, 4), requires_grad=True)
        we, wt = make_pair((n,), requires_grad=True, rng=np.random.default_rng(5))
        ye, yt = EF.prelu(e, we), TF.prelu(t, wt)
        assert_same(ye, yt)
        ye.sum().backward()
        yt.sum().backward()
        assert_same(e.grad, t.grad)
        assert_same(we.grad, wt.grad)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        EF.prelu(ember.ones(2, 3), ember.ones(2))


def test_rrelu_training_draws_match_torch():
    e, t = make_pair((4, 5))
    ember.manual_seed(3)
    torch.manual_seed(3)
    assert_same(EF.rrelu(e, training=True), TF.rrelu(t, training=True), rtol=1e-6, atol=1e-7)


MODULES = [
    ("ReLU", (), {}), ("ReLU", (), {"inplace": True}), ("ReLU6", (), {}), ("LeakyReLU", (0.2,), {}),
    ("LeakyReLU", (), {"inplace": True}), ("PReLU", (), {}), ("PReLU", (4,), {"init": 0.1}),
    ("RReLU", (0.1, 0.3), {}), ("ELU", (), {"alpha": 0.7}), ("CELU", (), {}), ("SELU", (), {}),
    ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}), ("Mish", (), {}),
    ("Softplus", (), {"beta": 2}), ("Softsign", (), {}), ("Softshrink", (), {}),
    ("Hardshrink", (0.3,), {}), ("Tanhshrink", (), {}), ("Hardtanh", (-0.5, 0.5), {}),
    ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("Sigmoid", (), {}), ("LogSigmoid", (), {}),
    ("Tanh", (), {}), ("Threshold", (0.1, 20), {}), ("GLU", (), {}), ("GLU", (1,), {}),
    ("Softmax", (), {"dim": 1}), ("Softmin", (1,), {}), ("LogSoftmax", (), {"dim": -1}),
    ("Softmax2d", (), {}),
]  # fmt: skip


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=[m[0] for m in MODULES])
def test_modules_match_torch(name, args, kwargs):
    tm = getattr(torch.nn, name)(*args, **kwargs)
    em = getattr(enn, name)(*args, **kwargs)
    assert repr(em) == repr(tm)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    em.eval()
    tm.eval()
    e, t = make_pair((2, 4, 3, 2), requires_grad=True)
    ye, yt = em(e * 1), tm(t * 1)
    assert_same(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    assert_same(e.grad, t.grad)
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert_same(p.grad, q.grad, msg=n)


def test_softmax2d_rejects_2d():
    with pytest.raises(ValueError, match="expected input to be 3D or 4D"):
        enn.Softmax2d()(ember.ones(2, 2))
