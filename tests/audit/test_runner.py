"""The audit's runner: the score and its bands, the census counts, the settings, the copy mutmut runs in."""
import fnmatch
import json
import os

import pytest

from katas import catalogue, cli
from katas.audit import report as audit_report, runner
from reference import diagnose
from tests.audit.toy import fake, snapshot, write_register, write_toy_project


def test_a_killed_mutant_marked_equivalent_still_counts_as_killed():
    found = [fake("killed"), fake("killed", equivalent="wrongly"), fake("survived", equivalent="r")]
    score = runner.compute_score(found, runner.DEFAULT_THRESHOLDS)
    assert (score.killed, score.counts["killed"], score.equivalent, score.total) == (2, 2, 1, 3)
    assert score.score == 1.0


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


def test_the_project_configures_mutmut_for_the_network_and_its_checks():
    settings = runner.load_settings(runner.default_root())
    assert settings.source_paths == ["reference/"]
    for fixed in ("reference/problems.py", "reference/__init__.py"):
        assert fixed in settings.do_not_mutate
    # mutmut matches each source file's path against do_not_mutate with fnmatch, where * spans /
    package = sorted(p.relative_to(settings.root).as_posix()
                     for p in (settings.root / "reference" / "diagnose").rglob("*.py"))
    assert "reference/diagnose/__init__.py" in package
    for fixed in package:
        assert any(fnmatch.fnmatch(fixed, pattern) for pattern in settings.do_not_mutate), fixed
    for mutated in ("reference/net.py", "reference/gradcheck.py"):  # the network, and the checker it stands on
        assert not any(fnmatch.fnmatch(mutated, pattern) for pattern in settings.do_not_mutate), mutated
    files = runner.selected_test_files(settings.test_selection)
    assert "tests/reference/test_net.py" in files and "tests/reference/test_network_probes.py" in files
    assert "tests/reference/test_gradcheck.py" in files and "tests/reference/test_gradcheck_properties.py" in files
    assert "tests/catalogue/test_cards.py" not in files  # it edits net.py's text, which mutmut instruments
    assert all((settings.root / f).is_file() for f in files)
    assert settings.census == {"reference/net.py": 1, "reference/mlp.py": 2,
                               "reference/batchnorm_net.py": "batchnorm_net", "reference/convnet.py": "convnet",
                               "reference/rnn.py": "rnn"}
    # every network's domain mutants are judged by tests that exist, the network's own among them
    assert set(settings.domain) == set(settings.census)
    for path, selection in settings.domain.items():
        files = runner.selected_test_files(selection)
        assert files and all((settings.root / f).is_file() for f in files)
        assert any(path.split("/")[-1][:-3] in f for f in files), (path, files)
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


def test_the_domain_source_alone_audits_a_project_in_a_copy_and_leaves_the_tree_untouched(tmp_path):
    from tests.audit.toy import snapshot, write_toy_project
    root = write_toy_project(tmp_path / "toy")
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text(encoding="utf-8") + (
        '\n[tool.backprop-kata.audit.domain]\n"toynet/calc.py" = ["tests/test_toy.py"]\n'), encoding="utf-8")
    before = snapshot(root)
    audit = runner.run_audit(root, max_children=1, register_path=tmp_path / "none.toml", diagnose=False,
                             sources=("domain",), out=lambda line: None)
    assert snapshot(root) == before
    assert audit.sources == ["domain"] and {m.kind for m in audit.mutants} == {"domain"}
    # is_positive's `x > 0` -> `x >= 0` survives (0 is never tested); everything else is killed
    survivors = [m for m in audit.mutants if m.status == "survived"]
    assert [m.operator for m in survivors] == ["relax_mask"] and survivors[0].function == "is_positive"
    assert audit.score.total == len(audit.mutants) and audit.score.killed == len(audit.mutants) - 1
    assert set(audit.breakdown(lambda m: m.kind)) == {"domain"}


def test_an_unknown_source_or_file_is_refused(tmp_path):
    from tests.audit.toy import write_toy_project
    root = write_toy_project(tmp_path / "toy")
    with pytest.raises(runner.AuditError, match="unknown mutant source"):
        runner.run_audit(root, sources=("cosmic-ray",), out=lambda line: None)
    with pytest.raises(runner.AuditError, match="not an audited file"):
        runner.run_audit(root, sources=("domain",), files=["toynet/nope.py"], out=lambda line: None)
