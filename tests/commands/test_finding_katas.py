"""How a learner names a kata: by id, by the number `kata list` shows, or not at all (the
current kata); what a typo gets back; where a global --workspace goes; what `kata dev -h` shows.
"""
import pytest

from katas import catalogue
from katas.cli import main
from katas.commands import common
from katas.learner import katafile


def kata(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("typed, suggested", [
    ("mising-1-over-n", "missing-1-over-n"),  # a letter left out: no substring, but close
    ("missing-1-over-m", "missing-1-over-n"),
    ("the missing 1/n", "missing-1-over-n"),  # close to the card's title
    ("transpose", "transposed-weight-gradient"),  # part of an id
])
def test_a_typo_gets_the_nearest_ids(learner_dir, capsys, typed, suggested):
    code, out, err = kata(capsys, "start", typed)
    assert code == 2 and out == "" and "did you mean %s" % suggested in err
    listed = err.split("did you mean ", 1)[1].split("?", 1)[0].split(" or ")
    assert len(listed) == len(set(listed)) <= 3


def test_suggestions_name_each_id_once():
    cards, _ = common.catalogue_cards()
    for typed in ("missing-1-over-n-", "bn-gamma-regularised", "rnn-no-max", "convnet-missing-1-over"):
        near = common.nearest(typed, cards)
        assert near and len(near) == len(set(near)), (typed, near)


@pytest.mark.parametrize("number, card_id", [("1", "missing-1-over-n"), ("3", "mask-from-h-positive"),
                                             ("03", "mask-from-h-positive"), ("19", "global-max-shift")])
def test_the_number_kata_list_shows_names_a_kata(learner_dir, capsys, number, card_id):
    code, out, _ = kata(capsys, "start", number)
    card = catalogue.find_card(card_id)
    assert code == 0 and out.startswith("Started kata %02d %s" % (card.order, card_id))
    assert (learner_dir / "workspace" / katafile.kata_filename(card)).exists()


def test_a_number_no_kata_has_is_a_usage_error(learner_dir, capsys):
    code, _, err = kata(capsys, "start", "999")
    assert code == 2 and "there is no kata '999'" in err


def test_solution_without_an_id_takes_the_current_kata_also_once_solved(learner_dir, capsys):
    card = catalogue.find_card("missing-1-over-n")
    kata(capsys, "start", card.id)
    code, out, _ = kata(capsys, "solution")
    assert code == 1 and out.startswith("(current kata: %s)" % card.id) and "unlocks once" in out
    path = learner_dir / "workspace" / katafile.kata_filename(card)
    path.write_text(katafile.render_solution(card), encoding="utf-8")
    assert kata(capsys, "check", "--seed", "0")[0] == 0
    code, out, _ = kata(capsys, "solution")
    assert code == 0 and out.startswith("(current kata: %s)" % card.id) and "The reference diff" in out


def test_solution_without_an_id_and_nothing_started_says_how_to_begin(learner_dir, capsys):
    code, out, err = kata(capsys, "solution")
    assert code == 2 and out == "" and "kata start missing-1-over-n" in err


@pytest.mark.parametrize("before", [True, False], ids=["before-the-command", "after-the-command"])
def test_the_workspace_option_goes_before_or_after_the_command(learner_dir, capsys, before):
    def command(*argv):
        return ["--workspace", "elsewhere", *argv] if before else [*argv, "--workspace", "elsewhere"]

    assert kata(capsys, *command("start", "missing-1-over-n"))[0] == 0
    assert (learner_dir / "elsewhere" / "01-missing-1-over-n.py").exists()
    assert not (learner_dir / "workspace").exists()
    code, out, _ = kata(capsys, *command("list"))
    assert code == 0 and "1 in progress. Workspace: elsewhere" in out


def test_dev_help_shows_what_the_commands_do_not_how_the_code_is_laid_out(capsys):
    with pytest.raises(SystemExit):
        main(["dev", "-h"])
    out = capsys.readouterr().out
    assert "check" in out and "promote" in out
    assert "katas/commands" not in out and "register(" not in out and "DEV_COMMANDS" not in out
