"""``ember.multiprocessing``: the standard ``multiprocessing`` plus tensors in shared memory.

Everything in the standard module is here (``Process``, ``Queue``, ``Pool``,
``get_context``, ``set_start_method``, ...). Importing it registers reducers, so
a tensor put on a queue or passed to a process travels as a handle to shared
memory: the receiver sees the same memory, not a copy. See
``NOTE [ Shared-memory lifetime ]`` in ``_shared.py``.
"""

import multiprocessing
from multiprocessing import *  # noqa: F403

from .._tensor import Tensor
from ._reductions import init_reductions, is_shared, share_memory_
from ._shared import get_all_sharing_strategies, get_sharing_strategy, set_sharing_strategy
from .spawn import (
    ProcessContext,
    ProcessException,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ = [
    "set_sharing_strategy",
    "get_sharing_strategy",
    "get_all_sharing_strategies",
    "spawn",
    "start_processes",
    "ProcessContext",
    "SpawnContext",
    "ProcessException",
    "ProcessRaisedException",
    "ProcessExitedException",
]
__all__ += multiprocessing.__all__  # type: ignore[attr-defined]

Tensor.share_memory_ = share_memory_
Tensor.is_shared = is_shared
init_reductions()
