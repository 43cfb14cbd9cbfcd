"""What a learner reads as a kata's title: its network and what to do, never the bug.

A card's title names the bug ("The missing 1/N"): it is for instructors (`kata cards`, `kata
dev check`). `kata list`, `kata start`, the kata file and `kata check --json` show the card's
learner_title instead, the same words for every card of a network.
"""
import json

import pytest

from katas import catalogue
from katas.cli import main

CARDS, _ = catalogue.load_catalogue()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_a_learner_title_names_the_network_and_the_task_not_the_bug(card):
    network = catalogue.NETWORK_NAMES[card.network]
    assert card.learner_title.lower().startswith(network)
    assert card.learner_title.endswith(", a change to check" if card.equivalent else ", a bug to find")
    assert "equivalent" not in card.learner_title.lower() and card.title != card.learner_title
    others = {c.learner_title for c in CARDS if (c.network, c.hidden_layers, c.equivalent) == (
        card.network, card.hidden_layers, card.equivalent)}
    assert others == {card.learner_title}  # nothing in it tells one card of a network from another


def test_kata_list_shows_learner_titles_only(learner_dir, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for card in CARDS:
        row = next(line for line in out.splitlines() if line.startswith(" %02d  %s " % (card.order, card.id)))
        assert row.endswith(card.learner_title) and card.title not in out, row


@pytest.mark.parametrize("card_id", ["missing-1-over-n", "mask-from-h-positive"])
def test_start_and_check_json_show_the_learner_title(learner_dir, capsys, card_id):
    card = catalogue.find_card(card_id)
    assert main(["start", card_id]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Started kata %02d %s: %s" % (card.order, card_id, card.learner_title)
    assert card.title not in out and "(an equivalent change)" not in out
    main(["check", card_id, "--json", "--seed", "0"])
    assert json.loads(capsys.readouterr().out)["kata"]["title"] == card.learner_title
