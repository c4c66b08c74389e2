"""nn modules: recurrent layers (RNN, LSTM, GRU) and their cells.

NOTE [ one recurrence for padded and packed input ]
Every input is run as packed steps: a padded (T, B, *) batch is T steps of B rows,
a PackedSequence is ``batch_sizes[t]`` rows at step t (sequences sorted by
decreasing length). For each layer and direction the input projection of all
steps is one matmul; the Python loop over time then only adds the hidden
projection. Rows of sequences that have ended keep their last hidden state
(forward direction); in the reverse direction a sequence starts from its
initial state at its own last step. That gives ``h_n`` = each sequence's own
final state, as PyTorch returns it.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _cat(ts, dim=0):
    from ..._ops.joining import cat

    return cat(ts, dim)


def _zeros(shape, like):
    from ..._creation import zeros

    return zeros(shape, dtype=like.dtype, device=like.device)


def _linear(x, w, b):
    y = x @ w.t()
    return y if b is None else y + b


def _act(mode):
    if mode == "RNN_RELU":
        return lambda z: z.relu()
    return lambda z: z.tanh()


# --- one step of each cell (gates from the precomputed input projection) -----------------


def _rnn_step(mode):
    act = _act(mode)

    def step(gx, state, w_hh, b_hh, w_hr):
        (h,) = state
        return (act(gx + _linear(h, w_hh, b_hh)),)

    return step


def _lstm_step(gx, state, w_hh, b_hh, w_hr):
    h, c = state
    g = gx + _linear(h, w_hh, b_hh)
    n = g.shape[1] // 4
    i = g[:, :n].sigmoid()
    f = g[:, n : 2 * n].sigmoid()
    gg = g[:, 2 * n : 3 * n].tanh()
    o = g[:, 3 * n :].sigmoid()
    c = f * c + i * gg
    h = o * c.tanh()
    if w_hr is not None:
        h = h @ w_hr.t()
    return h, c


def _gru_step(gx, state, w_hh, b_hh, w_hr):
    (h,) = state
    gh = _linear(h, w_hh, b_hh)
    n = gh.shape[1] // 3
    r = (gx[:, :n] + gh[:, :n]).sigmoid()
    z = (gx[:, n : 2 * n] + gh[:, n : 2 * n]).sigmoid()
    cand = (gx[:, 2 * n :] + r * gh[:, 2 * n :]).tanh()
    return ((1 - z) * cand + z * h,)


def _step_fn(mode):
    if mode == "LSTM":
        return _lstm_step
    if mode == "GRU":
        return _gru_step
    return _rnn_step(mode)


def _run_direction(step, x, batch_sizes, offsets, state, weights, reverse):
    """Run one layer in one direction over packed rows ``x``; (packed outputs, final state)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    gx_all = _linear(x, w_ih, b_ih)
    outs = [None] * len(batch_sizes)
    order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    for t in order:
        n = int(batch_sizes[t])
        gx = gx_all[int(offsets[t]) : int(offsets[t]) + n]
        full = state[0].shape[0]
        cur = tuple(s if n == full else s[:n] for s in state)
        new = step(gx, cur, w_hh, b_hh, w_hr)
        outs[t] = new[0]
        if n == full:
            state = new
        else:
            state = tuple(_cat([a, s[n:]], 0) for a, s in zip(new, state))
    return (_cat(outs, 0) if outs else x[:0, :0]), state


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU: parameters, checks, the layer loop."""

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (
            not isinstance(dropout, numbers.Number)
            or not 0 <= dropout <= 1
            or isinstance(dropout, bool)
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        gate_size = _GATES[mode] * hidden_size
        from ..._creation import empty

        kw = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []
        real_hidden = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_in = input_size if layer == 0 else real_hidden * num_directions
                params = [
                    Parameter(empty((gate_size, layer_in), **kw)),
                    Parameter(empty((gate_size, real_hidden), **kw)),
                ]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    params += [Parameter(empty(gate_size, **kw)), Parameter(empty(gate_size, **kw))]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    params.append(Parameter(empty((proj_size, hidden_size), **kw)))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, p in zip(names, params):
                    setattr(self, name, p)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: there is no fused weight buffer to compact."""

    def reset_parameters(self) -> None:
        from ..._autograd.grad_mode import no_grad

        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for w in self.parameters():
                w.uniform_(-stdv, stdv)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def __setstate__(self, d):
        self.__dict__.update(d)

    # --- forward ------------------------------------------------------------------------

    def _weights(self, layer, direction):
        suffix = "_reverse" if direction == 1 else ""

        def get(n):
            return getattr(self, f"{n}_l{layer}{suffix}", None)

        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    def _check_input(self, input, batch_sizes):
        if not input.dtype.is_floating_point:
            raise ValueError(f"input must have the type {self.weight_ih_l0.dtype}, got type "
                             f"{input.dtype}")  # fmt: skip
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{input.size(-1)}"
            )

    def _check_hidden(self, hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(msg.format(tuple(expected), list(hx.shape)))

    def _run(self, x, batch_sizes, states):
        """The stacked (bi)directional recurrence over packed rows ``x``."""
        from .. import functional as F

        offsets = np.concatenate([[0], np.cumsum(batch_sizes)])
        step = _step_fn(self.mode)
        nd = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                k = layer * nd + d
                st = tuple(s[k] for s in states)
                out, fin = _run_direction(step, x, batch_sizes, offsets, st,
                                          self._weights(layer, d), d == 1)  # fmt: skip
                outs.append(out)
                finals.append(fin)
            x = outs[0] if nd == 1 else _cat(outs, 1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        from ..._ops.joining import stack

        final_states = tuple(stack([f[i] for f in finals], 0) for i in range(len(states)))
        return x, final_states

    def _state_sizes(self, batch):
        nd = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        h = (self.num_layers * nd, batch, real_hidden)
        if self.mode == "LSTM":
            return [h, (self.num_layers * nd, batch, self.hidden_size)]
        return [h]

    def forward(self, input, hx=None):
        is_packed = isinstance(input, PackedSequence)
        lstm = self.mode == "LSTM"
        if is_packed:
            data, bs_t, sorted_idx, unsorted_idx = input
            bs = _host_ints(bs_t)
            batch = int(bs[0]) if bs.size else 0
            self._check_input(data, bs)
            x = data
            unbatched = False
        else:
            if input.dim() not in (2, 3):
                raise ValueError(
                    f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D "
                    "instead"
                )
            unbatched = input.dim() == 2
            if unbatched:
                input = input.unsqueeze(1)
            elif self.batch_first:
                input = input.transpose(0, 1)
            self._check_input(input, None)
            steps, batch = input.shape[0], input.shape[1]
            bs = np.full(steps, batch, dtype=np.int64)
            x = input.reshape((steps * batch, input.shape[2]))
            sorted_idx = unsorted_idx = None
        sizes = self._state_sizes(batch)
        if hx is None:
            states = [_zeros(s, x) for s in sizes]
        else:
            states = list(hx) if lstm else [hx]
            if lstm and (not isinstance(hx, tuple) or len(hx) != 2):
                raise RuntimeError("lstm expects two hidden states")
            if unbatched:
                for s in states:
                    if s.dim() != 2:
                        raise RuntimeError(
                            f"For unbatched 2-D input, hx should also be 2-D but got "
                            f"{s.dim()}-D tensor"
                        )
                states = [s.unsqueeze(1) for s in states]
            elif not is_packed:
                for s in states:
                    if s.dim() != 3:
                        raise RuntimeError(
                            f"For batched 3-D input, hx should also be 3-D but got "
                            f"{s.dim()}-D tensor"
                        )
            if sorted_idx is not None:
                states = [s.index_select(1, sorted_idx) for s in states]
            msgs = ["Expected hidden size {}, got {}", "Expected hidden[1] size {}, got {}"]
            if not lstm:
                msgs = ["Expected hidden size {}, got {}"]
            for s, size, m in zip(states, sizes, msgs):
                self._check_hidden(s, size, m)
        out, finals = self._run(x, bs, states)
        if is_packed:
            if unsorted_idx is not None:
                finals = tuple(f.index_select(1, unsorted_idx) for f in finals)
            output = PackedSequence(out, bs_t, sorted_idx, unsorted_idx)
        else:
            output = out.reshape((len(bs), batch, out.shape[-1]))
            if unbatched:
                output = output.squeeze(1)
                finals = tuple(f.squeeze(1) for f in finals)
            elif self.batch_first:
                output = output.transpose(0, 1)
        if lstm:
            return output, (finals[0], finals[1])
        return output, finals[0]


def _host_ints(t):
    from ..utils.rnn import _host

    return _host(t).astype(np.int64)


class RNN(RNNBase):
    """An Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.

    Args:
        input_size, hidden_size, num_layers=1, nonlinearity='tanh' | 'relu', bias=True,
        batch_first=False, dropout=0.0, bidirectional=False.

    Returns ``(output, h_n)``: output (T, B, D*H) (or packed), h_n (num_layers*D, B, H).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self_nl = args[3]
            args = args[:3] + args[4:]
        else:
            self_nl = kwargs.pop("nonlinearity", "tanh")
        if self_nl == "tanh":
            mode = "RNN_TANH"
        elif self_nl == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self_nl}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = self_nl


class LSTM(RNNBase):
    """Long short-term memory, with gates (i, f, g, o) and an optional projection of h.

    Returns ``(output, (h_n, c_n))``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, with gates (r, z, n). Returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# --- cells ---------------------------------------------------------------------------------


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        from ..._creation import empty

        kw = {"device": device, "dtype": dtype}
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        from ..._autograd.grad_mode import no_grad

        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for w in self.parameters():
                w.uniform_(-stdv, stdv)

    def _prepare(self, input, hx, n_states):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for h in hx if isinstance(hx, tuple) else (hx,):
                if h.dim() not in (1, 2):
                    raise ValueError(
                        f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D instead"
                    )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[1]} expected "
                f"{self.input_size}"
            )
        if hx is None:
            states = tuple(_zeros((input.shape[0], self.hidden_size), input)
                           for _ in range(n_states))  # fmt: skip
        else:
            states = hx if isinstance(hx, tuple) else (hx,)
            if not batched:
                states = tuple(s.unsqueeze(0) for s in states)
            for s in states:
                if s.shape[0] != input.shape[0]:
                    raise RuntimeError(
                        f"Input batch size {input.shape[0]} doesn't match hidden0 batch size "
                        f"{s.shape[0]}"
                    )
                if s.shape[1] != self.hidden_size:
                    raise RuntimeError(
                        f"hidden0 has inconsistent hidden_size: got {s.shape[1]}, expected "
                        f"{self.hidden_size}"
                    )
        return input, states, batched

    def _cell(self, step, input, hx, n_states):
        x, states, batched = self._prepare(input, hx, n_states)
        gx = _linear(x, self.weight_ih, self.bias_ih)
        out = step(gx, states, self.weight_hh, self.bias_hh, None)
        if not batched:
            out = tuple(o.squeeze(0) for o in out)
        return out


class RNNCell(RNNCellBase):
    """One Elman RNN step: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):  # fmt: skip
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._cell(_rnn_step(mode), input, hx, 1)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step. Returns ``(h', c')``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._cell(_lstm_step, input, hx, 2)


class GRUCell(RNNCellBase):
    """One GRU step. Returns ``h'``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._cell(_gru_step, input, hx, 1)[0]
