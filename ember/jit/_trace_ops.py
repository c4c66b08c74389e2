"""How a trace records a boundary function (NOTE [ Trace boundaries ] in ember._tracing).

:func:`record` is called by the tracer after a boundary function ran with
recording paused. A builder of :data:`BUILDERS` (keyed by the function's path
under ``ember``) turns the call into PyTorch's operator with aten's argument
order, as torch's tracer prints it (``torch.max_pool2d(x, [2, 2], [2, 2], [0, 0],
[1, 1], False)``, ``torch._convolution(...)``, ``torch.zeros([n, 3], dtype=6,
...)``); the node runs through the front end's operator table, which calls the
same ember function again. A call no builder covers (``embedding`` with
``max_norm``, a ``generator=``, ``out=``) becomes ``call::<path>`` with the
original arguments: correct when run by ember, and refused by the archive
printer with a message naming the function.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field

from .._tensor import Tensor
from . import _types as T
from ._trace_dynamic import TracedInt


@dataclass
class Rec:
    name: str  # aten operator
    args: list
    kwargs: dict = field(default_factory=dict)
    nout: int = 1  # outputs of the aten operator
    pick: int | None = None  # the function returned only this output


CONSTANT = object()  # the result is recorded as a constant (torch.tensor, as torch does)
_SIGS: dict = {}


def _params(fn, args, kwargs) -> dict:
    sig = _SIGS.get(fn)
    if sig is None:
        sig = _SIGS[fn] = inspect.signature(fn)
    b = sig.bind(*args, **kwargs)
    b.apply_defaults()
    p = dict(b.arguments)
    for k in list(p):
        if sig.parameters[k].kind is inspect.Parameter.VAR_KEYWORD:
            p.update(p.pop(k))
    return p


def _tup(v, n) -> list:
    if isinstance(v, int):
        return [int(v)] * n
    v = [int(x) for x in v]
    return v * n if len(v) == 1 and n > 1 else v


# --- nn.functional ----------------------------------------------------------------------------


def _linear(res, p):
    return Rec("linear", [p["input"], p["weight"], p["bias"]])


def _conv(nd):
    def b(res, p):
        x, w, bias = p["input"], p["weight"], p["bias"]
        s, d, g, pad = _tup(p["stride"], nd), _tup(p["dilation"], nd), p["groups"], p["padding"]
        if isinstance(pad, str) or x.dim() == nd + 1:
            pad = pad if isinstance(pad, str) else _tup(pad, nd)
            return Rec(f"conv{nd}d", [x, w, bias, s, pad, d, g])
        return Rec("_convolution", [x, w, bias, s, _tup(pad, nd), d, False, [0] * nd, g,
                                    False, False, True, True])  # fmt: skip

    return b


def _conv_t(nd):
    def b(res, p):
        x, w, bias = p["input"], p["weight"], p["bias"]
        s, pad, d = _tup(p["stride"], nd), _tup(p["padding"], nd), _tup(p["dilation"], nd)
        op, g = _tup(p["output_padding"], nd), p["groups"]
        if x.dim() == nd + 1:
            return Rec(f"conv_transpose{nd}d", [x, w, bias, s, pad, op, g, d])
        return Rec("_convolution", [x, w, bias, s, pad, d, True, op, g, False, False, True, True])

    return b


def _batch_norm(res, p):
    return Rec("batch_norm", [p["input"], p["weight"], p["bias"], p["running_mean"],
                              p["running_var"], bool(p["training"]), p["momentum"], p["eps"],
                              True])  # fmt: skip


def _instance_norm(res, p):
    return Rec("instance_norm", [p["input"], p["weight"], p["bias"], p["running_mean"],
                                 p["running_var"], bool(p["use_input_stats"]), p["momentum"],
                                 p["eps"], True])  # fmt: skip


def _layer_norm(res, p):
    shape = p["normalized_shape"]
    shape = [shape] if isinstance(shape, int) else [int(s) for s in shape]
    return Rec("layer_norm", [p["input"], shape, p["weight"], p["bias"], p["eps"], True])


def _group_norm(res, p):
    return Rec("group_norm", [p["input"], p["num_groups"], p["weight"], p["bias"], p["eps"],
                              True])  # fmt: skip


def _embedding(res, p):
    if p["max_norm"] is not None:
        return None
    w, pidx = p["weight"], p["padding_idx"]
    pidx = -1 if pidx is None else (pidx + w.shape[0] if pidx < 0 else pidx)
    return Rec("embedding", [w, p["input"], pidx, bool(p["scale_grad_by_freq"]),
                             bool(p["sparse"])])  # fmt: skip


def _dropout(res, p):
    name = "dropout_" if p["inplace"] else "dropout"
    return Rec(name, [p["input"], float(p["p"]), bool(p["training"])])


def _feature_dropout(nd):
    def b(res, p):
        if p["inplace"] or p["input"].dim() != nd + 2:
            return None
        return Rec("feature_dropout", [p["input"], float(p["p"]), bool(p["training"])])

    return b


def _softmax(name):
    def b(res, p):
        x, dim = p["input"], p["dim"]
        if dim is None:
            dim = 0 if x.dim() in (0, 1, 3) else 1
        args = [x, dim] if p["dtype"] is None else [x, dim, p["dtype"]]
        return Rec(name, args)

    return b


def _sdpa(res, p):
    kw = {} if p.get("scale") is None else {"scale": float(p["scale"])}
    if p.get("enable_gqa"):
        kw["enable_gqa"] = True
    return Rec("scaled_dot_product_attention",
               [p["query"], p["key"], p["value"], p["attn_mask"], float(p["dropout_p"]),
                bool(p["is_causal"])], kw)  # fmt: skip


def _act(name, *extra):
    def b(res, p):
        inplace = p.get("inplace", False)
        return Rec(name + ("_" if inplace else ""), [p["input"], *[p[e] for e in extra]])

    return b


def _gelu(res, p):
    return Rec("gelu", [p["input"]], {"approximate": p["approximate"]})


def _max_pool(nd):
    def b(res, p):
        k = _tup(p["kernel_size"], nd)
        s = _tup(p["stride"], nd) if p["stride"] not in (None, [], ()) else list(k)
        args = [p["input"], k, s, _tup(p["padding"], nd), _tup(p["dilation"], nd),
                bool(p["ceil_mode"])]  # fmt: skip
        if p["return_indices"]:
            return Rec(f"max_pool{nd}d_with_indices", args, nout=2)
        return Rec(f"max_pool{nd}d", args)

    return b


def _avg_pool(nd):
    def b(res, p):
        k = _tup(p["kernel_size"], nd)
        s = _tup(p["stride"], nd) if p["stride"] not in (None, [], ()) else list(k)
        args = [p["input"], k, s, _tup(p["padding"], nd), bool(p["ceil_mode"]),
                bool(p["count_include_pad"])]  # fmt: skip
        if nd == 1:
            return Rec("avg_pool1d", args) if p.get("divisor_override") is None else None
        return Rec(f"avg_pool{nd}d", [*args, p["divisor_override"]])

    return b


def _adaptive_size(res, nd):
    # None entries of output_size are the input's sizes: the result's shape has them
    return [int(s) for s in res.shape[-nd:]]


def _adaptive_avg(nd):
    def b(res, p):
        return Rec(f"adaptive_avg_pool{nd}d", [p["input"], _adaptive_size(res, nd)])

    return b


def _adaptive_max(nd):
    def b(res, p):
        out = res[0] if p["return_indices"] else res
        r = Rec(f"adaptive_max_pool{nd}d", [p["input"], _adaptive_size(out, nd)], nout=2)
        if not p["return_indices"]:
            r.pick = 0
        return r

    return b


def _pad(res, p):
    pad = [int(v) for v in p["pad"]]
    if p["mode"] == "constant":
        return Rec("constant_pad_nd", [p["input"], pad, 0 if p["value"] is None else p["value"]])
    return Rec("pad", [p["input"], pad, p["mode"], p["value"]])


_UPSAMPLE = {"nearest": "upsample_nearest", "nearest-exact": "_upsample_nearest_exact",
             "linear": "upsample_linear", "bilinear": "upsample_bilinear",
             "bicubic": "upsample_bicubic", "trilinear": "upsample_trilinear"}  # fmt: skip


def _interpolate(res, p):
    x, mode = p["input"], p["mode"]
    nd = x.dim() - 2
    if mode not in _UPSAMPLE or p.get("antialias"):
        return None
    size, scale = None, None
    if p["size"] is None and not p.get("recompute_scale_factor"):
        sf = p["scale_factor"]
        scale = [float(sf)] * nd if isinstance(sf, (int, float)) else [float(v) for v in sf]
    else:
        size = [int(s) for s in res.shape[2:]]
    name = f"{_UPSAMPLE[mode]}{nd}d"
    if mode.startswith("nearest"):
        return Rec(name, [x, size, scale])
    return Rec(name, [x, size, bool(p["align_corners"]), scale])


_GRID_MODE = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_GRID_PAD = {"zeros": 0, "border": 1, "reflection": 2}


def _grid_sample(res, p):
    mode, pad = _GRID_MODE[p["mode"]], _GRID_PAD[p["padding_mode"]]
    return Rec("grid_sampler", [p["input"], p["grid"], mode, pad, bool(p["align_corners"])])


def _flatten(res, p):
    return Rec("flatten", [p["input"], p["start_dim"], p["end_dim"]])


def _gather(res, p):
    if p.get("out") is not None:
        return None
    return Rec("gather", [p["input"], p["dim"], p["index"], bool(p["sparse_grad"])])


def _index_select(res, p):
    if p.get("out") is not None:
        return None
    return Rec("index_select", [p["input"], p["dim"], p["index"]])


# --- creation ---------------------------------------------------------------------------------


def _factory_kw(res):
    return {"dtype": res.dtype, "layout": None, "device": res.device, "pin_memory": False}


def _plain(p) -> bool:
    """No out=, generator= or requires_grad=True (those are recorded as call:: nodes)."""
    return p.get("out") is None and p.get("generator") is None and not p.get("requires_grad")


def _size_arg(res, size) -> list:
    """The size as the caller wrote it when it holds a traced size, else the result's shape."""
    if isinstance(size, tuple) and len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    if isinstance(size, (tuple, list)) and any(isinstance(s, TracedInt) for s in size):
        return list(size)
    return [int(s) for s in res.shape]


