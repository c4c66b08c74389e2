"""Completeness audit of ember.nn / ember.optim against torch 2.13.

Every public name PyTorch users reach for in ``nn``, ``nn.functional``, ``nn.init``,
``nn.utils``, ``optim`` and ``optim.lr_scheduler`` exists in ember under the same
path, with the same parameter names, kinds and defaults (``inspect.signature``).
Deliberate differences are listed in ``ALLOWED`` with the reason. The rest of the
file checks against torch the names no other test file exercises.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import from_torch, torch

# --- the names -------------------------------------------------------------------------------

MODULES = """
Module Sequential ModuleList ModuleDict ParameterList ParameterDict Parameter Buffer
UninitializedParameter UninitializedBuffer
Identity Linear Bilinear LazyLinear Flatten Unflatten
Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d
LazyConv1d LazyConv2d LazyConv3d LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d
MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d
AvgPool1d AvgPool2d AvgPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d
AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d LPPool1d LPPool2d LPPool3d
FractionalMaxPool2d FractionalMaxPool3d
BatchNorm1d BatchNorm2d BatchNorm3d LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d
SyncBatchNorm LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d InstanceNorm3d
LazyInstanceNorm1d LazyInstanceNorm2d LazyInstanceNorm3d LocalResponseNorm CrossMapLRN2d RMSNorm
Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout Embedding EmbeddingBag
RNNBase RNN LSTM GRU RNNCellBase RNNCell LSTMCell GRUCell
MultiheadAttention Transformer TransformerEncoder TransformerEncoderLayer TransformerDecoder
TransformerDecoderLayer
PixelShuffle PixelUnshuffle Upsample UpsamplingNearest2d UpsamplingBilinear2d ChannelShuffle
Fold Unfold ZeroPad1d ZeroPad2d ZeroPad3d ConstantPad1d ConstantPad2d ConstantPad3d
ReflectionPad1d ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d
ReplicationPad3d CircularPad1d CircularPad2d CircularPad3d CosineSimilarity PairwiseDistance
ReLU ReLU6 LeakyReLU PReLU RReLU ELU CELU SELU GELU SiLU Mish Softplus Softsign Softshrink
Hardshrink Tanhshrink Hardtanh Hardsigmoid Hardswish Sigmoid LogSigmoid Tanh Threshold GLU
Softmax Softmin LogSoftmax Softmax2d
L1Loss MSELoss SmoothL1Loss HuberLoss CrossEntropyLoss NLLLoss NLLLoss2d BCELoss
BCEWithLogitsLoss KLDivLoss PoissonNLLLoss GaussianNLLLoss HingeEmbeddingLoss SoftMarginLoss
MultiLabelSoftMarginLoss MultiLabelMarginLoss MultiMarginLoss CosineEmbeddingLoss
MarginRankingLoss TripletMarginLoss TripletMarginWithDistanceLoss CTCLoss
""".split()

# torch.nn.functional names that are torch's own plumbing or GPU-only kernels, not user API.
F_NOT_API = {
    "assert_int_or_pair": "internal argument check",
    "boolean_dispatch": "internal helper that builds max_pool*/adaptive_max_pool*",
    "handle_torch_function": "__torch_function__ protocol plumbing",
    "has_torch_function": "__torch_function__ protocol plumbing",
    "has_torch_function_unary": "__torch_function__ protocol plumbing",
    "has_torch_function_variadic": "__torch_function__ protocol plumbing",
    "grouped_mm": "CUDA-only grouped GEMM (MoE kernels), no CPU implementation in torch",
    "scaled_mm": "CUDA-only float8 scaled GEMM, no CPU implementation in torch",
    "scaled_grouped_mm": "CUDA-only float8 grouped GEMM, no CPU implementation in torch",
    "conv_tbc": "legacy builtin (time-batch-channel conv), not part of the issue",
}
F_NAMES = sorted(
    n
    for n in dir(torch.nn.functional)
    if not n.startswith("_")
    and n not in F_NOT_API
    and callable(getattr(torch.nn.functional, n))
    and not isinstance(getattr(torch.nn.functional, n), type)
    and getattr(getattr(torch.nn.functional, n), "__module__", "") not in ("typing",)
)
INIT_NAMES = sorted(
    n
    for n in dir(torch.nn.init)
    if not n.startswith("_")
    and inspect.isfunction(getattr(torch.nn.init, n))
    and getattr(torch.nn.init, n).__module__ == "torch.nn.init"
)
OPTIM_NAMES = sorted(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type))
SCHED_NAMES = sorted(
    n
    for n in dir(torch.optim.lr_scheduler)
    if not n.startswith("_")
    and isinstance(getattr(torch.optim.lr_scheduler, n), type)
    and getattr(torch.optim.lr_scheduler, n).__module__ == "torch.optim.lr_scheduler"
)
UTILS_NAMES = """clip_grad_norm_ clip_grad_norm clip_grad_value_ clip_grads_with_norm_
get_total_norm parameters_to_vector vector_to_parameters weight_norm remove_weight_norm
spectral_norm remove_spectral_norm fuse_conv_bn_eval fuse_conv_bn_weights fuse_linear_bn_eval
fuse_linear_bn_weights skip_init""".split()
RNN_NAMES = """pack_padded_sequence pad_packed_sequence pad_sequence pack_sequence PackedSequence
unpad_sequence unpack_sequence""".split()
PARAMETRIZE_NAMES = """register_parametrization remove_parametrizations is_parametrized cached
type_before_parametrizations transfer_parametrizations_and_params""".split()
PARAMETRIZATIONS_NAMES = ["orthogonal", "weight_norm", "spectral_norm"]
SWA_NAMES = """AveragedModel SWALR update_bn get_ema_multi_avg_fn get_swa_multi_avg_fn
get_ema_avg_fn get_swa_avg_fn""".split()
MODULE_METHODS = sorted(
    n
    for n in dir(torch.nn.Module)
    if (not n.startswith("_") or n in ("__init__", "__call__", "__setstate__", "__dir__"))
    and callable(getattr(torch.nn.Module, n))
)
OPTIMIZER_METHODS = sorted(
    n
    for n in dir(torch.optim.Optimizer)
    if (not n.startswith("_") or n in ("__init__", "__setstate__", "__getstate__"))
    and callable(getattr(torch.optim.Optimizer, n))
)


def _table():
    import torch.nn.utils.parametrizations as tpz
    import torch.nn.utils.parametrize as tpr
    import torch.nn.utils.rnn as trnn
    import torch.optim.swa_utils as tswa

    import ember.nn.utils.parametrizations as epz
    import ember.nn.utils.parametrize as epr
    import ember.nn.utils.rnn as ernn
    import ember.optim.swa_utils as eswa

    groups = [
        ("nn", torch.nn, ember.nn, MODULES),
        ("nn.functional", torch.nn.functional, F, F_NAMES),
        ("nn.init", torch.nn.init, ember.nn.init, INIT_NAMES),
        ("nn.utils", torch.nn.utils, ember.nn.utils, UTILS_NAMES),
        ("nn.utils.rnn", trnn, ernn, RNN_NAMES),
        ("nn.utils.parametrize", tpr, epr, PARAMETRIZE_NAMES),
        ("nn.utils.parametrizations", tpz, epz, PARAMETRIZATIONS_NAMES),
        ("optim", torch.optim, ember.optim, OPTIM_NAMES),
        ("optim.lr_scheduler", torch.optim.lr_scheduler, ember.optim.lr_scheduler, SCHED_NAMES),
        ("optim.swa_utils", tswa, eswa, SWA_NAMES),
        ("Module", torch.nn.Module, ember.nn.Module, MODULE_METHODS),
        ("Optimizer", torch.optim.Optimizer, ember.optim.Optimizer, OPTIMIZER_METHODS),
    ]
    return [(f"{g}.{n}", t, e, n) for g, t, e, names in groups for n in names]


TABLE = _table()

# Deliberate differences. Key: "<group>.<name>"; value: why ember differs.
ALLOWED = {
    # torch builds these with boolean_dispatch, whose signature is (*args, **kwargs); ember
    # spells out the parameters of the return_indices=False form.
    **{
        f"nn.functional.{n}": "torch's boolean_dispatch wrapper hides the parameters"
        for n in (
            "max_pool1d",
            "max_pool2d",
            "max_pool3d",
            "adaptive_max_pool1d",
            "adaptive_max_pool2d",
            "adaptive_max_pool3d",
            "fractional_max_pool2d",
            "fractional_max_pool3d",
        )
    },  # fmt: skip
    "nn.NLLLoss2d": "torch's deprecated alias takes (*args, **kwargs); ember spells out NLLLoss's",
    "Module.compile": "torch.compile has no ember counterpart (ember.jit is the compiler)",
    "Module.ipu": "ember has no IPU device",
    "Module.xpu": "ember has no XPU device",
    "Module.mtia": "ember has no MTIA device",
    "Optimizer.profile_hook_step": "torch-internal profiler wrapper around step",
    "Optimizer.OptimizerPreHook": "typing alias, not callable API",
    "Optimizer.OptimizerPostHook": "typing alias, not callable API",
}


def _default_key(v):
    # A callable default (Transformer's activation=F.relu) is compared by name: ember's
    # F.relu is not torch's object but plays the same role.
    if callable(v) and hasattr(v, "__name__"):
        return ("callable", v.__name__)
    if isinstance(v, float) and v != v:
        return ("nan",)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return ("number", float(v))  # tau=1 and tau=1.0 behave the same
    return ("value", repr(v))


def _params(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.kind, _default_key(p.default)) for p in sig.parameters.values()]


@pytest.mark.parametrize("key,tmod,emod,name", TABLE, ids=[r[0] for r in TABLE])
def test_name_and_signature_match_torch(key, tmod, emod, name):
    if key in ALLOWED:
        pytest.skip(ALLOWED[key])
    assert hasattr(tmod, name), f"torch lacks {key}: update the table"
    assert hasattr(emod, name), f"ember lacks {key}"
    tp, ep = _params(getattr(tmod, name)), _params(getattr(emod, name))
    if tp is None:  # a builtin without a signature in torch: existence is all we can check
        return
    assert ep == tp, f"{key}: ember {ep} != torch {tp}"


def test_allow_list_entries_are_real_differences():
    keys = {r[0] for r in TABLE}
    for key in ALLOWED:
        assert key in keys, f"stale allow-list entry {key}"


# --- lazy modules ------------------------------------------------------------------------------

LAZY = [
    ("LazyConv1d", (4, 3), {}, (2, 3, 9)),
    ("LazyConv2d", (4, 3), {"padding": 1, "groups": 1}, (2, 3, 7, 7)),
    ("LazyConv2d", (4, 3), {}, (3, 7, 7)),
    ("LazyConv3d", (4, 2), {"bias": False}, (1, 2, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {}, (2, 3, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"momentum": None}, (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), {"affine": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,kw,shape", LAZY, ids=[f"{r[0]}-{r[3]}" for r in LAZY])
def test_lazy_modules_match_torch(name, args, kw, shape):
    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    ember.manual_seed(0)
    tm = getattr(torch.nn, name)(*args, **kw)
    em = getattr(ember.nn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = tm(tx), em(ex)
    assert type(em).__name__ == type(tm).__name__  # became the eager class
    assert repr(em) == repr(tm)
    for k, v in tm.state_dict().items():
        e = em.state_dict()[k]
        assert tuple(e.shape) == tuple(v.shape), k
        np.testing.assert_allclose(e.numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    ty.sum().backward()
    ey.sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n, tp), (_, ep) in zip(tm.named_parameters(), em.named_parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-4,
                                   err_msg=n)  # fmt: skip


def test_lazy_conv_loads_state_dict_like_torch():
    warnings.simplefilter("ignore")
    src = torch.nn.Conv2d(3, 4, 3)
    tm, em = torch.nn.LazyConv2d(4, 3), ember.nn.LazyConv2d(4, 3)
    tm.load_state_dict(src.state_dict())
    em.load_state_dict({k: from_torch(v) for k, v in src.state_dict().items()})
    assert tuple(em.weight.shape) == tuple(tm.weight.shape) == (4, 3, 3, 3)
    x = np.random.default_rng(1).standard_normal((1, 3, 5, 5)).astype(np.float32)
    _close(em(ember.tensor(x)), tm(torch.tensor(x)), 1e-5)


def test_lazy_conv_rejects_wrong_rank_like_torch():
    warnings.simplefilter("ignore")
    with pytest.raises(RuntimeError):
        torch.nn.LazyConv2d(4, 3)(torch.zeros(3, 5))
    with pytest.raises(RuntimeError):
        ember.nn.LazyConv2d(4, 3)(ember.zeros(3, 5))


# --- names no other test file reaches ----------------------------------------------------------


def _pair(shape, seed=0, grad=True, dtype=np.float64):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(e, t, tol=1e-7):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


def test_sync_batchnorm_is_batchnorm_in_one_process():
    torch.manual_seed(0)
    tm = torch.nn.SyncBatchNorm(3, momentum=None)
    em = ember.nn.SyncBatchNorm(3, momentum=None)
    assert repr(em) == repr(tm)
    ex, tx = _pair((4, 3, 5), dtype=np.float32)
    for _ in range(2):
        _close(em(ex), tm(tx), 1e-5)
    for k, v in tm.state_dict().items():
        _close(em.state_dict()[k], v, 1e-5)
    tn = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    en = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.BatchNorm1d(3))
    assert repr(ember.nn.SyncBatchNorm.convert_sync_batchnorm(en)) == repr(
        torch.nn.SyncBatchNorm.convert_sync_batchnorm(tn)
    )
    with pytest.raises(ValueError):
        tm(torch.zeros(3))
    with pytest.raises(ValueError):
        em(ember.zeros(3))


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7])
def test_cross_map_lrn2d_forward_matches_torch(size):
    # torch's CrossMapLRN2d backward is a hand-written routine that fails for several
    # sizes, so only values are compared; ember's gradient comes from autograd.
    ex, tx = _pair((2, 6, 3, 3), grad=False)
    tm, em = (
        torch.nn.CrossMapLRN2d(size, 0.1, 0.75, 2.0),
        ember.nn.CrossMapLRN2d(size, 0.1, 0.75, 2.0),
    )
    assert repr(em) == repr(tm)
    _close(em(ex), tm(tx), 1e-6)


def test_linear_cross_entropy_matches_torch():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    for kw in [{}, {"reduction": "sum", "label_smoothing": 0.1}, {"ignore_index": 1}]:
        t = np.array([0, 2, 1, kw.get("ignore_index", -100), 2])
        ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        eb, tb = ember.tensor(b), torch.tensor(b)
        ey = F.linear_cross_entropy(ex, ember.tensor(w), ember.tensor(t), linear_bias=eb, **kw)
        tfn = torch.nn.functional.linear_cross_entropy
        ty = tfn(tx, torch.tensor(w), torch.tensor(t), linear_bias=tb, **kw)
        _close(ey, ty, 1e-10)
        ey.backward()
        ty.backward()
        _close(ex.grad, tx.grad, 1e-10)


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "xavier_uniform", "orthogonal"])
def test_deprecated_init_aliases_warn_and_draw_like_torch(name):
    args = {"constant": (0.5,)}.get(name, ())
    torch.manual_seed(3)
    ember.manual_seed(3)
    t, e = torch.empty(4, 5), ember.empty(4, 5)
    with pytest.warns(FutureWarning):
        getattr(torch.nn.init, name)(t, *args)
    with pytest.warns(FutureWarning, match=f"nn.init.{name}_"):
        getattr(ember.nn.init, name)(e, *args)
    if name in ("constant", "uniform", "normal", "xavier_uniform"):
        _close(e, t, 1e-6)


def test_skip_init_builds_the_module_like_torch():
    em = ember.nn.utils.skip_init(ember.nn.Linear, 3, 4)
    tm = torch.nn.utils.skip_init(torch.nn.Linear, 3, 4)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    with pytest.raises(RuntimeError):
        torch.nn.utils.skip_init(torch.nn.ReLU)
    with pytest.raises(RuntimeError):
        ember.nn.utils.skip_init(ember.nn.ReLU)


def test_transfer_parametrizations_and_params_matches_torch():
    class Double(torch.nn.Module):
        def forward(self, x):
            return 2 * x

    class EDouble(ember.nn.Module):
        def forward(self, x):
            return 2 * x

    import torch.nn.utils.parametrize as tp

    import ember.nn.utils.parametrize as ep

    ta, tb = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    ea, eb = ember.nn.Linear(3, 2), ember.nn.Linear(3, 2)
    ea.load_state_dict({k: from_torch(v) for k, v in ta.state_dict().items()})
    eb.load_state_dict({k: from_torch(v) for k, v in tb.state_dict().items()})
    tp.register_parametrization(ta, "weight", Double())
    ep.register_parametrization(ea, "weight", EDouble())
    tp.transfer_parametrizations_and_params(ta, tb)
    ep.transfer_parametrizations_and_params(ea, eb)
    assert list(eb.state_dict()) == list(tb.state_dict())
    _close(eb.weight, tb.weight)
    assert eb.parametrizations.weight.original is ea.parametrizations.weight.original


def test_unimplemented_names_raise_not_implemented():
    p = [ember.nn.Parameter(ember.zeros(2))]
    for make in (
        lambda: ember.optim.Adafactor(p),
        lambda: ember.optim.Muon(p),
        lambda: ember.nn.FractionalMaxPool2d(2, output_size=3),
        lambda: ember.nn.FractionalMaxPool3d(2, output_ratio=0.5),
        lambda: F.fractional_max_pool2d(ember.zeros(1, 1, 4, 4), 2, output_size=2),
    ):
        with pytest.raises(NotImplementedError):
            make()


POOL_MODULES = [
    ("MaxUnpool1d", (2,), (1, 2, 8)),
    ("AdaptiveMaxPool3d", (2,), (1, 2, 4, 5, 3)),
    ("LPPool3d", (2.0, 2), (1, 2, 4, 4, 4)),
    ("InstanceNorm3d", (2,), (2, 2, 3, 3, 3)),
    ("CircularPad3d", (1,), (1, 1, 2, 3, 3)),
]


@pytest.mark.parametrize("name,args,shape", POOL_MODULES, ids=[r[0] for r in POOL_MODULES])
def test_remaining_layers_match_torch(name, args, shape):
    ex, tx = _pair(shape)
    tm, em = getattr(torch.nn, name)(*args), getattr(ember.nn, name)(*args)
    assert repr(em) == repr(tm)
    if name == "MaxUnpool1d":
        ty, ti = torch.nn.functional.max_pool1d(tx, 2, return_indices=True)
        ey, ei = F.max_pool1d(ex, 2, return_indices=True)
        ty, ey = tm(ty, ti), em(ey, ei)
    else:
        ty, ey = tm(tx), em(ex)
    _close(ey, ty, 1e-10)
    g = np.random.default_rng(5).standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    _close(ex.grad, tx.grad, 1e-10)


def test_max_unpool3d_and_with_indices_functions_match_torch():
    ex, tx = _pair((1, 2, 4, 4, 4))
    for nd, shape in ((1, (1, 2, 8)), (2, (1, 2, 4, 4)), (3, (1, 2, 4, 4, 4))):
        ex, tx = _pair(shape)
        ey, ei = getattr(F, f"max_pool{nd}d_with_indices")(ex, 2)
        ty, ti = getattr(torch.nn.functional, f"max_pool{nd}d_with_indices")(tx, 2)
        _close(ey, ty)
        np.testing.assert_array_equal(ei.numpy(), ti.numpy())
        _close(getattr(F, f"max_unpool{nd}d")(ey, ei, 2),
               getattr(torch.nn.functional, f"max_unpool{nd}d")(ty, ti, 2))  # fmt: skip
        ey, ei = getattr(F, f"adaptive_max_pool{nd}d_with_indices")(ex, 3)
        ty, ti = getattr(torch.nn.functional, f"adaptive_max_pool{nd}d_with_indices")(tx, 3)
        _close(ey, ty)
        np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    em, tm = ember.nn.MaxUnpool3d(2), torch.nn.MaxUnpool3d(2)
    assert repr(em) == repr(tm)
    _close(F.lp_pool3d(ex.abs(), 2.0, 2), torch.nn.functional.lp_pool3d(tx.abs(), 2.0, 2))


def test_nll_loss2d_is_nll_loss():
    ex, tx = _pair((2, 3, 4, 4))
    t = np.random.default_rng(2).integers(0, 3, (2, 4, 4))
    tl = torch.nn.NLLLoss2d()(torch.log_softmax(tx, 1), torch.tensor(t))
    el = ember.nn.NLLLoss2d()(F.log_softmax(ex, 1), ember.tensor(t))
    _close(el, tl, 1e-10)


def test_deprecated_upsample_functions_match_torch():
    warnings.simplefilter("ignore")
    ex, tx = _pair((1, 2, 3, 3))
    _close(F.upsample(ex, scale_factor=2), torch.nn.functional.upsample(tx, scale_factor=2))
    _close(F.upsample_nearest(ex, scale_factor=2),
           torch.nn.functional.upsample_nearest(tx, scale_factor=2))  # fmt: skip
    _close(F.upsample_bilinear(ex, scale_factor=2),
           torch.nn.functional.upsample_bilinear(tx, scale_factor=2), 1e-10)  # fmt: skip


def test_gumbel_softmax_properties_as_torch():
    # The Gumbel draws come from exponential_, whose stream need not match torch's, so
    # check what torch guarantees: a distribution, a one-hot forward with hard=True whose
    # gradient is the soft sample's, and torch's shape and argmax rules.
    ember.manual_seed(0)
    ex, _ = _pair((4, 5))
    y = F.gumbel_softmax(ex, tau=0.5)
    np.testing.assert_allclose(y.sum(-1).detach().numpy(), np.ones(4), rtol=1e-12)
    h = F.gumbel_softmax(ex, tau=0.5, hard=True, dim=0)
    assert sorted(np.unique(h.detach().numpy()).tolist()) == [0.0, 1.0]
    np.testing.assert_array_equal(h.detach().numpy().sum(0), np.ones(5))
    h.sum().backward()
    assert ex.grad is not None and tuple(ex.grad.shape) == (4, 5)


def test_transformer_decoder_matches_torch():
    torch.manual_seed(0)
    tl = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0)
    td = torch.nn.TransformerDecoder(tl, 2, norm=torch.nn.LayerNorm(8))
    el = ember.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0)
    ed = ember.nn.TransformerDecoder(el, 2, norm=ember.nn.LayerNorm(8))
    assert repr(ed) == repr(td)
    ed.load_state_dict({k: from_torch(v) for k, v in td.state_dict().items()})
    et, tt = _pair((5, 2, 8), 1)
    em, tm = _pair((4, 2, 8), 2)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    ty = td(tt.float(), tm.float(), tgt_mask=mask, tgt_is_causal=True)
    ey = ed(et.float(), em.float(), tgt_mask=from_torch(mask), tgt_is_causal=True)
    _close(ey, ty, 1e-5)


def test_lr_scheduler_base_class_is_exported():
    assert ember.optim.lr_scheduler.LRScheduler.__name__ == "LRScheduler"
    p = ember.nn.Parameter(ember.zeros(1))
    s = ember.optim.lr_scheduler.StepLR(ember.optim.SGD([p], lr=0.1), 1)
    assert isinstance(s, ember.optim.lr_scheduler.LRScheduler)
    assert isinstance(s, ember.optim.lr_scheduler._LRScheduler) is isinstance(
        torch.optim.lr_scheduler.StepLR(torch.optim.SGD([torch.zeros(1)], lr=0.1), 1),
        torch.optim.lr_scheduler._LRScheduler,
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_toplevel_and_method_softmax_match_torch(name):
    ex, tx = _pair((3, 4), dtype=np.float32)
    _close(getattr(ex, name)(-1), getattr(tx, name)(-1), 1e-6)
    ey = getattr(ember, name)(ex, 0, dtype=ember.float64)
    ty = getattr(torch, name)(tx, 0, dtype=torch.float64)
    assert str(ey.dtype) == str(ty.dtype)
    _close(ey, ty, 1e-6)
    ey.sum().backward()
    ty.sum().backward()
    _close(ex.grad, tx.grad, 1e-6)
