"""Printing tensors the way PyTorch prints them.

:func:`tensor_repr` builds the text returned by ``Tensor.__repr__`` / ``__str__``;
the output is meant to be identical, character for character, to PyTorch's. The
global knobs (precision, summarisation threshold, edge items, line width,
scientific notation) are read and changed with :func:`set_printoptions`,
:func:`get_printoptions` and the :class:`printoptions` context manager.

Outline of the algorithm:

* One *formatter* is built per tensor (two for complex tensors: real and imaginary
  parts). It looks at every value that will be shown (only the summarised corner
  values when the tensor is larger than ``threshold``) and decides a common column
  width and a style: plain integers, integer-valued floats (``3.``), fixed point
  with ``precision`` decimals, or scientific notation. Scientific notation is
  picked when the finite nonzero magnitudes span more than a factor of 1000, or
  exceed 1e8, or go below 1e-4 (unless ``sci_mode`` forces it on or off).
* The nested brackets are then written recursively; rows of the innermost
  dimension wrap so a line holds as many columns as fit in ``linewidth``.
* Suffixes (``device=``, ``size=``, ``dtype=``, ``grad_fn=``/``requires_grad=``)
  follow, each moved onto its own line when the current line would grow past
  ``linewidth``.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from ._dtype import get_default_dtype

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions"]


class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


_OPTS = _PrintOptions()

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
) -> None:
    """Change the global printing options (as ``torch.set_printoptions``).

    ``profile`` (``"default"``, ``"short"`` or ``"full"``) first resets precision,
    threshold, edge items and line width to a preset; the explicit arguments then
    override it. ``sci_mode`` is always assigned: leaving it out (``None``) returns
    to choosing scientific notation automatically.
    """
    if profile is not None and profile in _PROFILES:
        for key, value in _PROFILES[profile].items():
            setattr(_OPTS, key, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current options, as keyword arguments accepted by :func:`set_printoptions`."""
    return {
        "precision": _OPTS.precision,
        "threshold": _OPTS.threshold,
        "edgeitems": _OPTS.edgeitems,
        "linewidth": _OPTS.linewidth,
        "sci_mode": _OPTS.sci_mode,
    }


class printoptions(contextlib.ContextDecorator):
    """Temporarily change the print options: ``with printoptions(precision=2): ...``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._saved = []

    def __enter__(self):
        self._saved.append(get_printoptions())
        set_printoptions(**self._kwargs)
        return self

    def __exit__(self, *exc):
        set_printoptions(**self._saved.pop())
        return False


# --------------------------------------------------------------------------- values


def _host_array(t) -> np.ndarray:
    """The tensor's values as a NumPy array on the host."""
    if t.device.type != "cpu":
        t = t.cpu()
    data = t._data
    if not isinstance(data, np.ndarray):
        get = getattr(data, "get", None)  # a CuPy array that slipped through
        data = get() if callable(get) else np.asarray(data)
    return data


def _plain(a: np.ndarray) -> np.ndarray:
    """``a`` in a dtype whose ``tolist()`` gives exact Python numbers.

    Extension float types (bfloat16 and friends) become float32, which holds
    their values exactly.
    """
    if a.dtype.kind not in "biufc":
        return a.astype(np.float32)
    return a


def _summarized(a: np.ndarray, edge: int) -> np.ndarray:
    """The corner values that a summarised print shows, for building formatters.

    Along every dimension longer than ``2 * edge`` only the first and last
    ``edge`` entries are kept. PyTorch's quirks with ``edge == 0`` are kept too: a
    1-D tensor then keeps all of its values, a tensor of more dimensions none.
    """
    if a.ndim == 0:
        return a
    if a.ndim >= 2 and not edge:
        return a[(slice(0, 0),) * a.ndim]
    for axis in range(a.ndim):
        n = a.shape[axis]
        if n > 2 * edge and edge > 0:
            idx = np.r_[0:edge, n - edge : n]
            a = np.take(a, idx, axis=axis)
    return a


