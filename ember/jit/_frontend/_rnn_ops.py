"""aten::lstm / gru / rnn_tanh / rnn_relu on padded input, over flat weight lists.

Traced and scripted recurrent layers call these with the layer's flat weights
(``[w_ih, w_hh, b_ih, b_hh, (w_hr)]`` per layer and direction); the recurrence
itself is ember.nn's (one step function per cell), so results match nn.LSTM/GRU.
"""

from __future__ import annotations

import numpy as np

import ember

from ...nn.modules import rnn as _rnn


def run(mode, input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
        batch_first):  # fmt: skip
    from ...nn import functional as F

    lstm = mode == "LSTM"
    states = list(hx) if lstm else [hx]
    x = input.transpose(0, 1) if batch_first else input
    steps, batch = x.shape[0], x.shape[1]
    nd = 2 if bidirectional else 1
    per = 2 + (2 if has_biases else 0)
    has_proj = lstm and len(params) == num_layers * nd * (per + 1)
    if has_proj:
        per += 1
    batch_sizes = np.full(steps, batch, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)])
    step = _rnn._step_fn(mode)
    rows = x.reshape(steps * batch, x.shape[2])
    finals = []
    for layer in range(num_layers):
        outs = []
        for d in range(nd):
            k = layer * nd + d
            w = list(params[k * per : (k + 1) * per])
            w_ih, w_hh = w[0], w[1]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            w_hr = w[-1] if has_proj else None
            st = tuple(s[k] for s in states)
            out, fin = _rnn._run_direction(step, rows, batch_sizes, offsets, st,
                                           (w_ih, w_hh, b_ih, b_hh, w_hr), d == 1)  # fmt: skip
            outs.append(out)
            finals.append(fin)
        rows = outs[0] if nd == 1 else ember.cat(outs, 1)
        if dropout > 0 and train and layer < num_layers - 1:
            rows = F.dropout(rows, dropout, True)
    y = rows.reshape(steps, batch, rows.shape[1])
    if batch_first:
        y = y.transpose(0, 1)
    finals_t = tuple(ember.stack([f[i] for f in finals], 0) for i in range(len(states)))
    return (y, *finals_t)
