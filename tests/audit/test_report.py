"""The audit's reports (text, JSON, HTML): what each lists, and a stale register first and ungraded."""
import json
import pathlib
from html import escape as html_escape

import pytest

from katas.audit import equivalence, mutants, report as audit_report, runner
from tests.audit.toy import (ALL_KILLED, INSTRUMENTED, ORIGINAL, SURVIVOR_ENTRY, by_number, make_audit,
                             write_register, write_results, write_toy_project)


@pytest.fixture
def fixture_audit(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p", original=ORIGINAL.replace(
        "return 2 * x  # twice", "return 2 * x < 3  # twice"), instrumented=INSTRUMENTED.replace(
        "return 2 * x  # twice", "return 2 * x < 3  # twice").replace("3 * x", "3 * x < 3").replace(
        "2 / x", "2 / x < 3")))
    table = by_number(found)
    table["double", 1].diagnosis = {"signature": "uniform_scale", "params": ["W1"], "factor": 1.5,
                                    "factor_tracks": "constant", "evidence": "e"}
    table["double", 2].diagnosis = {"signature": "ok", "params": [], "factor": None, "factor_tracks": None,
                                    "evidence": "e"}
    settings = runner.load_settings(write_toy_project(tmp_path / "toy"))
    return make_audit(settings, found, cards={"uniform_scale": 3, "mutates_input": 1})


def test_the_text_report_lists_counts_score_survivors_with_function_and_diff(fixture_audit):
    text = audit_report.text(fixture_audit)
    assert "killed                      1" in text and "survived                    1" in text
    assert "timeout                     1" in text
    assert "1 killed / (3 mutants - 0 equivalent) = 33.3% [low" in text
    assert "toy.calc.x_double__mutmut_2  [survived] in double() at toy/calc.py:5; diagnose says ok" in text
    assert "-    return 2 * x < 3  # twice" in text and "+    return 2 / x < 3  # twice" in text
    assert "[[mutant]]" in text and 'before = "return 2 * x < 3"' in text
    assert "  uniform_scale              1       3" in text and "`@` or `.T`" in text
    assert "only the hand-written cards produce: mutates_input" in text


