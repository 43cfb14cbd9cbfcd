"""Promoting a mutant to a bug card: the card written from its diff and diagnosis, and what is refused."""
import json

import pytest

from katas import catalogue, cli
from katas.audit import census, promote
from katas.commands.dev import promote as dev_promote
from reference import diagnose


def test_promote_writes_a_card_that_loads_and_gets_its_diagnosis(tmp_path, capsys):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "07-existing-card.toml").write_text(
        catalogue.CARDS_DIR.joinpath("01-missing-1-over-n.toml").read_text(encoding="utf-8").replace(
            'id = "missing-1-over-n"', 'id = "existing-card"'), encoding="utf-8")
    code = cli.main(["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores /= N",
                     "--after", "dscores *= N", "--cards", str(cards)])
    assert code == 0, capsys.readouterr().out
    path = cards / "08-mutant-softmax-cross-entropy-1.toml"
    card = catalogue.load_card(path)
    assert card.signature == "uniform_scale" and card.params == ("W1", "b1", "W2", "b2")
    assert card.title.startswith(promote.PLACEHOLDER) and card.story.startswith(promote.PLACEHOLDER)
    assert all(h.startswith(promote.PLACEHOLDER) for h in card.hints) and card.fix.startswith(promote.PLACEHOLDER)
    variant = catalogue.apply_edits(card)
    assert variant.count("dscores *= N") == 1 and "dscores /= N" not in variant
    diagnosis = diagnose.diagnose(catalogue.variant(card).loss)
    assert catalogue.expectation_errors(card, diagnosis) == []


def test_promote_takes_a_mutant_by_name_from_the_audit_report(tmp_path, capsys):
    original = catalogue.reference_source("net")
    line = original.splitlines().index("    dW2 = dW2 + reg * W2  # (H, C): d/dW2 of (reg / 2) ||W2||^2") + 1
    report = {"mutants": [{"name": "reference.net.x_loss__mutmut_63", "path": "reference/net.py", "function": "loss",
                           "line": line, "status": "killed", "equivalent": None,
                           "before": ["    dW2 = dW2 + reg * W2  # (H, C): d/dW2 of (reg / 2) ||W2||^2"],
                           "after": ["    dW2 = dW2 - reg * W2  # (H, C): d/dW2 of (reg / 2) ||W2||^2"]}]}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    mutant = dev_promote.from_report("reference.net.x_loss__mutmut_63", tmp_path / "report.json", original)
    diagnosis = census.diagnose_source(mutant.source, mutant.name)
    path = promote.write_card(mutant, diagnosis, tmp_path / "cards", card_id="penalty-sign")
    card = catalogue.load_card(path)
    assert path.name == "01-penalty-sign.toml"
    assert (card.signature, card.params) == ("reg_only", ("W2",))
    assert catalogue.apply_edits(card, original) == mutant.source
    assert cli.main(["dev", "promote", "reference.net.x_loss__mutmut_999", "--report",
                     str(tmp_path / "report.json"), "--cards", str(tmp_path / "cards")]) == 1
    assert "no mutant reference.net.x_loss__mutmut_999" in capsys.readouterr().out


def test_promote_refuses_a_mutant_the_diagnoser_reads_as_ok(tmp_path):
    original = catalogue.reference_source("net")
    mutant = dev_promote.from_diff("relu_backward", "dz = dh * (z > 0)", "dz = dh * (z >= 0)", original)
    with pytest.raises(promote.PromoteError, match="go green with the bug still in"):
        promote.write_card(mutant, {"signature": "ok", "params": []}, tmp_path, original=original)
    mutant.equivalent = "registered"
    path = promote.write_card(mutant, {"signature": "ok", "params": [], "evidence": ""}, tmp_path, original=original)
    assert catalogue.load_card(path).equivalent
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_find_is_widened_until_it_matches_once():
    source = "a = 1\nx = 0\nb = 2\nx = 0\n"
    find, start, end = promote.unique_find(source, 1, 2)
    assert find == "a = 1\nx = 0\n" and source.count(find) == 1 and (start, end) == (0, 2)


def test_toml_strings_round_trip():
    for text in ["plain", 'with "quotes" and \\ backslash', "two\nlines\n", "ends with '", "has ''' inside\n"]:
        assert catalogue.tomllib.loads("v = %s" % promote.toml_string(text))["v"] == text


def test_a_domain_mutant_of_the_audit_report_becomes_a_card(tmp_path):
    """The domain operators' mutants are in the same report, by the same fields: drop_onehot's mutant
    of net.py (the softmax gradient without its one-hot) becomes a kata diagnosed mixed."""
    from katas.audit import domain
    root = catalogue.reference_path("net").parent.parent
    mutant = next(m for m in domain.generate(root, ["reference/net.py"]) if m.operator == "drop_onehot")
    report = {"mutants": [dict(mutant.to_dict(), status="killed")]}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    original = catalogue.reference_source("net")
    found = dev_promote.from_report(mutant.name, tmp_path / "report.json", original)
    assert found.source == mutant.source
    diagnosis = census.diagnose_source(found.source, found.name)
    path = promote.write_card(found, diagnosis, tmp_path / "cards", card_id="no-one-hot")
    card = catalogue.load_card(path)
    assert card.signature == diagnosis["signature"] == "mixed"
    assert catalogue.apply_edits(card, original) == mutant.source
