"""Trace boundaries: public functions a JIT trace records as one node.

NOTE [ Trace boundaries ]
``ember.jit.trace`` records every op dispatch runs (see NOTE [ Tracing limits ]
in :mod:`ember.jit._trace`). Some public functions are better recorded whole:
pooling, interpolation and embedding precompute index tensors from the input's
shape, which a primitive-level trace would freeze as constants (wrong on other
shapes), and PyTorch's own traces show ``torch.linear``, ``torch._convolution``,
``torch.batch_norm`` rather than their pieces. Such a function is decorated with
``@traced("nn.functional.max_pool2d")`` (its path under ``ember``). When no
tracer is active the decorator only calls the function. Under a tracer it
hands the call to ``tracer.boundary(path, fn, args, kwargs)``, which runs the
function with recording paused and records a single node (an ``aten::`` node
from :mod:`ember.jit._trace_ops`, or ``call::<path>``) whose interpreter re-runs
the function at run time. Nested boundaries inside it record nothing.
"""

from __future__ import annotations

import functools

from . import _config as C


def traced(path: str):
    """Mark ``fn`` (public as ``ember.<path>``) to be recorded as one node by a trace."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            tracer = C.state.tracer
            if tracer is None:
                return fn(*args, **kwargs)
            return tracer.boundary(path, fn, args, kwargs)

        return wrapper

    return deco
