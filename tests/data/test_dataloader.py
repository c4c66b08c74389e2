"""DataLoader against torch's: batch order, worker seeding, options, failures, shutdown."""

import gc
import multiprocessing
import os
import time

import numpy as np
import pytest
import torch

import ember
from ember.utils.data import DataLoader, TensorDataset

from . import _helpers as H

# Tests here list /dev/shm before and after: they run in one worker, never beside each
# other (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("shared_memory")

X = np.arange(46, dtype=np.float32).reshape(23, 2)


def new_children(before):
    """Child processes started since ``before`` that are still alive."""
    return [p for p in multiprocessing.active_children() if p not in before]


def shm_names():
    return {n for n in os.listdir("/dev/shm") if n.startswith("ember_")}


def leaked_since(before, wait=10.0):
    """Blocks made since ``before`` that are still there after up to ``wait`` seconds.

    Releases happen when the last holder's process lets go, which on a loaded machine can
    trail the end of a test by a moment; a real leak stays.
    """
    import time as _time

    deadline = _time.monotonic() + wait
    while True:
        new = shm_names() - before
        if not new or _time.monotonic() > deadline:
            return new
        _time.sleep(0.1)


def batches(lib, nw=0, seed=3, **kw):
    ds = lib.utils.data.TensorDataset(lib.tensor(X), lib.arange(23))
    g = lib.Generator().manual_seed(seed) if seed is not None else None
    loader = lib.utils.data.DataLoader(ds, num_workers=nw, generator=g, **kw)
    return [[b[0].tolist(), b[1].tolist()] for b in loader]


@pytest.mark.parametrize(
    "kw",
    [
        dict(batch_size=4),
        dict(batch_size=4, shuffle=True),
        dict(batch_size=4, shuffle=True, drop_last=True),
        dict(batch_size=None, shuffle=True),
        dict(batch_size=5, sampler=list(range(22, -1, -2))),
    ],
)
def test_batch_order_matches_torch(kw):
    assert batches(ember, **kw) == batches(torch, **kw)


@pytest.mark.parametrize("kw", [dict(batch_size=4, shuffle=True), dict(batch_size=3)])
def test_batch_order_with_workers_matches_torch(kw):
    assert batches(ember, nw=2, **kw) == batches(torch, nw=0, **kw)


def test_batch_sampler_and_global_generator():
    bs = [[0, 5], [1, 2, 3], [22]]
    assert batches(ember, batch_sampler=bs) == batches(torch, batch_sampler=bs)
    ember.manual_seed(4)
    torch.manual_seed(4)
    e = batches(ember, seed=None, batch_size=6, shuffle=True)
    t = batches(torch, seed=None, batch_size=6, shuffle=True)
    assert e == t
    assert ember.rand(1).item() == torch.rand(1).item()  # both drew the same amount


def test_len_and_custom_collate():
    ds = H.Squares(10)
    for kw in [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)]:
        assert len(DataLoader(ds, **kw)) == len(torch.utils.data.DataLoader(ds, **kw))
    out = list(DataLoader(ds, batch_size=4, collate_fn=lambda b: sum(b)))
    assert out == [14, 126, 145]


@pytest.mark.parametrize(
    "kw",
    [
        dict(num_workers=-1),
        dict(timeout=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(shuffle=True, sampler=[0]),
        dict(batch_sampler=[[0]], batch_size=2),
        dict(batch_size=None, drop_last=True),
        dict(multiprocessing_context="fork"),
        dict(num_workers=1, multiprocessing_context="nope"),
    ],
)
def test_option_errors_match_torch(kw):
    with pytest.raises(Exception) as t:
        torch.utils.data.DataLoader(H.Squares(3), **kw)
    with pytest.raises(type(t.value)) as e:
        DataLoader(H.Squares(3), **kw)
    assert str(e.value).replace("ember", "torch") == str(t.value)


def test_iterable_dataset_errors_and_split_between_workers():
    RE = H.make_range_iterable(ember)
    for kw in [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])]:
        with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspec"):
            DataLoader(RE(5), **kw)
    got = [b.tolist() for b in DataLoader(RE(10), batch_size=2, num_workers=2)]
    RT = H.make_range_iterable(torch)
    want = [b.tolist() for b in torch.utils.data.DataLoader(RT(10), batch_size=2, num_workers=2)]
    assert got == want
    assert sorted(x for b in got for x in b) == list(range(10))


