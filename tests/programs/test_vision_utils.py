"""Vision functionals, parametrizations, init, EmbeddingBag."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def vision_ops(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(2, 4, 7, 6, requires_grad=True)
    out = [
        F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
        F.interpolate(x, size=(5, 9), mode="bilinear", align_corners=True),
        F.interpolate(x, scale_factor=1.5, mode="nearest"),
        F.interpolate(x, size=(3, 3), mode="bicubic", align_corners=False),
        F.interpolate(x[:, :, 0], scale_factor=2, mode="linear"),
        F.interpolate(x, scale_factor=0.5, mode="area"),
        F.pixel_shuffle(x, 2),
        F.pixel_unshuffle(x[:, :, :6], 2),
        F.unfold(x, 3, padding=1, stride=2),
        F.fold(F.unfold(x, 2, stride=2), (6, 6), 2, stride=2),
        F.pad(x, (1, 2, 0, 1), mode="reflect"),
        F.pad(x, (1, 1, 1, 1), mode="replicate"),
        F.pad(x, (1, 1, 2, 0), value=-1.0),
        F.pad(x, (1, 1, 1, 1), mode="circular"),
        F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
        F.max_pool2d(x, 3, 2, ceil_mode=True),
        F.adaptive_max_pool2d(x, (2, 3)),
        F.adaptive_avg_pool2d(x, (4, 5)),
        F.lp_pool2d(x, 2, 2),
        F.conv2d(x, torch.randn(8, 1, 3, 3), groups=4, padding="same", dilation=2),
        F.conv1d(x[:, :, 0], torch.randn(3, 4, 2), stride=2),
        F.conv_transpose2d(x, torch.randn(4, 3, 3, 3), stride=2, padding=1, output_padding=1),
        F.local_response_norm(x, 3),
        F.instance_norm(x),
        F.group_norm(x, 2),
        F.layer_norm(x, (7, 6)),
        F.normalize(x, dim=1),
        F.cosine_similarity(x, x.flip(1), dim=1),
        F.pairwise_distance(x[:, :, 0, 0], x[:, :, 1, 1]),
        torch.cdist(x[0, 0], x[1, 0]),
        F.dropout2d(x, 0.5),
        F.embedding(torch.tensor([[1, 2]]), torch.randn(4, 3)),
    ]
    o, idx = F.max_pool2d(x, 2, return_indices=True)
    out += [o, idx, F.max_unpool2d(o, idx, 2, output_size=x.shape[-2:])]
    theta = torch.tensor([[[0.9, 0.1, 0.05], [-0.1, 1.1, 0.0]]]).repeat(2, 1, 1)
    grid = F.affine_grid(theta, (2, 4, 5, 5), align_corners=False)
    out += [
        grid,
        F.grid_sample(x, grid, align_corners=False),
        F.grid_sample(x, grid, mode="nearest", padding_mode="border", align_corners=True),
    ]
    sum(o.float().sum() for o in out if o.requires_grad).backward()
    out.append(x.grad)
    return out


@program
def param_utils(torch):
    nn = torch.nn
    torch.manual_seed(0)
    lin = nn.utils.parametrizations.weight_norm(nn.Linear(3, 4))
    sn = nn.utils.parametrizations.spectral_norm(nn.Linear(3, 4))
    orth = nn.Linear(3, 3)
    x = torch.randn(5, 3)
    y = lin(x).sum() + sn(x).sum() + orth(x).sum()
    y.backward()
    vec = nn.utils.parameters_to_vector(lin.parameters())
    nn.utils.vector_to_parameters(vec * 2, lin.parameters())
    old = nn.utils.weight_norm(nn.Linear(3, 2))
    return (
        y,
        lin.parametrizations.weight.original0.grad,
        [n for n, _ in lin.named_parameters()],
        list(sn.state_dict().keys()),
        vec,
        lin(x),
        old(x),
        [n for n, _ in old.named_parameters()],
        orth.weight @ orth.weight.T,
    )


@program
def inits(torch):
    nn = torch.nn
    torch.manual_seed(0)
    w = torch.empty(4, 6)
    r = []
    for f in [
        nn.init.xavier_uniform_,
        nn.init.xavier_normal_,
        lambda t: nn.init.kaiming_uniform_(t, a=5**0.5),
        lambda t: nn.init.kaiming_normal_(t, nonlinearity="leaky_relu"),
        nn.init.orthogonal_,
        lambda t: nn.init.trunc_normal_(t, std=0.02),
        lambda t: nn.init.uniform_(t, -0.1, 0.1),
        nn.init.eye_,
        lambda t: nn.init.sparse_(t, 0.5),
        lambda t: nn.init.normal_(t, 0, 0.01),
    ]:
        r.append(f(w).clone())
    r.append(nn.init.calculate_gain("tanh"))
    r.append(nn.init.dirac_(torch.empty(4, 4, 3, 3)))
    return r


@program
def embbag(torch):
    torch.manual_seed(0)
    eb = torch.nn.EmbeddingBag(10, 3, mode="mean")
    inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    offsets = torch.tensor([0, 4])
    o = eb(inp, offsets)
    o.sum().backward()
    e = torch.nn.Embedding(10, 3, max_norm=1.0)
    o2 = e(torch.tensor([[1, 2], [1, 3]]))
    e3 = torch.nn.Embedding.from_pretrained(torch.randn(5, 2), freeze=True)
    return o, eb.weight.grad, o2, e.weight, e3(torch.tensor([4])), e3.weight.requires_grad


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
