"""``ember.random``: the default generator's seed and state, and ``fork_rng``."""

from __future__ import annotations

import contextlib

from . import _generator as G


def manual_seed(seed):
    """Seed the default generator; returns it, as ``torch.manual_seed``."""
    seed = int(seed)
    from . import cuda

    if cuda.is_available():
        cuda.manual_seed_all(seed)
    return G.manual_seed(seed)


def seed() -> int:
    return G.seed()


def initial_seed() -> int:
    return G.initial_seed()


def get_rng_state():
    from ._creation import from_numpy

    return from_numpy(G.get_rng_state().copy())


def set_rng_state(new_state) -> None:
    data = new_state.numpy() if hasattr(new_state, "numpy") else new_state
    G.set_rng_state(data)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):  # fmt: skip
    """Restore the default generator's state on exit."""
    if not enabled:
        yield
        return
    state = G.get_rng_state().copy()
    try:
        yield
    finally:
        G.set_rng_state(state)


default_generator = G.default_generator
