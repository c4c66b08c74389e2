"""Scriptable forwards for ember's own layers: TorchScript-style source per layer type.

ember's library layers are written for speed and breadth in plain Python
(PackedSequence handling, generator expressions, NumPy bookkeeping), which the
TorchScript subset does not cover. ``ember.jit.script`` therefore compiles, for
the layer types listed in :data:`SOURCES`, a short method written like the code
torch itself prints: every ``torch.X(...)`` is the aten operator ``aten::X``
(the front end's operator table runs it, the archive printer writes it back
unchanged), ``ops.prim.X`` a prim operator, and the layer's configuration is
inlined as literals. Parameters, buffers and submodules are still read from
``self``, so the scripted module shares them with the original and trains.

A source builder takes the module instance and returns the text of one
``def``; it raises NotImplementedError for configurations it does not cover.
Library layers not listed here are compiled from their Python source as any
user module is.
"""

from __future__ import annotations

import ast
import typing

import ember

from .. import _types as T
from .archive_code import ArchiveCompiler, AtenNS, OpsNS, Special
from .errors import Source
from .script import ScriptCompiler

_MODULE = "ember.nn.modules."


def _seq(m):
    return """
def forward(self, input):
    for module in self:
        input = module(input)
    return input
"""


def _rnn(m):
    mode = m.mode
    nd = 2 if m.bidirectional else 1
    layers = m.num_layers
    hidden = m.hidden_size
    real = m.proj_size if getattr(m, "proj_size", 0) else hidden
    bdim = 0 if m.batch_first else 1
    params = ", ".join(f"self.{n}" for n in m._flat_weights_names)
    op = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}[mode]
    flags = f"{m.bias}, {layers}, {float(m.dropout)!r}, self.training, {m.bidirectional}"
    zeros = "dtype=ops.prim.dtype(input), layout=None, device=ops.prim.device(input)"
    if mode == "LSTM":
        return f"""
def forward(self, input: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None
            ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:
    unbatched = torch.dim(input) == 2
    if unbatched:
        input = torch.unsqueeze(input, {bdim})
    if hx is None:
        n = torch.size(input, {bdim})
        h0 = torch.zeros([{layers * nd}, n, {real}], {zeros})
        c0 = torch.zeros([{layers * nd}, n, {hidden}], {zeros})
    else:
        h0, c0 = hx
        if unbatched:
            h0 = torch.unsqueeze(h0, 1)
            c0 = torch.unsqueeze(c0, 1)
    output, hn, cn = torch.lstm(input, [h0, c0], [{params}], {flags}, {m.batch_first})
    if unbatched:
        output = torch.squeeze(output, {bdim})
        hn = torch.squeeze(hn, 1)
        cn = torch.squeeze(cn, 1)
    return output, (hn, cn)
"""
    return f"""
def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    unbatched = torch.dim(input) == 2
    if unbatched:
        input = torch.unsqueeze(input, {bdim})
    if hx is None:
        h0 = torch.zeros([{layers * nd}, torch.size(input, {bdim}), {hidden}], {zeros})
    else:
        h0 = hx
        if unbatched:
            h0 = torch.unsqueeze(h0, 1)
    output, hn = torch.{op}(input, h0, [{params}], {flags}, {m.batch_first})
    if unbatched:
        output = torch.squeeze(output, {bdim})
        hn = torch.squeeze(hn, 1)
    return output, hn
"""


