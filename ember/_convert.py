"""``Tensor.to``: dtype and device conversion, with PyTorch's argument forms."""

from __future__ import annotations

from . import _backend
from . import _device as _dev
from . import _dtype as D
from ._tensor import Tensor

TYPE_NAMES = {
    "torch.FloatTensor": D.float32, "torch.DoubleTensor": D.float64,
    "torch.HalfTensor": D.float16, "torch.BFloat16Tensor": D.bfloat16,
    "torch.LongTensor": D.int64, "torch.IntTensor": D.int32, "torch.ShortTensor": D.int16,
    "torch.CharTensor": D.int8, "torch.ByteTensor": D.uint8, "torch.BoolTensor": D.bool_,
}  # fmt: skip
_NAME_OF = {v: k for k, v in TYPE_NAMES.items()}


def type_name(t) -> str:
    name = _NAME_OF.get(t.dtype, "torch.Tensor")
    if t.device.type == "cuda":
        name = name.replace("torch.", "torch.cuda.")
    return name


def parse_to(args, kwargs):
    """(device, dtype, copy) from ``to``'s overloads."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, (str, _dev.device)) or (isinstance(a, int) and not isinstance(a, bool)):
            if isinstance(a, str) and a in D.ALIASES:
                dtype = D.ALIASES[a]
            else:
                device = _dev.device(a) if not isinstance(a, _dev.device) else a
        elif isinstance(a, bool):
            continue  # non_blocking / copy given positionally
        elif a is None:
            continue
        else:
            dtype = D.as_dtype(a)
    return (None if device is None else _dev.as_device(device)), dtype, copy


def tensor_to(t, *args, **kwargs):
    from ._ops.movement import cast

    device, dtype, copy = parse_to(args, dict(kwargs))
    out = t
    if dtype is not None and dtype is not t.dtype:
        out = cast(out, dtype)
    if (
        device is not None
        and device.type != t.device.type
        or (
            device is not None
            and device.type == "cuda"
            and device != t.device
            and device.index is not None
        )
    ):
        out = to_device(out, device)
    if copy and out is t:
        out = t.clone()
    return out


def to_device(t, device):
    from ._dispatch import dispatch
    from ._ops.movement import TO_DEVICE_OP

    return dispatch(TO_DEVICE_OP, (t,), {"device": device})


def _to_device_array(array, device):
    return _backend.to_device(array, device)
