"""The mutation audit: reading mutmut's results, the register, the score, the reports, promote,
the census, and the working tree left untouched when the audit is interrupted.

No full `mutmut run` of the network here (the audit itself does that, in CI); the results
are fixture files written in tmp_path, laid out as mutmut 3 writes them.
"""
import itertools
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from html import escape as html_escape

import pytest

from katas import catalogue, cli
from katas.audit import census, equivalence, mutants, promote, report as audit_report, runner
from katas.commands.dev import promote as dev_promote
from reference import diagnose

SEP = "\u01c1"
ORIGINAL = '''"""A toy module."""


def double(x):
    return 2 * x  # twice


class Net(object):
    def forward(self, x):
        return x + 1
'''
# Laid out as mutmut 3.8 writes it: the trampolined original, an unmodified copy, one
# function per mutant; a method's copies stay in its class, named with U+01C1.
INSTRUMENTED = '''"""A toy module."""


def double(x):
    return 2 * x  # twice


def x_double__mutmut_orig(x):
    return 2 * x  # twice


def x_double__mutmut_1(x):
    return 3 * x  # twice


def x_double__mutmut_2(x):
    return 2 / x  # twice


class Net(object):
    def forward(self, x):
        return x + 1
    def xSNetSforward__mutmut_orig(self, x):
        return x + 1
    def xSNetSforward__mutmut_1(self, x):
        return x - 1
'''.replace("xSNetS", "x%sNet%s" % (SEP, SEP))
CODES = {"toy.calc.x_double__mutmut_1": 1, "toy.calc.x_double__mutmut_2": 0,
         "toy.calc.x%sNet%sforward__mutmut_1" % (SEP, SEP): 36}


