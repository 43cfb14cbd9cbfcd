"""Every bug card: its edits apply exactly once and its variant gets the declared diagnosis.

The parametrization globs katas/cards/, so adding a card file adds its test."""
import pathlib

import pytest

from katas import catalogue
from reference import diagnose, net

CARD_FILES = sorted(catalogue.CARDS_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_card_variant_gets_its_declared_signature(path):
    card = catalogue.load_card(path)
    source = catalogue.apply_edits(card)  # raises CardError unless every edit matches once
    assert source != catalogue.reference_source(card.network) or card.equivalent and not card.edits
    diagnosis = diagnose.diagnose(catalogue.variant(card).loss, hidden_layers=card.hidden_layers)
    problems = catalogue.expectation_errors(card, diagnosis)
    assert not problems, "%s: %s\n%s" % (card.id, "; ".join(problems), diagnosis.text())
    if card.equivalent:
        assert diagnosis.signature == "ok"


def test_the_reference_itself_diagnoses_ok():
    diagnosis = diagnose.diagnose(net.loss)
    assert diagnosis.signature == "ok", diagnosis.text()
    assert diagnosis.params == () and diagnosis.factor is None


def test_catalogue_is_complete_ordered_and_loads_cleanly():
    cards, broken = catalogue.load_catalogue()
    assert not broken, [str(b) for b in broken]
    assert len(cards) >= 16
    assert len({c.id for c in cards}) == len(cards)
    assert len({c.order for c in cards}) == len(cards), "two cards share a place in the curriculum"
    covered = {c.signature for c in cards}
    assert covered == set(diagnose.SIGNATURES), set(diagnose.SIGNATURES) - covered
    # Both kinds of uniform factor, and both kinds of shape error.
    factors = {c.factor for c in cards if c.signature == "uniform_scale"}
    assert "N" in factors and any(isinstance(f, float) for f in factors)
    assert any(c.equivalent for c in cards)
    raising, returning = [], []
    for card in cards:
        if card.signature == "shape_error":
            base = diagnose.diagnose(catalogue.variant(card).loss, hidden_layers=card.hidden_layers).probes["base"]
            (raising if base.error is not None else returning).append(card.id)
            if base.error is not None:  # silent where every width is equal: the square probe shows values
                square = diagnose.diagnose(catalogue.variant(card).loss, hidden_layers=card.hidden_layers)
                assert square.probes["square"].report is not None and not square.probes["square"].report.passed
    assert raising and returning, (raising, returning)


def test_design_card_bugs_are_in_the_catalogue():
    ids = {c.id for c in catalogue.load_catalogue()[0]}
    for required in ("missing-1-over-n", "mask-from-activation-value", "mask-from-h-positive",
                     "transposed-weight-gradient", "no-max-subtraction", "forgotten-reg-gradient"):
        assert required in ids


GOOD = catalogue.CARDS_DIR / "01-missing-1-over-n.toml"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, field, words", [
    (lambda t: t.replace('title = "The missing 1/N"', 'title = "The missing 1/N'), None, "not valid TOML"),
    (lambda t: t.replace("format_version = 1", "format_version = 1\ncolour = 'red'"), "colour", "unknown field"),
    (lambda t: t.replace('title = "The missing 1/N"', "title = 3"), "title", "must be a string"),
    (lambda t: t.replace('signature = "uniform_scale"', 'signature = "too_big"'), "expect.signature", "too_big"),
    (lambda t: t.replace("    dscores /= N  # (N, C): the single 1/N", "    dscores /= N # (N, C): the single 1/N"),
     "edits[0].find", "matches 0 times"),
    (lambda t: t.replace('find = """\n    dscores /= N  # (N, C): the single 1/N, applied once\n"""', 'find = "N"'),
     "edits[0].find", "times in net.py"),
    (lambda t: t.replace('id = "missing-1-over-n"', 'id = "other"'), "id", "file name says"),
    (lambda t: t.replace("this file apply it?", "this file apply it."), "hints", "question"),
    (lambda t: t.replace('factor = "N"', 'factor = "lots"'), "expect.factor", "lots"),
])
def test_a_malformed_card_is_reported_with_file_field_and_fix(tmp_path, mutate, field, words):
    text = GOOD.read_text(encoding="utf-8")
    broken = mutate(text)
    assert broken != text
    path = write(tmp_path, GOOD.name, broken)
    with pytest.raises(catalogue.CardError) as caught:
        card = catalogue.load_card(path)
        catalogue.apply_edits(card)
    error = caught.value
    assert error.field == field and words in str(error)
    assert path.name in str(error) and "Fix:" in str(error)


def test_a_broken_card_does_not_stop_the_others(tmp_path):
    write(tmp_path, GOOD.name, GOOD.read_text(encoding="utf-8"))
    write(tmp_path, "02-broken.toml", "this is = = not toml")
    write(tmp_path, "notes.toml", "x = 1")
    cards, broken = catalogue.load_catalogue(tmp_path)
    assert [c.id for c in cards] == ["missing-1-over-n"]
    assert sorted(b.path.name for b in broken) == ["02-broken.toml", "notes.toml"]


def test_duplicate_ids_are_reported(tmp_path):
    write(tmp_path, GOOD.name, GOOD.read_text(encoding="utf-8"))
    write(tmp_path, "05-missing-1-over-n.toml", GOOD.read_text(encoding="utf-8"))
    cards, broken = catalogue.load_catalogue(tmp_path)
    assert len(cards) == 1 and "also the id of" in str(broken[0])


def test_loading_a_card_runs_no_code(tmp_path, monkeypatch):
    """A card is data: loading it parses TOML, and only building the variant executes source."""
    executed = []
    monkeypatch.setattr(catalogue, "load_module", lambda *a: executed.append(a))
    card = catalogue.load_card(GOOD)
    assert card.id == "missing-1-over-n" and not executed
    catalogue.variant(card)
    assert executed


def test_variant_tracebacks_show_the_buggy_line():
    card = catalogue.find_card("misspelled-key")
    diagnosis = diagnose.diagnose(catalogue.variant(card).loss)
    assert 'params["w1"]' in diagnosis.evidence[0] and "KeyError" in diagnosis.evidence[0]


def test_find_card_lists_the_ids_when_unknown():
    with pytest.raises(KeyError, match="missing-1-over-n"):
        catalogue.find_card("no-such-card")
