"""``Parameter``: a tensor that a Module registers as a learnable parameter."""

from __future__ import annotations

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]


def _share(dst, src):
    dst._data = src._data
    dst._dtype = src._dtype
    dst._device = src._device
    dst._vc = src._vc
    dst._base = src._base
    dst._view_chain = src._view_chain
    dst._storage = src._storage
    dst._grad = None
    dst.grad_fn = None
    dst._output_nr = 0
    dst._grad_acc = None
    dst._hooks = None
    dst._post_hooks = None


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning one to a Module attribute registers it.

    Args:
        data (Tensor): the parameter's values (shared, not copied). Default: an empty tensor.
        requires_grad (bool): whether the parameter requires gradient. Default: ``True``.
    """

    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        from .._creation import empty

        if data is None:
            data = empty(0)
        self = object.__new__(cls)
        _share(self, data.detach())
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True
        return self

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        from ..serialization import _reduce_parameter

        return _reduce_parameter(self, protocol)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result


class Buffer(Tensor):
    """Marks a tensor as a buffer when assigned to a Module attribute (``nn.Buffer``)."""

    def __new__(cls, data=None, *, persistent=True):
        from .._creation import empty

        if data is None:
            data = empty(0)
        self = object.__new__(cls)
        _share(self, data.detach())
        self._requires_grad = data.requires_grad
        self.persistent = persistent
        return self

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """A parameter whose shape is not yet known (lazy modules)."""

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .._creation import empty

        return super().__new__(cls, empty(0, dtype=dtype, device=device), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None):
        from .._creation import empty

        t = empty(*shape, dtype=dtype or self.dtype, device=device or self.device)
        _share(self, t)
        self.__class__ = Parameter


class UninitializedBuffer(Buffer):
    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from .._creation import empty

        return super().__new__(cls, empty(0, dtype=dtype, device=device), persistent=persistent)

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def materialize(self, shape, device=None, dtype=None):
        from .._creation import empty

        t = empty(*shape, dtype=dtype or self.dtype, device=device or self.device)
        _share(self, t)
        self.__dict__.pop("persistent", None)
        self.__class__ = Tensor
