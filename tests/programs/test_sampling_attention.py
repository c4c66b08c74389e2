"""Sampling (top-k/top-p, gumbel), attention (einsum, SDPA, MHA), masking, unique, dtype rules."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def sampling(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    logits = torch.randn(3, 20)
    out = []
    sorted_logits, sorted_indices = torch.sort(logits, descending=True)
    cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    sorted_indices_to_remove = cumulative_probs > 0.7
    sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
    sorted_indices_to_remove[..., 0] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(
        1, sorted_indices, sorted_indices_to_remove
    )
    l2 = logits.masked_fill(indices_to_remove, -float("inf"))
    out.append(l2)
    probs = F.softmax(l2, dim=-1)
    out.append(torch.multinomial(probs, 2))
    out.append(torch.multinomial(probs, 5, replacement=True))
    out.append(torch.gather(logits, 1, sorted_indices[:, :3]))
    z = torch.zeros(3, 20).scatter_(1, sorted_indices[:, :3], 1.0)
    out.append(z)
    out.append(torch.zeros(5).scatter_add_(0, torch.tensor([0, 1, 1, 4]), torch.ones(4)))
    out.append(torch.zeros(5).index_add_(0, torch.tensor([0, 1, 1, 4]), torch.ones(4)))
    out.append(
        torch.zeros(3, 5).scatter_reduce(
            1,
            torch.tensor([[0, 1, 1], [2, 2, 2], [4, 3, 0]]),
            torch.arange(9.0).view(3, 3),
            reduce="amax",
            include_self=False,
        )
    )
    out.append(torch.argmax(probs, dim=-1, keepdim=True))
    g = -torch.log(-torch.log(torch.rand(3, 20)))
    out.append((logits + g).argmax(-1))
    out.append(F.gumbel_softmax(logits, tau=0.5, hard=True))
    return out


@program
def einsum_attn(torch):
    torch.manual_seed(0)
    q = torch.randn(2, 4, 5, 8, requires_grad=True)
    k = torch.randn(2, 4, 6, 8)
    v = torch.randn(2, 4, 6, 8)
    s = torch.einsum("bhqd,bhkd->bhqk", q, k) / 8**0.5
    a = s.softmax(-1)
    o = torch.einsum("bhqk,bhkd->bhqd", a, v)
    o2 = torch.einsum("b h q d -> b q h d".replace(" ", ""), o) if False else o.permute(0, 2, 1, 3)
    o.sum().backward()
    r = [
        o,
        o2,
        q.grad,
        torch.einsum("ii->i", torch.eye(3) * 2),
        torch.einsum("i,j->ij", torch.arange(3.0), torch.arange(2.0)),
        torch.einsum("...ij,...jk", torch.ones(2, 3, 4), torch.ones(4, 2)),
        torch.einsum("bij,bjk->bik", [torch.ones(2, 3, 4), torch.ones(2, 4, 2)]),
    ]
    return r


@program
def sdpa(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    q = torch.randn(2, 3, 5, 4, requires_grad=True)
    k = torch.randn(2, 3, 5, 4)
    v = torch.randn(2, 3, 5, 4)
    o1 = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    mask = torch.ones(5, 5, dtype=torch.bool).tril()
    o2 = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    o3 = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.randn(5, 5), scale=0.3)
    (o1.sum() + o2.pow(2).sum()).backward()
    return o1, o2, o3, q.grad


@program
def mha(torch):
    nn = torch.nn
    torch.manual_seed(0)
    m = nn.MultiheadAttention(8, 2, batch_first=True, dropout=0.0)
    x = torch.randn(2, 5, 8)
    pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    o, w = m(x, x, x, key_padding_mask=pad, attn_mask=causal)
    o2, w2 = m(x, x, x, need_weights=True, average_attn_weights=False)
    o.sum().backward()
    return o, w, o2, w2, m.in_proj_weight.grad, causal


@program
def masked_mean(torch):
    torch.manual_seed(0)
    x = torch.randn(3, 6, 4, requires_grad=True)
    lengths = torch.tensor([6, 2, 4])
    mask = torch.arange(6)[None, :] < lengths[:, None]
    mean = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
    scores = x.sum(-1).masked_fill(~mask, float("-inf"))
    att = scores.softmax(-1)
    mx = x.masked_fill(~mask[..., None], -1e9).max(1).values
    full_masked = torch.full((2, 3), float("-inf")).softmax(-1)
    nn_ = torch.nan_to_num(full_masked, nan=0.0)
    (mean.sum() + (att * 2).sum() + mx.sum()).backward()
    return (
        mean,
        att,
        mx,
        full_masked,
        nn_,
        x.grad,
        mask.dtype,
        mask.sum().dtype,
        mask.float().mean(),
    )


@program
def gp(torch):
    torch.manual_seed(0)
    D = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.LeakyReLU(0.2), torch.nn.Linear(8, 1))
    real = torch.randn(5, 4)
    fake = torch.randn(5, 4)
    alpha = torch.rand(5, 1)
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d = D(interp)
    grads = torch.autograd.grad(
        outputs=d,
        inputs=interp,
        grad_outputs=torch.ones_like(d),
        create_graph=True,
        retain_graph=True,
    )[0]
    penalty = ((grads.norm(2, dim=1) - 1) ** 2).mean()
    loss_d = D(fake).mean() - D(real).mean() + 10 * penalty
    loss_d.backward()
    return penalty, loss_d, [p.grad for p in D.parameters()]


@program
def unique_etc(torch):
    x = torch.tensor([3, 1, 2, 3, 1, 5, 0])
    u, inv, cnt = torch.unique(x, return_inverse=True, return_counts=True)
    return [
        u,
        inv,
        cnt,
        torch.unique(x, sorted=True),
        torch.bincount(x),
        torch.bincount(x, minlength=8, weights=torch.ones(7) * 0.5),
        torch.bucketize(torch.tensor([0.5, 2.5, 9.0]), torch.tensor([1.0, 2.0, 3.0])),
        torch.searchsorted(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.5]), right=True),
        torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4),
        torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1])),
        x.unique(dim=0),
        torch.unique(torch.tensor([[1, 2], [1, 2], [0, 1]]), dim=0, return_counts=True),
    ]


@program
def intdiv(torch):
    a = torch.tensor([-7, 7, 5, -3])
    b = torch.tensor([2, -2, 3, 2])
    return [
        a / b,
        a // b,
        a % b,
        torch.div(a, b, rounding_mode="floor"),
        torch.div(a, b, rounding_mode="trunc"),
        torch.fmod(a, b),
        torch.remainder(a, 3),
        a * 1.5,
        a + True,
        (a > 0) + (a > 1),
        torch.tensor([True, False]).sum(),
        a.float() / 0,
        a // 2.0,
        a**2,
        2 ** a.clamp(min=0),
        a.abs().sqrt(),
        torch.tensor(5) / 2,
        torch.tensor([1, 2], dtype=torch.uint8) - 3,
        torch.tensor(3, dtype=torch.int32) * torch.tensor([1.5]),
        torch.tensor([1, 2], dtype=torch.int16) + torch.tensor(100000),
        a.sum(),
        a.prod(),
        a.mean() if False else a.float().mean(),
        a.max(),
        a.cumsum(0),
        a.bool().dtype,
        torch.tensor([1, 2]) * torch.tensor(2.5, dtype=torch.float64),
        torch.tensor([1.0], dtype=torch.float16) + torch.tensor([1.0], dtype=torch.bfloat16),
    ]


@program
def creation(torch):
    return [
        torch.arange(0, 1, 0.1),
        torch.arange(10, 0, -3),
        torch.linspace(0, 1, 7),
        torch.logspace(0, 2, 5),
        torch.arange(5).dtype,
        torch.arange(5.0).dtype,
        torch.full((2,), 7).dtype,
        torch.full((2,), True).dtype,
        torch.tensor([1, 2.0]).dtype,
        torch.tensor([]).dtype,
        torch.zeros(2, dtype=torch.long).dtype,
        torch.eye(2, 3),
        torch.empty(3).shape,
        torch.ones(2, 3).new_ones(1).dtype,
        torch.zeros_like(torch.ones(2, dtype=torch.int32), dtype=torch.float).dtype,
        torch.tensor(3).dtype,
        torch.as_tensor([1, 2]).dtype,
        torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij"),
        torch.meshgrid(torch.arange(2), torch.arange(3), indexing="xy"),
        torch.outer(torch.arange(3.0), torch.arange(2.0)),
        torch.kron(torch.eye(2), torch.ones(2, 2)),
        torch.triu_indices(3, 3, 1),
        torch.tril_indices(3, 3),
        torch.cartesian_prod(torch.arange(2), torch.arange(2)),
        torch.combinations(torch.arange(4), 2),
        torch.diag(torch.tensor([1.0, 2.0])),
        torch.diag_embed(torch.ones(2, 3)),
        torch.block_diag(torch.ones(2, 2), torch.ones(1, 1) * 2),
        torch.polar(torch.ones(2), torch.zeros(2)).dtype,
    ]


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
