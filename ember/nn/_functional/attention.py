"""nn.functional: attention (scaled dot product, multi-head)."""

from __future__ import annotations

import math

from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _where(cond, a, b):
    from ..._ops.elementwise import where

    return where(cond, a, b)


def _full(shape, value, like):
    from ..._creation import full

    return full(tuple(shape), value, dtype=like.dtype, device=like.device)


def _tril_ones(n, m, device):
    import numpy as np

    from ..._creation import tensor

    return tensor(np.tril(np.ones((n, m), dtype=bool)), device=device)


def _softmax(x, safe):
    """Softmax over the last dim. ``safe``: a row that is all -inf gives zeros, not NaN."""
    m = x.detach().amax(-1, keepdim=True)
    finite = m.isfinite() if hasattr(m, "isfinite") else (m == m) & (m.abs() != math.inf)
    m = _where(finite, m, 0.0)
    e = (x - m).exp()
    s = e.sum(-1, keepdim=True)
    if safe:
        s = _where(s == 0, 1.0, s)
    return e / s


def _dropout(x, p, training=True):
    if p <= 0.0:
        return x
    from .dropout import dropout

    return dropout(x, p, training)


def _as_bias(mask, like):
    """A multi-head attention mask as an additive float bias: True (bool) gets -inf."""
    if mask.dtype.name == "bool":
        return _where(mask, _full((), -math.inf, like), 0.0)
    return mask


@traced("nn.functional.scaled_dot_product_attention")
def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """``softmax(Q K^T * scale + mask) V`` over the last two dims.

    Args:
        query (Tensor): (N, ..., Hq, L, E). key (Tensor): (N, ..., H, S, E).
        value (Tensor): (N, ..., H, S, Ev).
        attn_mask (Tensor, optional): bool (True = attend) or float (added), broadcast to
            (N, ..., L, S).
        dropout_p (float): dropout on the attention weights. is_causal (bool): mask j > i.
        scale (float, optional): default ``1/sqrt(E)``. enable_gqa (bool): repeat key/value
            heads to match the query heads.
    """
    for n, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"scaled_dot_product_attention(): argument '{n}' must be Tensor, not "
                f"{type(t).__name__}"
            )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    L, S = query.shape[-2], key.shape[-2]
    scale_factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        key = _repeat_heads(key, query.shape[-3])
        value = _repeat_heads(value, query.shape[-3])
    w = (query @ key.transpose(-2, -1)) * scale_factor
    if is_causal:
        w = _where(_tril_ones(L, S, query.device), w, -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype.name == "bool":
            w = _where(attn_mask, w, -math.inf)
        else:
            w = w + attn_mask
    w = _softmax(w, safe=True)
    w = _dropout(w, dropout_p)
    return w @ value


def _repeat_heads(x, heads):
    h = x.shape[-3]
    if heads % h:
        raise RuntimeError(
            f"number of heads in key/value ({h}) must divide number of heads in query ({heads})"
        )
    r = heads // h
    shape = tuple(x.shape)
    y = x.unsqueeze(-3).expand(shape[:-2] + (r,) + shape[-2:])
    return y.reshape(shape[:-3] + (heads,) + shape[-2:])


def _linear(x, w, b):
    y = x @ w.t()
    return y if b is None else y + b


def _pad_last(t, like=None):
    """``t`` with one more column of zeros (bool masks: False) on the last dim."""
    from ..._ops.joining import cat

    z = _full(tuple(t.shape[:-1]) + (1,), 0, t)
    return cat([t, z], -1)


def _check_mask(name, mask, other=None):
    if mask is not None and not (mask.dtype.name == "bool" or mask.dtype.is_floating_point):
        raise AssertionError(f"only bool and floating types of {name} are supported")


def multi_head_attention_forward(
    query,
    key,
    value,
    embed_dim_to_check,
    num_heads,
    in_proj_weight,
    in_proj_bias,
    bias_k,
    bias_v,
    add_zero_attn,
    dropout_p,
    out_proj_weight,
    out_proj_bias,
    training=True,
    key_padding_mask=None,
    need_weights=True,
    attn_mask=None,
    use_separate_proj_weight=False,
    q_proj_weight=None,
    k_proj_weight=None,
    v_proj_weight=None,
    static_k=None,
    static_v=None,
    average_attn_weights=True,
    is_causal=False,
):
    """Multi-head attention over (L, N, E) query and (S, N, E) key/value (or unbatched).

    Returns ``(attn_output, attn_weights)``; the weights are None unless ``need_weights``.
    """
    from ..._ops.joining import cat

    is_batched = query.ndim == 3
    if query.ndim not in (2, 3):
        raise AssertionError(
            f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
            "query tensor"
        )
    _check_mask("key_padding_mask", key_padding_mask)
    _check_mask("attn_mask", attn_mask)
    if key_padding_mask is not None:
        key_padding_mask = _as_bias(key_padding_mask, query).to(query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    if attn_mask is not None:
        # ``is_causal`` is only a hint that attn_mask is causal: using the mask is exact.
        attn_mask = _as_bias(attn_mask, query).to(query.dtype)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                f"{tuple(value.shape[:2])}"
            )
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(
            f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}"
        )
    e = embed_dim
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias[:e], in_proj_bias[e : 2 * e], in_proj_bias[2 * e :]
    else:
        b_q = b_k = b_v = None
    if not use_separate_proj_weight:
        w_q, w_k, w_v = in_proj_weight[:e], in_proj_weight[e : 2 * e], in_proj_weight[2 * e :]
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    q = _linear(query, w_q, b_q)
    k = _linear(key, w_k, b_k)
    v = _linear(value, w_v, b_v)
    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                    f"{(tgt_len, src_len)}."
                )
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.ndim == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.expand(1, bsz, e)])
        v = cat([v, bias_v.expand(1, bsz, e)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is not None:
        k = static_k
    if static_v is not None:
        v = static_v
    if add_zero_attn:
        k = cat([k, _full((bsz * num_heads, 1, head_dim), 0, k)], 1)
        v = cat([v, _full((bsz * num_heads, 1, head_dim), 0, v)], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(
                f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                f"{tuple(key_padding_mask.shape)}"
            )
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        w = (q * math.sqrt(1.0 / float(head_dim))) @ k.transpose(-2, -1)
        if attn_mask is not None:
            w = w + attn_mask
        w = _softmax(w, safe=False)
        w = _dropout(w, dropout_p)
        out = w @ v
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = _linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
        w = w.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            w = w.mean(1)
        if not is_batched:
            out, w = out.squeeze(1), w.squeeze(0)
        return out, w
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.ndim == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = _linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if not is_batched:
        out = out.squeeze(1)
    return out, None