def _mha(m):
    if m.bias_k is not None or m.add_zero_attn:
        raise NotImplementedError(
            "ember.jit.script of MultiheadAttention with add_bias_kv or add_zero_attn is not "
            "supported yet"
        )
    e, h = m.embed_dim, m.num_heads
    hd = m.head_dim
    has_bias = m.in_proj_bias is not None
    qkv = []
    for i, name in enumerate(("q", "k", "v")):
        b = f"torch.slice(self.in_proj_bias, 0, {i * e}, {(i + 1) * e})" if has_bias else "None"
        if m._qkv_same_embed_dim:
            w = f"torch.slice(self.in_proj_weight, 0, {i * e}, {(i + 1) * e})"
        else:  # kdim / vdim: separate projection weights
            w = f"self.{name}_proj_weight"
        qkv.append(f"    {name}p = torch.linear({name}, {w}, {b})")
    qkv = "\n".join(qkv)
    tb = (
        "        query = torch.transpose(query, 1, 0)\n"
        "        key = torch.transpose(key, 1, 0)\n"
        "        value = torch.transpose(value, 1, 0)\n"
        if m.batch_first
        else "        pass\n"
    )
    back = "        out = torch.transpose(out, 1, 0)\n" if m.batch_first else "        pass\n"
    drop = (
        f"    attn = torch.dropout(attn, {float(m.dropout)!r}, self.training)\n"
        if m.dropout
        else ""
    )
    scale = float(hd) ** -0.5
    return f"""
def forward(self, query: Tensor, key: Tensor, value: Tensor,
            key_padding_mask: Optional[Tensor] = None, need_weights: bool = True,
            attn_mask: Optional[Tensor] = None, average_attn_weights: bool = True,
            is_causal: bool = False) -> Tuple[Tensor, Optional[Tensor]]:
    batched = torch.dim(query) == 3
    if batched:
{tb}    else:
        query = torch.unsqueeze(query, 1)
        key = torch.unsqueeze(key, 1)
        value = torch.unsqueeze(value, 1)
    q = query
    k = key
    v = value
    tgt = torch.size(q, 0)
    bsz = torch.size(q, 1)
    src = torch.size(k, 0)
{qkv}
    qh = torch.transpose(torch.reshape(qp, [tgt, bsz * {h}, {hd}]), 0, 1)
    kh = torch.transpose(torch.reshape(kp, [src, bsz * {h}, {hd}]), 0, 1)
    vh = torch.transpose(torch.reshape(vp, [src, bsz * {h}, {hd}]), 0, 1)
    scores = torch.bmm(torch.mul(qh, {scale!r}), torch.transpose(kh, 1, 2))
    if attn_mask is not None:
        am = attn_mask
        if torch.dim(am) == 2:
            am = torch.unsqueeze(am, 0)
        if torch.is_floating_point(am):
            scores = torch.add(scores, am)
        else:
            scores = torch.masked_fill(scores, am, -inf)
    if key_padding_mask is not None:
        kpm = torch.view(key_padding_mask, [bsz, 1, 1, src])
        s4 = torch.view(scores, [bsz, {h}, tgt, src])
        if torch.is_floating_point(kpm):
            s4 = torch.add(s4, kpm)
        else:
            s4 = torch.masked_fill(s4, kpm, -inf)
        scores = torch.view(s4, [bsz * {h}, tgt, src])
    attn = torch.softmax(scores, -1)
{drop}    out = torch.bmm(attn, vh)
    out = torch.reshape(torch.transpose(out, 0, 1), [tgt * bsz, {e}])
    out = torch.linear(out, self.out_proj.weight, self.out_proj.bias)
    out = torch.view(out, [tgt, bsz, {e}])
    if batched:
{back}    else:
        out = torch.squeeze(out, 1)
    weights: Optional[Tensor] = None
    if need_weights:
        w = torch.view(attn, [bsz, {h}, tgt, src])
        if average_attn_weights:
            w = torch.mean(w, [1])
        if not batched:
            w = torch.squeeze(w, 0)
        weights = w
    return out, weights
"""


def _activation_op(m):
    F = ember.nn.functional
    act = m.activation
    if act is F.relu or isinstance(act, ember.nn.ReLU):
        return "torch.relu"
    if act is F.gelu or (isinstance(act, ember.nn.GELU) and act.approximate == "none"):
        return "torch.gelu"
    raise NotImplementedError(
        f"ember.jit.script of {type(m).__name__} with activation {act!r} is not supported yet "
        "(relu and gelu are)"
    )


