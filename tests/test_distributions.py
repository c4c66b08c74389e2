"""ember.distributions against torch.distributions: densities, moments, KL, gradients, samples."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember

from .util import from_torch, to_numpy

torch = pytest.importorskip("torch")

R = np.random.RandomState(0)


def _params(**arrays):
    """The same float64 parameters as (ember, torch) leaf tensors requiring grad."""
    e, t = {}, {}
    for k, a in arrays.items():
        tt = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        e[k] = from_torch(tt).requires_grad_(True)
        t[k] = tt
    return e, t


def _spd(n, batch=()):
    a = R.randn(*batch, n, n)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(n):
    m = np.tril(R.randn(n, n))
    np.fill_diagonal(m, np.abs(np.diag(m)) + 0.5)
    return m


# name -> (parameter arrays, build(lib, params), values to score)
CASES = {
    "Normal": (
        {"loc": R.randn(3), "scale": R.rand(3) + 0.5},
        lambda d, p: d.Normal(p["loc"], p["scale"]),
        R.randn(2, 3),
    ),
    "Bernoulli_probs": (
        {"probs": R.rand(2, 3) * 0.9 + 0.05},
        lambda d, p: d.Bernoulli(probs=p["probs"]),
        (R.rand(2, 3) > 0.5).astype(float),
    ),
    "Bernoulli_logits": (
        {"logits": R.randn(4)},
        lambda d, p: d.Bernoulli(logits=p["logits"]),
        (R.rand(4) > 0.5).astype(float),
    ),
    "Categorical_probs": (
        {"probs": R.rand(2, 4) + 0.1},
        lambda d, p: d.Categorical(probs=p["probs"]),
        np.array([[0, 3], [1, 2], [3, 3]]).astype(float),
    ),
    "Categorical_logits": (
        {"logits": R.randn(5)},
        lambda d, p: d.Categorical(logits=p["logits"]),
        np.array([0, 4, 2]).astype(float),
    ),
    "OneHotCategorical": (
        {"logits": R.randn(2, 3)},
        lambda d, p: d.OneHotCategorical(logits=p["logits"]),
        np.eye(3)[[[0, 2], [1, 1]]],
    ),
    "Uniform": (
        {"low": R.randn(3), "high": R.randn(3) + 4},
        lambda d, p: d.Uniform(p["low"], p["high"]),
        R.rand(3) + 1.0,
    ),
    "Exponential": (
        {"rate": R.rand(3) + 0.5},
        lambda d, p: d.Exponential(p["rate"]),
        R.rand(2, 3) * 3,
    ),
    "Laplace": (
        {"loc": R.randn(2, 1), "scale": R.rand(3) + 0.5},
        lambda d, p: d.Laplace(p["loc"], p["scale"]),
        R.randn(2, 3),
    ),
    "Independent_Normal": (
        {"loc": R.randn(2, 3), "scale": R.rand(2, 3) + 0.5},
        lambda d, p: d.Independent(d.Normal(p["loc"], p["scale"]), 1),
        R.randn(4, 2, 3),
    ),
    "MVN_cov": (
        {"loc": R.randn(2, 3), "covariance_matrix": _spd(3)},
        lambda d, p: d.MultivariateNormal(p["loc"], covariance_matrix=p["covariance_matrix"]),
        R.randn(4, 1, 3),
    ),
    "MVN_tril": (
        {"loc": R.randn(3), "scale_tril": _tril(3)},
        lambda d, p: d.MultivariateNormal(p["loc"], scale_tril=p["scale_tril"]),
        R.randn(2, 3),
    ),
    "MVN_precision": (
        {"loc": R.randn(3), "precision_matrix": _spd(3, (2,))},
        lambda d, p: d.MultivariateNormal(p["loc"], precision_matrix=p["precision_matrix"]),
        R.randn(2, 3),
    ),
}


def _close(e, t, msg, rtol=1e-7, atol=1e-9):
    if isinstance(t, torch.Size):
        assert tuple(e) == tuple(t), msg
        return
    a, b = to_numpy(e), to_numpy(t)
    assert a.shape == b.shape, f"{msg}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=msg)


def _build(name):
    arrays, build, value = CASES[name]
    pe, pt = _params(**arrays)
    return build(ember.distributions, pe), build(torch.distributions, pt), pe, pt, value


def _quantities(dist, lib, value):
    """Every quantity the distribution defines, by name (unsupported ones skipped)."""
    v = lib.tensor(value, dtype=lib.float64)
    out = {
        "batch_shape": dist.batch_shape,
        "event_shape": dist.event_shape,
        "log_prob": dist.log_prob(v),
        "entropy": dist.entropy(),
        "mean": dist.mean,
        "mode": dist.mode,
        "variance": dist.variance,
        "stddev": dist.stddev,
    }
    for fn in ("cdf", "icdf"):
        try:
            arg = v if fn == "cdf" else lib.tensor(np.full(value.shape, 0.3), dtype=lib.float64)
            out[fn] = getattr(dist, fn)(arg)
        except NotImplementedError:
            pass
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_torch(name):
    de, dt, pe, pt, value = _build(name)
    qe, qt = _quantities(de, ember, value), _quantities(dt, torch, value)
    assert set(qe) == set(qt)
    for k in qt:
        _close(qe[k], qt[k], f"{name}.{k}")
    for k in ("log_prob", "entropy", "mean", "variance", "cdf", "icdf"):
        if k not in qt or not qt[k].requires_grad:
            continue
        ge = ember.autograd.grad(
            qe[k].nan_to_num().sum(), list(pe.values()), allow_unused=True, retain_graph=True
        )
        gt = torch.autograd.grad(
            qt[k].nan_to_num().sum(), list(pt.values()), allow_unused=True, retain_graph=True
        )
        for p, a, b in zip(pe, ge, gt):
            assert (a is None) == (b is None), f"{name}.{k} grad {p}"
            if b is not None:
                _close(a, b, f"{name}.{k} grad {p}")


@pytest.mark.parametrize("name", list(CASES))
def test_expand_matches_torch(name):
    de, dt, _, _, value = _build(name)
    shape = (2,) + tuple(dt.batch_shape)
    ee, et = de.expand(shape), dt.expand(shape)
    assert tuple(ee.batch_shape) == tuple(et.batch_shape)
    assert tuple(ee.event_shape) == tuple(et.event_shape)
    v = et.sample((3,))
    _close(ee.log_prob(from_torch(v)), et.log_prob(v), f"{name} expand")
    _close(ee.entropy(), et.entropy(), f"{name} expand entropy")


def _sample_pair(name, method, shape):
    de, dt, _, _, _ = _build(name)
    torch.manual_seed(123)
    ember.manual_seed(123)
    return getattr(de, method)(shape), getattr(dt, method)(shape)


# distributions whose seeded draws equal torch's value for value
SEEDED = {
    "Normal": ("sample", "rsample"),
    "Bernoulli_probs": ("sample",),
    "Categorical_probs": ("sample",),
    "Categorical_logits": ("sample",),
    "OneHotCategorical": ("sample",),
    "Uniform": ("sample", "rsample"),
    "Exponential": ("sample", "rsample"),
    "Laplace": ("sample", "rsample"),
    "Independent_Normal": ("sample", "rsample"),
    "MVN_tril": ("sample", "rsample"),
    "MVN_cov": ("rsample",),
}


@pytest.mark.parametrize("name,method", [(n, m) for n, ms in SEEDED.items() for m in ms], ids=str)
def test_seeded_samples_equal_torch(name, method):
    e, t = _sample_pair(name, method, (5,))
    assert e.dtype == from_torch(t).dtype
    _close(e, t, f"{name}.{method}", rtol=1e-6, atol=1e-6)


def test_rsample_gradient_matches_torch():
    de, dt, pe, pt, _ = _build("MVN_cov")
    torch.manual_seed(0)
    ember.manual_seed(0)
    ge = ember.autograd.grad(de.rsample((4,)).pow(2).sum(), list(pe.values()))
    gt = torch.autograd.grad(dt.rsample((4,)).pow(2).sum(), list(pt.values()))
    for a, b in zip(ge, gt):
        _close(a, b, "MVN rsample grad", rtol=1e-6)


def test_sample_moments():
    # distributional check independent of the stream: many draws have the right moments
    ember.manual_seed(0)
    d = ember.distributions
    x = d.Laplace(ember.tensor(1.0), ember.tensor(2.0)).sample((20000,))
    assert abs(float(x.mean()) - 1.0) < 0.1
    assert abs(float(x.var()) - 8.0) < 0.5
    c = d.Categorical(probs=ember.tensor([0.2, 0.8])).sample((20000,))
    assert abs(float(c.double().mean()) - 0.8) < 0.02
    s = d.Normal(0.0, 1.0).sample()
    assert s.shape == () and not s.requires_grad


KL_PAIRS = [
    ("Normal", {"loc": R.randn(3), "scale": R.rand(3) + 0.5}),
    ("Bernoulli", {"probs": np.array([0.0, 0.3, 1.0, 0.6])}),
    ("Categorical", {"probs": np.array([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]])}),
    ("Exponential", {"rate": R.rand(3) + 0.5}),
    ("Laplace", {"loc": R.randn(3), "scale": R.rand(3) + 0.5}),
    ("Uniform", {"low": np.array([0.0, -1.0]), "high": np.array([2.0, 0.5])}),
]


@pytest.mark.parametrize("name,arrays", KL_PAIRS, ids=[n for n, _ in KL_PAIRS])
def test_kl_divergence_matches_torch(name, arrays):
    other = {k: np.flip(v, 0).copy() for k, v in arrays.items()}
    pe, pt = _params(**arrays)
    qe, qt = _params(**other)
    ke = ember.distributions.kl_divergence(
        getattr(ember.distributions, name)(**pe), getattr(ember.distributions, name)(**qe)
    )
    kt = torch.distributions.kl_divergence(
        getattr(torch.distributions, name)(**pt), getattr(torch.distributions, name)(**qt)
    )
    _close(ke, kt, f"KL {name}")
    ge = ember.autograd.grad(ke.nan_to_num(posinf=0.0).sum(), [*pe.values(), *qe.values()])
    gt = torch.autograd.grad(kt.nan_to_num(posinf=0.0).sum(), [*pt.values(), *qt.values()])
    for a, b in zip(ge, gt):
        _close(a, b, f"KL {name} grad")


def test_kl_mvn_and_independent_match_torch():
    a, b = _spd(3), _spd(3, (2,))
    loc = R.randn(2, 3)
    pe, pt = _params(loc=loc, a=a, b=b)
    results = []
    for lib, p in ((ember, pe), (torch, pt)):
        d = lib.distributions
        m1 = d.MultivariateNormal(p["loc"], covariance_matrix=p["a"])
        m2 = d.MultivariateNormal(p["loc"].flip(0), precision_matrix=p["b"])
        n1 = d.Independent(d.Normal(p["loc"], p["loc"].exp()), 1)
        n2 = d.Independent(d.Normal(p["loc"].flip(0), p["loc"].exp()), 1)
        k = d.kl_divergence(m1, m2) + d.kl_divergence(n1, n2)
        results.append((k, lib.autograd.grad(k.sum(), list(p.values()))))
    _close(results[0][0], results[1][0], "KL MVN")
    for x, y in zip(results[0][1], results[1][1]):
        _close(x, y, "KL MVN grad")


def test_kl_unregistered_pair_and_register_kl():
    d = ember.distributions
    n, e = d.Normal(0.0, 1.0), d.Exponential(1.0)
    with pytest.raises(NotImplementedError, match="No KL"):
        d.kl_divergence(n, e)

    class MyNormal(d.Normal):
        pass

    # a subclass falls back to the parent's pair; a registration for it takes precedence
    _close(d.kl_divergence(MyNormal(0.0, 1.0), n), torch.tensor(0.0), "subclass KL")

    @d.register_kl(MyNormal, d.Normal)
    def _kl(p, q):
        return ember.tensor(7.0)

    assert float(d.kl_divergence(MyNormal(0.0, 1.0), n)) == 7.0


INVALID = [
    ("Normal", lambda d, lib: d.Normal(lib.zeros(2), -lib.ones(2))),
    ("Bernoulli", lambda d, lib: d.Bernoulli(probs=lib.tensor([0.5, 1.5]))),
    ("Bernoulli_both", lambda d, lib: d.Bernoulli(probs=lib.tensor(0.5), logits=lib.tensor(0.0))),
    ("Categorical", lambda d, lib: d.Categorical(probs=lib.tensor([0.5, -0.5]))),
    ("Categorical_0d", lambda d, lib: d.Categorical(probs=lib.tensor(1.0))),
    ("Uniform", lambda d, lib: d.Uniform(lib.tensor(1.0), lib.tensor(0.0))),
    ("Exponential", lambda d, lib: d.Exponential(lib.tensor([0.0]))),
    ("Independent", lambda d, lib: d.Independent(d.Normal(lib.zeros(2), lib.ones(2)), 2)),
    ("MVN_none", lambda d, lib: d.MultivariateNormal(lib.zeros(2))),
    ("MVN_not_pd", lambda d, lib: d.MultivariateNormal(lib.zeros(2), -lib.eye(2))),
    ("MVN_tril", lambda d, lib: d.MultivariateNormal(lib.zeros(2), scale_tril=lib.ones(2, 2))),
    ("MVN_loc0d", lambda d, lib: d.MultivariateNormal(lib.tensor(0.0), lib.eye(1))),
    ("not_a_number", lambda d, lib: d.Normal("a", 1.0)),
    ("log_prob_support", lambda d, lib: d.Exponential(lib.ones(2)).log_prob(-lib.ones(2))),
    ("log_prob_shape", lambda d, lib: d.Normal(lib.zeros(3), lib.ones(3)).log_prob(lib.ones(2))),
    ("log_prob_event", lambda d, lib: d.Categorical(logits=lib.zeros(3)).log_prob(lib.tensor(3))),
    ("log_prob_type", lambda d, lib: d.Normal(0.0, 1.0).log_prob(0.5)),
]


@pytest.mark.parametrize("name,make", INVALID, ids=[n for n, _ in INVALID])
def test_invalid_arguments_raise_value_error_like_torch(name, make):
    with pytest.raises(ValueError) as te:
        make(torch.distributions, torch)
    with pytest.raises(ValueError) as ee:
        make(ember.distributions, ember)
    first = lambda s: str(s).split("\n")[0].split(" of distribution")[0]  # noqa: E731
    assert first(ee.value) == first(te.value)


def test_validation_can_be_turned_off_and_repr():
    d = ember.distributions
    n = d.Normal(ember.zeros(2), -ember.ones(2), validate_args=False)
    assert math.isnan(float(n.log_prob(ember.zeros(2))[0]))
    assert repr(d.Normal(0.0, 1.0)) == repr(torch.distributions.Normal(0.0, 1.0))
    assert repr(d.constraints.positive) == repr(torch.distributions.constraints.positive)
    assert isinstance(d.Normal(0.0, 1.0).support, type(d.constraints.real))
    assert repr(d.Uniform(0.0, 2.0).support) == repr(torch.distributions.Uniform(0.0, 2.0).support)
