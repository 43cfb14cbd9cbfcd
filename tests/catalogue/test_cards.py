"""Every bug card: its edits apply exactly once and its variant gets the declared diagnosis.

The parametrization globs katas/cards/, so adding a card file adds its test."""
import json

import pytest

from katas import catalogue
from reference import diagnose

CARD_FILES = sorted(catalogue.CARDS_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_card_variant_gets_its_declared_signature(path):
    card = catalogue.load_card(path)
    source = catalogue.apply_edits(card)  # raises CardError unless every edit matches once
    assert source != catalogue.reference_source(card.network) or card.equivalent and not card.edits
    diagnosis = diagnose.diagnose(catalogue.variant(card).loss, network=card.network,
                                  hidden_layers=card.hidden_layers)
    problems = catalogue.expectation_errors(card, diagnosis)
    assert not problems, "%s: %s\n%s" % (card.id, "; ".join(problems), diagnosis.text())
    if card.equivalent:
        assert diagnosis.signature == "ok"


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
            base = diagnose.diagnose(catalogue.variant(card).loss, network=card.network,
                                     hidden_layers=card.hidden_layers).probes["base"]
            (raising if base.error is not None else returning).append(card.id)
            if base.error is not None:  # silent where every width is equal: the square probe shows values
                square = diagnose.diagnose(catalogue.variant(card).loss, network=card.network,
                                           hidden_layers=card.hidden_layers)
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


# -- what the loader rejects: a card that can never work is broken, never a crash or a hang --

DEEP = catalogue.CARDS_DIR / "23-deep-penalty-on-last-layer-only.toml"
NESTED_ARRAYS = "x = " + "[" * 1000 + "]" * 1000 + "\n"  # 2 KB that the TOML parser recurses into


def expect_line(text, line):
    return text.replace("[expect]\n", "[expect]\n" + line + "\n")


# (card text from the good card's, field, words in the message)
REJECTED = [
    (lambda t: NESTED_ARRAYS, None, "nested too deeply"),
    (lambda t: "x = " + "{a = " * 600 + "1" + "}" * 600 + "\n", None, "nested too deeply"),
    (lambda t: t.replace('title = "The missing 1/N"', 'title = "The missing 1/N'), None, "not valid TOML"),
    (lambda t: t.replace("format_version = 1", 'format_version = 1\nnetwork = "mlp"\nhidden_layers = %d' % (2**63 - 1)),
     "hidden_layers", "is 9223372036854775807, outside 1 to 8"),
    (lambda t: t.replace("format_version = 1", 'format_version = 1\nnetwork = "mlp"\nhidden_layers = 16'),
     "hidden_layers", "is 16, outside 1 to 8"),
    (lambda t: t.replace("format_version = 1", 'format_version = 1\nnetwork = "mlp"\nhidden_layers = 0'),
     "hidden_layers", "outside 1 to 8"),
    (lambda t: t.replace("format_version = 1", "format_version = 1\nhidden_layers = 2"),
     "hidden_layers", "exactly 1 hidden layer"),
    (lambda t: t.replace("format_version = 1", "format_version = 1\nhidden_layers = true"),
     "hidden_layers", "must be an integer, got a boolean"),
    (lambda t: t.replace("format_version = 1", "format_version = 1\nhidden_layers = 1.0"),
     "hidden_layers", "must be an integer, got a float"),
    (lambda t: t.replace("format_version = 1", "format_version = true"),
     "format_version", "must be an integer, got a boolean"),
    (lambda t: t.replace("format_version = 1", "format_version = 1\nequivalent = 1"),
     "equivalent", "must be true or false, got an integer"),
    (lambda t: t.replace('title = "The missing 1/N"', "title = 1979-05-27"), "title", "must be a string, got a date"),
    (lambda t: t.replace('title = "The missing 1/N"', 'title = ["The missing 1/N"]'),
     "title", "must be a string, got an array"),
    (lambda t: t.replace("format_version = 1", 'format_version = 1\nnetwork = "cnn"'), "network", "'cnn'"),
    (lambda t: t.replace("hints = [\n", "hints = [\n    3,\n"), "hints", "must be a list of strings"),
    (lambda t: t.replace('factor = "N"', "factor = nan"), "expect.factor", "is nan"),
    (lambda t: t.replace('factor = "N"', "factor = inf"), "expect.factor", "is inf"),
    (lambda t: t.replace('factor = "N"', "factor = -inf"), "expect.factor", "is -inf"),
    (lambda t: t.replace('factor = "N"', "factor = true"), "expect.factor", "is a boolean"),
    (lambda t: t.replace('factor = "N"', "factor = 1" + "0" * 400), "expect.factor", "is 1000"),
    (lambda t: t.replace('factor = "N"', "factor = [8]"), "expect.factor", "is an array"),
    (lambda t: t.replace('signature = "uniform_scale"', "signature = 3"), "expect.signature", "is an integer"),
    (lambda t: t.replace('signature = "uniform_scale"', 'signature = ["uniform_scale"]'),
     "expect.signature", "is an array"),
    (lambda t: t.replace('params = ["W1", "b1", "W2", "b2"]', 'params = "W1"'),
     "expect.params", "got a string"),
    (lambda t: t.replace('params = ["W1", "b1", "W2", "b2"]', 'params = ["W1", "W3"]'),
     "expect.params", "'W3', which a network with 1 hidden layer does not have"),
    (lambda t: t.replace('params = ["W1", "b1", "W2", "b2"]', 'params = ["W1", "W1"]'),
     "expect.params", "more than once"),
    (lambda t: expect_line(t, "colour = 1"), "expect.colour", "unknown field"),
    (lambda t: t.replace('find = """', "find = 3\nold = \"\"\""), "edits[0]", "exactly the strings find and replace"),
]


@pytest.mark.parametrize("mutate, field, words", REJECTED, ids=[row[2] for row in REJECTED])
def test_a_card_that_can_never_work_is_rejected_with_file_field_and_fix(tmp_path, mutate, field, words):
    text = GOOD.read_text(encoding="utf-8")
    path = write(tmp_path, GOOD.name, mutate(text))
    with pytest.raises(catalogue.CardError) as caught:
        catalogue.load_card(path)
    error = caught.value
    assert (error.field, error.path) == (field, path)
    assert words in str(error) and str(error).startswith(path.name) and "Fix: " in str(error)
    assert len(str(error)) < 400, "a message quotes the value, never a whole file"


def test_params_may_name_x_for_a_wrong_dx(tmp_path):
    """A diagnosis names X when dX alone is wrong; a card must be able to expect that."""
    text = GOOD.read_text(encoding="utf-8").replace('params = ["W1", "b1", "W2", "b2"]', 'params = ["X"]')
    assert catalogue.load_card(write(tmp_path, GOOD.name, text)).params == ("X",)
    text = text.replace('params = ["X"]', 'params = ["x"]')
    with pytest.raises(catalogue.CardError) as caught:
        catalogue.load_card(write(tmp_path, GOOD.name, text))
    assert "'x'" in str(caught.value) and "or X for dX" in str(caught.value)


@pytest.mark.parametrize("depth", [1, 2, 8])
def test_every_depth_in_the_documented_range_loads(tmp_path, depth):
    text = DEEP.read_text(encoding="utf-8").replace("hidden_layers = 2", "hidden_layers = %d" % depth)
    card = catalogue.load_card(write(tmp_path, DEEP.name, text))
    assert card.hidden_layers == depth and catalogue.DEPTHS["mlp"] == (1, 8)


@pytest.mark.parametrize("content, words", [
    (b"title = \"caf\xe9\"\n", "not UTF-8 text (byte 12, on line 1)"),
    (b"# " + b"x" * (catalogue.MAX_CARD_BYTES + 10) + b"\n", "larger than 256 KB"),
    (None, "is a folder, not a card file"),
    ("link", "is a link to nothing, not a card file"),
])
def test_a_file_that_is_no_text_card_is_rejected(tmp_path, content, words):
    path = tmp_path / GOOD.name
    if content is None:
        path.mkdir()
    elif content == "link":
        path.symlink_to(tmp_path / "nowhere.toml")
    else:
        path.write_bytes(content)
    with pytest.raises(catalogue.CardError) as caught:
        catalogue.load_card(path)
    assert words in str(caught.value) and caught.value.field is None


TOML_VALUES = ['"text"', "1", "-2", "2.5", "nan", "inf", "1" + "0" * 400, "1" + "0" * 5000, "true",
               "1979-05-27T07:32:00Z", "07:32:00", "[]",
               "[1, 2]", '["W1"]', "{}", "{ a = 1 }", "[[[1]]]", "[{ find = 1 }]"]
FIELDS = list(catalogue.TOP_FIELDS) + ["expect.%s" % f for f in sorted(catalogue.EXPECT_FIELDS)]


def toml_value(value):
    """A parsed value (string, number or list of them) written back as TOML."""
    if isinstance(value, list):
        return "[%s]" % ", ".join(toml_value(v) for v in value)
    return json.dumps(value)


def card_with(field, raw):
    """The good card's TOML with one field (top-level, or expect.NAME) set to the raw TOML value."""
    data = catalogue.tomllib.loads(GOOD.read_text(encoding="utf-8"))
    top = {k: toml_value(v) for k, v in data.items() if k not in ("expect", "edits")}
    expect = {k: toml_value(v) for k, v in data["expect"].items()}
    edits = data["edits"]
    table, _, key = field.rpartition(".")
    if table:
        expect[key] = raw
    elif key == "expect":
        expect, top[key] = None, raw
    elif key == "edits":
        edits, top[key] = None, raw
    else:
        top[key] = raw
    lines = ["%s = %s" % item for item in top.items()]
    if expect is not None:
        lines += ["[expect]"] + ["%s = %s" % item for item in expect.items()]
    for edit in edits or []:
        lines += ["[[edits]]", "find = %s" % toml_value(edit["find"]), "replace = %s" % toml_value(edit["replace"])]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("field", FIELDS)
def test_any_value_of_any_field_loads_or_is_a_card_error(tmp_path, field):
    """Whatever TOML value a field holds, loading the card returns a Card or raises CardError."""
    for raw in TOML_VALUES:
        path = write(tmp_path, GOOD.name, card_with(field, raw))
        try:
            catalogue.load_card(path)
        except catalogue.CardError as exc:
            assert str(exc).startswith(path.name) and "Fix: " in str(exc)
        except Exception as exc:  # pragma: no cover - the failure this test exists to show
            raise AssertionError("%s = %s raised %r" % (field, raw, exc)) from exc


def test_a_card_the_parser_cannot_read_stops_no_command_about_another_card(tmp_path, monkeypatch, capsys):
    from katas.cli import main
    write(tmp_path, GOOD.name, GOOD.read_text(encoding="utf-8"))
    write(tmp_path, "02-nested.toml", NESTED_ARRAYS)
    cards, broken = catalogue.load_catalogue(tmp_path)
    assert [c.id for c in cards] == ["missing-1-over-n"] and [b.path.name for b in broken] == ["02-nested.toml"]
    monkeypatch.setenv("KATA_CARDS", str(tmp_path))
    monkeypatch.setenv("KATA_WORKSPACE", str(tmp_path / "ws"))
    assert main(["list"]) == 0
    assert main(["start", "missing-1-over-n"]) == 0
    assert main(["check", "missing-1-over-n"]) == 1  # red, checked as usual
    out = capsys.readouterr().out
    assert "02-nested.toml" in out and "nested too deeply" in out and "uniform_scale" in out
