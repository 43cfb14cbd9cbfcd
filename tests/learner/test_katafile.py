"""Kata files as learners get them: the card's variant under a header that gives nothing away."""
import ast
import dataclasses

import pytest

from katas import catalogue
from katas.learner import katafile

CARDS, _ = catalogue.load_catalogue()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_every_kata_file_is_the_variant_under_a_header_that_gives_nothing_away(card):
    text = katafile.render_kata(card)
    tree = ast.parse(text)
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring.startswith("Kata %02d, %s: %s\n" % (card.order, card.id, card.learner_title))
    assert card.title not in docstring  # the card's title names the bug: it is for instructors
    assert card.story in docstring
    body = text[len(katafile.header(card)):]
    assert body == katafile.module_body(catalogue.apply_edits(card), card.network)
    assert body.lstrip().startswith("import"), "the reference's own docstring is replaced, not kept"
    for secret in (card.fix,) + card.hints:
        assert secret not in docstring
    for edit in card.edits:
        for line in edit.replace.splitlines() + edit.find.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in docstring
    solution = katafile.render_solution(card)
    assert solution.startswith(katafile.header(card))
    assert (solution == text) == (card.equivalent and not card.edits)


def test_the_header_survives_quotes_and_backslashes_in_a_story():
    card = dataclasses.replace(CARDS[0], story='It said """stop""" and \\n means newline \\ \\\\.')
    text = katafile.render_kata(card)
    docstring = ast.get_docstring(ast.parse(text), clean=False)
    assert 'It said """stop""" and \\n means newline \\ \\\\.' in docstring


def test_module_body_keeps_a_source_whose_docstring_was_edited():
    reference = catalogue.reference_source("net")
    edited = reference.replace("What it is for: the oracle.", "What it is for: nothing.", 1)
    assert edited != reference
    assert katafile.module_body(edited, "net") == edited
    assert not katafile.module_body(reference, "net").startswith('"""')


def test_the_equivalent_kata_says_cache_is_h_in_the_docstrings():
    for card_id in ("mask-from-h-positive", "mask-from-activation-value"):
        text = katafile.render_kata(catalogue.find_card(card_id))
        assert "    cache = h\n" in text and "cache = z" not in text
        assert "h of shape (N, H); cache = h." in text and "upstream dL/dh; cache = h of shape (N, H)." in text


def test_the_header_names_the_shape_letters_of_its_network():
    """A recurrent kata's header names T, the time axis its shape comments use."""
    rnn_cards = [c for c in CARDS if c.network == "rnn"]
    assert rnn_cards
    for card in rnn_cards:
        assert "Shapes use fixed letters: N batch, T time steps, D input, H hidden, C classes." in katafile.header(card)
    net_card = catalogue.find_card("missing-1-over-n")
    assert "Shapes use fixed letters: N batch, D input, H hidden, C classes." in katafile.header(net_card)


def test_the_header_takes_the_whole_shape_letters_sentence_when_it_spans_lines():
    """The convolutional network's sentence runs over three lines of its docstring: the header
    takes all of it, up to its full stop, and nothing after it."""
    conv_cards = [c for c in CARDS if c.network == "convnet"]
    assert conv_cards
    sentence = ("Shapes use fixed letters: N batch, Cin input channels, Hin and Win input height and width,\n"
                "F filters, K filter size, C classes; D = F * (Hin / 2) * (Win / 2) is the width of the flattened\n"
                "pooled maps, M the width of an affine layer's output.")
    assert katafile.shape_letters("convnet") == sentence
    for card in conv_cards:
        assert katafile.header(card).endswith(sentence + '\n"""\n')


@pytest.mark.parametrize("docstring, expected", [
    ('"""A net.\n\nShapes use fixed letters: N batch,\n  D input.\nMore text.\n"""\n',
     "Shapes use fixed letters: N batch,\nD input."),
    ('"""A net.\n\nShapes use fixed letters: N batch,\nD input\n\nNext paragraph.\n"""\n',
     "Shapes use fixed letters: N batch,\nD input"),
    ('"""A net.\n\nShapes use fixed letters: N batch,\nD input."""\n', "Shapes use fixed letters: N batch,\nD input."),
    ('"""A net without the sentence."""\nx = 1\n', katafile.SHAPE_LETTERS),
])
def test_shape_letters_ends_at_the_full_stop_a_blank_line_or_the_docstring(monkeypatch, docstring, expected):
    monkeypatch.setattr(catalogue, "reference_source", lambda network="net": docstring + "import numpy\n")
    assert katafile.shape_letters("net") == expected
