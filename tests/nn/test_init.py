"""nn.init against torch: the same seed gives torch's numbers."""

import math
import warnings

import numpy as np
import pytest

import ember
import ember.nn.init as einit

from ..util import torch

tinit = torch.nn.init

# (name, args, kwargs, exact): exact means bit-for-bit equal to torch
CASES = [
    ("uniform_", (), {}, True), ("uniform_", (-2.0, 3.0), {}, True),
    ("normal_", (), {}, True), ("normal_", (1.0, 0.5), {}, True),
    ("xavier_uniform_", (), {}, True), ("xavier_uniform_", (), {"gain": 2.0}, True),
    ("xavier_normal_", (), {}, True),
    ("kaiming_uniform_", (), {}, True), ("kaiming_uniform_", (math.sqrt(5),), {}, True),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"}, True),
    ("kaiming_normal_", (), {}, True),
    ("kaiming_normal_", (0.1, "fan_out", "leaky_relu"), {}, True),
    ("trunc_normal_", (), {}, False), ("trunc_normal_", (0.5, 0.2, 0.0, 1.0), {}, False),
    ("orthogonal_", (), {}, False), ("orthogonal_", (), {"gain": 2.0}, False),
    ("constant_", (0.3,), {}, True), ("ones_", (), {}, True), ("zeros_", (), {}, True),
    ("sparse_", (0.5,), {}, True),
]  # fmt: skip


@pytest.mark.parametrize("shape", [(6, 4), (3, 5, 2, 2), (4, 9)])
@pytest.mark.parametrize("name,args,kwargs,exact", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_init_matches_torch_for_same_seed(name, args, kwargs, exact, shape, dtype):
    if name == "sparse_" and len(shape) != 2:
        pytest.skip("sparse_ is 2-D only")
    te = torch.empty(shape, dtype=getattr(torch, dtype))
    ee = ember.empty(shape, dtype=getattr(ember, dtype))
    torch.manual_seed(11)
    ember.manual_seed(11)
    rt = getattr(tinit, name)(te, *args, **kwargs)
    re = getattr(einit, name)(ee, *args, **kwargs)
    assert re is ee and rt is te
    if exact:
        np.testing.assert_array_equal(ee.numpy(), te.numpy())
    else:
        tol = 1e-5 if dtype == "float32" else 1e-10
        np.testing.assert_allclose(ee.numpy(), te.numpy(), rtol=tol, atol=tol)


def test_init_with_generator_argument():
    gt, ge = torch.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    te, ee = torch.empty(5, 3), ember.empty(5, 3)
    tinit.kaiming_normal_(te, generator=gt)
    einit.kaiming_normal_(ee, generator=ge)
    np.testing.assert_array_equal(ee.numpy(), te.numpy())


def test_init_on_parameter_keeps_identity_and_grad_flag():
    p = ember.nn.Parameter(ember.empty(3, 4))
    assert einit.xavier_uniform_(p) is p
    assert p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 1, 3, 3), 1)])
def test_dirac(shape, groups):
    te, ee = torch.empty(shape), ember.empty(shape)
    tinit.dirac_(te, groups)
    einit.dirac_(ee, groups)
    np.testing.assert_array_equal(ee.numpy(), te.numpy())


def test_eye():
    te, ee = torch.empty(3, 5), ember.empty(3, 5)
    np.testing.assert_array_equal(einit.eye_(ee).numpy(), tinit.eye_(te).numpy())


@pytest.mark.parametrize(
    "nl,param",
    [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
     ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)],
)  # fmt: skip
def test_calculate_gain(nl, param):
    assert einit.calculate_gain(nl, param) == tinit.calculate_gain(nl, param)


@pytest.mark.parametrize(
    "call",
    [lambda I: I.calculate_gain("foo"), lambda I: I.calculate_gain("leaky_relu", "x"),
     lambda I, L=torch: I.xavier_uniform_(I_empty(I, 3)),
     lambda I: I.kaiming_uniform_(I_empty(I, 3, 3), mode="bad"),
     lambda I: I.eye_(I_empty(I, 3, 3, 3)), lambda I: I.dirac_(I_empty(I, 3, 3)),
     lambda I: I.orthogonal_(I_empty(I, 3)), lambda I: I.sparse_(I_empty(I, 3), 0.1)],
)  # fmt: skip
def test_init_errors_match(call):
    with pytest.raises(ValueError) as te:
        call(tinit)
    with pytest.raises(ValueError) as ee:
        call(einit)
    assert str(ee.value) == str(te.value)


def I_empty(I, *shape):  # noqa: N802
    lib = torch if I is tinit else ember
    return lib.empty(*shape)


def test_kaiming_zero_element_warns():
    with pytest.warns(UserWarning, match="no-op"):
        einit.kaiming_uniform_(ember.empty(0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        einit.kaiming_uniform_(ember.empty(2, 3))
