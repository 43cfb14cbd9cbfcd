"""Duplicate katas are told by behaviour, not by text: `kata dev promote` and `kata dev check`.

Card 22 (batch-normalized-softmax) normalizes the softmax by `.sum()` over the whole batch; a
mutant with `.sum(axis=None, keepdims=True)` there is other code for the same numbers: the same
diagnosis and bit-identical loss and gradients, so a duplicate. Twice the row's sum on the same
line is another bug with the same signature (mixed), and so are the two reg_only cards 06 and
18: none of them is a duplicate.
"""
import shutil

import pytest

from katas import catalogue
from katas.cli import main

BATCH_SUM = catalogue.CARDS_DIR / "22-batch-normalized-softmax.toml"
REG_CARDS = [catalogue.CARDS_DIR / "06-forgotten-reg-gradient.toml",
             catalogue.CARDS_DIR / "18-penalty-without-the-half.toml"]
LINE = "log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))"
SAME_NUMBERS = "log_norm = np.log(np.exp(shifted).sum(axis=None, keepdims=True))"
OTHER_BUG = "log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True) * 2)"


def promote(folder, after, *extra):
    return main(["dev", "promote", "--function", "softmax_cross_entropy", "--before", LINE, "--after", after,
                 "--cards", str(folder)] + list(extra))


@pytest.mark.parametrize("own_copy", [True, False], ids=["in-the-folder", "in-the-learners-catalogue"])
def test_promote_refuses_a_mutant_that_behaves_as_a_card(tmp_path, capsys, own_copy):
    if own_copy:
        shutil.copy(BATCH_SUM, tmp_path / BATCH_SUM.name)
    before = sorted(tmp_path.iterdir())
    assert promote(tmp_path, SAME_NUMBERS) == 1
    out = capsys.readouterr().out
    assert "card batch-normalized-softmax" in out and "behaves as this mutant" in out and "mixed" in out
    assert "bit-identical" in out and "--force" in out
    assert sorted(tmp_path.iterdir()) == before
    assert promote(tmp_path, SAME_NUMBERS, "--force") == 0, capsys.readouterr().out
    assert len(list(tmp_path.glob("*-mutant-*.toml"))) == 1


def test_promote_writes_another_bug_with_the_same_signature(tmp_path, capsys):
    shutil.copy(BATCH_SUM, tmp_path / BATCH_SUM.name)
    assert promote(tmp_path, OTHER_BUG) == 0
    out = capsys.readouterr().out
    assert "diagnosed mixed (W1, b1, W2, b2)" in out, "the same signature as card 22, or the test proves nothing"
    assert len(list(tmp_path.glob("*-mutant-*.toml"))) == 1


def with_edit(card_path, card_id, find, replace):
    """The card's text with another id and its one edit's replace line changed."""
    text = card_path.read_text(encoding="utf-8")
    name = card_path.name.split("-", 1)[1].removesuffix(".toml")
    assert text.count(find) == 1
    return text.replace('id = "%s"' % name, 'id = "%s"' % card_id).replace(find, replace)


def test_dev_check_reports_two_cards_that_behave_the_same(tmp_path, capsys):
    shutil.copy(BATCH_SUM, tmp_path / BATCH_SUM.name)
    (tmp_path / "23-keepdims-normalized-softmax.toml").write_text(with_edit(
        BATCH_SUM, "keepdims-normalized-softmax", "np.exp(shifted).sum())  # scalar",
        "np.exp(shifted).sum(axis=None, keepdims=True))  # (1, 1)"), encoding="utf-8")
    assert main(["dev", "check", "--cards", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ("23-keepdims-normalized-softmax.toml [edits]: behaves as 22-batch-normalized-softmax.toml: the same "
            "diagnosis (mixed) and bit-identical loss and gradients") in out
    assert out.count("behaves as") == 1 and "1 problem in 1 file" in out


def test_dev_check_passes_different_bugs_with_the_same_signature(tmp_path, capsys):
    for path in REG_CARDS:
        shutil.copy(path, tmp_path / path.name)
    assert [catalogue.load_card(p).signature for p in REG_CARDS] == ["reg_only", "reg_only"]
    assert main(["dev", "check", "--cards", str(tmp_path)]) == 0, capsys.readouterr().out
