"""Custom modules: buffers, ModuleDict, ParameterList/Dict, hooks, state_dict round trip, repr."""

import io

from tests.programs._harness import check


def run(torch):
    nn = torch.nn
    torch.manual_seed(6)

    class Scaler(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.register_buffer("running", torch.zeros(n))
            self.register_buffer("tmp", torch.ones(n), persistent=False)
            self.scales = nn.ParameterList([nn.Parameter(torch.ones(n)) for _ in range(2)])
            self.extra = nn.ParameterDict({"shift": nn.Parameter(torch.zeros(n))})

        def forward(self, x):
            if self.training:
                with torch.no_grad():
                    self.running.mul_(0.9).add_(x.mean(0), alpha=0.1)
            for s in self.scales:
                x = x * s
            return x + self.extra["shift"] + self.tmp

        def extra_repr(self):
            return f"n={self.running.numel()}"

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 3), "b": nn.Linear(4, 3)})
            self.scaler = Scaler(4)
            self.act = nn.ReLU()

        def forward(self, x, head="a"):
            return self.heads[head](self.act(self.scaler(x)))

    net = Net()
    log = []
    feats = {}

    def fwd_hook(mod, inp, out):
        feats["a"] = out.detach().clone()

    def pre_hook(mod, args):
        log.append(("pre", tuple(args[0].shape)))
        return (args[0] * 2,)

    def grad_hook(mod, grad_input, grad_output):
        log.append(("bwd", [None if g is None else tuple(g.shape) for g in grad_output]))

    h1 = net.heads["a"].register_forward_hook(fwd_hook)
    h2 = net.scaler.register_forward_pre_hook(pre_hook)
    h3 = net.heads["a"].register_full_backward_hook(grad_hook)
    x = torch.randn(5, 4, requires_grad=True)
    t_hook = []
    x.register_hook(lambda g: t_hook.append(g.clone()))
    y = net(x)
    y.sum().backward()
    h1.remove()
    h2.remove()
    h3.remove()
    y2 = net(x, "b")
    sd = net.state_dict()
    keys = list(sd.keys())
    buf = io.BytesIO()
    torch.save(sd, buf)
    buf.seek(0)
    net2 = Net()
    res = net2.load_state_dict(torch.load(buf))
    strict = net2.load_state_dict({k: v for k, v in sd.items() if "heads.b" not in k}, strict=False)
    err = None
    try:
        net2.load_state_dict({"bogus": torch.zeros(1)})
    except RuntimeError as e:
        err = str(e)
    named = [n for n, _ in net.named_parameters()]
    bufs = [n for n, _ in net.named_buffers()]
    mods = [n for n, _ in net.named_modules()]
    net.eval()
    n_train = [m.training for m in net.modules()]
    y3 = net2.eval()(x)
    net.requires_grad_(False)
    rg = [p.requires_grad for p in net.parameters()]
    return (
        y,
        feats["a"],
        log,
        t_hook,
        x.grad,
        y2,
        keys,
        str(res),
        str(strict.missing_keys),
        err,
        named,
        bufs,
        mods,
        n_train,
        y3,
        rg,
        repr(net),
        net.scaler.running,
        str(sd["scaler.running"]),
        sum(p.numel() for p in net.parameters()),
    )


def test_module_features():
    check(run)
