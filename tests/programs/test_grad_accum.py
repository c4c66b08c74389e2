"""Gradient accumulation with clip_grad_norm_, warmup + cosine schedule, AMP-free loop."""

import math

from tests.programs._harness import check


def run(torch):
    nn = torch.nn
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(10, 32), nn.SiLU(), nn.LayerNorm(32), nn.Linear(32, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    warmup, total = 2, 8

    def lr_lambda(step):
        if step < warmup:
            return float(step + 1) / float(max(1, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    xs = torch.randn(24, 10)
    ys = torch.randint(0, 3, (24,))
    accum = 3
    norms, lrs, losses = [], [], []
    opt.zero_grad()
    for i, (x, y) in enumerate(zip(xs.split(4), ys.split(4))):
        loss = nn.functional.cross_entropy(model(x), y) / accum
        loss.backward()
        losses.append(loss.detach())
        if (i + 1) % accum == 0:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
            torch.nn.utils.clip_grad_value_(model.parameters(), 0.05)
            norms.append(norm)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            lrs.append(sched.get_last_lr()[0])
    grads_none = all(p.grad is None for p in model.parameters())
    sd = opt.state_dict()
    return (
        torch.stack(losses),
        norms,
        lrs,
        grads_none,
        sd["param_groups"][0]["lr"],
        sd["state"][1]["step"],
        sched.state_dict()["last_epoch"],
        list(model.parameters()),
    )


def test_grad_accum():
    check(run)
