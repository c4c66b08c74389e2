"""``DistributedSampler``: each of ``num_replicas`` processes loads its own share of a dataset."""

from __future__ import annotations

import math

from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _world(num_replicas, rank):
    if num_replicas is not None and rank is not None:
        return num_replicas, rank
    try:
        from ... import distributed as dist
    except ImportError:
        raise RuntimeError("Requires distributed package to be available") from None
    if not (getattr(dist, "is_available", lambda: False)() and dist.is_initialized()):
        raise RuntimeError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group."
        )
    if num_replicas is None:
        num_replicas = dist.get_world_size()
    if rank is None:
        rank = dist.get_rank()
    return num_replicas, rank


class DistributedSampler(Sampler):
    """Restricts loading to a subset of the dataset, one per replica (process).

    Indices are shuffled with a generator seeded by ``seed + epoch`` (call
    :meth:`set_epoch` every epoch), padded by repeating indices so that every
    replica gets ``ceil(len / num_replicas)`` (or dropped with ``drop_last``), and
    dealt out round-robin: replica ``rank`` gets ``indices[rank::num_replicas]``.

    Args:
        dataset: dataset used for sampling.
        num_replicas (int): number of processes (default: the process group's size).
        rank (int): rank of this process (default: the process group's rank).
        shuffle (bool): shuffle the indices. Default: ``True``.
        seed (int): shuffling seed, the same in every process. Default: ``0``.
        drop_last (bool): drop the tail instead of padding. Default: ``False``.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):  # fmt: skip
        num_replicas, rank = _world(num_replicas, rank)
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        import ember

        n = len(self.dataset)
        if self.shuffle:
            g = ember.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = ember.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch, so that each epoch shuffles differently (the same on every replica)."""
        self.epoch = epoch
