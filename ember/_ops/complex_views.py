"""Complex numbers from real pairs and back: view_as_real, view_as_complex, complex, polar.

``view_as_real`` and ``view_as_complex`` are views, as in PyTorch: a complex
tensor's memory is its real and imaginary parts interleaved, so each is the
other read with a different dtype (rotary position embeddings rely on this).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from ._helpers import Tensor, check_tensor, dispatch, handle_out
from ._registry import Op, export, register
from .elementwise import imag as _imag_fn


def _as_real_rule(args, attrs):
    dt = args[0].dtype
    return dt, dt.to_real()


def _as_real_fwd(xp, x):
    return x[..., None].view(x.real.dtype).reshape(x.shape + (2,))


def _as_complex_rule(args, attrs):
    dt = args[0].dtype
    return dt, dt.to_complex()


def _as_complex_fwd(xp, x):
    ct = np.complex128 if x.dtype == np.float64 else np.complex64
    return x.view(ct)[..., 0]


VIEW_AS_REAL = register(
    Op(
        "view_as_real",
        _as_real_fwd,
        lambda c, g: (view_as_complex(g.contiguous()),),
        _as_real_rule,
        view=True,
        upcast_half=False,
    )
)
VIEW_AS_COMPLEX = register(
    Op(
        "view_as_complex",
        _as_complex_fwd,
        lambda c, g: (view_as_real(g),),
        _as_complex_rule,
        view=True,
        upcast_half=False,
    )
)


@export(method=False)
def view_as_real(input):
    check_tensor("view_as_real", input)
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return dispatch(VIEW_AS_REAL, (input,))


@export(method=False)
def view_as_complex(input):
    check_tensor("view_as_complex", input)
    if input.dtype not in (D.float32, D.float64):
        if input.dtype is D.float16:
            raise NotImplementedError(
                "view_as_complex of half tensors (complex32) is not supported"
            )
        raise RuntimeError(
            "view_as_complex is only supported for half, float and double tensors, but got a "
            f"tensor of scalar type: {_scalar_name(input.dtype)}"
        )
    if input.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    strides = input.stride()
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return dispatch(VIEW_AS_COMPLEX, (input,))


def _scalar_name(dt) -> str:
    from .._dispatch import _type_word

    return _type_word(dt)


@export(method=False)
def complex(real, imag, *, out=None):  # noqa: A001
    """A complex tensor from its real and imaginary parts (float or double, same dtype)."""
    check_tensor("complex", real, "real")
    check_tensor("complex", imag, "imag", 2)
    if real.dtype is not imag.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {_scalar_name(real.dtype)} but got scalar type "
            f"{_scalar_name(imag.dtype)} for second argument"
        )
    if real.dtype not in (D.float32, D.float64):
        raise RuntimeError(
            f"Expected both inputs to be Half, Float or Double tensors but got "
            f"{_scalar_name(real.dtype)} and {_scalar_name(imag.dtype)}"
        )
    from .joining import broadcast_tensors, stack

    real, imag = broadcast_tensors(real, imag)
    return handle_out(out, view_as_complex(stack([real, imag], -1)))


@export(method=False)
def polar(abs, angle, *, out=None):  # noqa: A002
    """``abs * (cos(angle) + i sin(angle))``."""
    check_tensor("polar", abs, "abs")
    check_tensor("polar", angle, "angle", 2)
    return complex(abs * angle.cos(), abs * angle.sin(), out=out)


def _real_part(self):
    # A view, as in PyTorch: writing into ``x.real`` writes into ``x``.
    if not self.dtype.is_complex:
        return self
    return view_as_real(self)[..., 0]


def _imag_part(self):
    if not self.dtype.is_complex:
        return _imag_fn(self)  # raises PyTorch's error
    return view_as_real(self)[..., 1]


def _set_real(self, value):
    _real_part(self).copy_(value)


def _set_imag(self, value):
    _imag_part(self).copy_(value)


Tensor.real = property(_real_part, _set_real)
Tensor.imag = property(_imag_part, _set_imag)
