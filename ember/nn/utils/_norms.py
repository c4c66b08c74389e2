"""Norm helpers shared by weight_norm and spectral_norm."""

from __future__ import annotations


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim but ``dim`` (keeping dims); whole norm for -1."""
    if dim == -1:
        return v.abs().pow(pow).sum().pow(1.0 / pow) if pow != 2 else (v * v).sum().sqrt()
    dims = tuple(d for d in range(v.ndim) if d != dim)
    if pow == 2:
        return (v * v).sum(dims, keepdim=True).sqrt()
    return v.abs().pow(pow).sum(dims, keepdim=True).pow(1.0 / pow)


def weight_norm(v, g, dim=0):
    """``v * g / ||v||`` with the norm taken over all dims but ``dim``."""
    return v * (g / norm_except_dim(v, 2, dim))


def normalize(x, eps=1e-12, out=None):
    """``x / max(||x||_2, eps)`` for a 1-D ``x``; written into ``out`` when given."""
    res = x / (x * x).sum().sqrt().clamp(min=eps)
    if out is not None:
        out.copy_(res)
        return out
    return res
