"""``copy.deepcopy`` of tensors (views of one storage stay views of one copy)."""

from .serialization._pickling import deepcopy_tensor

__all__ = ["deepcopy_tensor"]