def _factory(name):
    def b(res, p):
        if not _plain(p):
            return None
        return Rec(name, [_size_arg(res, p["size"])], _factory_kw(res))

    return b


def _like(name):
    def b(res, p):
        if not _plain(p):
            return None
        return Rec(name, [p["input"]], {**_factory_kw(res), "memory_format": None})

    return b


def _full(res, p):
    if not _plain(p) or isinstance(p["fill_value"], Tensor):
        return None
    return Rec("full", [_size_arg(res, p["size"]), p["fill_value"]], _factory_kw(res))


def _full_like(res, p):
    if not _plain(p) or isinstance(p["fill_value"], Tensor):
        return None
    return Rec("full_like", [p["input"], p["fill_value"]],
               {**_factory_kw(res), "memory_format": None})  # fmt: skip


def _arange(res, p):
    nums = [p["start"]] if p["end"] is None else [p["start"], p["end"], p["step"]]
    if not _plain(p) or any(isinstance(v, Tensor) for v in nums):
        return None
    return Rec("arange", nums, _factory_kw(res))


def _randint(res, p):
    if not _plain(p) or p["high"] is None or p["size"] is None:
        return None
    return Rec("randint", [p["low"], p["high"], _size_arg(res, p["size"])], _factory_kw(res))


def _tensor(res, p):
    warnings.warn(
        "torch.tensor results are registered as constants in the trace. You can safely ignore "
        "this warning if you use this function to create tensors out of constant variables "
        "that would be the same every time you call this function. In any other case, this "
        "might cause the trace to be incorrect.",
        _tracer_warning(),
        stacklevel=4,
    )
    return CONSTANT


