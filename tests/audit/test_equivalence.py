"""The equivalence register: its entries matched to mutants, a stale entry an error, a malformed file refused."""
import pytest

from katas.audit import equivalence, mutants, runner
from tests.audit.toy import ALL_KILLED, SURVIVOR_ENTRY, by_number, write_register, write_results


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
    settings = runner.load_settings(runner.default_root())
    for entry in equivalence.load_register():
        assert entry.reason and entry.file in settings.domain and entry.operator  # each a domain mutant


def test_a_survivor_register_entry_is_printed_ready_to_paste(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    text = equivalence.entry_text(by_number(found)["double", 2], reason="pasted")
    path = tmp_path / "pasted.toml"
    path.write_text("format_version = 1\n\n" + text, encoding="utf-8")
    entries = equivalence.load_register(path)
    assert equivalence.apply_register(entries, found) == []
    assert by_number(found)["double", 2].equivalent == "pasted"


def test_an_entry_naming_an_operator_matches_only_that_source_s_mutant(tmp_path):
    found = mutants.read_results(write_results(tmp_path / "p"))
    survivor = by_number(found)["double", 2]
    path = write_register(tmp_path / "register.toml", [dict(SURVIVOR_ENTRY, operator="swap_axis")])
    entries = equivalence.load_register(path)
    assert entries[0].operator == "swap_axis" and entries[0].source == "domain"
    # a mutmut run alone does not judge a domain entry (no domain mutant to match, nothing stale)
    assert equivalence.apply_register(entries, found, sources=["mutmut"]) == [] and survivor.equivalent is None
    # with the domain source run, the same diff made by mutmut does not satisfy it: it is stale
    problems = equivalence.apply_register(entries, found, sources=["mutmut", "domain"])
    assert problems and "matches no mutant" in problems[0] and survivor.equivalent is None
    survivor.kind, survivor.operator = "domain", "swap_axis"
    assert equivalence.apply_register(entries, found) == [] and survivor.equivalent


def test_an_unknown_operator_in_the_register_is_refused(tmp_path):
    path = write_register(tmp_path / "register.toml", [dict(SURVIVOR_ENTRY, operator="swap_everything")])
    with pytest.raises(equivalence.RegisterError, match="not a domain operator"):
        equivalence.load_register(path)