class _Formatter:
    """Decides the common width and the style of the printed numbers of one tensor."""

    def __init__(self, values: np.ndarray, floating: bool):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        self.precision = _OPTS.precision
        flat = _plain(values).reshape(-1)

        if not floating:
            if flat.size:
                for v in np.unique(flat).tolist():
                    self.max_width = max(self.max_width, len(str(v)))
            return

        vals = flat.astype(np.float64)
        vals = vals[np.isfinite(vals) & (vals != 0)]
        if vals.size == 0:
            return

        mags = np.abs(vals)
        lo = float(mags.min())
        hi = float(mags.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if _OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode

        p = self.precision
        uniq = np.unique(vals).tolist()
        if self.sci_mode:
            width = max(len(f"{v:.{p}e}") for v in uniq)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") for v in uniq) + 1
        else:
            width = max(len(f"{v:.{p}f}") for v in uniq)
        self.max_width = max(self.max_width, width)

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                s = f"{value:{self.max_width}.{self.precision}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = f"{value:.{self.precision}f}"
        else:
            s = f"{value}"
        return (self.max_width - len(s)) * " " + s


def _complex_str(value, real_fmt: _Formatter, imag_fmt: _Formatter) -> str:
    real = real_fmt.format(value.real)
    imag = (imag_fmt.format(value.imag) + "j").lstrip()
    if imag[0] in "+-":
        return real + imag
    return real + "+" + imag


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt1, fmt2) -> str:
    element_length = fmt1.width() + 2
    if fmt2 is not None:
        element_length += fmt2.width() + 1
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / element_length))

    if fmt2 is None:
        show = fmt1.format
    else:

        def show(v):
            return _complex_str(v, fmt1, fmt2)

    edge = _OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = (
            [show(v) for v in _plain(a[:edge]).tolist()]
            + [" ..."]
            + [show(v) for v in _plain(a[-edge:]).tolist()]
        )
    else:
        items = [show(v) for v in _plain(a).tolist()]

    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, fmt1, fmt2=None) -> str:
    if a.ndim == 0:
        value = _plain(a).item()
        if fmt2 is not None:
            return _complex_str(value, fmt1, fmt2)
        return fmt1.format(value)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt1, fmt2)

    n = a.shape[0]
    edge = _OPTS.edgeitems
    if summarize and n > 2 * edge:
        parts = [_nested_str(a[i], indent + 1, summarize, fmt1, fmt2) for i in range(edge)]
        parts.append("...")
        parts += [_nested_str(a[i], indent + 1, summarize, fmt1, fmt2) for i in range(n - edge, n)]
    else:
        parts = [_nested_str(a[i], indent + 1, summarize, fmt1, fmt2) for i in range(n)]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def _values_str(a: np.ndarray, dtype, indent: int) -> str:
    """The bracketed values of a tensor whose values are ``a``."""
    if a.size == 0:
        return "[]"
    summarize = a.size > _OPTS.threshold
    corner = _summarized(a, _OPTS.edgeitems) if summarize else a
    if dtype.is_complex:
        real_fmt = _Formatter(corner.real, True)
        imag_fmt = _Formatter(corner.imag, True)
        return _nested_str(a, indent, summarize, real_fmt, imag_fmt)
    fmt = _Formatter(corner, dtype.is_floating_point)
    return _nested_str(a, indent, summarize, fmt)


def _append_suffixes(text: str, suffixes: list, indent: int) -> str:
    out = [text]
    # Mirrors PyTorch's bookkeeping exactly, including its "+ 1" on the first line.
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _OPTS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            out.append(", " + suffix)
            line_len += len(suffix) + 2
    out.append(")")
    return "".join(out)


def _grad_fn_name(grad_fn) -> str:
    name_fn = getattr(grad_fn, "name", None)
    name = name_fn() if callable(name_fn) else type(grad_fn).__name__
    return name.rsplit("::", 1)[-1]


def _prefix_of(t) -> tuple:
    """``("tensor(", False)`` for plain tensors and parameters; a subclass prints its name.

    The second item says whether the text gets wrapped in ``Parameter(...)`` (a
    subclass of Parameter, as PyTorch does).
    """
    try:
        from ._tensor import Tensor
    except ImportError:  # pragma: no cover - the Tensor module is always there in use
        return "tensor(", False
    cls = type(t)
    if cls is Tensor or not isinstance(t, Tensor):
        return "tensor(", False
    is_param = bool(getattr(cls, "_is_param", False))
    if is_param and cls.__name__ == "Parameter":
        return "tensor(", False
    return cls.__name__ + "(", is_param


def tensor_repr(t, *, tensor_contents=None) -> str:
    """What ``repr(t)`` / ``str(t)`` return, identical to PyTorch's output."""
    prefix, wrap_param = _prefix_of(t)
    indent = len(prefix)
    suffixes = []
    dtype = t.dtype
    default = get_default_dtype()
    default_complex = "complex128" if default.name == "float64" else "complex64"
    has_default_dtype = dtype.name in (default.name, default_complex, "int64", "bool")
    is_default_float = dtype.name == default.name
    dev = t.device

    if dev.type != "cpu":
        suffixes.append("device='" + str(dev) + "'")

    if dev.type == "meta":
        shape = tuple(t.shape)
        suffixes.append("size=" + str(shape))
        if not is_default_float:
            suffixes.append("dtype=" + repr(dtype))
        text = "..." if tensor_contents is None else tensor_contents
    else:
        a = _host_array(t)
        if a.size == 0:
            if a.ndim != 1:
                suffixes.append("size=" + str(tuple(a.shape)))
            if not is_default_float:
                suffixes.append("dtype=" + repr(dtype))
            text = "[]" if tensor_contents is None else tensor_contents
        else:
            if not _OPTS.edgeitems:
                suffixes.append("size=" + str(tuple(a.shape)))
            if not has_default_dtype:
                suffixes.append("dtype=" + repr(dtype))
            if tensor_contents is None:
                text = _values_str(a, dtype, indent)
            else:
                text = tensor_contents

    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(grad_fn)}>")
    elif getattr(t, "requires_grad", False):
        suffixes.append("requires_grad=True")

    out = _append_suffixes(prefix + text, suffixes, indent)
    if wrap_param:
        out = f"Parameter({out})"
    return out