def _encoder_layer(m):
    act = _activation_op(m)
    sa = "self.dropout1(self.self_attn({0}, {0}, {0}, src_key_padding_mask, False, src_mask)[0])"
    ff = "self.dropout2(self.linear2(self.dropout({a}(self.linear1({x})))))"
    if m.norm_first:
        body = f"""
    x = torch.add(x, {sa.format("self.norm1(x)")})
    x = torch.add(x, {ff.format(a=act, x="self.norm2(x)")})"""
    else:
        body = f"""
    x = self.norm1(torch.add(x, {sa.format("x")}))
    x = self.norm2(torch.add(x, {ff.format(a=act, x="x")}))"""
    return f"""
def forward(self, src: Tensor, src_mask: Optional[Tensor] = None,
            src_key_padding_mask: Optional[Tensor] = None, is_causal: bool = False) -> Tensor:
    x = src{body}
    return x
"""


def _encoder(m):
    final = "    x = self.norm(x)\n" if m.norm is not None else ""
    return f"""
def forward(self, src: Tensor, mask: Optional[Tensor] = None,
            src_key_padding_mask: Optional[Tensor] = None,
            is_causal: Optional[bool] = None) -> Tensor:
    x = src
    for layer in self.layers:
        x = layer(x, mask, src_key_padding_mask)
{final}    return x
"""


def _decoder_layer(m):
    act = _activation_op(m)
    sa = "self.dropout1(self.self_attn({0}, {0}, {0}, tgt_key_padding_mask, False, tgt_mask)[0])"
    ca = (
        "self.dropout2(self.multihead_attn({0}, memory, memory, memory_key_padding_mask, False, "
        "memory_mask)[0])"
    )
    ff = "self.dropout3(self.linear2(self.dropout({a}(self.linear1({x})))))"
    if m.norm_first:
        body = f"""
    x = torch.add(x, {sa.format("self.norm1(x)")})
    x = torch.add(x, {ca.format("self.norm2(x)")})
    x = torch.add(x, {ff.format(a=act, x="self.norm3(x)")})"""
    else:
        body = f"""
    x = self.norm1(torch.add(x, {sa.format("x")}))
    x = self.norm2(torch.add(x, {ca.format("x")}))
    x = self.norm3(torch.add(x, {ff.format(a=act, x="x")}))"""
    return f"""
def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None,
            memory_mask: Optional[Tensor] = None, tgt_key_padding_mask: Optional[Tensor] = None,
            memory_key_padding_mask: Optional[Tensor] = None, tgt_is_causal: bool = False,
            memory_is_causal: bool = False) -> Tensor:
    x = tgt{body}
    return x
"""


def _decoder(m):
    final = "    x = self.norm(x)\n" if m.norm is not None else ""
    return f"""
def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None,
            memory_mask: Optional[Tensor] = None, tgt_key_padding_mask: Optional[Tensor] = None,
            memory_key_padding_mask: Optional[Tensor] = None,
            tgt_is_causal: Optional[bool] = None, memory_is_causal: bool = False) -> Tensor:
    x = tgt
    for layer in self.layers:
        x = layer(x, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
                  memory_key_padding_mask)
{final}    return x
"""


def _transformer(m):
    return """
def forward(self, src: Tensor, tgt: Tensor, src_mask: Optional[Tensor] = None,
            tgt_mask: Optional[Tensor] = None, memory_mask: Optional[Tensor] = None,
            src_key_padding_mask: Optional[Tensor] = None,
            tgt_key_padding_mask: Optional[Tensor] = None,
            memory_key_padding_mask: Optional[Tensor] = None,
            src_is_causal: Optional[bool] = None, tgt_is_causal: Optional[bool] = None,
            memory_is_causal: bool = False) -> Tensor:
    memory = self.encoder(src, src_mask, src_key_padding_mask)
    return self.decoder(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
                        memory_key_padding_mask)
"""


def _cell_gates(m):
    """Source lines computing ``gi`` / ``gh`` (input and hidden projections) of a cell."""
    bi = "self.bias_ih" if m.bias else "None"
    bh = "self.bias_hh" if m.bias else "None"
    return (
        f"    gi = torch.linear(input, self.weight_ih, {bi})\n"
        f"    gh = torch.linear(h, self.weight_hh, {bh})\n"
    )