def write_results(root, codes=CODES, original=ORIGINAL, instrumented=INSTRUMENTED):
    """A project folder as mutmut leaves it: the source, mutants/<source> and its .meta."""
    (root / "toy").mkdir(parents=True)
    (root / "toy" / "calc.py").write_text(original, encoding="utf-8")
    (root / "mutants" / "toy").mkdir(parents=True)
    (root / "mutants" / "toy" / "calc.py").write_text(instrumented, encoding="utf-8")
    meta = {"exit_code_by_key": codes, "hash_by_function_name": {}, "type_check_error_by_key": {},
            "durations_by_key": {k: 0.25 for k in codes}, "estimated_durations_by_key": {}}
    (root / "mutants" / "toy" / "calc.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    return root


ALL_KILLED = {name: 1 for name in CODES}


def by_number(found):
    return {(m.function, m.number): m for m in found}


# -- reading mutmut's results --------------------------------------------------------------

@pytest.mark.parametrize("code, status", [
    (1, "killed"), (3, "killed"), (0, "survived"), (5, "no tests"), (33, "no tests"), (34, "skipped"),
    (35, "suspicious"), (36, "timeout"), (-24, "timeout"), (24, "timeout"), (152, "timeout"), (255, "timeout"),
    (37, "caught by type check"), (-11, "segfault"), (-9, "segfault"), (2, "interrupted"), (None, "not checked"),
    (99, "suspicious"),
])
def test_exit_codes_map_to_statuses(code, status):
    assert mutants.status_of(code) == status


def test_the_status_table_agrees_with_the_installed_mutmut():
    from mutmut.stats import status_by_exit_code
    for code, status in status_by_exit_code.items():
        expected = "interrupted" if status == "check was interrupted by user" else status
        assert mutants.status_of(code) == expected, code
        assert expected in mutants.STATUSES


def test_meta_files_become_mutants_with_status_function_line_and_diff(tmp_path):
    found = mutants.read_results(write_results(tmp_path))
    assert [m.name for m in found] == ["toy.calc.x_double__mutmut_1", "toy.calc.x_double__mutmut_2",
                                       "toy.calc.x%sNet%sforward__mutmut_1" % (SEP, SEP)]
    table = by_number(found)
    killed, survivor, method = table["double", 1], table["double", 2], table["Net.forward", 1]
    assert (killed.status, survivor.status, method.status) == ("killed", "survived", "timeout")
    assert killed.path == "toy/calc.py" and killed.line == 5 and method.line == 10
    assert survivor.before == ("    return 2 * x  # twice",) and survivor.after == ("    return 2 / x  # twice",)
    assert survivor.change == "return 2 * x -> return 2 / x"
    assert "-    return 2 * x  # twice\n+    return 2 / x  # twice" in survivor.diff
    assert "@@ -3," in survivor.diff  # hunk line numbers are the file's, not the function's
    assert survivor.duration == 0.25
    namespace = {}
    exec(compile(method.source, "toy", "exec"), namespace)
    assert namespace["Net"]().forward(5) == 4 and namespace["double"](5) == 10
    assert method.source.replace("x - 1", "x + 1") == ORIGINAL


def test_a_mutant_rebuilt_from_its_lines_has_the_same_source(tmp_path):
    found = mutants.read_results(write_results(tmp_path))
    for m in found:
        again = mutants.from_lines(m.path, ORIGINAL, m.line, m.before, m.after)
        assert again.source == m.source and again.diff == m.diff
    with pytest.raises(mutants.MutantsError, match="no longer"):
        mutants.from_lines("toy/calc.py", ORIGINAL.replace("2 * x", "4 * x"), 5, found[0].before, found[0].after)


@pytest.mark.parametrize("change, words", [
    (lambda root: (root / "mutants" / "toy" / "calc.py.meta").write_text("{", encoding="utf-8"), "cannot read"),
    (lambda root: (root / "mutants" / "toy" / "calc.py.meta").write_text("{}", encoding="utf-8"),
     "no exit_code_by_key"),
    (lambda root: (root / "toy" / "calc.py").write_text(ORIGINAL.replace("x + 1", "x + 2"), encoding="utf-8"),
     "stale"),
    (lambda root: (root / "toy" / "calc.py").write_text(ORIGINAL.replace("def double", "def triple"),
                                                         encoding="utf-8"), "no function double"),
])
def test_unreadable_or_stale_results_are_an_error_not_a_guess(tmp_path, change, words):
    root = write_results(tmp_path)
    change(root)
    with pytest.raises(mutants.MutantsError, match=words):
        mutants.read_results(root)


def test_every_mutant_mutmut_makes_of_the_network_is_read_back_exactly(tmp_path, monkeypatch):
    """mutmut's own generator on reference/net.py: each mutant's source differs from the original
    in its changed lines only, and is rebuilt the same from the lines a report keeps."""
    from mutmut import configuration
    from mutmut.mutation.file_mutation import mutate_file_contents

    original = catalogue.reference_source("net")
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["reference/"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    configuration.reset_config()
    try:
        generated = mutate_file_contents("reference/net.py", original)
    finally:
        configuration.reset_config()
    mutated = mutants.MutatedFile("reference/net.py", original, generated.code)
    names = ["reference.net." + name for name in generated.mutant_names]
    assert len(names) > 100
    for name in names:
        m = mutated.mutant(name, 1)
        assert m.source != original and m.before != m.after, name
        assert mutants.from_lines(m.path, original, m.line, m.before, m.after).source == m.source, name
        before, after = mutants.normalize(m.before), mutants.normalize(m.after)
        if "None" not in after:  # `@` and `.T` survive every mutation that keeps the expression
            assert (after.count("@"), after.count(".T")) == (before.count("@"), before.count(".T")), name


def test_normalize_drops_comments_but_keeps_hashes_in_strings():
    assert mutants.normalize(["    dz = dh * (z > 0)   # (N, H) mask"]) == "dz = dh * (z > 0)"
    assert mutants.normalize(['    key = params["#W1"]  # odd']) == 'key = params["#W1"]'
    assert mutants.normalize(["a = 1", "  b  =  2"]) == "a = 1\nb = 2"


# -- the equivalence register --------------------------------------------------------------

def write_register(path, entries):
    lines = ["format_version = 1", ""]
    for entry in entries:
        lines.append("[[mutant]]")
        lines += ["%s = %s" % (k, json.dumps(v)) for k, v in entry.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


SURVIVOR_ENTRY = {"file": "toy/calc.py", "function": "double", "before": "return 2 * x",
                  "after": "return   2 / x  # comments and spacing do not matter", "reason": "a toy reason"}


def test_a_matching_entry_marks_the_mutant_and_leaves_it_out_of_the_score(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    entries = equivalence.load_register(write_register(tmp_path / "r.toml", [SURVIVOR_ENTRY]))
    assert equivalence.apply_register(entries, found) == []
    survivor = by_number(found)["double", 2]
    assert survivor.equivalent == "a toy reason"
    score = runner.compute_score(found, runner.DEFAULT_THRESHOLDS)
    assert (score.total, score.equivalent, score.killed) == (3, 1, 1)
    assert score.score == pytest.approx(1 / 2)  # the timeout still counts against it


def test_an_entry_that_matches_no_mutant_fails_loudly(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    stale = dict(SURVIVOR_ENTRY, before="return 2 * x + 0")
    entries = equivalence.load_register(write_register(tmp_path / "r.toml", [SURVIVOR_ENTRY, stale]))
    problems = equivalence.apply_register(entries, found)
    assert len(problems) == 1 and "entry 1" in problems[0] and "matches no mutant" in problems[0]
    other_function = dict(SURVIVOR_ENTRY, function="forward")
    problems = equivalence.apply_register(
        equivalence.load_register(write_register(tmp_path / "r2.toml", [other_function])), found)
    assert len(problems) == 1 and "matches no mutant" in problems[0]


def test_an_entry_that_matches_a_killed_mutant_is_a_problem(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    killed = dict(SURVIVOR_ENTRY, after="return 3 * x")
    problems = equivalence.apply_register(
        equivalence.load_register(write_register(tmp_path / "r.toml", [killed])), found)
    assert len(problems) == 1 and "which the tests kill" in problems[0]
    assert by_number(found)["double", 1].equivalent is None  # it stays killed, not equivalent


def test_a_stale_register_leaves_the_score_ungraded_and_a_killed_mutant_killed(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p", codes=ALL_KILLED))
    killed = dict(SURVIVOR_ENTRY, after="return 3 * x")
    problems = equivalence.apply_register(
        equivalence.load_register(write_register(tmp_path / "r.toml", [killed])), found)
    score = runner.compute_score(found, runner.DEFAULT_THRESHOLDS, problems)
    assert score.counts["killed"] == score.killed == 3 and score.equivalent == 0
    assert score.score == 1.0  # computed without the stale entry ...
    assert (score.graded, score.band, score.passed) == (False, None, None)  # ... but given no grade
    sound = runner.compute_score(found, runner.DEFAULT_THRESHOLDS)
    assert (sound.graded, sound.band, sound.passed) == (True, "high", True)


def test_a_killed_mutant_marked_equivalent_still_counts_as_killed():
    found = [fake("killed"), fake("killed", equivalent="wrongly"), fake("survived", equivalent="r")]
    score = runner.compute_score(found, runner.DEFAULT_THRESHOLDS)
    assert (score.killed, score.counts["killed"], score.equivalent, score.total) == (2, 2, 1, 3)
    assert score.score == 1.0


@pytest.mark.parametrize("extra", [[], ["--break"]])
def test_the_audit_command_exits_2_when_the_register_is_stale(tmp_path, monkeypatch, capsys, extra):
    found = mutants.read_results(write_results(tmp_path / "p", codes=ALL_KILLED))
    settings = runner.load_settings(write_toy_project(tmp_path / "toy"))
    stale = equivalence.load_register(write_register(tmp_path / "r.toml", [dict(SURVIVOR_ENTRY, before="x")]))
    problems = equivalence.apply_register(stale, found)
    result = make_audit(settings, found, problems, register_path=tmp_path / "r.toml")
    monkeypatch.setattr(runner, "run_audit", lambda *a, **k: result)
    code = cli.main(["audit", "--root", str(tmp_path / "toy"), "--out", str(tmp_path / "out")] + extra)
    output = capsys.readouterr().out
    assert code == 2 and "EQUIVALENCE REGISTER ERROR" in output and "matches no mutant" in output
    assert output.index("EQUIVALENCE REGISTER ERROR") < output.index("mutation audit of")
    assert output.index("matches no mutant") < output.index("mutation score")
    assert "[high" not in output and "not graded" in output
    assert output.strip().splitlines()[-1].endswith("fix %s and run the audit again" % (tmp_path / "r.toml"))


@pytest.mark.parametrize("text, words", [
    ("format_version = 2\n", "format_version is 2"),
    ("format_version = 1\n[[mutant]]\nfile = 'a.py'\n", "lacks function"),
    ("format_version = 1\n[[mutant]]\nfile = 'a.py'\nfunction = 'f'\nbefore = 'x'\nafter = 'y'\nreason = ' '\n",
     "empty reason"),
    ("format_version = 1\n[[mutant]]\nfile = 'a.py'\nfunction = 'f'\nbefore = 'x'\nafter = 'y'\nreason = 'r'\n"
     "colour = 'red'\n", "unknown colour"),
    ("format_version = 1\nmutants = []\n", "unknown top-level field"),
    ("format_version = [\n", "not valid TOML"),
])
def test_a_malformed_register_is_refused_with_the_reason(tmp_path, text, words):
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(equivalence.RegisterError, match=words):
        equivalence.load_register(path)


def test_the_committed_register_loads_and_its_entries_have_reasons():
    for entry in equivalence.load_register():
        assert entry.reason and entry.file == "reference/net.py"


def test_a_survivor_register_entry_is_printed_ready_to_paste(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    text = equivalence.entry_text(by_number(found)["double", 2], reason="pasted")
    path = tmp_path / "pasted.toml"
    path.write_text("format_version = 1\n\n" + text, encoding="utf-8")
    entries = equivalence.load_register(path)
    assert equivalence.apply_register(entries, found) == []
    assert by_number(found)["double", 2].equivalent == "pasted"


# -- score arithmetic ----------------------------------------------------------------------

NUMBERS = itertools.count(1)


def fake(status, equivalent=None):
    """A mutant of a given status, without files behind it."""
    n = next(NUMBERS)
    return mutants.Mutant(name="m.x_f__mutmut_%d" % n, path="m.py", function="f", number=n, exit_code=None,
                          status=status, duration=None, line=1, before=("a",), after=("b",), diff="",
                          equivalent=equivalent)


@pytest.mark.parametrize("statuses, equivalent, expected", [
    (["killed"] * 10, 0, 1.0),
    (["killed"] * 7 + ["survived", "timeout", "no tests"], 0, 0.7),
    (["killed"] * 7 + ["survived", "timeout", "no tests"], 1, 7 / 9.0),
    (["killed"] * 3 + ["suspicious", "skipped"], 0, 0.6),
    (["survived"], 1, None),
])
def test_the_score_is_killed_over_total_minus_equivalent(statuses, equivalent, expected):
    found = [fake(s) for s in statuses]
    for m in [m for m in found if m.status != "killed"][:equivalent]:
        m.equivalent = "reason"
    score = runner.compute_score(found, runner.DEFAULT_THRESHOLDS)
    assert score.total == len(statuses) and score.equivalent == equivalent
    assert sum(score.counts.values()) == len(statuses)
    if expected is None:
        assert score.score is None and score.band == "none" and not score.passed
    else:
        assert score.score == pytest.approx(expected)
        assert score.counts["killed"] == statuses.count("killed")


@pytest.mark.parametrize("killed, band, passed", [(10, "high", True), (9, "medium", False), (8, "low", False)])
def test_bands_and_the_break_threshold(killed, band, passed):
    found = [fake("killed") for _ in range(killed)] + [fake("survived") for _ in range(10 - killed)]
    score = runner.compute_score(found, {"high": 100.0, "low": 85.0, "break": 100.0})
    assert (score.band, score.passed) == (band, passed)
    assert runner.compute_score(found, {"high": 100.0, "low": 85.0, "break": 80.0}).passed


def test_the_cards_census_counts_the_catalogue_by_signature():
    counts = runner.card_census()
    cards, _ = catalogue.load_catalogue()
    assert sum(counts.values()) == len(cards) and set(counts) <= set(diagnose.SIGNATURES)


def test_the_census_counts_killed_mutants_only():
    found = [fake("killed"), fake("killed"), fake("killed"), fake("survived"), fake("survived", equivalent="r"),
             fake("killed", equivalent="stale")]
    found[0].diagnosis = {"signature": "crash"}
    found[1].diagnosis = {"signature": "crash"}
    found[2].diagnosis = {"signature": None, "error": "timed out"}
    found[3].diagnosis = {"signature": "ok"}
    found[4].diagnosis = {"signature": "ok"}
    # a killed mutant is killed, whatever a (stale) register says of it
    assert runner.census_counts(found) == {"crash": 2, "(diagnosis failed)": 1, "(not diagnosed)": 1}


# -- settings and the copy -----------------------------------------------------------------

def write_toy_project(root, test_body=None):
    """A tiny project the audit can run: toynet/calc.py and one test file."""
    (root / "toynet").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
        '[tool.mutmut]\nsource_paths = ["toynet/"]\npytest_add_cli_args_test_selection = ["tests/test_toy.py"]\n\n'
        '[tool.backprop-kata.audit]\nhigh = 100\nlow = 50\nbreak = 100\n', encoding="utf-8")
    (root / "toynet" / "__init__.py").write_text("", encoding="utf-8")
    (root / "toynet" / "calc.py").write_text("def double(x):\n    return 2 * x\n\n\ndef is_positive(x):\n"
                                             "    return x > 0\n", encoding="utf-8")
    (root / "tests" / "test_toy.py").write_text(test_body or (
        "from toynet import calc\n\n\ndef test_double():\n    assert calc.double(3) == 6\n\n\n"
        "def test_is_positive():\n    assert calc.is_positive(1) and not calc.is_positive(-1)\n"), encoding="utf-8")
    (root / "tests" / "test_other.py").write_text("def test_other():\n    pass\n", encoding="utf-8")
    (root / "README.md").write_text("not copied\n", encoding="utf-8")
    return root


def test_the_project_configures_mutmut_for_the_network_and_its_checks():
    settings = runner.load_settings(runner.default_root())
    assert settings.source_paths == ["reference/"]
    for fixed in ("reference/gradcheck.py", "reference/diagnose.py", "reference/problems.py",
                  "reference/__init__.py"):
        assert fixed in settings.do_not_mutate
    files = runner.selected_test_files(settings.test_selection)
    assert "tests/reference/test_net.py" in files and "tests/reference/test_network_probes.py" in files
    assert "tests/catalogue/test_cards.py" not in files  # it edits net.py's text, which mutmut instruments
    assert all((settings.root / f).is_file() for f in files)
    assert settings.census == {"reference/net.py": 1}
    assert settings.thresholds["break"] == 100.0


def test_the_network_is_plain_functions_so_mutmut_can_mutate_all_of_it():
    """mutmut 3 mutates code inside undecorated functions only: no classes, no decorators, and
    no module-level code beyond the docstring and imports in reference/net.py."""
    import ast
    tree = ast.parse(catalogue.reference_source("net"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            assert not node.decorator_list, node.name
        else:
            assert isinstance(node, (ast.Import, ast.ImportFrom)) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)), ast.dump(node)[:80]


def test_the_copy_holds_only_what_mutmut_needs(tmp_path):
    settings = runner.load_settings(write_toy_project(tmp_path / "toy"))
    copied = runner.copy_project(settings, tmp_path / "copy")
    assert copied == ["pyproject.toml", "toynet", "tests/test_toy.py"]
    files = sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*") if p.is_file())
    assert files == ["pyproject.toml", "tests/test_toy.py", "toynet/__init__.py", "toynet/calc.py"]


@pytest.mark.parametrize("change, words", [
    (lambda t: t.replace('source_paths = ["toynet/"]\n', ""), "no source_paths"),
    (lambda t: t.replace("[tool.mutmut]", "[tool.other]"), "no \\[tool.mutmut\\]"),
    (lambda t: t.replace("low = 50", "low = 150"), "low = 150"),
    (lambda t: t.replace("low = 50", "low = 100.5"), "percentage"),
])
def test_bad_settings_are_refused(tmp_path, change, words):
    root = write_toy_project(tmp_path / "toy")
    path = root / "pyproject.toml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(runner.AuditError, match=words):
        runner.load_settings(root)


def test_a_selected_test_file_that_is_missing_is_an_error(tmp_path):
    root = write_toy_project(tmp_path / "toy")
    (root / "tests" / "test_toy.py").unlink()
    with pytest.raises(runner.AuditError, match="does not exist"):
        runner.copy_project(runner.load_settings(root), tmp_path / "copy")


# -- reports -------------------------------------------------------------------------------

def make_audit(settings, found, problems=(), cards=None, register_path=None):
    return runner.Audit(settings=settings, mutants=found,
                       score=runner.compute_score(found, settings.thresholds, problems),
                       census=runner.census_counts(found), register_problems=list(problems),
                       seconds={"copy": 0.1, "mutmut": 2.0, "total": 2.2}, mutmut_version="3.8.1", max_children=2,
                       cards=cards or {}, register_path=register_path)


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
    for external in ("<script", "<link", "src=", "http://", "https://", "@import"):
        assert external not in page
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


# -- the census ----------------------------------------------------------------------------

def test_the_census_diagnoses_each_mutant_and_stops_one_that_hangs(tmp_path):
    source = catalogue.reference_source("net")
    first = '    W1, b1, W2, b2 = params["W1"]'
    hang = source.replace(first, "    while True:\n        pass\n" + first)
    assert hang != source
    jobs = [{"name": "hangs", "source": hang},
            {"name": "unscaled", "source": source.replace("    dscores /= N  #", "    pass  #")},
            {"name": "broken", "source": "def loss(:\n"}]
    results = census.diagnose_all(jobs, tmp_path, timeout=0.5)
    assert results[0]["signature"] is None and "did not finish within 0.5 s" in results[0]["error"]
    assert results[1]["signature"] == "uniform_scale" and results[1]["factor_tracks"] == "N"
    assert results[2]["signature"] == "crash" and "does not load" in results[2]["evidence"]
    assert list(tmp_path.iterdir()) == []  # nothing written where the workers run


# -- promote -------------------------------------------------------------------------------

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


# -- a run interrupted with Ctrl-C leaves everything as it was -----------------------------

def snapshot(root):
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def processes_in(folder):
    """Pids of processes whose working directory is inside folder (Linux /proc only)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder) in os.readlink(entry / "cwd"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not pathlib.Path("/proc/self/cwd").exists() or not hasattr(os, "fork"),
                    reason="needs fork and /proc")
def test_ctrl_c_stops_mutmut_removes_the_copy_and_leaves_the_tree_untouched(tmp_path):
    slow = ("import time\nfrom toynet import calc\n\n\ndef test_double():\n    time.sleep(20)\n"
            "    assert calc.double(3) == 6\n")
    root = write_toy_project(tmp_path / "toy", test_body=slow)
    before = snapshot(root)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    process = subprocess.Popen(
        [sys.executable, "-m", "katas.cli", "audit", "--root", str(root), "--out", str(tmp_path / "out"),
         "--max-children", "1", "--no-census"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not list(scratch.glob("kata-audit-*/project/mutants/toynet/calc.py.meta")):
            assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
            time.sleep(0.05)
        assert processes_in(scratch)  # mutmut is running in the copy
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, output
    assert "interrupted" in output
    assert list(scratch.iterdir()) == []  # the copy is gone
    assert processes_in(scratch) == []  # and so are mutmut and its workers
    assert snapshot(root) == before
    assert not (tmp_path / "out").exists()


def make_file(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# (what to pass, built in tmp_path) -> words of the error; each fails before mutmut runs
BAD_AUDIT_ARGUMENTS = [
    (lambda t: ["--register", str(t)], "is not a file"),
    (lambda t: ["--register", str(make_file(t / "deep.toml", "x = " + "[" * 1000))], "nested too deeply"),
    (lambda t: ["--out", str(make_file(t / "a-file", ""))], "is not a folder"),
    (lambda t: ["--root", str(make_file(t / "pyproject.toml", "x = " + "[" * 1000).parent)], "nests too deeply"),
]


@pytest.mark.parametrize("argv, words", BAD_AUDIT_ARGUMENTS, ids=[row[1] for row in BAD_AUDIT_ARGUMENTS])
def test_bad_audit_arguments_are_named_without_a_traceback(tmp_path, capsys, argv, words):
    arguments = argv(tmp_path)
    if "--out" not in arguments:
        arguments += ["--out", str(tmp_path / "out")]
    if "--root" not in arguments:
        arguments += ["--root", str(write_toy_project(tmp_path / "toy"))]
    assert cli.main(["audit", "--no-census"] + arguments) == 2
    out = capsys.readouterr().out
    assert out.startswith("kata audit: ") and words in out, out


# -- stopped by a signal, or killed: mutmut and the copy go with the audit -------------------

# Stands in for mutmut (runner.MUTMUT): a process that forks a worker into its group and waits.
FAKE_MUTMUT = ("import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; "
               "time.sleep(300)']); time.sleep(300)")


def alive(pid):
    """True while pid is a process that is not a zombie (Linux /proc)."""
    try:
        with open("/proc/%d/stat" % pid) as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def wait_until(condition, seconds=30.0):
    """Poll condition until it holds or the (generous) deadline passes; return its last value."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(not pathlib.Path("/proc/self/cwd").exists() or not hasattr(os, "fork"),
                    reason="needs fork and /proc")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130),
                                          (signal.SIGKILL, -signal.SIGKILL)], ids=lambda v: getattr(v, "name", v))
def test_a_stopped_or_killed_audit_ends_mutmut_s_group_and_removes_the_copy(tmp_path, signum, code):
    root = write_toy_project(tmp_path / "toy")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    script = "import sys; from katas import cli; from katas.audit import runner; runner.MUTMUT = %r; sys.exit(cli.main(sys.argv[1:]))" % (
        FAKE_MUTMUT)
    process = subprocess.Popen(
        [sys.executable, "-c", script, "audit", "--root", str(root), "--out", str(tmp_path / "out"),
         "--max-children", "1", "--no-census"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # the fake mutmut and its worker, both in the copy (the watchdog waits in scratch itself)
        assert wait_until(lambda: len(processes_in(next(scratch.glob("kata-audit-*"), scratch / "none"))) == 2)
        children = processes_in(next(scratch.glob("kata-audit-*")))
        process.send_signal(signum)
        output = process.communicate(timeout=60)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, output
    if signum != signal.SIGKILL:
        assert "interrupted (%s)" % signal.Signals(signum).name in output
    assert wait_until(lambda: not any(alive(pid) for pid in children)), "mutmut or its worker outlived the audit"
    assert wait_until(lambda: processes_in(scratch) == [] and list(scratch.iterdir()) == []), (
        processes_in(scratch), list(scratch.iterdir()))
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux only")
def test_a_spawned_child_dies_with_its_parent_even_on_sigkill(tmp_path):
    script = ("import sys, time; from katas.audit import lifeline; child = lifeline.spawn([sys.executable, '-c', "
              "'import time; time.sleep(300)']); print(child.pid, flush=True); time.sleep(300)")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        child = int(parent.stdout.readline())
        assert alive(child)
        parent.kill()
        parent.wait()
    finally:
        if parent.poll() is None:
            parent.kill()
    assert wait_until(lambda: not alive(child))


def test_signal_exit_codes_are_128_plus_the_signal():
    from katas.audit import lifeline
    assert lifeline.exit_code(KeyboardInterrupt()) == 130
    assert lifeline.exit_code(lifeline.Stopped(signal.SIGTERM)) == 143
    assert lifeline.signal_name(lifeline.Stopped(signal.SIGHUP)) == "SIGHUP"


@pytest.mark.skipif(not os.environ.get("KATA_AUDIT_E2E"),
                    reason="a whole mutmut run on a toy project (about 6 s): set KATA_AUDIT_E2E=1")
def test_a_whole_audit_of_a_toy_project(tmp_path, capsys):
    root = write_toy_project(tmp_path / "toy")
    before = snapshot(root)
    register = write_register(tmp_path / "register.toml", [{
        "file": "toynet/calc.py", "function": "is_positive", "before": "return x > 0", "after": "return x >= 0",
        "reason": "toy: the tests never call is_positive(0)"}])
    args = ["audit", "--root", str(root), "--out", str(tmp_path / "out"), "--no-census", "--break"]
    assert cli.main(args + ["--register", str(tmp_path / "none.toml")]) == 1
    assert "75.0%" in capsys.readouterr().out
    assert cli.main(args + ["--register", str(register)]) == 0
    output = capsys.readouterr().out
    assert "3 killed / (4 mutants - 1 equivalent) = 100.0%" in output
    data = json.loads((tmp_path / "out" / audit_report.JSON_NAME).read_text(encoding="utf-8"))
    assert data["equivalent"] == 1 and data["counts"]["survived"] == 1
    assert snapshot(root) == before
