"""Functions run in child processes (importable without torch, so spawn children start fast)."""

import os
import signal

import ember


def add_one_and_reply(q, t):
    t.add_(1)
    q.put(ember.full((3,), 5.0))
    q.get()  # keep the reply's sender alive until the parent has it


def echo(q_in, q_out):
    t = q_in.get()
    q_out.put(t)
    q_in.get()


def write_view(q, view):
    view.fill_(7)
    q.put((view.shape, view.stride(), view.storage_offset()))


def ok(i, out):
    out[i] = i + 1


def raise_value_error(i):
    if i == 1:
        raise ValueError("child one failed on purpose")


def exit_three(i):
    if i == 0:
        os._exit(3)


def kill_self(i):
    if i == 0:
        os.kill(os.getpid(), signal.SIGKILL)


def receive_then_raise(q, t):
    t.add_(1)
    raise RuntimeError("after receiving")


def create_then_die(q):
    import ember.multiprocessing as mp

    mp.set_sharing_strategy("file_system")
    t = ember.ones(1000).share_memory_()
    q.put(t)
    q.put(t.untyped_storage().nbytes())
    signal.pause()


def hogwild_train(rank, model, counts, steps, seed):
    import ember.nn.functional as F

    ember.manual_seed(seed + rank)
    w_true = ember.tensor([[2.0, -3.0, 0.5]])
    lr = 0.05
    for _ in range(steps):
        x = ember.randn(16, 3)
        y = x @ w_true.T + 1.0
        loss = F.mse_loss(model(x), y)
        for p in model.parameters():
            p.grad = None
        loss.backward()
        with ember.no_grad():
            for p in model.parameters():
                p.sub_(lr * p.grad)
        counts[rank] += 1
