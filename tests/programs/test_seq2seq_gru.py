"""A GRU encoder-decoder with additive attention and teacher forcing."""

import random

from tests.programs._harness import check


def run(torch):
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(3)
    rng = random.Random(0)

    class Encoder(nn.Module):
        def __init__(self, vocab, emb, hid):
            super().__init__()
            self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
            self.rnn = nn.GRU(emb, hid, bidirectional=True, batch_first=True)
            self.fc = nn.Linear(hid * 2, hid)
            self.dropout = nn.Dropout(0.2)

        def forward(self, src):
            embedded = self.dropout(self.embedding(src))
            outputs, hidden = self.rnn(embedded)
            hidden = torch.tanh(self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)))
            return outputs, hidden

    class Attention(nn.Module):
        def __init__(self, hid):
            super().__init__()
            self.attn = nn.Linear(hid * 3, hid)
            self.v = nn.Linear(hid, 1, bias=False)

        def forward(self, hidden, enc, mask):
            src_len = enc.shape[1]
            hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
            energy = torch.tanh(self.attn(torch.cat((hidden, enc), dim=2)))
            attention = self.v(energy).squeeze(2)
            attention = attention.masked_fill(mask == 0, -1e10)
            return F.softmax(attention, dim=1)

    class Decoder(nn.Module):
        def __init__(self, vocab, emb, hid):
            super().__init__()
            self.attention = Attention(hid)
            self.embedding = nn.Embedding(vocab, emb)
            self.rnn = nn.GRU(hid * 2 + emb, hid)
            self.fc_out = nn.Linear(hid * 3 + emb, vocab)

        def forward(self, inp, hidden, enc, mask):
            embedded = self.embedding(inp.unsqueeze(0))
            a = self.attention(hidden, enc, mask).unsqueeze(1)
            weighted = torch.bmm(a, enc).permute(1, 0, 2)
            output, hidden = self.rnn(torch.cat((embedded, weighted), dim=2), hidden.unsqueeze(0))
            pred = self.fc_out(
                torch.cat((output.squeeze(0), weighted.squeeze(0), embedded.squeeze(0)), dim=1)
            )
            return pred, hidden.squeeze(0), a.squeeze(1)

    enc, dec = Encoder(11, 6, 8), Decoder(13, 6, 8)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    src = torch.randint(1, 11, (3, 7))
    src[1, 5:] = 0
    src[2, 4:] = 0
    trg = torch.randint(1, 13, (5, 3))
    mask = src != 0
    losses, attns = [], []
    for _ in range(2):
        opt.zero_grad()
        enc_out, hidden = enc(src)
        outputs = torch.zeros(5, 3, 13)
        inp = trg[0, :]
        for t in range(1, 5):
            out, hidden, a = dec(inp, hidden, enc_out, mask)
            outputs[t] = out
            top1 = out.argmax(1)
            inp = trg[t] if rng.random() < 0.5 else top1
            attns.append(a)
        loss = F.cross_entropy(outputs[1:].view(-1, 13), trg[1:].view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        losses.append(loss.item())
    return losses, attns, enc.rnn.weight_hh_l0_reverse.grad, dec.fc_out.bias


def test_seq2seq_gru():
    check(run)