def _tracer_warning():
    from ._trace import TracerWarning

    return TracerWarning


BUILDERS = {
    "nn.functional.linear": _linear, "nn.functional.batch_norm": _batch_norm,
    "nn.functional.instance_norm": _instance_norm, "nn.functional.layer_norm": _layer_norm,
    "nn.functional.group_norm": _group_norm, "nn.functional.embedding": _embedding,
    "nn.functional.dropout": _dropout, "nn.functional.softmax": _softmax("softmax"),
    "nn.functional.log_softmax": _softmax("log_softmax"),
    "nn.functional.scaled_dot_product_attention": _sdpa, "nn.functional.gelu": _gelu,
    "nn.functional.relu": _act("relu"), "nn.functional.silu": _act("silu"),
    "nn.functional.hardtanh": _act("hardtanh", "min_val", "max_val"),
    "nn.functional.leaky_relu": _act("leaky_relu", "negative_slope"),
    "nn.functional.elu": _act("elu", "alpha"), "nn.functional.pad": _pad,
    "nn.functional.interpolate": _interpolate, "nn.functional.grid_sample": _grid_sample,
    "zeros": _factory("zeros"), "ones": _factory("ones"), "empty": _factory("empty"),
    "rand": _factory("rand"), "randn": _factory("randn"), "full": _full, "arange": _arange,
    "zeros_like": _like("zeros_like"), "ones_like": _like("ones_like"),
    "empty_like": _like("empty_like"), "rand_like": _like("rand_like"),
    "randn_like": _like("randn_like"), "full_like": _full_like, "randint": _randint,
    "tensor": _tensor, "flatten": _flatten,
    "gather": _gather, "index_select": _index_select,
}  # fmt: skip
for _nd in (1, 2, 3):
    BUILDERS[f"nn.functional.conv{_nd}d"] = _conv(_nd)
    BUILDERS[f"nn.functional.conv_transpose{_nd}d"] = _conv_t(_nd)
    BUILDERS[f"nn.functional.max_pool{_nd}d"] = _max_pool(_nd)
    BUILDERS[f"nn.functional.avg_pool{_nd}d"] = _avg_pool(_nd)
    BUILDERS[f"nn.functional.adaptive_avg_pool{_nd}d"] = _adaptive_avg(_nd)
    BUILDERS[f"nn.functional.adaptive_max_pool{_nd}d"] = _adaptive_max(_nd)
    BUILDERS[f"nn.functional.dropout{_nd}d"] = _feature_dropout(_nd)


