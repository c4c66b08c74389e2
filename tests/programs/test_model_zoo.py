"""Model-zoo style programs: LLaMA block (RMSNorm, rotary embeddings via complex views, GQA,
SwiGLU), ViT, UNet with a dice loss, SimCLR + distillation + mixup, nn.Transformer with dropout."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def llama_block(torch):
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(0)

    class RMSNorm(nn.Module):
        def __init__(self, dim, eps=1e-6):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def _norm(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

        def forward(self, x):
            return self._norm(x.float()).type_as(x) * self.weight

    def precompute_freqs_cis(dim, end, theta=10000.0):
        freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
        t = torch.arange(end, device=freqs.device, dtype=torch.float32)
        freqs = torch.outer(t, freqs)
        return torch.polar(torch.ones_like(freqs), freqs)

    def apply_rotary_emb(xq, xk, freqs_cis):
        xq_ = torch.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
        xk_ = torch.view_as_complex(xk.float().reshape(*xk.shape[:-1], -1, 2))
        shape = [d if i == 1 or i == xq_.ndim - 1 else 1 for i, d in enumerate(xq_.shape)]
        fc = freqs_cis.view(*shape)
        return torch.view_as_real(xq_ * fc).flatten(3).type_as(xq), torch.view_as_real(
            xk_ * fc
        ).flatten(3).type_as(xk)

    def repeat_kv(x, n_rep):
        bs, slen, n_kv_heads, head_dim = x.shape
        if n_rep == 1:
            return x
        return (
            x[:, :, :, None, :]
            .expand(bs, slen, n_kv_heads, n_rep, head_dim)
            .reshape(bs, slen, n_kv_heads * n_rep, head_dim)
        )

    class Attention(nn.Module):
        def __init__(self, dim, n_heads, n_kv):
            super().__init__()
            self.n_heads, self.n_kv, self.hd = n_heads, n_kv, dim // n_heads
            self.wq = nn.Linear(dim, n_heads * self.hd, bias=False)
            self.wk = nn.Linear(dim, n_kv * self.hd, bias=False)
            self.wv = nn.Linear(dim, n_kv * self.hd, bias=False)
            self.wo = nn.Linear(n_heads * self.hd, dim, bias=False)

        def forward(self, x, freqs_cis, mask):
            b, s, _ = x.shape
            xq, xk, xv = self.wq(x), self.wk(x), self.wv(x)
            xq = xq.view(b, s, self.n_heads, self.hd)
            xk = xk.view(b, s, self.n_kv, self.hd)
            xv = xv.view(b, s, self.n_kv, self.hd)
            xq, xk = apply_rotary_emb(xq, xk, freqs_cis)
            keys = repeat_kv(xk, self.n_heads // self.n_kv)
            values = repeat_kv(xv, self.n_heads // self.n_kv)
            xq, keys, values = xq.transpose(1, 2), keys.transpose(1, 2), values.transpose(1, 2)
            scores = torch.matmul(xq, keys.transpose(2, 3)) / (self.hd**0.5)
            scores = scores + mask
            scores = F.softmax(scores.float(), dim=-1).type_as(xq)
            out = torch.matmul(scores, values).transpose(1, 2).contiguous().view(b, s, -1)
            return self.wo(out)

    class FF(nn.Module):
        def __init__(self, dim, hidden):
            super().__init__()
            self.w1 = nn.Linear(dim, hidden, bias=False)
            self.w2 = nn.Linear(hidden, dim, bias=False)
            self.w3 = nn.Linear(dim, hidden, bias=False)

        def forward(self, x):
            return self.w2(F.silu(self.w1(x)) * self.w3(x))

    dim, seqlen = 16, 6
    attn, ff, n1, n2 = Attention(dim, 4, 2), FF(dim, 24), RMSNorm(dim), RMSNorm(dim)
    emb = nn.Embedding(20, dim)
    freqs_cis = precompute_freqs_cis(dim // 4, seqlen * 2)[:seqlen]
    mask = torch.full((seqlen, seqlen), float("-inf"))
    mask = torch.triu(mask, diagonal=1)
    tokens = torch.randint(0, 20, (2, seqlen))
    params = [
        *attn.parameters(),
        *ff.parameters(),
        *n1.parameters(),
        *n2.parameters(),
        *emb.parameters(),
    ]
    opt = torch.optim.AdamW(params, lr=1e-2)
    losses = []
    for _ in range(2):
        h = emb(tokens)
        h = h + attn(n1(h), freqs_cis, mask)
        out = h + ff(n2(h))
        logits = out @ emb.weight.t()
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, 20), tokens[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, out, attn.wq.weight.grad, str(loss)


@program
def vit(torch):
    nn = torch.nn
    torch.manual_seed(0)

    class ViT(nn.Module):
        def __init__(self, img=8, patch=4, dim=16, depth=1, heads=2, ncls=3):
            super().__init__()
            self.patch_embed = nn.Conv2d(3, dim, patch, patch)
            n = (img // patch) ** 2
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
            self.pos_embed = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
            layer = nn.TransformerEncoderLayer(
                dim,
                heads,
                dim * 2,
                dropout=0.0,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(dim)
            self.head = nn.Linear(dim, ncls)
            nn.init.trunc_normal_(self.cls_token, std=0.02)

        def forward(self, x):
            x = self.patch_embed(x).flatten(2).transpose(1, 2)
            cls = self.cls_token.expand(x.shape[0], -1, -1)
            x = torch.cat((cls, x), dim=1) + self.pos_embed
            x = self.encoder(x)
            return self.head(self.norm(x)[:, 0])

    m = ViT()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.randn(4, 3, 8, 8)
    y = torch.tensor([0, 1, 2, 1])
    for _ in range(2):
        loss = nn.functional.cross_entropy(m(x), y, label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss, m.cls_token.grad, m(x), sum(p.numel() for p in m.parameters() if p.requires_grad)


@program
def unet(torch):
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(0)

    def block(i, o):
        return nn.Sequential(
            nn.Conv2d(i, o, 3, padding=1), nn.GroupNorm(2, o), nn.ReLU(inplace=True)
        )

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.d1, self.d2 = block(1, 4), block(4, 8)
            self.pool = nn.MaxPool2d(2)
            self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
            self.u1 = block(8, 4)
            self.out = nn.Conv2d(4, 1, 1)

        def forward(self, x):
            a = self.d1(x)
            b = self.d2(self.pool(a))
            u = self.up(b)
            u = F.interpolate(u, size=a.shape[-2:], mode="bilinear", align_corners=False)
            return self.out(self.u1(torch.cat([u, a], dim=1)))

    m = UNet()
    x = torch.randn(2, 1, 9, 9)
    t = (torch.rand(2, 1, 9, 9) > 0.5).float()
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        logits = m(x)
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * t).sum((2, 3)) + 1) / (p.sum((2, 3)) + t.sum((2, 3)) + 1)
        loss = F.binary_cross_entropy_with_logits(logits, t) + dice.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss, logits, m.up.weight.grad


@program
def simclr(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    enc = torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 4)
    )
    x = torch.randn(5, 6)
    v1 = x + 0.1 * torch.randn_like(x)
    v2 = x + 0.1 * torch.randn_like(x)
    z = F.normalize(torch.cat([enc(v1), enc(v2)]), dim=1)
    sim = z @ z.T / 0.5
    n = x.shape[0]
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    loss = F.cross_entropy(sim, targets)
    loss.backward()
    acc = (sim.argmax(1) == targets).float().mean()
    teacher = torch.randn(5, 3)
    student = torch.randn(5, 3, requires_grad=True)
    T = 2.0
    kd = (
        F.kl_div(
            F.log_softmax(student / T, dim=1), F.softmax(teacher / T, dim=1), reduction="batchmean"
        )
        * T
        * T
    )
    kd.backward()
    lam = 0.3
    idx = torch.randperm(5)
    mixed = lam * x + (1 - lam) * x[idx]
    return loss, acc, enc[0].weight.grad, kd, student.grad, mixed, enc[1].running_var


@program
def transformer_full(torch):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Transformer(
        d_model=8,
        nhead=2,
        num_encoder_layers=1,
        num_decoder_layers=1,
        dim_feedforward=16,
        dropout=0.1,
        batch_first=True,
    )
    src = torch.randn(2, 5, 8)
    tgt = torch.randn(2, 4, 8)
    tgt_mask = model.generate_square_subsequent_mask(4)
    src_pad = torch.tensor([[False] * 5, [False] * 4 + [True]])
    out = model(
        src,
        tgt,
        tgt_mask=tgt_mask,
        src_key_padding_mask=src_pad,
        memory_key_padding_mask=src_pad,
        tgt_is_causal=True,
    )
    out.pow(2).mean().backward()
    model.eval()
    with torch.no_grad():
        ev = model(src, tgt, tgt_mask=tgt_mask)
    return out, ev, model.encoder.layers[0].self_attn.in_proj_weight.grad, tgt_mask


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name], rtol=2e-4, atol=2e-5)
