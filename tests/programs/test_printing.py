"""Printed tensors (options, grad_fn names) and module reprs."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def printopts(torch):
    torch.manual_seed(0)
    x = torch.randn(4, 5) * 1000
    r = [
        str(x),
        str(torch.randn(3) * 1e-5),
        str(torch.tensor([1.0, 2.0, 3.0])),
        str(torch.tensor([1e10, 1.0])),
        str(torch.randn(200, 3)),
        str(torch.randint(-1000, 1000, (30, 40))),
        str(torch.tensor([[True, False]])),
        repr(torch.zeros(2, 0)),
        repr(torch.tensor([], dtype=torch.long)),
        repr(torch.randn(2, 2, dtype=torch.float64)),
        repr(torch.tensor([1 + 2j, 3.5j])),
        repr(torch.tensor(float("nan"))),
        repr(torch.ones(2, dtype=torch.bfloat16)),
        repr(torch.tensor([0.1, 0.25], dtype=torch.float16)),
        repr(torch.randn(2, 3, 4)),
        repr(torch.tensor([-0.0, 0.0])),
        repr(torch.arange(10).view(2, 5).float() / 3),
    ]
    torch.set_printoptions(precision=2, sci_mode=False)
    r.append(str(torch.randn(3, 3) * 100))
    torch.set_printoptions(threshold=5, edgeitems=1)
    r.append(str(torch.arange(20.0)))
    torch.set_printoptions(profile="default")
    r.append(str(torch.randn(3)))
    x = torch.randn(2, requires_grad=True)
    r += [
        repr(x),
        repr(x.sum()),
        repr(x.mean()),
        repr(x[0]),
        repr(x.view(1, 2)),
        repr(x.exp()),
        repr(x + 1),
        repr(x.t() if False else x.unsqueeze(0)),
        repr(x @ x),
        repr(torch.nn.functional.softmax(x, 0)),
        repr(x.clone()),
        repr(x.detach()),
        repr(x.to(torch.float64)),
        repr(x.relu()),
        repr(torch.cat([x, x])),
        repr(x.max()),
        repr(x.pow(2)),
        repr(torch.nn.functional.linear(x, torch.ones(3, 2))),
        repr(torch.sigmoid(x)),
        repr(x.reshape(2, 1).expand(2, 3)),
        repr(x[None]),
        repr(x.abs()),
        repr(torch.stack([x, x])),
        repr(x.sqrt()),
        repr(x / 2),
        repr(x - 2),
        repr(2 - x),
        repr(x.tanh()),
        repr(x.norm()),
        repr(x.var()),
    ]
    return r


@program
def module_reprs(torch):
    nn = torch.nn
    r = []
    for m in [
        nn.Linear(2, 3, bias=False),
        nn.Conv1d(
            2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect"
        ),
        nn.Conv3d(1, 2, (1, 2, 3)),
        nn.BatchNorm1d(3, momentum=None, affine=False, track_running_stats=False),
        nn.LayerNorm(4, eps=1e-6, elementwise_affine=False),
        nn.Dropout(p=0.25, inplace=True),
        nn.Embedding(5, 2, max_norm=1.0, sparse=False),
        nn.GRU(2, 3, num_layers=2, dropout=0.1, bidirectional=True),
        nn.RNN(2, 3),
        nn.Transformer(
            d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16
        ),
        nn.TransformerDecoderLayer(8, 2, 16, batch_first=True, norm_first=True),
        nn.Softplus(beta=2),
        nn.ELU(alpha=0.5),
        nn.Threshold(0.1, 20),
        nn.Unflatten(1, (2, 3)),
        nn.ZeroPad2d(2),
        nn.ConstantPad1d((1, 2), 3.5),
        nn.ReflectionPad2d(1),
        nn.Upsample(size=(4, 4), mode="bilinear", align_corners=True),
        nn.PixelShuffle(2),
        nn.MaxPool1d(2),
        nn.AvgPool1d(3, ceil_mode=True),
        nn.AdaptiveMaxPool1d(4),
        nn.InstanceNorm2d(3, affine=True),
        nn.LocalResponseNorm(2),
        nn.Hardswish(),
        nn.Mish(),
        nn.SiLU(inplace=True),
        nn.Softmax2d(),
        nn.LogSoftmax(dim=-1),
        nn.NLLLoss(ignore_index=3),
        nn.MSELoss(reduction="sum"),
        nn.BCELoss(),
        nn.CosineSimilarity(),
        nn.RMSNorm(4),
        nn.GLU(),
        nn.CELU(),
        nn.Softsign(),
        nn.Tanhshrink(),
        nn.ChannelShuffle(2),
        nn.Fold((4, 4), 2),
        nn.Unfold(2),
    ]:
        r.append(repr(m))
    seq = nn.Sequential(
        __import__("collections").OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())])
    )
    r.append(repr(seq))
    r.append(repr(nn.Sequential(*[nn.Linear(2, 2) for _ in range(4)])))
    r.append(repr(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])))
    r.append(str(seq[0].weight))
    r.append(repr(seq.fc.bias))
    return r


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
