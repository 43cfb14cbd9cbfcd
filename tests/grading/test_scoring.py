"""The scoring policy, on sandbox Results made by hand: green, red with partial credit, error."""
import pytest

from katas.grading import scoring
from katas.sandbox import Result

PASS = {"purpose": "p", "loss": 1.0, "reference_loss": 1.0}
FAIL = {"purpose": "q", "loss": 1.0, "reference_loss": 1.0, "mismatch": ["W1"]}


def result(verdict, probes):
    evidence = ["base probe (N=8): W1 is wrong", "reg probe (N=8): as well"]
    return Result(verdict, "", diagnosis={"probes": probes}, evidence=evidence)


@pytest.mark.parametrize("verdict, probes, policy, total, probe_scores", [
    ("green", {"base": PASS, "reg": PASS}, scoring.Policy(), 1.0, [0.5, 0.5]),
    ("red", {"base": FAIL, "reg": PASS, "dX": PASS, "batch": PASS}, scoring.Policy(), 0.0, [0, 0, 0, 0]),
    ("red", {"base": FAIL, "reg": PASS, "dX": PASS, "batch": PASS}, scoring.Policy(partial=0.5), 0.375,
     [0, 0.125, 0.125, 0.125]),
    ("red", {"base": FAIL, "reg": PASS}, scoring.Policy(partial=1.0, max_score=10), 5.0, [0, 5.0]),
    ("error", {}, scoring.Policy(partial=1.0), 0.0, []),
])
def test_score(verdict, probes, policy, total, probe_scores):
    score = scoring.score(result(verdict, probes), policy)
    assert score.score == pytest.approx(total)
    assert score.max_score == policy.max_score
    assert [p.score for p in score.probes] == pytest.approx(probe_scores)
    assert sum(p.score for p in score.probes) == pytest.approx(total)


def test_a_probe_carries_its_evidence_and_facts():
    base, reg = scoring.score(result("red", {"base": FAIL, "reg": PASS}), scoring.Policy()).probes
    assert base.evidence == ("base probe (N=8): W1 is wrong",) and not base.passed
    assert base.facts == "the gradient check fails for: W1; loss 1 (reference 1)"
    assert reg.evidence == ("reg probe (N=8): as well",) and reg.passed


@pytest.mark.parametrize("table, options, expected", [
    ("", {}, scoring.Policy(0.0, 1.0)),
    ("[tool.backprop-kata.grade]\npartial = 0.25\nmax_score = 4\n", {}, scoring.Policy(0.25, 4.0)),
    ("[tool.backprop-kata.grade]\npartial = 0.25\n", {"partial": 1.0, "max_score": 2.0}, scoring.Policy(1.0, 2.0)),
])
def test_load_policy(tmp_path, table, options, expected):
    (tmp_path / "pyproject.toml").write_text(table)
    assert scoring.load_policy(scoring.find_pyproject(tmp_path), **options) == expected


@pytest.mark.parametrize("table, words", [
    ("partial = 1.5", "partial = 1.5: a fraction from 0 to 1"),
    ("partial = true", "partial = True: a fraction"),
    ("max_score = 0", "max_score = 0: a positive number of points"),
])
def test_a_bad_setting_names_the_table_and_the_fix(tmp_path, table, words):
    (tmp_path / "pyproject.toml").write_text("[tool.backprop-kata.grade]\n%s\n" % table)
    with pytest.raises(scoring.PolicyError, match="tool.backprop-kata.grade") as error:
        scoring.load_policy(tmp_path / "pyproject.toml")
    assert words in str(error.value)
