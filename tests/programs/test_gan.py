"""A DCGAN-style step: two optimizers, detach, BCEWithLogits, label tensors."""

from tests.programs._harness import check


def run(torch):
    nn = torch.nn
    torch.manual_seed(4)
    nz = 6

    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)

    netG = nn.Sequential(
        nn.ConvTranspose2d(nz, 16, 4, 1, 0, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(True),
        nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False),
        nn.BatchNorm2d(8),
        nn.ReLU(True),
        nn.ConvTranspose2d(8, 1, 4, 2, 1, bias=False),
        nn.Tanh(),
    )
    netD = nn.Sequential(
        nn.Conv2d(1, 8, 4, 2, 1, bias=False),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(8, 16, 4, 2, 1, bias=False),
        nn.BatchNorm2d(16),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(16, 1, 4, 1, 0, bias=False),
        nn.Flatten(0),
    )
    netG.apply(weights_init)
    netD.apply(weights_init)
    criterion = nn.BCEWithLogitsLoss()
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(4, 1, 16, 16) * 2 - 1
    fixed_noise = torch.randn(4, nz, 1, 1)
    log = []
    for _ in range(2):
        netD.zero_grad()
        b = real.size(0)
        label = torch.full((b,), 1.0, dtype=torch.float)
        errD_real = criterion(netD(real), label)
        errD_real.backward()
        D_x = torch.sigmoid(netD(real)).mean().item()
        noise = torch.randn(b, nz, 1, 1)
        fake = netG(noise)
        label.fill_(0.0)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        optD.step()
        netG.zero_grad()
        label.fill_(1.0)
        errG = criterion(netD(fake), label)
        errG.backward()
        optG.step()
        log.append((errD_real.item() + errD_fake.item(), errG.item(), D_x))
    with torch.no_grad():
        fake = netG(fixed_noise).detach().cpu()
    return log, fake, netG[0].weight.grad, optD.state_dict()["state"][0]["exp_avg_sq"]


def test_gan():
    check(run, rtol=2e-4, atol=2e-5)
