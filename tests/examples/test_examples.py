"""The PyTorch-style scripts under examples/ run unchanged on ember and learn."""

from __future__ import annotations

import os

import pytest

from ._runner import HAS_TORCH, ROOT, floats, run_ember, run_torch

needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs PyTorch")

# The learning-PyTorch progression: each prints "initial loss A  final loss B".
PROGRESSION = [
    ("two_layer_tensors.py", 0.01),
    ("two_layer_autograd.py", 0.01),
    ("two_layer_function.py", 0.01),
    ("two_layer_nn.py", 0.05),
    ("two_layer_optim.py", 0.2),
    ("dynamic_net.py", 0.2),
]


def _initial_final(out):
    (initial,) = floats(r"initial loss ([\d.e+-]+)", out)
    (final,) = floats(r"final loss ([\d.e+-]+)", out)
    return initial, final


@pytest.mark.parametrize("script, ratio", PROGRESSION)
def test_two_layer_progression_loss_falls(script, ratio):
    out = run_ember(script, "--steps", "150")
    initial, final = _initial_final(out)
    assert final < ratio * initial, out


def test_custom_function_relu_matches_builtin():
    out = run_ember("two_layer_function.py", "--steps", "1")
    assert "custom ReLU gradient matches built-in: True" in out


@needs_torch
def test_progression_prints_the_same_numbers_on_pytorch():
    # ember's generator draws PyTorch's numbers, so the whole run matches line by line.
    ours = _initial_final(run_ember("two_layer_function.py", "--steps", "60"))
    theirs = _initial_final(run_torch("two_layer_function.py", "--steps", "60"))
    assert ours == pytest.approx(theirs, rel=1e-3)


def test_rnn_elman_by_hand_and_lstm_learn():
    out = run_ember("rnn.py", "--steps", "40", "--seq-len", "15")
    for name in ("elman", "lstm"):
        ((before, after),) = [
            tuple(map(float, line.split()[-3::2]))
            for line in out.splitlines()
            if line.startswith(f"{name}: validation loss")
        ]
        assert after < 0.5 * before, out


def test_word_language_model_perplexity_falls(tmp_path):
    out = run_ember(
        os.path.join("word_language_model", "main.py"),
        "--epochs", "3", "--tied", "--save", str(tmp_path / "lm.pt"),
    )  # fmt: skip
    (vocab,) = floats(r"vocabulary (\d+) words", out)
    (before,) = floats(r"before training \| valid ppl\s+([\d.]+)", out)
    valid = floats(r"valid ppl\s+([\d.]+)\n", out)
    (test,) = floats(r"test ppl\s+([\d.]+)", out)
    assert before > 0.5 * vocab  # an untrained model is about uniform over the vocabulary
    assert valid[-1] < 0.6 * before and test < 0.6 * before, out
    assert (tmp_path / "lm.pt").exists()


WIKITEXT = os.path.join(ROOT, "..", "shared", "wikitext-2")


@pytest.mark.skipif(not os.path.isdir(WIKITEXT), reason="needs ../shared/wikitext-2")
def test_word_language_model_reads_wikitext(tmp_path):
    # A slice of wikitext-2 (its <unk> convention, headings, numbers) in the corpus format.
    with open(os.path.join(WIKITEXT, "valid.txt"), encoding="utf8") as f:
        lines = f.readlines()
    (tmp_path / "train.txt").write_text("".join(lines[:300]), encoding="utf8")
    (tmp_path / "valid.txt").write_text("".join(lines[300:360]), encoding="utf8")
    (tmp_path / "test.txt").write_text("".join(lines[360:420]), encoding="utf8")
    out = run_ember(
        os.path.join("word_language_model", "main.py"),
        "--data", str(tmp_path), "--epochs", "1", "--max-batches", "15",
    )  # fmt: skip
    (before,) = floats(r"before training \| valid ppl\s+([\d.]+)", out)
    valid = floats(r"valid ppl\s+([\d.]+)\n", out)
    assert valid[-1] < before, out


def test_hogwild_processes_train_one_shared_model():
    out = run_ember("hogwild.py", "--processes", "2", "--steps", "80")
    (before,) = floats(r"before: test loss ([\d.]+)", out)
    (after,) = floats(r"after: test loss ([\d.]+)", out)
    (accuracy,) = floats(r"after: test loss [\d.]+\s+accuracy ([\d.]+)", out)
    # Only the children trained: the parent sees their updates through shared memory.
    assert out.count("steps, last loss") == 2
    assert after < 0.5 * before and accuracy > 0.8, out


def _losses(out):
    (before,) = floats(r"loss before: ([\d.e+-]+)", out)
    (after,) = floats(r"loss after: ([\d.e+-]+)", out)
    return before, after


def test_finetune_checkpoint_round_trip_in_ember(tmp_path):
    a, b = str(tmp_path / "a.pt"), str(tmp_path / "b.pt")
    first = _losses(run_ember("finetune.py", "--steps", "40", "--save", a))
    second = _losses(run_ember("finetune.py", "--load", a, "--steps", "40", "--save", b))
    assert second[0] == pytest.approx(first[1], rel=1e-5)  # training resumes where it stopped
    assert first[1] < first[0] and second[1] < second[0]


@needs_torch
def test_finetune_pytorch_checkpoint_in_ember_and_back(tmp_path):
    a, b = str(tmp_path / "a.pt"), str(tmp_path / "b.pt")
    on_torch = run_torch("finetune.py", "--steps", "40", "--save", a)
    assert "+ember" not in on_torch  # really PyTorch
    first = _losses(on_torch)
    second = _losses(run_ember("finetune.py", "--load", a, "--steps", "40", "--save", b))
    assert second[0] == pytest.approx(first[1], rel=1e-4)
    assert second[1] < second[0]
    third = _losses(run_torch("finetune.py", "--load", b, "--steps", "10"))
    assert third[0] == pytest.approx(second[1], rel=1e-4)
