"""Packed LSTMs, cells, every scheduler and optimizer, losses, CTC."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def packed_lstm(torch):
    nn = torch.nn
    R = torch.nn.utils.rnn
    pack_padded_sequence, pad_packed_sequence, pad_sequence = (
        R.pack_padded_sequence,
        R.pad_packed_sequence,
        R.pad_sequence,
    )
    torch.manual_seed(0)
    seqs = [torch.randn(n, 3) for n in (5, 2, 4)]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True)
    lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True, dropout=0.0)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    out, (h, c) = lstm(packed)
    unpacked, lens = pad_packed_sequence(out, batch_first=True, padding_value=-1.0)
    loss = unpacked.clamp(min=0).sum() + h.sum()
    loss.backward()
    return (
        padded,
        unpacked,
        lens,
        h,
        c,
        lstm.weight_ih_l0.grad,
        packed.batch_sizes,
        packed.sorted_indices,
    )


@program
def lstm_cell_loop(torch):
    nn = torch.nn
    torch.manual_seed(0)
    cell = nn.LSTMCell(3, 5)
    x = torch.randn(4, 2, 3)
    h = torch.zeros(2, 5)
    c = torch.zeros(2, 5)
    outs = []
    for t in range(4):
        h, c = cell(x[t], (h, c))
        outs.append(h)
    out = torch.stack(outs)
    out.mean().backward()
    rnn = nn.RNN(3, 4, nonlinearity="relu")
    o, hn = rnn(x)
    return out, cell.weight_hh.grad, o, hn


@program
def schedulers(torch):
    torch.manual_seed(0)
    m = torch.nn.Linear(2, 2)
    res = []
    for make in [
        lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=1e-4),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
        lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.5),
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=4),
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=2),
                torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5),
            ],
            milestones=[2],
        ),
        lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2),
        lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=5, power=2.0),
    ]:
        o = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
        s = make(o)
        lrs = []
        for _ in range(9):
            o.step()
            s.step()
            lrs.append(o.param_groups[0]["lr"])
        res.append(lrs)
    o = torch.optim.SGD(m.parameters(), lr=0.05)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1)
    lrs = []
    for v in [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7]:
        s.step(v)
        lrs.append(o.param_groups[0]["lr"])
    res.append(lrs)
    return res


@program
def optimizers(torch):
    res = []
    for make in [
        lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True),
        lambda p: torch.optim.Adagrad(p, lr=0.1),
        lambda p: torch.optim.Adadelta(p),
        lambda p: torch.optim.Adamax(p),
        lambda p: torch.optim.NAdam(p),
        lambda p: torch.optim.RAdam(p),
        lambda p: torch.optim.Adam(p, amsgrad=True, weight_decay=0.1),
        lambda p: torch.optim.ASGD(p),
        lambda p: torch.optim.Rprop(p),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1),
    ]:
        torch.manual_seed(0)
        m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
        o = make(m.parameters())
        x = torch.randn(8, 3)
        y = torch.randn(8, 1)
        for _ in range(3):
            o.zero_grad()
            l = torch.nn.functional.mse_loss(m(x), y)
            l.backward()
            o.step()
        res.append((l.item(), list(m.parameters())))
    torch.manual_seed(0)
    w = torch.randn(3, requires_grad=True)
    o = torch.optim.LBFGS([w], lr=0.5, max_iter=5, history_size=3, line_search_fn="strong_wolfe")

    def closure():
        o.zero_grad()
        l = ((w - torch.tensor([1.0, 2.0, 3.0])) ** 2).sum() + (w**4).sum() * 0.01
        l.backward()
        return l

    for _ in range(2):
        o.step(closure)
    res.append(w)
    return res


@program
def losses(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(4, 5, requires_grad=True)
    y = torch.randint(0, 5, (4,))
    t = torch.rand(4, 5)
    w = torch.rand(5)
    out = [
        F.cross_entropy(x, y, weight=w),
        F.cross_entropy(x, y, reduction="none"),
        F.cross_entropy(x, t),
        F.cross_entropy(x, y, label_smoothing=0.2, weight=w),
        F.nll_loss(F.log_softmax(x, 1), y, ignore_index=2),
        F.kl_div(F.log_softmax(x, 1), F.softmax(t, 1), reduction="batchmean"),
        F.smooth_l1_loss(x, t, beta=0.5),
        F.huber_loss(x, t, delta=0.3),
        F.l1_loss(x, t),
        F.binary_cross_entropy_with_logits(x, t, pos_weight=w),
        F.margin_ranking_loss(x[:, 0], x[:, 1], torch.tensor([1.0, -1, 1, -1])),
        F.triplet_margin_loss(x, t, t.flip(0)),
        F.cosine_embedding_loss(x, t, torch.tensor([1, -1, 1, 1])),
        F.hinge_embedding_loss(x, t.sign()),
        F.multi_margin_loss(x, y),
        F.soft_margin_loss(x, t.sign()),
        F.poisson_nll_loss(x, t),
        F.gaussian_nll_loss(x, t, torch.ones(4, 5)),
        F.multilabel_soft_margin_loss(x, (t > 0.5).float()),
        F.cross_entropy(torch.randn(2, 5, 3, 3), torch.randint(0, 5, (2, 3, 3))),
    ]
    sum(o.sum() for o in out).backward()
    out.append(x.grad)
    return out


@program
def ctc(torch):
    torch.manual_seed(0)
    T, C, N, S = 12, 5, 2, 4
    logp = torch.randn(T, N, C).log_softmax(2).detach().requires_grad_()
    tgt = torch.randint(1, C, (N, S), dtype=torch.long)
    l = torch.nn.functional.ctc_loss(
        logp, tgt, torch.full((N,), T, dtype=torch.long), torch.tensor([4, 3])
    )
    l.backward()
    return l, logp.grad


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
