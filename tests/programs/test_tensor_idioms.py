"""Tensor manipulation idioms and printing of tensors and modules."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def prints(torch):
    torch.manual_seed(0)
    x = torch.randn(3, 4)
    return [
        str(x),
        repr(x.long()),
        str(x > 0),
        repr(torch.randn(2, 3, requires_grad=True) * 2),
        str(torch.arange(1000.0)),
        str(torch.zeros(0, 3)),
        repr(torch.tensor(3.5)),
        repr(torch.tensor([1e-8, 1e8])),
        repr(torch.tensor([1.5, float("nan"), float("inf")])),
        repr(x.half()),
        repr(x.double()),
        repr(torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)),
        repr(torch.nn.Parameter(torch.ones(2))),
    ]


@program
def prints_modules(torch):
    nn = torch.nn
    m = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
        nn.Dropout(0.5),
        nn.Flatten(),
        nn.Linear(10, 2),
        nn.LSTM(4, 5, num_layers=2, batch_first=True),
        nn.Embedding(10, 3, padding_idx=0),
        nn.TransformerEncoderLayer(8, 2, 16),
        nn.GELU(),
        nn.LayerNorm([4, 5]),
        nn.Identity(),
        nn.Softmax(dim=1),
        nn.AdaptiveAvgPool2d(1),
        nn.ConvTranspose2d(2, 3, 4, 2, 1),
        nn.GroupNorm(2, 8),
        nn.MultiheadAttention(8, 2),
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.ModuleList([nn.Tanh()]),
        nn.ModuleDict({"a": nn.Sigmoid()}),
        nn.LeakyReLU(0.1),
        nn.PReLU(),
        nn.Hardtanh(-2, 2),
        nn.CrossEntropyLoss(),
        nn.AvgPool2d(3, stride=2),
        nn.Bilinear(2, 3, 4),
        nn.GRUCell(3, 4),
    )
    return repr(m)


@program
def prints_param_list(torch):
    nn = torch.nn
    return repr(
        nn.ParameterList([nn.Parameter(torch.ones(2, 3)), nn.Parameter(torch.ones(2))])
    ) + repr(nn.ParameterDict({"a": nn.Parameter(torch.ones(2))}))


@program
def idioms(torch):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4)
    out = []
    out.append(x.permute(2, 0, 1).contiguous().view(4, -1))
    out.append(x.transpose(0, 1).reshape(3, 8))
    out.append(x[:, None].expand(-1, 5, -1, -1).shape)
    out.append(x.repeat(2, 1, 3).sum(-1))
    out.extend(x.chunk(3, dim=-1))
    out.extend(torch.unbind(x, 1))
    out.append(torch.stack([x, x * 2], dim=-1))
    out.append(torch.where(x > 0, x, torch.zeros_like(x)))
    out.append(torch.where(x > 0, x, 0.0))
    out.append(x.cumsum(dim=1))
    out.append(x.argsort(dim=-1, descending=True))
    v, i = x.topk(2, dim=1)
    out += [v, i]
    out.append(x.index_select(2, torch.tensor([3, 0])))
    out.append(torch.nn.functional.one_hot(torch.tensor([0, 2, 1]), num_classes=4))
    out.append(torch.nn.functional.one_hot(torch.tensor([[0, 2], [1, 1]])))
    out.append(x.flatten(1).max(dim=1).values)
    out.append(x.max(dim=1)[1])
    out.append(x.min())
    out.append(x.clamp(min=-0.5, max=0.5))
    out.append(x.clamp_min(0))
    out.append(x.masked_select(x > 1))
    out.append(x.nonzero())
    out.append(torch.nonzero(x > 1, as_tuple=True))
    out.append(x.sort(dim=0, stable=True))
    out.append(x.split([1, 3], dim=2))
    out.append(x.unsqueeze(0).squeeze())
    out.append(x.narrow(2, 1, 2))
    out.append(x.roll(1, dims=2))
    out.append(x.flip(0))
    out.append(
        torch.tril(x[0]),
    )
    out.append(x.new_zeros(2, 2))
    out.append(x.new_full((2,), 3))
    out.append(x.new_tensor([1, 2]))
    out.append(x.type(torch.int64))
    out.append(x.to(torch.float64))
    out.append(x.float().mean(dim=(0, 2), keepdim=True))
    out.append(x.std(1))
    out.append(x.var(1, unbiased=False))
    out.append(x.norm(dim=-1))
    out.append(x.norm(p=1))
    out.append(torch.linalg.norm(x, dim=-1))
    out.append(x.softmax(-1).log())
    out.append(torch.logsumexp(x, dim=1))
    out.append(x.tolist())
    out.append(x[0, 0, 0].item())
    out.append(x.numel())
    out.append(x.dim())
    out.append(x.size(-1))
    out.append(x.shape[1:])
    out.append(x.argmax())
    out.append(x.any().item())
    out.append(bool((x > 10).all()))
    out.append(x.detach().cpu().numpy().sum().item())
    out.append(x.numpy().dtype.name)
    return out


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
