"""What runs inside a DataLoader worker process, and the pieces it shares with the main one."""

from __future__ import annotations

import dataclasses
import os
import queue
import random
import sys
import traceback

import numpy as np

__all__ = ["ExceptionWrapper", "WorkerInfo", "get_worker_info"]

# How often a waiting worker checks that the main process is still alive (seconds).
MP_STATUS_CHECK_INTERVAL = 5.0


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerInfo:
    """The worker's id (``0 .. num_workers-1``), the number of workers, its seed and its
    copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str | None = "multiprocessing"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The current DataLoader worker's :class:`WorkerInfo`, or None in the main process.

    An ``IterableDataset`` uses it to give each worker its own share of the data::

        info = get_worker_info()
        start = 0 if info is None else info.id
        step = 1 if info is None else info.num_workers
        return iter(range(start, n, step))
    """
    return _worker_info


class _KeyErrorMessage(str):
    """A str that is its own repr (so a KeyError's message prints its newlines)."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception with its formatted traceback, to re-raise in another process."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _IterableDatasetStopIteration:
    """Sent by a worker whose share of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    """Sent to persistent workers at a new epoch; echoed back as an acknowledgement."""


# --- fetchers: one batch (or sample) from a list of indices (or one index) --------------------
class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, index):
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            if getitems:
                data = getitems(index)
            else:
                data = [self.dataset[i] for i in index]
        else:
            data = self.dataset[index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


MAP, ITERABLE = 0, 1


def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    cls = _MapDatasetFetcher if kind == MAP else _IterableDatasetFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


# --- the worker process ----------------------------------------------------------------------
def _pin_blas_threads() -> None:
    """One BLAS thread per worker: several workers with busy-waiting BLAS threads collapse."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


def _seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed ``random``, ember and NumPy in a worker as PyTorch seeds them."""
    import ember

    seed = base_seed + worker_id
    random.seed(seed)
    ember.manual_seed(seed)
    # NumPy gets four words of SeedSequence([worker_id, low32, high32, 0]), as in PyTorch.
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    np.random.seed(np.random.SeedSequence(words).generate_state(4))
    return seed


def worker_loop(
    kind, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
    base_seed, init_fn, worker_id, num_workers, persistent_workers,
):  # fmt: skip
    """Fetch the batches whose indices arrive on ``index_queue`` and put them on ``data_queue``.

    See NOTE [ DataLoader worker shutdown ] in ``dataloader.py``.
    """
    global _worker_info
    try:
        _pin_blas_threads()
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        parent = os.getppid()
        while os.getppid() == parent:  # stop if the main process is gone
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                if kind == ITERABLE:
                    fetcher = create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if r is None:
                break  # the main process is shutting us down
            if done_event.is_set() or iteration_end:
                continue  # wait for the None
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and kind == ITERABLE:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=where)
            data_queue.put((idx, data))
            del data, idx, index, r  # drop our references to the shared batch now
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
