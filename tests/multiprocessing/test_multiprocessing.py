"""ember.multiprocessing: tensors cross processes as shared memory; spawn; lifetime."""

import gc
import os
import signal
import time

import pytest

import ember
import ember.multiprocessing as mp

from . import _helpers as H

# Tests here list /dev/shm before and after: they run in one worker, never beside each
# other (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("shared_memory")

STRATEGIES = ["file_descriptor", "file_system"]


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


@pytest.fixture
def strategy(request):
    old = mp.get_sharing_strategy()
    mp.set_sharing_strategy(request.param)
    yield request.param
    mp.set_sharing_strategy(old)


@pytest.fixture
def no_leak():
    gc.collect()
    before = shm_names()
    yield
    gc.collect()
    assert leaked_since(before) == set()


def test_reexports_stdlib():
    import multiprocessing

    for name in ("Process", "Queue", "Pool", "get_context", "set_start_method", "Event"):
        assert hasattr(mp, name)
    assert mp.get_all_start_methods() == multiprocessing.get_all_start_methods()


def test_sharing_strategies():
    assert mp.get_sharing_strategy() == "file_descriptor"
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    with pytest.raises(ValueError):
        mp.set_sharing_strategy("bogus")


@pytest.mark.parametrize("strategy", STRATEGIES, indirect=True)
def test_share_memory_in_place(strategy, no_leak):
    t = ember.arange(6.0).reshape(2, 3)
    assert not t.is_shared()
    ptr_before = t.data_ptr()
    assert t.share_memory_() is t
    assert t.is_shared() and t.untyped_storage().is_shared()
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert t.data_ptr() != ptr_before
    v = t[:, 1]
    assert v.is_shared() and v.stride() == (3,) and v.storage_offset() == 1
    t.share_memory_()  # idempotent
    del t, v


def test_module_share_memory():
    model = ember.nn.Linear(3, 2)
    w = model.weight
    model.share_memory()
    assert model.weight is w  # the Parameter object survives (optimizers keep working)
    assert all(p.is_shared() for p in model.parameters())


def test_non_leaf_refuses():
    x = ember.ones(2, requires_grad=True) * 2
    q = mp.get_context("fork").Queue()
    from multiprocessing.reduction import ForkingPickler

    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(x)
    q.close()


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
@pytest.mark.parametrize("strategy", STRATEGIES, indirect=True)
def test_tensor_through_queue_is_shared(method, strategy, no_leak):
    ctx = mp.get_context(method)
    t = ember.zeros(4)
    if method == "fork":
        t.share_memory_()  # fork does not pickle Process args: share first, as in PyTorch
    q = ctx.Queue()
    p = ctx.Process(target=H.add_one_and_reply, args=(q, t))
    p.start()
    r = q.get(timeout=60)
    q.put(None)
    p.join(60)
    assert p.exitcode == 0
    assert t.tolist() == [1.0] * 4  # the child's write landed in our memory
    assert t.is_shared() and r.is_shared() and r.tolist() == [5.0] * 3
    del r, t
    q.close()


@pytest.mark.parametrize("strategy", STRATEGIES, indirect=True)
def test_round_trip_keeps_identity_views_and_types(strategy, no_leak):
    ctx = mp.get_context("fork")
    q_in, q_out = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=H.echo, args=(q_in, q_out))
    p.start()
    base = ember.arange(12, dtype=ember.int64).reshape(3, 4)
    param = ember.nn.Parameter(ember.randn(2, 2))
    payload = {"view": base[1:, ::2], "base": base, "b": ember.tensor([True, False]),
               "p": param}  # fmt: skip
    q_in.put(payload)
    back = q_out.get(timeout=60)
    q_in.put(None)
    p.join(60)
    v = back["view"]
    assert v.dtype == ember.int64 and v.stride() == (4, 2) and v.storage_offset() == 4
    assert v.tolist() == [[4, 6], [8, 10]]
    # the echoed tensor is our own memory again, not a copy
    assert back["base"].data_ptr() == base.data_ptr()
    back["view"].fill_(-1)
    assert base[1].tolist() == [-1, 5, -1, 7]
    assert back["b"].dtype == ember.bool and back["b"].tolist() == [True, False]
    assert type(back["p"]) is ember.nn.Parameter and back["p"].requires_grad
    assert ember.equal(back["p"].detach(), param.detach())
    del back, v, payload, base, param
    q_in.close()
    q_out.close()


def test_spawn_success():
    out = ember.zeros(3).share_memory_()
    mp.spawn(H.ok, args=(out,), nprocs=3)
    assert out.tolist() == [1.0, 2.0, 3.0]


