"""view_as_real / view_as_complex / complex / polar and the Tensor.real/.imag views, vs torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from .util import assert_same, from_torch, torch


def test_view_as_complex_and_back_are_views_with_gradients():
    xt = torch.randn(3, 4, 2, dtype=torch.float64, requires_grad=True)
    xe = from_torch(xt).requires_grad_()
    outs = []
    for m, x in ((torch, xt), (ember, xe)):
        c = m.view_as_complex(x)
        w = m.view_as_complex(m.arange(8.0, dtype=m.float64).reshape(4, 2))
        r = m.view_as_real(c * w)
        (r * r).sum().backward()
        outs.append((c, r, x.grad, m.view_as_real(c).data_ptr() == x.data_ptr()))
    assert_same(outs[1][0], outs[0][0])
    assert_same(outs[1][1], outs[0][1])
    assert_same(outs[1][2], outs[0][2])
    assert outs[1][3] and outs[0][3]


def test_view_as_complex_of_strided_and_expanded_inputs():
    for make in (
        lambda m: m.arange(8.0).view(2, 4)[:, 2:],
        lambda m: m.ones(3, 2)[:, None].expand(3, 2, 2),
    ):
        assert_same(ember.view_as_complex(make(ember)), torch.view_as_complex(make(torch)))


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.ones(3, 3),
        lambda m: m.ones(7)[1:].view(3, 2),
        lambda m: m.ones(4, 2).t().contiguous().t(),
        lambda m: m.ones(3, 2, dtype=m.int64),
        lambda m: m.ones(()),
    ],
)
def test_view_as_complex_errors_match_torch(make):
    with pytest.raises(RuntimeError) as et:
        torch.view_as_complex(make(torch))
    with pytest.raises(RuntimeError) as ee:
        ember.view_as_complex(make(ember))
    assert str(ee.value).split(",")[0] == str(et.value).split(",")[0]


def test_complex_polar_and_real_imag_properties():
    for m in (torch, ember):
        c = m.complex(m.tensor([1.0, 2.0]), m.tensor([[3.0], [4.0]]))
        p = m.polar(m.tensor([2.0, 1.0]), m.tensor([0.5, -1.0]))
        assert c.dtype is m.complex64 and tuple(c.shape) == (2, 2)
        c.real.mul_(10)
        c.imag = m.zeros(2)
        x = m.tensor([1.5])
        assert x.real is x
        with pytest.raises(RuntimeError, match="imag is not implemented"):
            x.imag  # noqa: B018
        if m is torch:
            ref = (np.array(c.tolist()), np.array(p.tolist()))
        else:
            np.testing.assert_allclose(np.array(c.tolist()), ref[0])
            np.testing.assert_allclose(np.array(p.tolist()), ref[1], rtol=1e-6)
