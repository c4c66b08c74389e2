"""Datasets and samplers against torch.utils.data."""

import pytest
import torch

import ember
from ember.utils import data as E

T = torch.utils.data


def test_tensor_dataset_and_errors():
    ds = E.TensorDataset(ember.arange(6).reshape(3, 2), ember.tensor([1, 2, 3]))
    assert len(ds) == 3 and [x.tolist() for x in ds[1]] == [[2, 3], 2]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        E.TensorDataset(ember.zeros(2), ember.zeros(3))


def test_concat_chain_subset_stack():
    a, b = list(range(5)), list(range(10, 13))
    c = E.ConcatDataset([a, b])
    tc = T.ConcatDataset([a, b])
    assert len(c) == len(tc) == 8
    assert [c[i] for i in range(-8, 8)] == [tc[i] for i in range(-8, 8)]
    assert c.cumulative_sizes == tc.cumulative_sizes
    with pytest.raises(ValueError, match="absolute value of index"):
        c[-9]
    with pytest.raises(AssertionError):
        E.ConcatDataset([])
    R = type("R", (E.IterableDataset,), {"__iter__": lambda self: iter([1, 2]),
                                         "__len__": lambda self: 2})  # fmt: skip
    ch = E.ChainDataset([R(), R()])
    assert list(ch) == [1, 2, 1, 2] and len(ch) == 4
    assert list(R() + R()) == [1, 2, 1, 2]
    s = E.Subset(a, [4, 0, 2])
    assert [s[i] for i in range(3)] == [4, 0, 2] and s.__getitems__([0, 1]) == [4, 0]
    st = E.StackDataset(a, [x * 2 for x in a])
    assert st[2] == (2, 4) and st.__getitems__([0, 1]) == [(0, 0), (1, 2)]
    sd = E.StackDataset(x=a, y=a)
    assert sd[1] == {"x": 1, "y": 1}
    for args, kwargs in [((a, b), {}), ((), {}), ((a,), {"y": a})]:
        with pytest.raises(ValueError) as e1:
            E.StackDataset(*args, **kwargs)
        with pytest.raises(ValueError) as e2:
            T.StackDataset(*args, **kwargs)
        assert str(e1.value) == str(e2.value)


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.33, 0.33, 0.34]])
def test_random_split_matches_torch(lengths):
    data = list(range(10))
    e = E.random_split(data, lengths, generator=ember.Generator().manual_seed(42))
    t = T.random_split(data, lengths, generator=torch.Generator().manual_seed(42))
    assert [list(s.indices) for s in e] == [list(s.indices) for s in t]


def test_random_split_errors_and_global_generator():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        E.random_split(list(range(5)), [2, 2])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        E.random_split(list(range(5)), [1.5, -0.5])
    ember.manual_seed(7)
    torch.manual_seed(7)
    e = E.random_split(list(range(9)), [4, 5])
    t = T.random_split(list(range(9)), [4, 5])
    assert [list(s.indices) for s in e] == [list(s.indices) for s in t]


def _both(make):
    return list(make(E, ember)), list(make(T, torch))


@pytest.mark.parametrize(
    "make",
    [
        lambda D, L: D.SequentialSampler(range(7)),
        lambda D, L: D.RandomSampler(range(10), generator=L.Generator().manual_seed(1)),
        lambda D, L: D.RandomSampler(range(10), num_samples=25,
                                     generator=L.Generator().manual_seed(2)),
        lambda D, L: D.RandomSampler(range(10), num_samples=7,
                                     generator=L.Generator().manual_seed(2)),
        lambda D, L: D.RandomSampler(range(10), replacement=True, num_samples=70,
                                     generator=L.Generator().manual_seed(3)),
        lambda D, L: D.SubsetRandomSampler([5, 9, 11, 2], generator=L.Generator().manual_seed(4)),
        lambda D, L: D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0, 2.0], 12,
                                             generator=L.Generator().manual_seed(5)),
        lambda D, L: D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.3, 2.0], 4, replacement=False,
                                             generator=L.Generator().manual_seed(6)),
        lambda D, L: D.BatchSampler(D.SequentialSampler(range(10)), 3, False),
        lambda D, L: D.BatchSampler(D.SequentialSampler(range(10)), 3, True),
        lambda D, L: D.distributed.DistributedSampler(range(11), num_replicas=3, rank=1),
        lambda D, L: D.distributed.DistributedSampler(range(11), num_replicas=3, rank=2,
                                                      shuffle=False),
        lambda D, L: D.distributed.DistributedSampler(range(11), num_replicas=3, rank=0,
                                                      drop_last=True, seed=9),
    ],
)  # fmt: skip
def test_sampler_sequences_match_torch(make):
    e, t = _both(make)
    assert e == t
    assert len(make(E, ember)) == len(make(T, torch))


def test_random_sampler_global_generator_matches_torch():
    ember.manual_seed(11)
    torch.manual_seed(11)
    assert list(E.RandomSampler(range(20))) == list(T.RandomSampler(range(20)))
    assert ember.rand(2).tolist() == torch.rand(2).tolist()


def test_distributed_sampler_set_epoch_and_errors():
    e = E.DistributedSampler(range(10), num_replicas=2, rank=0)
    t = T.DistributedSampler(range(10), num_replicas=2, rank=0)
    e.set_epoch(3)
    t.set_epoch(3)
    assert list(e) == list(t)
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval"):
        E.DistributedSampler(range(10), num_replicas=2, rank=2)


@pytest.mark.parametrize(
    "call",
    [
        lambda D: D.RandomSampler(range(3), replacement=1),
        lambda D: D.RandomSampler(range(3), num_samples=0),
        lambda D: D.BatchSampler(range(3), 0, False),
        lambda D: D.BatchSampler(range(3), True, False),
        lambda D: D.BatchSampler(range(3), 2, 1),
        lambda D: D.WeightedRandomSampler([1.0], 0),
        lambda D: D.WeightedRandomSampler([[1.0]], 1),
    ],
)
def test_sampler_errors_match_torch(call):
    with pytest.raises(Exception) as t:
        call(T)
    with pytest.raises(type(t.value)) as e:
        call(E)
    assert str(e.value) == str(t.value)
