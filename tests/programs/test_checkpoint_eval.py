"""Checkpoint save/resume, an evaluation loop with accuracy and a confusion matrix, and a
grab bag of reductions and elementwise ops used in research code."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def checkpoint_resume(torch):
    import io

    nn = torch.nn
    torch.manual_seed(0)

    def make():
        m = nn.Sequential(
            nn.Linear(3, 4, bias=False), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)
        )
        o = torch.optim.Adam(m.parameters(), lr=0.01)
        s = torch.optim.lr_scheduler.StepLR(o, 1, 0.5)
        return m, o, s

    m, o, s = make()
    x = torch.randn(8, 3)
    y = torch.randint(0, 2, (8,))

    def step(m, o, s):
        l = nn.functional.cross_entropy(m(x), y)
        o.zero_grad()
        l.backward()
        o.step()
        s.step()
        return l.item()

    step(m, o, s)
    buf = io.BytesIO()
    torch.save(
        {
            "epoch": 1,
            "model": m.state_dict(),
            "opt": o.state_dict(),
            "sched": s.state_dict(),
            "rng": torch.get_rng_state(),
        },
        buf,
    )
    buf.seek(0)
    a = step(m, o, s)
    ck = torch.load(buf)
    m2, o2, s2 = make()
    m2.load_state_dict(ck["model"])
    o2.load_state_dict(ck["opt"])
    s2.load_state_dict(ck["sched"])
    b = step(m2, o2, s2)
    return (
        a,
        b,
        ck["epoch"],
        list(ck["opt"]["state"][0].keys()),
        ck["opt"]["param_groups"],
        o2.param_groups[0]["lr"],
        list(m2.parameters()),
        m2[1].num_batches_tracked,
    )


@program
def eval_loop(torch):
    nn = torch.nn
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(5, 3))
    xs = torch.randn(20, 5)
    ys = torch.randint(0, 3, (20,))
    m.eval()
    correct, total, tl = 0, 0, 0.0
    preds = []
    with torch.no_grad():
        for xb, yb in zip(xs.split(6), ys.split(6)):
            out = m(xb)
            tl += nn.functional.cross_entropy(out, yb, reduction="sum").item()
            _, predicted = torch.max(out.data, 1)
            total += yb.size(0)
            correct += (predicted == yb).sum().item()
            preds.extend(predicted.cpu().numpy().tolist())
    cm = torch.zeros(3, 3, dtype=torch.long)
    for t, p_ in zip(ys.view(-1), torch.tensor(preds).view(-1)):
        cm[t.long(), p_.long()] += 1
    probs = torch.softmax(m(xs), dim=1)
    conf, _ = probs.max(1)
    return (
        correct / total,
        tl / total,
        preds,
        cm,
        cm.diag() / cm.sum(1).clamp(min=1),
        conf.mean().item(),
        100.0 * correct / total,
        type(correct),
    )


@program
def misc_ops(torch):
    torch.manual_seed(0)
    x = torch.randn(4, 6)
    out = [
        x.argmax(dim=1),
        torch.tensor([1.0, 3.0, 3.0, 2.0]).argmax(),
        torch.tensor([[1, 5, 5], [2, 2, 1]]).argmax(1),
        torch.tensor([3, 1, 3]).max(0),
        torch.tensor([2.0, 1.0, 2.0]).min(0),
        torch.tensor([1, 2, 2, 3]).mode(),
        torch.tensor([1.0, 4.0, 2.0, 3.0]).median(),
        x.kthvalue(2, dim=1),
        x.quantile(0.3, dim=1),
        torch.tensor([[0.1, 0.7], [0.6, 0.2]]).round(decimals=1),
        torch.clip(x, -0.1, 0.1),
        x.amin(dim=(0, 1)),
        x.aminmax(),
        x.cummax(1),
        x.logcumsumexp(1),
        x.diff(dim=1),
        x.renorm(2, 0, 1.0),
        torch.cross(torch.randn(3, 3), torch.randn(3, 3), dim=1),
        x.flatten().unfold(0, 3, 2),
        torch.atan2(x, x.flip(1)),
        x.lerp(torch.zeros_like(x), 0.3),
        torch.addcmul(x, x, x, value=0.5),
        x.frac(),
        x.sign() * x.abs().sqrt(),
        torch.hypot(x, x),
        torch.logit(x.sigmoid(), eps=1e-6),
        torch.xlogy(x.abs(), x.abs()),
        x.nan_to_num(),
        torch.count_nonzero(x > 0, dim=0),
        torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5])),
        x.T.contiguous().is_contiguous(),
        x.softmax(0).sum(0),
        torch.rot90(x, 1, (0, 1)),
        x.tril(-1),
        x.triu(1),
        x.masked_fill(
            torch.ones(6, dtype=torch.bool).tril()[:4] if False else (x > 0), float("nan")
        ).nanmean(),
        torch.nansum(torch.tensor([1.0, float("nan")])),
        x.histc(5),
        x.topk(3, largest=False, sorted=True),
        torch.std_mean(x, dim=0),
        torch.var_mean(x, 1, correction=0),
        x.new_empty(0).sum(),
        torch.searchsorted(torch.arange(5.0), x.clamp(0, 4).contiguous()),
        x.msort(),
        x.ravel()[:3],
        torch.dstack([x, x]).shape,
        torch.hstack([x, x]).shape,
        torch.column_stack([x[:, 0], x[:, 1]]),
        torch.tile(x[:1], (2, 1)),
        x.repeat_interleave(2, dim=0).shape,
        torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([2, 3])),
        x.index_copy(0, torch.tensor([3, 0]), torch.zeros(2, 6)),
        torch.heaviside(x, torch.tensor(0.5)),
        torch.signbit(x),
        torch.cosh(x).log10(),
        x.exp2(),
        torch.copysign(x, -1.0),
    ]
    return out


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
