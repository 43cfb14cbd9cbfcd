"""An unfinished card (a TO WRITE placeholder left) in the learner's catalogue is listed, never used.

The catalogue is a copy in tmp_path ($KATA_CARDS): the first card, finished, and a card that
`kata dev promote` wrote, its title, story, hints and fix still placeholders. `kata list` shows
it as unfinished (for instructors); start, check, hint, reset, solution refuse it by id and by
number, naming the fields to write; `kata dev check` still names each placeholder.
"""
import shutil

import pytest

from katas import catalogue, notebook
from katas.cli import main
from katas.learner import workspace

GOOD = catalogue.CARDS_DIR / "01-missing-1-over-n.toml"
UNFINISHED = "02-mutant-softmax-cross-entropy-1.toml"


@pytest.fixture
def cards(learner_dir, monkeypatch, capsys):
    """$KATA_CARDS: the first card and a promoted card nobody has written yet."""
    folder = learner_dir / "cards"
    folder.mkdir()
    shutil.copy(GOOD, folder / GOOD.name)
    assert main(["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores /= N",
                 "--after", "dscores *= N", "--cards", str(folder)]) == 0
    assert (folder / UNFINISHED).is_file()
    capsys.readouterr()
    monkeypatch.setenv(workspace.CARDS_ENV, str(folder))
    return folder


def test_list_shows_an_unfinished_card_for_instructors(cards, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "mutant-softmax-cross-entropy-1" in line)
    assert "unfinished (for instructors)" in row and "story" in row and "TO WRITE" in row
    assert "0 of 1 solved" in out and "1 unfinished card (for instructors)" in out
    assert "Begin with: kata start missing-1-over-n" in out


@pytest.mark.parametrize("argv", [
    ["start", "mutant-softmax-cross-entropy-1"],
    ["start", "2"],
    ["check", "mutant-softmax-cross-entropy-1"],
    ["hint", "mutant-softmax-cross-entropy-1"],
    ["reset", "mutant-softmax-cross-entropy-1"],
    ["solution", "mutant-softmax-cross-entropy-1", "--force"],
])
def test_an_unfinished_card_cannot_be_started_or_checked(cards, learner_dir, capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "kata mutant-softmax-cross-entropy-1 is unfinished (for instructors)" in err
    assert "title, story, hints[0], hints[1], fix still hold the placeholder 'TO WRITE'" in err
    assert "kata dev check" in err
    assert not (learner_dir / "workspace" / "02-mutant-softmax-cross-entropy-1.py").exists()


def test_the_finished_cards_still_work_beside_it(cards, learner_dir, capsys):
    assert main(["start", "missing-1-over-n"]) == 0
    assert (learner_dir / "workspace" / "01-missing-1-over-n.py").is_file()


def test_a_notebook_check_refuses_it(cards):
    with pytest.raises(ValueError, match="unfinished .* story"):
        notebook.find_card("mutant-softmax-cross-entropy-1")


def test_dev_check_still_names_each_placeholder(cards, capsys):
    assert main(["dev", "check", "--cards", str(cards)]) == 1
    out = capsys.readouterr().out
    for field in ("title", "story", "hints[0]", "hints[1]", "fix"):
        assert "%s [%s]: still holds the placeholder 'TO WRITE'" % (UNFINISHED, field) in out


def test_a_finished_card_has_no_unfinished_field():
    cards, _ = catalogue.load_catalogue()
    assert [card.id for card in cards if catalogue.unfinished_fields(card)] == []
