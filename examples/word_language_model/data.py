"""Corpus loading for the word-level language model: text files -> tensors of word ids."""

import os

import torch


class Dictionary:
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus:
    """Reads train/valid/test files; the vocabulary comes from the training file.

    Every line ends with an ``<eos>`` token; a word of valid/test not seen in training
    becomes ``<unk>`` (wikitext-2 already marks rare words that way).
    """

    def __init__(self, path, train="train.txt", valid="valid.txt", test="test.txt"):
        self.dictionary = Dictionary()
        self.dictionary.add_word("<unk>")
        self.train = self.tokenize(os.path.join(path, train), grow=True)
        self.valid = self.tokenize(os.path.join(path, valid), grow=False)
        self.test = self.tokenize(os.path.join(path, test), grow=False)

    def tokenize(self, path, grow):
        ids = []
        with open(path, encoding="utf8") as f:
            for line in f:
                for word in line.split() + ["<eos>"]:
                    if grow:
                        ids.append(self.dictionary.add_word(word))
                    else:
                        ids.append(self.dictionary.word2idx.get(word, 0))
        return torch.tensor(ids, dtype=torch.int64)
