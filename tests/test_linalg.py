"""ember.linalg beyond the op table: LinAlgError, decompositions' invariants, double backward."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from .util import assert_same, from_torch, to_numpy, torch


def _pair(a):
    t = torch.tensor(a, dtype=torch.float64)
    return from_torch(t), t


SINGULAR = [[1.0, 2, 3], [2, 4, 6], [1, 1, 1]]
NOT_PD = [[1.0, 2], [2, 1]]


@pytest.mark.parametrize(
    "fn, value",
    [
        (lambda L, a: L.inv(a), SINGULAR),
        (lambda L, a: L.inv(a), [np.eye(3).tolist(), SINGULAR]),
        (lambda L, a: L.inv(a), [[0.0, 0], [0, 0]]),
        (lambda L, a: L.cholesky(a), NOT_PD),
        (lambda L, a: L.cholesky(a), [np.eye(2).tolist(), NOT_PD]),
        (lambda L, a: L.solve(a, a[..., 0]), SINGULAR),
    ],
)
def test_linalg_error_matches_torch(fn, value):
    e, t = _pair(value)
    with pytest.raises(torch.linalg.LinAlgError) as texc:
        fn(torch.linalg, t)
    with pytest.raises(ember.linalg.LinAlgError) as eexc:
        fn(ember.linalg, e)
    assert isinstance(eexc.value, RuntimeError)
    assert str(eexc.value) == str(texc.value)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("full", [True, False])
def test_svd_reconstructs_and_is_orthonormal(shape, full):
    a = ember.tensor(_rand(*shape))
    U, S, Vh = ember.linalg.svd(a, full_matrices=full)
    tU, tS, tVh = torch.linalg.svd(torch.tensor(_rand(*shape)), full_matrices=full)
    assert tuple(U.shape) == tuple(tU.shape) and tuple(Vh.shape) == tuple(tVh.shape)
    assert_same(S, tS)
    k = S.shape[-1]
    rec = to_numpy(U)[..., :k] * to_numpy(S)[..., None, :] @ to_numpy(Vh)[..., :k, :]
    np.testing.assert_allclose(rec, to_numpy(a), atol=1e-10)
    u = to_numpy(U)
    eye = np.broadcast_to(np.eye(u.shape[-1]), u.shape[:-2] + (u.shape[-1],) * 2)
    np.testing.assert_allclose(np.swapaxes(u, -1, -2) @ u, eye, atol=1e-10)


def test_torch_svd_returns_v():
    a = _rand(4, 3)
    U, S, V = ember.svd(ember.tensor(a))
    tU, tS, tV = torch.svd(torch.tensor(a))
    assert tuple(V.shape) == tuple(tV.shape)
    np.testing.assert_allclose(to_numpy(U) * to_numpy(S) @ to_numpy(V).T, a, atol=1e-10)


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_reconstructs(UPLO):
    x = _rand(2, 4, 4)
    spd = x @ np.swapaxes(x, -1, -2) + np.eye(4)
    L, V = ember.linalg.eigh(ember.tensor(spd), UPLO=UPLO)
    tL, _ = torch.linalg.eigh(torch.tensor(spd), UPLO=UPLO)
    assert_same(L, tL)
    v = to_numpy(V)
    np.testing.assert_allclose(v * to_numpy(L)[..., None, :] @ np.swapaxes(v, -1, -2), spd,
                               atol=1e-10)  # fmt: skip


def test_eig_matches_torch_up_to_phase():
    a = _rand(4, 4, seed=3)
    L, V = ember.linalg.eig(ember.tensor(a))
    tL, tV = torch.linalg.eig(torch.tensor(a))
    assert L.dtype is ember.complex128 and V.dtype is ember.complex128
    key = lambda z: (round(z.real, 8), round(z.imag, 8))  # noqa: E731
    assert sorted(map(key, to_numpy(L))) == sorted(map(key, tL.numpy()))
    v, lam = to_numpy(V), to_numpy(L)
    np.testing.assert_allclose(a @ v, v * lam, atol=1e-10)


@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_matches_torch(mode):
    a = _rand(5, 3)
    Q, R = ember.linalg.qr(ember.tensor(a), mode=mode)
    tQ, tR = torch.linalg.qr(torch.tensor(a), mode=mode)
    assert tuple(Q.shape) == tuple(tQ.shape)
    np.testing.assert_allclose(np.abs(to_numpy(R)), np.abs(tR.numpy()), atol=1e-10)
    if mode != "r":
        np.testing.assert_allclose(to_numpy(Q) @ to_numpy(R), a, atol=1e-10)


def test_lstsq_solution_and_rank():
    a, b = _rand(5, 3), _rand(5, 2, seed=1)
    res = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b))
    tres = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b))
    assert_same(res.solution, tres.solution)
    assert int(res.rank) == int(tres.rank)


def _gradgrad(fn, *arrays):
    xs = [ember.tensor(a, requires_grad=True) for a in arrays]
    assert ember.autograd.gradgradcheck(fn, tuple(xs), eps=1e-6, atol=1e-5, rtol=1e-3)


def test_double_backward_products():
    _gradgrad(lambda a, b: ember.einsum("ij,jk->ik", a, b), _rand(2, 3), _rand(3, 2, seed=1))
    _gradgrad(lambda a: ember.einsum("ii->i", a), _rand(3, 3))
    _gradgrad(
        lambda a, b: a @ b,
        _rand(2, 2, 3),
        _rand(
            3,
        ),
    )


def test_double_backward_linalg():
    spd = lambda x: x @ x.mT + 3 * ember.eye(3, dtype=x.dtype)  # noqa: E731
    _gradgrad(lambda a: ember.linalg.inv(spd(a)), _rand(3, 3))
    _gradgrad(lambda a: ember.linalg.det(a), _rand(3, 3))
    _gradgrad(lambda a: ember.linalg.cholesky(spd(a)), _rand(3, 3))
    _gradgrad(lambda a: ember.linalg.eigvalsh(spd(a)), _rand(3, 3))
    _gradgrad(lambda a: ember.linalg.vector_norm(a), _rand(4))


def test_fft_complex_gradients_match_torch():
    z = _rand(6) + 1j * _rand(6, seed=1)
    e = ember.tensor(z, requires_grad=True)
    t = torch.tensor(z, requires_grad=True)
    ee = (ember.fft.fft(e, norm="ortho") * ember.tensor(np.arange(6.0))).abs().sum()
    tt = (torch.fft.fft(t, norm="ortho") * torch.tensor(np.arange(6.0))).abs().sum()
    ee.backward()
    tt.backward()
    np.testing.assert_allclose(to_numpy(e.grad), t.grad.numpy(), atol=1e-10)


def test_ember_linalg_namespace_is_torchs():
    missing = [n for n in ember.linalg.__all__ if not hasattr(torch.linalg, n)]
    assert not missing