# --- aten operators the front end's table lacks, run by the same ember functions ------------


def _install_extra_ops(schema) -> None:
    """Register (when absent) operators that traces print but archive code rarely uses."""
    import ember

    def F():
        return ember.nn.functional

    def up(mode, with_align):
        def fn(x, output_size, *rest):
            align, scale = (rest[0], rest[1]) if with_align else (None, rest[0])
            return F().interpolate(x, size=output_size, scale_factor=scale, mode=mode,
                                   align_corners=align if with_align else None)  # fmt: skip

        return fn

    extra = {"grid_sampler": lambda x, g, m, pm, ac: F().grid_sample(
        x, g, {v: k for k, v in _GRID_MODE.items()}[m], {v: k for k, v in _GRID_PAD.items()}[pm],
        ac)}  # fmt: skip
    for mode, stem in _UPSAMPLE.items():
        for nd in (1, 2, 3):
            extra[f"{stem}{nd}d"] = up(mode, not mode.startswith("nearest"))
    extra["randint"] = lambda low, high, size, *, dtype=None, layout=None, device=None, \
        pin_memory=None: ember.randint(low, high, size, **schema._factory_kwargs(
            dtype, layout, device))  # fmt: skip
    for name, fn in extra.items():
        if "aten::" + name not in schema.TABLE:
            schema.op(name)(fn)
            schema.install_kind("aten::" + name)


_SCHEMA = None


def _schema():
    global _SCHEMA
    if _SCHEMA is None:
        from ._frontend import schema

        _install_extra_ops(schema)
        _SCHEMA = schema
    return _SCHEMA


# --- recording ---------------------------------------------------------------------------------


def _encode(tracer, v):
    g = tracer.graph
    if isinstance(v, (list, tuple)) and not any(isinstance(x, Tensor) for x in v):
        if not v:
            return g.list([], T.Int)
        if any(isinstance(x, TracedInt) for x in v):
            return g.list([tracer.value_for(x) for x in v], T.Int)
        if all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            return g.constant([int(x) for x in v], T.ListType(T.Int))
        if all(isinstance(x, float) for x in v):
            return g.constant(list(v), T.ListType(T.Float))
    if isinstance(v, list) and v and all(isinstance(x, Tensor) for x in v):
        return g.list([tracer.value_for(x) for x in v], T.Tensor)
    return tracer.value_for(v)


def _tensors(out):
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return list(out)
    return None


def record(tracer, path, fn, out, args, kwargs) -> None:
    """Add the node of one boundary call (the function already ran, giving ``out``)."""
    builder = BUILDERS.get(path)
    rec = None
    if builder is not None:
        try:
            rec = builder(out, _params(fn, args, kwargs))
        except (TypeError, KeyError):
            rec = None
    if rec is CONSTANT:
        return
    outs = _tensors(out)
    if outs is None:
        raise NotImplementedError(
            f"tracing ember.{path}: it returned {type(out).__name__}, which the tracer cannot "
            "record"
        )
    schema = _schema()
    if rec is not None and schema.lookup("aten::" + rec.name) is None:
        rec = None
    g = tracer.graph
    if rec is None:
        ins = [_encode(tracer, a) for a in args]
        ins += [_encode(tracer, v) for v in kwargs.values()]
        kind, kwnames, nout = f"call::{path}", tuple(kwargs), len(outs)
    else:
        ins = [_encode(tracer, a) for a in rec.args]
        ins += [_encode(tracer, v) for v in rec.kwargs.values()]
        kind, kwnames, nout = f"aten::{rec.name}", tuple(rec.kwargs), rec.nout
    types = [T.TensorType(dtype=o.dtype, shape=tuple(o.shape)) for o in outs]
    types += [T.Tensor] * (nout - len(types))
    node = g.create(kind, ins, types, kwnames=kwnames)
    bound = node.outputs if rec is None or rec.pick is None else [node.outputs[rec.pick]]
    for o, v in zip(outs, bound):
        tracer.values[id(o)] = (o, v)
