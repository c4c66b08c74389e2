"""Losses against torch 2.13: values, gradients of the inputs, errors, module forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import assert_same, torch

TF = torch.nn.functional
R = np.random.default_rng


def _pair(a, grad):
    e = ember.from_numpy(a.copy())
    t = torch.from_numpy(a.copy())
    if grad:
        e.requires_grad_(True)
        t.requires_grad_(True)
    return e, t


def run(name, args, kwargs=None, grads=None, rtol=None, atol=None, module=None, mkw=None):
    """Call ``F.<name>`` (or ``nn.<module>(**mkw)``) on the same args in ember and torch.

    ``args`` holds numpy arrays (turned into tensors) and plain values; float arrays at the
    positions in ``grads`` (default: all float arrays) require grad and their gradients
    are compared after a backward of a random cotangent.
    """
    kwargs = kwargs or {}
    ea, ta, eleaves, tleaves = [], [], [], []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            g = a.dtype.kind == "f" and (grads is None or i in grads)
            e, t = _pair(a, g)
            if g:
                eleaves.append(e)
                tleaves.append(t)
            ea.append(e)
            ta.append(t)
        else:
            ea.append(a)
            ta.append(a)
    ek = {k: (ember.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v)
          for k, v in kwargs.items()}  # fmt: skip
    tk = {k: (torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v)
          for k, v in kwargs.items()}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if module:
            tout = getattr(torch.nn, module)(**(mkw or {}))(*ta)
            eout = getattr(ember.nn, module)(**(mkw or {}))(*ea)
        else:
            tout = getattr(TF, name)(*ta, **tk)
            eout = getattr(F, name)(*ea, **ek)
    assert_same(eout, tout, rtol, atol, msg=f"{name} forward")
    if tleaves and tout.requires_grad:
        cot = R(7).standard_normal(tuple(tout.shape)).astype(args[0].dtype)
        tg = torch.autograd.grad(tout, tleaves, torch.from_numpy(cot), allow_unused=True)
        eg = ember.autograd.grad(eout, eleaves, ember.from_numpy(cot.copy()), allow_unused=True)
        for i, (a, b) in enumerate(zip(eg, tg)):
            if b is None:
                continue
            assert a is not None, f"{name}: missing grad {i}"
            assert_same(a, b, rtol or 1e-4, atol or 1e-5, msg=f"{name} grad {i}")
    return eout, tout


def f32(*shape, seed=0, low=-2.0, high=2.0):
    return R(seed).uniform(low, high, shape).astype(np.float32)


def probs(*shape, seed=0):
    return R(seed).uniform(0.02, 0.98, shape).astype(np.float32)


def ints(high, *shape, seed=0):
    return R(seed).integers(0, high, shape).astype(np.int64)


def signs(*shape, seed=0):
    return np.where(R(seed).random(shape) > 0.5, 1.0, -1.0).astype(np.float32)


REDUCTIONS = ["none", "mean", "sum"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss",
                                  "soft_margin_loss"])  # fmt: skip
def test_pointwise_losses(name, reduction):
    g = [0] if name == "soft_margin_loss" else None
    run(name, [f32(3, 5), f32(3, 5, seed=1)], {"reduction": reduction}, grads=g)
    run(name, [f32(), f32(seed=1)], {"reduction": reduction}, grads=g)
    run(name, [f32(0, 3), f32(0, 3, seed=1)], {"reduction": reduction}, grads=g)


def test_pointwise_options_and_weights():
    run("smooth_l1_loss", [f32(4, 3), f32(4, 3, seed=1)], {"beta": 0.5})
    run("smooth_l1_loss", [f32(4, 3), f32(4, 3, seed=1)], {"beta": 0.0})
    run("huber_loss", [f32(4, 3), f32(4, 3, seed=1)], {"delta": 0.3})
    for name in ("l1_loss", "mse_loss", "huber_loss"):
        for red in REDUCTIONS:
            w = f32(4, 3, seed=3, low=0.1, high=1)
            run(name, [f32(4, 3), f32(4, 3, seed=1)], {"weight": w, "reduction": red}, grads=[0])
    # broadcasting target warns in both and broadcasts
    run("mse_loss", [f32(4, 3), f32(3, seed=1)])


def test_legacy_size_average_and_reduce():
    for sa, rd in [(False, None), (None, False), (True, True), (False, True)]:
        run("mse_loss", [f32(3, 4), f32(3, 4, seed=1)], {"size_average": sa, "reduce": rd})
        run("nll_loss", [f32(3, 4), ints(4, 3)], {"size_average": sa, "reduce": rd})


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_and_cross_entropy(reduction):
    kw = {"reduction": reduction}
    w = f32(5, seed=4, low=0.2, high=1.5)
    run("nll_loss", [f32(4, 5), ints(5, 4)], kw)
    run("nll_loss", [f32(4, 5), ints(5, 4)], dict(kw, weight=w), grads=[0])
    t = ints(5, 4)
    t[1] = -100
    run("nll_loss", [f32(4, 5), t], dict(kw, weight=w), grads=[0])
    t[1] = t[2] = 3
    run("nll_loss", [f32(4, 5), t], dict(kw, ignore_index=3))
    t[1] = -100
    run("nll_loss", [f32(5), np.array(2)], kw)  # unbatched
    run("nll_loss", [f32(2, 5, 3, 2), ints(5, 2, 3, 2)], dict(kw, weight=w), grads=[0])
    run("cross_entropy", [f32(4, 5), ints(5, 4)], kw)
    run("cross_entropy", [f32(4, 5), t], dict(kw, weight=w, label_smoothing=0.2), grads=[0])
    run("cross_entropy", [f32(4, 5), t], dict(kw, label_smoothing=0.1))
    run("cross_entropy", [f32(2, 5, 3), ints(5, 2, 3)], dict(kw, weight=w), grads=[0])
    run("cross_entropy", [f32(5), np.array(1)], dict(kw, label_smoothing=0.3))
    p = probs(4, 5, seed=2)
    p = p / p.sum(1, keepdims=True)
    run("cross_entropy", [f32(4, 5), p], kw)
    run("cross_entropy", [f32(4, 5), p], dict(kw, weight=w, label_smoothing=0.25), grads=[0, 1])
    run("cross_entropy", [f32(2, 5, 3), probs(2, 5, 3)], kw)


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int16", "float32", "bool"])
@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
def test_class_index_target_dtypes_as_torch(fn, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    res = []
    for m in (torch, ember):
        t = m.tensor([0, 1]).to(getattr(m, dtype))
        try:
            res.append(getattr(m.nn.functional, fn)(m.tensor(x), t).item())
        except RuntimeError as e:
            res.append(str(e))
    if isinstance(res[0], float):
        np.testing.assert_allclose(res[1], res[0], rtol=1e-6)
    else:
        assert res[1] == res[0]


def test_nll_all_ignored_is_nan_like_torch():
    t = np.full(3, -100, dtype=np.int64)
    run("nll_loss", [f32(3, 4), t])
    run("cross_entropy", [f32(3, 4), t], {"label_smoothing": 0.1})


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses(reduction):
    kw = {"reduction": reduction}
    run("binary_cross_entropy", [probs(3, 4), probs(3, 4, seed=1)], kw)
    run("binary_cross_entropy", [probs(3, 4), probs(3, 4, seed=1)],
        dict(kw, weight=probs(4, seed=2)), grads=[0])  # fmt: skip
    x = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    run("binary_cross_entropy", [x, np.array([0.3, 0.7, 1.0], dtype=np.float32)], kw, grads=[])
    run("binary_cross_entropy_with_logits", [f32(3, 4) * 20, probs(3, 4, seed=1)], kw)
    run(
        "binary_cross_entropy_with_logits",
        [f32(3, 4), probs(3, 4, seed=1)],
        dict(kw, weight=probs(3, 4, seed=2), pos_weight=probs(4, seed=3) * 3),
        grads=[0, 1],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
def test_kl_div(reduction):
    lp = np.log(probs(3, 4))
    run("kl_div", [lp, probs(3, 4, seed=1)], {"reduction": reduction})
    t = probs(3, 4, seed=1)
    t[0, 0] = 0
    run("kl_div", [lp, t], {"reduction": reduction}, grads=[0])  # torch: nan target grad at 0
    run("kl_div", [lp, np.log(probs(3, 4, seed=1))], {"reduction": reduction, "log_target": True})


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_likelihood_losses(reduction):
    kw = {"reduction": reduction}
    cnt = R(1).integers(0, 5, (3, 4)).astype(np.float32)
    run("poisson_nll_loss", [f32(3, 4), cnt], kw)
    run("poisson_nll_loss", [probs(3, 4) * 3, cnt], dict(kw, log_input=False, full=True),
        grads=[0])  # fmt: skip
    run("gaussian_nll_loss", [f32(3, 4), f32(3, 4, seed=1), probs(3, 4, seed=2)], kw)
    run("gaussian_nll_loss", [f32(3, 4), f32(3, 4, seed=1), probs(3, seed=2)],
        dict(kw, full=True))  # fmt: skip
    run("gaussian_nll_loss", [f32(3, 4), f32(3, 4, seed=1), probs(3, 1, seed=2)], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_losses(reduction):
    kw = {"reduction": reduction}
    run("hinge_embedding_loss", [f32(3, 4), signs(3, 4)], dict(kw, margin=0.5), grads=[0])
    run("multilabel_soft_margin_loss", [f32(3, 4), (probs(3, 4) > 0.5).astype(np.float32)],
        dict(kw, weight=probs(4, seed=5)), grads=[0])  # fmt: skip
    tgt = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 1, 2, 0]], dtype=np.int64)
    run("multilabel_margin_loss", [f32(3, 4), tgt], kw)
    run("multilabel_margin_loss", [f32(4), tgt[0]], kw)
    run("multi_margin_loss", [f32(3, 4), ints(4, 3)], kw)
    run("multi_margin_loss", [f32(3, 4), ints(4, 3)],
        dict(kw, p=2, margin=0.7, weight=probs(4, seed=6)), grads=[0])  # fmt: skip
    run("cosine_embedding_loss", [f32(3, 4), f32(3, 4, seed=1), signs(3)],
        dict(kw, margin=0.2), grads=[0, 1])  # fmt: skip
    run("margin_ranking_loss", [f32(5), f32(5, seed=1), signs(5)], dict(kw, margin=0.1),
        grads=[0, 1])  # fmt: skip
    run("triplet_margin_loss", [f32(3, 4), f32(3, 4, seed=1), f32(3, 4, seed=2)], kw)
    run("triplet_margin_loss", [f32(3, 4), f32(3, 4, seed=1), f32(3, 4, seed=2)],
        dict(kw, p=1, swap=True, margin=2.0))  # fmt: skip
    run("triplet_margin_with_distance_loss", [f32(3, 4), f32(3, 4, seed=1), f32(3, 4, seed=2)],
        dict(kw, swap=True))  # fmt: skip


def _ctc_inputs(t=12, n=3, c=5, s=4, seed=0):
    rng = R(seed)
    x = rng.standard_normal((t, n, c)).astype(np.float64)
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    targets = rng.integers(1, c, (n, s)).astype(np.int64)
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between
    il = np.array([t, t - 2, t - 5][:n], dtype=np.int64)
    tl = np.array([s, s - 1, 2][:n], dtype=np.int64)
    return lp, targets, il, tl


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss(reduction):
    lp, targets, il, tl = _ctc_inputs()
    run("ctc_loss", [lp, targets, il, tl], {"reduction": reduction}, grads=[0])
    run("ctc_loss", [lp.astype(np.float32), targets, il, tl], {"reduction": reduction},
        grads=[0])  # fmt: skip
    flat = np.concatenate([targets[i, : tl[i]] for i in range(3)])
    run("ctc_loss", [lp, flat, il, tl], {"reduction": reduction, "blank": 0}, grads=[0])
    run("ctc_loss", [lp, targets, tuple(il), tuple(tl)], {"reduction": reduction}, grads=[0])


def test_ctc_impossible_alignment_and_zero_infinity():
    lp, targets, il, tl = _ctc_inputs(t=4, s=4)
    il = np.array([4, 2, 3], dtype=np.int64)
    for zi in (False, True):
        run("ctc_loss", [lp, targets, il, tl], {"reduction": "none", "zero_infinity": zi},
            grads=[0] if zi else [])  # fmt: skip
    run("ctc_loss", [lp, targets, il, tl], {"reduction": "sum", "zero_infinity": True}, grads=[0])


def test_ctc_unbatched_and_other_blank():
    lp, targets, il, tl = _ctc_inputs(n=1)
    run("ctc_loss", [lp[:, 0], targets[0], il[:1], tl[:1]], {"reduction": "none"}, grads=[0])
    run("ctc_loss", [lp, (targets + 1) % 5, il[:1], tl[:1]], {"blank": 1}, grads=[0])


def test_gradcheck_float64():
    def g(fn, *inputs):
        assert ember.autograd.gradcheck(fn, inputs)

    x = ember.from_numpy(R(0).standard_normal((3, 4))).requires_grad_()
    y = ember.from_numpy(R(1).standard_normal((3, 4)))
    t = ember.tensor([0, 3, 1])
    g(lambda a: F.cross_entropy(a, t, label_smoothing=0.1), x)
    g(lambda a: F.smooth_l1_loss(a, y, beta=0.7), x)
    g(lambda a: F.binary_cross_entropy_with_logits(a, y.sigmoid(), pos_weight=y.abs()), x)
    g(lambda a: F.multi_margin_loss(a, t, p=2), x)
    g(lambda a: F.kl_div(a, y.exp(), reduction="batchmean"), x)


def test_cross_entropy_double_backward():
    x, tx = _pair(f32(3, 4).astype(np.float64), True)
    t = np.array([0, 3, 1])
    e = F.cross_entropy(x, ember.from_numpy(t), label_smoothing=0.1)
    tt = TF.cross_entropy(tx, torch.from_numpy(t), label_smoothing=0.1)
    (ge,) = ember.autograd.grad(e, [x], create_graph=True)
    (gt,) = torch.autograd.grad(tt, [tx], create_graph=True)
    (gge,) = ember.autograd.grad((ge * ge).sum(), [x])
    (ggt,) = torch.autograd.grad((gt * gt).sum(), [tx])
    assert_same(gge, ggt)


def _raises_like(fn_e, fn_t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as te:
            fn_t(torch, TF)
        with pytest.raises(type(te.value)):
            fn_e(ember, F)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, f: f.mse_loss(m.ones(3), m.ones(3), reduction="avg"),
        lambda m, f: f.nll_loss(m.ones(3, 4), m.tensor([0, 1])),
        lambda m, f: f.nll_loss(m.ones(3, 4), m.tensor([0, 1, 4])),
        lambda m, f: f.nll_loss(m.ones(2, 4, 3), m.zeros(2, 4, dtype=m.int64)),
        lambda m, f: f.nll_loss(m.ones(3, 4), m.ones(3)),
        lambda m, f: f.cross_entropy(m.ones(3, 4), m.tensor([0, 1, 9])),
        lambda m, f: f.cross_entropy(m.ones(3, 4), m.zeros(3, 4, dtype=m.int64)),
        lambda m, f: f.cross_entropy(m.ones(3, 4), m.tensor([0, 1, 2]), weight=m.ones(3)),
        lambda m, f: f.binary_cross_entropy(m.ones(3) * 2, m.ones(3)),
        lambda m, f: f.binary_cross_entropy(m.ones(3) * 0.5, m.ones(2)),
        lambda m, f: f.binary_cross_entropy_with_logits(m.ones(3), m.ones(2)),
        lambda m, f: f.smooth_l1_loss(m.ones(3), m.ones(3), beta=-1.0),
        lambda m, f: f.huber_loss(m.ones(3), m.ones(3), delta=0.0),
        lambda m, f: f.multi_margin_loss(m.ones(3, 4), m.tensor([0, 1, 2]), p=3),
        lambda m, f: f.gaussian_nll_loss(m.ones(3, 4), m.ones(3, 4), -m.ones(3, 4)),
        lambda m, f: f.gaussian_nll_loss(m.ones(3, 4), m.ones(3, 4), m.ones(2)),
        lambda m, f: f.triplet_margin_loss(m.ones(3, 4), m.ones(3, 4), m.ones(4)),
        lambda m, f: f.triplet_margin_with_distance_loss(
            m.ones(3, 4), m.ones(3, 4), m.ones(3, 4), margin=0.0
        ),
        lambda m, f: f.ctc_loss(
            m.zeros(5, 2, 4), m.ones(2, 3, dtype=m.int64), m.tensor([6, 5]), m.tensor([3, 3])
        ),
    ],
)
def test_errors_match_torch(call):
    _raises_like(call, call)


MODULES = [
    ("L1Loss", {}, lambda: [f32(3, 4), f32(3, 4, seed=1)]),
    ("MSELoss", {"reduction": "sum"}, lambda: [f32(3, 4), f32(3, 4, seed=1)]),
    ("SmoothL1Loss", {"beta": 0.5}, lambda: [f32(3, 4), f32(3, 4, seed=1)]),
    ("HuberLoss", {"delta": 0.5}, lambda: [f32(3, 4), f32(3, 4, seed=1)]),
    (
        "CrossEntropyLoss",
        {"label_smoothing": 0.1, "ignore_index": 2},
        lambda: [f32(3, 4), ints(4, 3)],
    ),  # fmt: skip
    ("NLLLoss", {"reduction": "none"}, lambda: [f32(3, 4), ints(4, 3)]),
    ("BCELoss", {}, lambda: [probs(3, 4), probs(3, 4, seed=1)]),
    ("BCEWithLogitsLoss", {}, lambda: [f32(3, 4), probs(3, 4, seed=1)]),
    (
        "KLDivLoss",
        {"reduction": "batchmean", "log_target": True},
        lambda: [f32(3, 4), f32(3, 4, seed=1)],
    ),  # fmt: skip
    ("PoissonNLLLoss", {"log_input": True}, lambda: [f32(3, 4), probs(3, 4, seed=1)]),
    (
        "GaussianNLLLoss",
        {"full": True},
        lambda: [f32(3, 4), f32(3, 4, seed=1), probs(3, 4, seed=2)],
    ),  # fmt: skip
    ("HingeEmbeddingLoss", {"margin": 2.0}, lambda: [f32(3, 4), signs(3, 4)]),
    ("SoftMarginLoss", {}, lambda: [f32(3, 4), signs(3, 4)]),
    ("MultiLabelSoftMarginLoss", {}, lambda: [f32(3, 4), signs(3, 4).clip(0, 1)]),
    ("MultiLabelMarginLoss", {}, lambda: [f32(2, 3), np.array([[2, -1, 0], [0, 1, -1]])]),
    ("MultiMarginLoss", {"p": 2}, lambda: [f32(3, 4), ints(4, 3)]),
    ("CosineEmbeddingLoss", {"margin": 0.1}, lambda: [f32(3, 4), f32(3, 4, seed=1), signs(3)]),
    ("MarginRankingLoss", {"margin": 0.3}, lambda: [f32(4), f32(4, seed=1), signs(4)]),
    (
        "TripletMarginLoss",
        {"margin": 0.5, "p": 3},
        lambda: [f32(3, 4), f32(3, 4, seed=1), f32(3, 4, seed=2)],
    ),  # fmt: skip
    (
        "TripletMarginWithDistanceLoss",
        {"swap": True},
        lambda: [f32(3, 4), f32(3, 4, seed=1), f32(3, 4, seed=2)],
    ),  # fmt: skip
    ("CTCLoss", {"blank": 0, "zero_infinity": True}, lambda: list(_ctc_inputs())),
]


@pytest.mark.parametrize("name,kw,inputs", MODULES, ids=[m[0] for m in MODULES])
def test_loss_modules(name, kw, inputs):
    args = inputs()
    grads = [0] if name not in ("CosineEmbeddingLoss", "MarginRankingLoss") else [0, 1]
    run(name, args, grads=grads, module=name, mkw=kw)
    assert repr(getattr(ember.nn, name)(**kw)) == repr(getattr(torch.nn, name)(**kw))


def test_loss_module_attributes():
    e = ember.nn.CrossEntropyLoss(weight=ember.ones(3), label_smoothing=0.2)
    t = torch.nn.CrossEntropyLoss(weight=torch.ones(3), label_smoothing=0.2)
    assert (e.reduction, e.ignore_index, e.label_smoothing) == (
        t.reduction,
        t.ignore_index,
        t.label_smoothing,
    )
    assert list(e.state_dict()) == list(t.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ember.nn.MSELoss(size_average=False).reduction == "sum"
        assert ember.nn.L1Loss(reduce=False).reduction == "none"