_CELL_HEAD = """    unbatched = torch.dim(input) == 1
    if unbatched:
        input = torch.unsqueeze(input, 0)
"""
_ZEROS = "dtype=ops.prim.dtype(input), layout=None, device=ops.prim.device(input)"


def _state(name, src, hidden):
    return f"""    if {src} is None:
        {name} = torch.zeros([torch.size(input, 0), {hidden}], {_ZEROS})
    else:
        {name} = {src}
        if unbatched:
            {name} = torch.unsqueeze({name}, 0)
"""


def _lstm_cell(m):
    H = m.hidden_size
    gates = ", ".join(f"torch.slice(g, 1, {i * H}, {(i + 1) * H})" for i in range(4))
    return f"""
def forward(self, input: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None
            ) -> Tuple[Tensor, Tensor]:
{_CELL_HEAD}    if hx is None:
        h = torch.zeros([torch.size(input, 0), {H}], {_ZEROS})
        c = torch.zeros([torch.size(input, 0), {H}], {_ZEROS})
    else:
        h, c = hx
        if unbatched:
            h = torch.unsqueeze(h, 0)
            c = torch.unsqueeze(c, 0)
{_cell_gates(m)}    g = torch.add(gi, gh)
    i, f, gg, o = {gates}
    c1 = torch.add(torch.mul(torch.sigmoid(f), c), torch.mul(torch.sigmoid(i), torch.tanh(gg)))
    h1 = torch.mul(torch.sigmoid(o), torch.tanh(c1))
    if unbatched:
        h1 = torch.squeeze(h1, 0)
        c1 = torch.squeeze(c1, 0)
    return h1, c1
"""


def _gru_cell(m):
    H = m.hidden_size

    def parts(x):
        return ", ".join(f"torch.slice({x}, 1, {i * H}, {(i + 1) * H})" for i in range(3))

    return f"""
def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
{_CELL_HEAD}{_state("h", "hx", H)}{_cell_gates(m)}    ir, iz, in_ = {parts("gi")}
    hr, hz, hn = {parts("gh")}
    r = torch.sigmoid(torch.add(ir, hr))
    z = torch.sigmoid(torch.add(iz, hz))
    n = torch.tanh(torch.add(in_, torch.mul(r, hn)))
    h1 = torch.add(n, torch.mul(z, torch.sub(h, n)))
    if unbatched:
        h1 = torch.squeeze(h1, 0)
    return h1
"""


def _rnn_cell(m):
    if m.nonlinearity not in ("tanh", "relu"):
        raise NotImplementedError(f"ember.jit.script of RNNCell(nonlinearity={m.nonlinearity!r})")
    head = _CELL_HEAD + _state("h", "hx", m.hidden_size) + _cell_gates(m)
    return f"""
def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
{head}    h1 = torch.{m.nonlinearity}(torch.add(gi, gh))
    if unbatched:
        h1 = torch.squeeze(h1, 0)
    return h1
"""


def _conv_transpose(m):
    if m.padding_mode != "zeros":
        raise NotImplementedError(
            f"ember.jit.script of {type(m).__name__} with padding_mode={m.padding_mode!r}"
        )
    nd = len(m.kernel_size)
    b = "self.bias" if m.bias is not None else "None"
    args = (
        f"{list(m.stride)}, {list(m.padding)}, {list(m.output_padding)}, {m.groups}, "
        f"{list(m.dilation)}"
    )
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.conv_transpose{nd}d(input, self.weight, {b}, {args})
"""


def _dropout(m):
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.dropout(input, {float(m.p)!r}, self.training)
"""


