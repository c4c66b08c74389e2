"""A VAE on flattened images: reparameterisation, BCE + KL, Adam."""

from tests.programs._harness import check


def run(torch):
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(1)

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 32)
            self.fc21 = nn.Linear(32, 8)
            self.fc22 = nn.Linear(32, 8)
            self.fc3 = nn.Linear(8, 32)
            self.fc4 = nn.Linear(32, 64)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar):
            std = torch.exp(0.5 * logvar)
            eps = torch.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            h3 = F.relu(self.fc3(z))
            return torch.sigmoid(self.fc4(h3))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, 64))
            z = self.reparameterize(mu, logvar)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD

    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = torch.rand(16, 1, 8, 8)
    model.train()
    train_loss = 0
    for _epoch in range(3):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        sample = torch.randn(4, 8)
        sample = model.decode(sample).cpu()
        recon, mu, logvar = model(data[:4])
        test_loss = loss_function(recon, data[:4], mu, logvar).item()
    comparison = torch.cat([data[:4].view(4, 64), recon.view(4, 64)])
    return (
        train_loss / len(data),
        test_loss,
        sample.view(4, 1, 8, 8),
        comparison,
        model.fc1.weight.grad,
    )


def test_vae():
    check(run)
