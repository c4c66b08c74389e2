"""Train a word-level LSTM language model and report perplexity.

Embedding, a 2-layer LSTM and a linear decoder (optionally tied to the embedding),
trained with truncated backpropagation through time and gradient clipping on a small
corpus shipped in examples/data/lighthouse (or any folder of train/valid/test text
files, e.g. wikitext-2).

    python -m ember.run examples/word_language_model/main.py --epochs 20
"""

import argparse
import math
import os
import time

import data
import model as lm
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def batchify(ids, bsz):
    """Cut a 1-d id stream into ``bsz`` columns: (steps, bsz)."""
    nbatch = ids.size(0) // bsz
    return ids[: nbatch * bsz].view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i : i + seq_len], source[i + 1 : i + 1 + seq_len].reshape(-1)


def repackage_hidden(h):
    """Detach hidden states from their history so backprop stops at the batch boundary."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def evaluate(model, source, args, ntokens):
    model.eval()
    criterion = nn.CrossEntropyLoss()
    total = 0.0
    hidden = model.init_hidden(source.size(1))
    with torch.no_grad():
        for i in range(0, source.size(0) - 1, args.bptt):
            x, y = get_batch(source, i, args.bptt)
            output, hidden = model(x, hidden)
            total += len(x) * criterion(output.view(-1, ntokens), y).item()
    return total / (len(source) - 1)


def main():
    p = argparse.ArgumentParser(description="word-level LSTM language model")
    p.add_argument(
        "--data",
        default=os.path.join(HERE, "..", "data", "lighthouse"),
        help="folder with train/valid/test text files",
    )
    p.add_argument("--train-file", default="train.txt")
    p.add_argument("--valid-file", default="valid.txt")
    p.add_argument("--test-file", default="test.txt")
    p.add_argument("--emsize", type=int, default=64, help="embedding size")
    p.add_argument("--nhid", type=int, default=64, help="hidden units per layer")
    p.add_argument("--nlayers", type=int, default=2, help="LSTM layers")
    p.add_argument("--lr", type=float, default=20.0, help="initial learning rate (SGD)")
    p.add_argument("--clip", type=float, default=0.25, help="gradient norm clipping")
    p.add_argument("--epochs", type=int, default=20, help="epochs")
    p.add_argument(
        "--max-batches",
        type=int,
        default=0,
        help="stop each epoch after this many batches (0: no limit)",
    )
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--bptt", type=int, default=20, help="sequence length")
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--tied", action="store_true", help="tie the decoder to the embedding")
    p.add_argument("--seed", type=int, default=1111)
    p.add_argument("--save", default="", help="save the final model here (.pt)")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    corpus = data.Corpus(args.data, args.train_file, args.valid_file, args.test_file)
    ntokens = len(corpus.dictionary)
    train_data = batchify(corpus.train, args.batch_size)
    val_data = batchify(corpus.valid, 10)
    test_data = batchify(corpus.test, 10)
    print(f"vocabulary {ntokens} words, {len(corpus.train)} training tokens")

    model = lm.RNNModel(ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied)
    criterion = nn.CrossEntropyLoss()
    first_val = evaluate(model, val_data, args, ntokens)
    print(f"before training | valid ppl {math.exp(first_val):8.2f}")

    lr = args.lr
    best_val = None
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.time()
        hidden = model.init_hidden(args.batch_size)
        total, count = 0.0, 0
        for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
            if args.max_batches and batch >= args.max_batches:
                break
            x, y = get_batch(train_data, i, args.bptt)
            hidden = repackage_hidden(hidden)
            model.zero_grad()
            output, hidden = model(x, hidden)
            loss = criterion(output.view(-1, ntokens), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            with torch.no_grad():
                for param in model.parameters():
                    param.add_(param.grad, alpha=-lr)
            total += loss.item()
            count += 1
        val = evaluate(model, val_data, args, ntokens)
        print(
            f"epoch {epoch:3d} | {time.time() - start:5.2f}s | lr {lr:5.2f} | "
            f"train ppl {math.exp(total / max(count, 1)):8.2f} | valid ppl {math.exp(val):8.2f}"
        )
        if best_val is None or val < best_val:
            best_val = val
        else:
            lr /= 4.0  # anneal when validation stops improving
    test = evaluate(model, test_data, args, ntokens)
    print(f"end of training | test ppl {math.exp(test):8.2f}")
    if args.save:
        torch.save(model.state_dict(), args.save)
        print(f"saved {args.save}")


if __name__ == "__main__":
    main()