def _layer_norm(m):
    w = "self.weight" if m.weight is not None else "None"
    b = "self.bias" if getattr(m, "bias", None) is not None else "None"
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.layer_norm(input, {list(m.normalized_shape)}, {w}, {b}, {float(m.eps)!r})
"""


def _batch_norm(m):
    w = "self.weight" if m.weight is not None else "None"
    b = "self.bias" if m.bias is not None else "None"
    if m.momentum is None:
        raise NotImplementedError("ember.jit.script of BatchNorm with momentum=None")
    if m.track_running_stats:
        stats = "self.running_mean, self.running_var"
        training = "self.training"
    else:
        stats, training = "None, None", "True"
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.batch_norm(input, {w}, {b}, {stats}, {training}, {float(m.momentum)!r},
                            {float(m.eps)!r}, False)
"""


def _flatten(m):
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.flatten(input, {m.start_dim}, {m.end_dim})
"""


def _unary(expr):
    def build(m):
        return f"""
def forward(self, input: Tensor) -> Tensor:
    return {expr(m)}
"""

    return build


def _conv(m):
    if m.padding_mode != "zeros":
        raise NotImplementedError(
            f"ember.jit.script of {type(m).__name__} with padding_mode={m.padding_mode!r}"
        )
    nd = len(m.kernel_size)
    b = "self.bias" if m.bias is not None else "None"
    pad = repr(m.padding) if isinstance(m.padding, str) else str(list(m.padding))
    args = f"{list(m.stride)}, {pad}, {list(m.dilation)}, {m.groups}"
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.conv{nd}d(input, self.weight, {b}, {args})
"""


def _pool_args(v, nd):
    return str(list(v) if isinstance(v, (tuple, list)) else [v] * nd)


def _max_pool(m):
    nd = int(type(m).__name__[-2])
    if m.return_indices:
        raise NotImplementedError(f"ember.jit.script of {type(m).__name__}(return_indices=True)")
    k = _pool_args(m.kernel_size, nd)
    st = _pool_args(m.stride if m.stride is not None else m.kernel_size, nd)
    args = f"{k}, {st}, {_pool_args(m.padding, nd)}, {_pool_args(m.dilation, nd)}"
    return _unary(lambda m: f"torch.max_pool{nd}d(input, {args}, {m.ceil_mode})")(m)


def _avg_pool(m):
    nd = int(type(m).__name__[-2])
    k = _pool_args(m.kernel_size, nd)
    st = _pool_args(m.stride if m.stride is not None else m.kernel_size, nd)
    args = f"{k}, {st}, {_pool_args(m.padding, nd)}, {m.ceil_mode}, {m.count_include_pad}"
    if nd > 1:
        args += f", {m.divisor_override}"
    return _unary(lambda m: f"torch.avg_pool{nd}d(input, {args})")(m)


def _adaptive_avg(m):
    nd = int(type(m).__name__[-2])
    size = m.output_size
    if not isinstance(size, (tuple, list)):
        size = [size] * nd
    if any(s is None for s in size):
        raise NotImplementedError("ember.jit.script of adaptive pooling with a None output size")
    return _unary(lambda m: f"torch.adaptive_avg_pool{nd}d(input, {list(size)})")(m)


def _embedding(m):
    if m.max_norm is not None:
        raise NotImplementedError("ember.jit.script of Embedding with max_norm")
    pad = -1 if m.padding_idx is None else m.padding_idx
    return f"""
def forward(self, input: Tensor) -> Tensor:
    return torch.embedding(self.weight, input, {pad}, {m.scale_grad_by_freq}, {m.sparse})
"""


def _softmax(m):
    if m.dim is None:
        raise NotImplementedError(f"ember.jit.script of {type(m).__name__}(dim=None)")
    return _unary(lambda m: f"torch.{type(m).__name__.lower()}(input, {m.dim})")(m)