def test_worker_seeding_matches_torch():
    def run(lib):
        g = lib.Generator().manual_seed(123)
        loader = lib.utils.data.DataLoader(
            H.SeedReport(lib), batch_size=None, num_workers=2, generator=g
        )
        return [tuple(float(v) for v in s) for s in loader]

    e, t = run(ember), run(torch)
    assert e == t
    assert e[0][0] == 0 and e[1][0] == 1 and e[0][1] + 1 == e[1][1]


def test_worker_init_fn_and_worker_info():
    seen = multiprocessing.get_context("fork").Queue()

    def init(wid):
        info = ember.utils.data.get_worker_info()
        seen.put((wid, info.id, info.num_workers))

    list(DataLoader(H.Squares(4), num_workers=2, worker_init_fn=init))
    got = sorted(seen.get(timeout=30) for _ in range(2))
    assert got == [(0, 0, 2), (1, 1, 2)]
    assert ember.utils.data.get_worker_info() is None


def test_batches_come_back_in_shared_memory():
    ds = TensorDataset(ember.tensor(X))
    (b,) = next(iter(DataLoader(ds, batch_size=4, num_workers=1)))
    assert b.is_shared() and b.tolist() == X[:4].tolist()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_persistent_workers_prefetch_and_context(method):
    loader = DataLoader(H.Squares(9), batch_size=2, num_workers=2, persistent_workers=True,
                        prefetch_factor=3, multiprocessing_context=method)  # fmt: skip
    first = [b.tolist() for b in loader]
    it = loader._iterator
    pids = [w.pid for w in it._workers]
    second = [b.tolist() for b in loader]
    assert first == second == [[0, 1], [4, 9], [16, 25], [36, 49], [64]]
    assert loader._iterator is it and [w.pid for w in it._workers] == pids
    assert all(w.is_alive() for w in it._workers)
    del loader, it
    gc.collect()


def test_worker_exception_reraised_with_traceback():
    loader = DataLoader(H.Squares(8, fail_at=5), batch_size=2, num_workers=2)
    with pytest.raises(ValueError) as info:
        list(loader)
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback")
    assert "bad index 5" in msg and "__getitem__" in msg


def test_key_error_message():
    class D(H.Squares):
        def __getitem__(self, i):
            return {}["missing"]

    with pytest.raises(KeyError) as info:
        next(iter(DataLoader(D(2), num_workers=1)))
    assert "Caught KeyError in DataLoader worker process 0." in str(info.value)


def test_killed_worker_raises_instead_of_hanging():
    gc.collect()
    before, procs = shm_names(), multiprocessing.active_children()
    loader = DataLoader(H.Squares(8, kill_at=3), batch_size=1, num_workers=2)
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid \d+\) is killed by signal: "
                                           r"Killed\. "):  # fmt: skip
        list(loader)
    assert time.monotonic() - t0 < 20
    gc.collect()
    assert new_children(procs) == []
    assert leaked_since(before) == set()


def test_timeout_raises():
    procs = multiprocessing.active_children()
    loader = DataLoader(H.Squares(4, sleep_at=0), num_workers=1, timeout=0.5)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.5 seconds"):
        next(iter(loader))
    assert new_children(procs) == []


@pytest.mark.parametrize("strategy", ["file_descriptor", "file_system"])
def test_break_early_and_delete_leave_nothing_behind(strategy):
    import ember.multiprocessing as emp

    old = emp.get_sharing_strategy()
    emp.set_sharing_strategy(strategy)
    try:
        gc.collect()
        before, procs = shm_names(), multiprocessing.active_children()
        ds = TensorDataset(ember.tensor(X))
        for i, _ in enumerate(DataLoader(ds, batch_size=2, num_workers=2, prefetch_factor=4)):
            if i == 1:
                break
        del _  # the batch we hold is legitimately alive
        gc.collect()
        assert new_children(procs) == []
        assert leaked_since(before) == set()
        loader = DataLoader(ds, batch_size=2, num_workers=2, persistent_workers=True)
        it = iter(loader)
        next(it)
        del it, loader
        gc.collect()
        assert new_children(procs) == []
        assert leaked_since(before) == set()
    finally:
        emp.set_sharing_strategy(old)


def test_pin_memory_accepted():
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true"):
        out = [b.tolist() for b in DataLoader(H.Squares(3), batch_size=2, pin_memory=True)]
    assert out == [[0, 1], [4]]
