"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (also decorators)."""

from __future__ import annotations

import functools
import inspect

from .. import _config as C


class _DecoratorContextManager:
    """A context manager that also decorates functions (and generator functions)."""

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise RuntimeError("grad mode decorators cannot decorate classes")
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen(*args, **kwargs):
                g = fn(*args, **kwargs)
                with self.clone():
                    resp = next(g)
                while True:
                    try:
                        with self.clone():
                            send = yield resp
                            resp = g.send(send)
                    except StopIteration as e:
                        return e.value

            return gen

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block."""

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self):
        self.prev = C.local.grad_enabled
        C.local.grad_enabled = False

    def __exit__(self, *exc):
        C.local.grad_enabled = self.prev
        return False


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside the block."""

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self):
        self.prev = C.local.grad_enabled
        C.local.grad_enabled = True

    def __exit__(self, *exc):
        C.local.grad_enabled = self.prev
        return False


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off: a function call, a context manager, or a decorator."""

    def __init__(self, mode: bool) -> None:
        self.prev = C.local.grad_enabled
        self.mode = bool(mode)
        C.local.grad_enabled = self.mode

    def __enter__(self):
        C.local.grad_enabled = self.mode

    def __exit__(self, *exc):
        C.local.grad_enabled = self.prev
        return False

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, fn):
        C.local.grad_enabled = self.prev
        return super().__call__(fn)


class inference_mode(_DecoratorContextManager):
    """Like no_grad (ember has no separate inference tensors)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = False
        self.prev_inf = False

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def __enter__(self):
        self.prev = C.local.grad_enabled
        self.prev_inf = C.local.inference_mode
        if self.mode:
            C.local.grad_enabled = False
        C.local.inference_mode = self.mode

    def __exit__(self, *exc):
        C.local.grad_enabled = self.prev
        C.local.inference_mode = self.prev_inf
        return False

    def clone(self):
        return self.__class__(self.mode)


def is_grad_enabled() -> bool:
    return C.local.grad_enabled


def is_inference_mode_enabled() -> bool:
    return C.local.inference_mode