def test_spawn_raised_exception_carries_traceback():
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.spawn(H.raise_value_error, nprocs=2)
    e = info.value
    assert e.error_index == 1
    assert "-- Process 1 terminated with the following error:" in str(e)
    assert "Traceback" in str(e) and "ValueError: child one failed on purpose" in str(e)
    assert "raise_value_error" in str(e)


def test_spawn_exited_exception_exit_code_and_signal():
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3"):
        mp.spawn(H.exit_three, nprocs=2)
    with pytest.raises(mp.ProcessExitedException) as info:
        mp.spawn(H.kill_self, nprocs=1)
    e = info.value
    assert str(e) == "process 0 terminated with signal SIGKILL"
    assert e.exit_code == -signal.SIGKILL and e.signal_name == "SIGKILL" and e.error_index == 0


def test_spawn_no_join_gives_context():
    ctx = mp.spawn(H.ok, args=(ember.zeros(2).share_memory_(),), nprocs=2, join=False)
    assert isinstance(ctx, mp.ProcessContext) and len(ctx.pids()) == 2
    while not ctx.join():
        pass


def test_start_method_warning():
    with pytest.warns(FutureWarning, match="only supports start_method=spawn"):
        mp.spawn(H.ok, args=(ember.zeros(1).share_memory_(),), nprocs=1, start_method="fork")


# --- lifetime ---------------------------------------------------------------------------------
@pytest.mark.parametrize("strategy", STRATEGIES, indirect=True)
def test_no_leak_after_child_exception(strategy, no_leak):
    ctx = mp.get_context("spawn")
    t = ember.zeros(8)
    p = ctx.Process(target=H.receive_then_raise, args=(None, t))
    p.start()
    p.join(60)
    assert p.exitcode == 1 and t.tolist() == [1.0] * 8
    del t


@pytest.mark.parametrize("strategy", ["file_system"], indirect=True)
def test_no_leak_after_creator_is_killed(strategy, no_leak):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=H.create_then_die, args=(q,))
    p.start()
    t = q.get(timeout=60)
    assert q.get(timeout=60) == 4000
    assert len(shm_names()) >= 1
    os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    assert t.tolist()[:3] == [1.0, 1.0, 1.0]  # still readable after the creator died
    del t  # we were the last holder: the block goes now
    gc.collect()
    q.close()


@pytest.mark.parametrize("strategy", ["file_system"], indirect=True)
def test_sweep_removes_blocks_of_a_killed_process(strategy):
    from ember.multiprocessing import _shared

    gc.collect()
    before = shm_names()
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=H.create_then_die, args=(q,))
    p.start()
    q.get(timeout=60)  # a handle we never open: nothing in this process holds the block
    gc.collect()
    os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    assert shm_names() - before  # the killed creator could not clean up
    _shared.sweep(p.pid)
    assert leaked_since(before) == set()
    q.close()


@pytest.mark.parametrize("strategy", STRATEGIES, indirect=True)
def test_no_leak_after_normal_exit_of_program(strategy, tmp_path):
    import subprocess
    import sys

    script = tmp_path / "prog.py"
    script.write_text(
        "import ember, ember.multiprocessing as mp\n"
        f"mp.set_sharing_strategy({strategy!r})\n"
        "t = ember.ones(100).share_memory_()\n"
        "keep = [ember.zeros(10).share_memory_() for _ in range(3)]\n"
        "import os; print(sorted(n for n in os.listdir('/dev/shm') if n.startswith('ember_')))\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    before = shm_names()
    env = dict(os.environ, PYTHONPATH=root)
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    if strategy == "file_system":
        assert out.stdout.count("ember_") == 4  # the blocks existed while it ran
    assert out.stderr == ""
    assert leaked_since(before) == set()


def test_hogwild_training():
    """Two processes train one shared model: both workers' updates land and the loss falls."""
    ember.manual_seed(0)
    model = ember.nn.Linear(3, 1)
    model.share_memory()
    counts = ember.zeros(2, dtype=ember.int64).share_memory_()
    x = ember.randn(256, 3)
    y = x @ ember.tensor([[2.0, -3.0, 0.5]]).T + 1.0

    def loss():
        with ember.no_grad():
            return ember.nn.functional.mse_loss(model(x), y).item()

    w0 = model.weight.detach().clone()
    start = loss()
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=H.hogwild_train, args=(r, model, counts, 60, 10)) for r in range(2)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs), time.monotonic() - t0
    assert counts.tolist() == [60, 60]
    assert not ember.equal(model.weight.detach(), w0)
    end = loss()
    assert end < start * 0.2, (start, end)