# layer class name (under ember.nn.modules) -> source builder
SOURCES = {
    "Sequential": _seq,
    "LSTM": _rnn,
    "GRU": _rnn,
    "RNN": _rnn,
    "MultiheadAttention": _mha,
    "TransformerEncoderLayer": _encoder_layer,
    "TransformerEncoder": _encoder,
    "TransformerDecoderLayer": _decoder_layer,
    "TransformerDecoder": _decoder,
    "Transformer": _transformer,
    "LSTMCell": _lstm_cell,
    "GRUCell": _gru_cell,
    "RNNCell": _rnn_cell,
    "ConvTranspose1d": _conv_transpose,
    "ConvTranspose2d": _conv_transpose,
    "ConvTranspose3d": _conv_transpose,
    "Dropout": _dropout,
    "LayerNorm": _layer_norm,
    "BatchNorm1d": _batch_norm,
    "BatchNorm2d": _batch_norm,
    "BatchNorm3d": _batch_norm,
    "Flatten": _flatten,
    "Identity": _unary(lambda m: "input"),
    "ReLU": _unary(lambda m: "torch.relu(input)"),
    "Tanh": _unary(lambda m: "torch.tanh(input)"),
    "Sigmoid": _unary(lambda m: "torch.sigmoid(input)"),
    "SiLU": _unary(lambda m: "torch.silu(input)"),
    "GELU": _unary(lambda m: f"torch.gelu(input, approximate={m.approximate!r})"),
    "LeakyReLU": _unary(lambda m: f"torch.leaky_relu(input, {float(m.negative_slope)!r})"),
    "ELU": _unary(lambda m: f"torch.elu(input, {float(m.alpha)!r})"),
    "Softmax": _softmax,
    "LogSoftmax": _softmax,
    "Conv1d": _conv,
    "Conv2d": _conv,
    "Conv3d": _conv,
    "MaxPool1d": _max_pool,
    "MaxPool2d": _max_pool,
    "MaxPool3d": _max_pool,
    "AvgPool1d": _avg_pool,
    "AvgPool2d": _avg_pool,
    "AvgPool3d": _avg_pool,
    "AdaptiveAvgPool1d": _adaptive_avg,
    "AdaptiveAvgPool2d": _adaptive_avg,
    "AdaptiveAvgPool3d": _adaptive_avg,
    "Embedding": _embedding,
}


def source_for(m, method: str):
    """The TorchScript-style source of ``m.<method>`` if ``m`` is a covered library layer."""
    cls = type(m)
    if method != "forward" or not cls.__module__.startswith(_MODULE):
        return None
    build = SOURCES.get(cls.__name__)
    if build is None:
        return None
    text = build(m)
    fdef = ast.parse(text).body[0]
    return fdef, Source(text, f"<ember.jit library source for {cls.__name__}>", 0)


GLOBALS = {
    "Optional": typing.Optional,
    "Tuple": tuple,
    "List": list,
    "Tensor": ember.Tensor,
}


class _Program:
    version = 10  # current operator semantics: no upgraders
    constants = ()


class LibraryCompiler(ScriptCompiler):
    """ScriptCompiler whose ``torch`` / ``ops`` are the aten / prim operator namespaces."""

    program = _Program()
    call_op = ArchiveCompiler.call_op
    result_type = ArchiveCompiler.result_type

    def resolve_global(self, name, node):
        if name == "torch":
            return AtenNS("aten")
        if name == "ops":
            return OpsNS()
        if name == "unchecked_cast":
            return Special(name)
        if name in ("inf", "nan"):
            return self.env.block.constant(float(name))
        return super().resolve_global(name, node)

    def expr_Attribute(self, e):
        base = self.expr(e.value)
        if isinstance(base, AtenNS):
            return base.attr(self, e.attr, e)
        return super().expr_Attribute(e)


def signature(fdef, comp):
    """(arg names, arg types, defaults, return type) of a library ``def`` (self first)."""
    args = fdef.args.args
    names = [a.arg for a in args]
    types_ = [T.Tensor if a.annotation is None else comp.resolve_type(a.annotation, a)
              for a in args[1:]]  # fmt: skip
    defaults = {}
    dflt = fdef.args.defaults
    for a, d in zip(args[len(args) - len(dflt) :], dflt):
        defaults[a.arg] = ast.literal_eval(d)
    ret = None if fdef.returns is None else comp.resolve_type(fdef.returns, fdef.returns)
    return names, types_, defaults, ret
