"""Variable-length sequences for the recurrent layers: packing, padding and unpacking.

A :class:`PackedSequence` stores the time steps of a batch of sequences sorted by
decreasing length, back to back: step ``t`` holds ``batch_sizes[t]`` rows (the
sequences still running). The recurrent layers consume and produce it directly.
Packing and padding are one gather each (an index into the flattened input), so
gradients flow through them.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._tensor import Tensor

__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
    "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence",
]  # fmt: skip


def _host(t):
    from ..._backend import to_device
    from ..._device import CPU

    if isinstance(t, Tensor):
        return np.asarray(to_device(t.detach()._data, CPU))
    return np.asarray(t)


def _long(a, device=None):
    from ..._creation import tensor

    return tensor(np.asarray(a, dtype=np.int64), device=device)


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    from ..._creation import empty_like

    inv = np.empty_like(_host(permutation))
    inv[_host(permutation)] = np.arange(inv.size)
    out = empty_like(permutation)
    out._data[...] = inv
    return out


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices",
                                                    "unsorted_indices"])):  # fmt: skip
    """The time steps of a batch of variable-length sequences, packed.

    Attributes:
        data (Tensor): the packed steps, (sum(batch_sizes), *).
        batch_sizes (Tensor): int64, how many sequences run at each step.
        sorted_indices (Tensor, optional): the order that sorted the batch by length.
        unsorted_indices (Tensor, optional): its inverse.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":
                raise ValueError(
                    "batch_sizes should always be on CPU. Instances of PackedSequence should "
                    "never be created manually. They should be instantiated by functions like "
                    "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence"
                )
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        if not isinstance(data, (list, tuple)) or len(data) != 2:
            raise ValueError("PackedSequence expects data and batch_sizes")
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        si = None if self.sorted_indices is None else self.sorted_indices.to(dev)
        ui = None if self.unsorted_indices is None else self.unsorted_indices.to(dev)
        return type(self)(data, self.batch_sizes, si, ui)

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=_dt("float64"))

    def float(self):
        return self.to(dtype=_dt("float32"))

    def half(self):
        return self.to(dtype=_dt("float16"))

    def long(self):
        return self.to(dtype=_dt("int64"))

    def int(self):
        return self.to(dtype=_dt("int32"))

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def _dt(name):
    from ... import _dtype

    return getattr(_dtype, name)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch of sequences (T, B, *) (or (B, T, *)) whose lengths are ``lengths``.

    With ``enforce_sorted=True`` the lengths must be in decreasing order; otherwise the
    batch is sorted here and the permutation kept in the result.
    """
    lens = _host(lengths).astype(np.int64).reshape(-1)
    if enforce_sorted:
        if lens.size > 1 and (np.diff(lens) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        order = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
    if lens.size and lens[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    x = input.transpose(0, 1) if batch_first else input
    t_max, b = x.shape[0], x.shape[1]
    if lens.size != b:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} (batch_size="
            f"{b})"
        )
    if lens.size and lens[0] > t_max:
        raise RuntimeError(
            "Expected sequence length to be larger than 0 in RNN"
            if t_max == 0
            else f"Length of all samples has to be less than or equal to the sequence length, "
            f"but found an element in 'lengths' that is > {t_max}"
        )
    steps = np.arange(int(lens[0]) if lens.size else 0)
    batch_sizes = (lens[None, :] > steps[:, None]).sum(1)
    cols = np.arange(b) if order is None else order
    rows = [t * b + cols[: batch_sizes[t]] for t in range(len(steps))]
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    data = x.reshape((t_max * b,) + tuple(x.shape[2:]))[_long(flat, x.device)]
    sorted_idx = None if order is None else _long(order, input.device)
    return PackedSequence(data, _long(batch_sizes), sorted_idx, None)


def _pad_gather(data, index, shape, padding_value):
    """``data`` rows at ``index`` (-1: a row of ``padding_value``), reshaped to ``shape``."""
    from ..._creation import full
    from ..._ops.joining import cat

    pad = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    src = cat([data, pad], 0)
    idx = np.where(index < 0, data.shape[0], index)
    return src[_long(idx.reshape(-1), data.device)].reshape(tuple(shape) + tuple(data.shape[1:]))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo :func:`pack_padded_sequence`: (padded (T, B, *) or (B, T, *), lengths (B,))."""
    bs = _host(sequence.batch_sizes).astype(np.int64)
    t_max = bs.size
    if total_length is not None:
        if total_length < t_max:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{t_max}"
            )
        t_max = total_length
    b = int(bs[0]) if bs.size else 0
    offsets = np.concatenate([[0], np.cumsum(bs)])
    index = np.full((t_max, b), -1, dtype=np.int64)
    for t in range(bs.size):
        index[t, : bs[t]] = offsets[t] + np.arange(bs[t])
    lengths = (bs[None, :] > np.arange(b)[:, None]).sum(1)
    if sequence.unsorted_indices is not None:
        un = _host(sequence.unsorted_indices)
        index = index[:, un]
        lengths = lengths[un]
    if batch_first:
        index = index.T
    out = _pad_gather(sequence.data, index, index.shape, padding_value)
    return out, _long(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack a list of (L_i, *) tensors into (max L, B, *) (or (B, max L, *)), padding the rest."""
    from ..._ops.joining import cat

    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    lens = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    t_max = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    steps = np.arange(t_max)
    if padding_side == "right":
        index = np.where(steps[:, None] < lens[None, :], starts[None, :] + steps[:, None], -1)
    else:
        shift = steps[:, None] - (t_max - lens)[None, :]
        index = np.where(shift >= 0, starts[None, :] + shift, -1)
    if batch_first:
        index = index.T
    data = cat([s.reshape((s.shape[0],) + tuple(sequences[0].shape[1:])) for s in sequences], 0)
    return _pad_gather(data, index, index.shape, padding_value)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences, each cut to its length."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, : int(n)] for i, n in enumerate(_host(lengths).reshape(-1))]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of (L_i, *) tensors (see :func:`pack_padded_sequence`)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Undo :func:`pack_sequence`: the list of sequences, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