def test_the_json_report_lists_every_mutant_with_status_diff_and_signature(fixture_audit, tmp_path):
    json_path, html_path = audit_report.write_reports(fixture_audit, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["total"] == 3 and data["killed"] == 1 and data["score"] == pytest.approx(1 / 3.0)
    assert data["counts"]["timeout"] == 1 and data["census"] == {"uniform_scale": 1}
    rows = {m["name"]: m for m in data["mutants"]}
    assert len(rows) == 3
    row = rows["toy.calc.x_double__mutmut_1"]
    assert row["status"] == "killed" and row["diagnosis"]["signature"] == "uniform_scale"
    assert row["function"] == "double" and row["line"] == 5 and "+    return 3 * x < 3" in row["diff"]
    assert "source" not in row


def test_the_html_report_is_self_contained_and_escapes_the_code(fixture_audit, tmp_path):
    _, html_path = audit_report.write_reports(fixture_audit, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    for external in ("<script src", "<link", "src=", "http://", "https://", "@import"):
        assert external not in page
    assert page.count("<script>") == 1  # the inline filtering and sorting, nothing fetched
    for m in fixture_audit.mutants:
        assert 'id="%s"' % m.name in page
    assert "return 2 / x &lt; 3" in page and "return 2 / x < 3" not in page
    assert "uniform_scale (W1)" in page and "timeout" in page and "<td>mutates_input</td>" in page


def test_every_report_names_the_mutated_files(fixture_audit, tmp_path):
    # the toy project's source_paths is toynet/, but the mutants are of toy/calc.py
    assert fixture_audit.settings.source_paths == ["toynet/"]
    assert audit_report.text(fixture_audit).startswith("mutation audit of toy/calc.py: 3 mutants")
    json_path, html_path = audit_report.write_reports(fixture_audit, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert "<title>Mutation audit of toy/calc.py: 33.3%</title>" in page
    assert "<h1>Mutation audit of toy/calc.py</h1>" in page and "toynet/" not in page.split("<h2>")[0]
    assert json.loads(json_path.read_text(encoding="utf-8"))["mutated_files"] == ["toy/calc.py"]


@pytest.fixture(params=["killed", "no mutant"])
def stale_audit(request, tmp_path):
    """Every mutant killed, and a register entry that matches a killed mutant or none at all."""
    found = mutants.read_results(write_results(tmp_path / "p", codes=ALL_KILLED))
    entry = dict(SURVIVOR_ENTRY, after="return 3 * x") if request.param == "killed" else dict(
        SURVIVOR_ENTRY, before="return 4 * x")
    register = write_register(tmp_path / "r.toml", [entry])
    problems = equivalence.apply_register(equivalence.load_register(register), found)
    assert len(problems) == 1
    settings = runner.load_settings(write_toy_project(tmp_path / "toy"))
    return make_audit(settings, found, problems, register_path=register)


def test_a_stale_register_comes_first_in_the_text_report_and_the_score_has_no_grade(stale_audit):
    text = audit_report.text(stale_audit)
    lines = text.splitlines()
    assert "EQUIVALENCE REGISTER ERROR" in lines[1] and "no grade" in lines[1]
    assert lines[2] == "  - " + stale_audit.register_problems[0]
    assert text.index(stale_audit.register_problems[0]) < text.index("mutation audit of toy/calc.py")
    assert text.count(stale_audit.register_problems[0]) == 1
    score = [line for line in lines if "mutation score" in line]
    assert len(score) == 1 and score[0].startswith("mutation score not graded: the equivalence register is stale")
    assert "Without its stale entries: 3 killed / (3 mutants - 0 equivalent) = 100.0%, with no band" in score[0]
    for grade in ("[high", "[medium", "[low", "[none", "high >="):
        assert grade not in text
    # the status table and the score line agree: the mutant the entry names is killed
    assert "killed                      3" in text and "registered equivalent       0" in text
    assert "registered equivalent (shown" not in text


def test_a_stale_register_is_in_the_json_report_with_no_band(stale_audit, tmp_path):
    json_path, _ = audit_report.write_reports(stale_audit, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["graded"] is False and data["register_stale"] is True
    assert data["band"] is None and data["passed_break"] is None
    assert data["register_problems"] == stale_audit.register_problems
    assert data["killed"] == data["counts"]["killed"] == 3 and data["equivalent"] == 0
    assert data["score_line"].startswith("mutation score not graded")
    assert all(m["equivalent"] is None for m in data["mutants"])


def test_a_stale_register_comes_first_in_the_html_report_with_no_band(stale_audit, tmp_path):
    _, html_path = audit_report.write_reports(stale_audit, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert "<title>Mutation audit of toy/calc.py: not graded, the register is stale</title>" in page
    error = page.index('<div class="error" id="register-error">')
    assert page.index("<h1>Mutation audit of toy/calc.py</h1>") < error < page.index("mutation score not graded")
    assert html_escape(stale_audit.register_problems[0]) in page and "EQUIVALENCE REGISTER ERROR" in page
    assert '<p class="band-none"><strong>mutation score not graded' in page
    for grade in ('class="band-high"', 'class="band-medium"', 'class="band-low"', "[high", "100.0%</title>"):
        assert grade not in page
    assert 'class="equivalent"' not in page


def test_a_sound_register_gets_a_grade_and_no_register_error(fixture_audit, tmp_path):
    assert fixture_audit.score.graded
    text = audit_report.text(fixture_audit)
    assert "REGISTER ERROR" not in text and "not graded" not in text
    json_path, html_path = audit_report.write_reports(fixture_audit, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert (data["graded"], data["band"], data["passed_break"], data["register_problems"]) == (True, "low", False, [])
    assert "register-error" not in html_path.read_text(encoding="utf-8")


def test_reports_are_never_written_inside_mutants(fixture_audit, tmp_path):
    with pytest.raises(ValueError, match="mutmut owns"):
        audit_report.write_reports(fixture_audit, tmp_path / "mutants" / "reports")
    assert not (tmp_path / "mutants").exists()


SCHEMA = json.loads((pathlib.Path(__file__).parent / "mutation-testing-report-schema.json").read_text(encoding="utf-8"))


def test_the_mutation_testing_elements_report_validates_against_the_published_schema(fixture_audit, tmp_path):
    """tests/audit/mutation-testing-report-schema.json is the schema of mutation-testing-elements 3.8.4
    (the npm package mutation-testing-report-schema, Apache-2.0), unchanged."""
    import jsonschema
    fixture_audit.mutants[0].kind, fixture_audit.mutants[0].operator = "domain", "swap_axis"
    audit_report.write_reports(fixture_audit, tmp_path / "out")
    document = json.loads((tmp_path / "out" / audit_report.STRYKER_NAME).read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    mutants_ = document["files"]["toy/calc.py"]["mutants"]
    assert {m["status"] for m in mutants_} == {"Killed", "Survived", "Timeout"}
    assert mutants_[0]["mutatorName"] == "domain:swap_axis"
    assert "diagnosed uniform_scale (W1)" in mutants_[0]["description"]
    broken = dict(document, schemaVersion="7")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_a_one_line_change_is_located_to_its_columns():
    mutant = mutants.Mutant(name="m", path="p.py", function="f", number=1, exit_code=1, status="killed",
                            duration=None, line=7, before=("    return x @ w.T",), after=("    return x @ w",), diff="")
    where, replacement = audit_report.location(mutant)
    assert where == {"start": {"line": 7, "column": 17}, "end": {"line": 7, "column": 19}} and replacement == ""


def test_scores_by_source_and_by_operator(fixture_audit):
    for mutant, (kind, operator) in zip(fixture_audit.mutants, [("domain", "swap_axis"), ("mutmut", "number"),
                                                                ("mutmut", "number")], strict=True):
        mutant.kind, mutant.operator = kind, operator
    fixture_audit.sources = ["mutmut", "domain"]
    text = audit_report.text(fixture_audit)
    assert "by source" in text and "by operator" in text and "domain: swap_axis" in text
    data = audit_report.to_json(fixture_audit)
    assert set(data["by_source"]) == {"domain", "mutmut"} and data["not_mutated"] is None
    assert "`@` or `.T`" not in text


def test_the_html_report_filters_by_status_operator_and_signature_and_shows_the_census(fixture_audit, tmp_path):
    fixture_audit.mutants[0].kind, fixture_audit.mutants[0].operator = "domain", "swap_axis"
    fixture_audit.sources = ["mutmut", "domain"]
    _, html_path = audit_report.write_reports(fixture_audit, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    for name in ("status", "operator", "signature"):
        assert 'select data-filter="%s"' % name in page
    assert 'data-operator="domain: swap_axis"' in page and 'data-signature="uniform_scale"' in page
    assert "Score by operator" in page and "Signature census of the killed mutants" in page
