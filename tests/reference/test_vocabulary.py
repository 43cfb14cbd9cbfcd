"""The diagnoser's vocabulary is one table: the names, ranks and meanings the code reads are the
ones README.md documents (its signature table and its precedence sentence), word for word."""
import re

import pytest

from reference import diagnose
from reference.diagnose import vocabulary
from tests import ROOT

README = ROOT / "README.md"


def diagnoser_section(text):
    """The text of README.md's "## The diagnoser" section."""
    start = text.index("\n## The diagnoser\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def signature_rows(section):
    """(name, meaning) per row of the markdown table headed | signature | meaning |."""
    lines = section.splitlines()
    head = lines.index("| signature | meaning |")
    rows = []
    for line in lines[head + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 2, line
        name = re.fullmatch(r"`(\w+)`", cells[0])
        assert name, "the first cell names a signature in backticks: %r" % cells[0]
        rows.append((name.group(1), cells[1]))
    return rows


def precedence_order(section):
    """The signatures listed after "in this order:", up to the full stop."""
    prose = " ".join(section.split())
    found = re.search(r"in this order: ([a-z_]+(?:, [a-z_]+)*)\.", prose)
    assert found, "no precedence sentence ('in this order: crash, ...') in the diagnoser section"
    return tuple(found.group(1).split(", "))


def test_the_readme_signature_table_is_the_vocabulary_table():
    section = diagnoser_section(README.read_text(encoding="utf-8"))
    assert signature_rows(section) == [(s.name, s.meaning) for s in vocabulary.SIGNATURE_TABLE]


def test_the_readme_precedence_sentence_is_the_vocabulary_order():
    section = diagnoser_section(README.read_text(encoding="utf-8"))
    assert precedence_order(section) == vocabulary.PRECEDENCE


def test_signatures_and_precedence_are_derived_from_the_table():
    table = vocabulary.SIGNATURE_TABLE
    assert diagnose.SIGNATURES == tuple(s.name for s in table) == vocabulary.SIGNATURES
    rank = {s.name: s.rank for s in table if s.rank is not None}
    assert sorted(rank.values()) == list(range(len(table) - 1)), "every signature but ok has its own rank, 0 first"
    assert [s.name for s in table if s.rank is None] == ["ok"]
    assert diagnose.PRECEDENCE == tuple(sorted(rank, key=rank.get)) == vocabulary.PRECEDENCE
    assert diagnose.PRECEDENCE[0] == "crash" and diagnose.PRECEDENCE[-1] == "reg_only"
    assert diagnose.MEANINGS == {s.name: s.meaning for s in table}
    assert all(s.meaning and "\n" not in s.meaning for s in table)


@pytest.mark.parametrize("change", [
    ("| `mixed` | every gradient is wrong, with no common factor |",
     "| `mixed` | every gradient is wrong |"),
    ("| `mixed` | every gradient is wrong, with no common factor |\n"
     "| `mutates_input` | params, X or y changed in place |",
     "| `mutates_input` | params, X or y changed in place |\n"
     "| `mixed` | every gradient is wrong, with no common factor |"),
    ("mutates_input, nonfinite, uniform_scale", "nonfinite, mutates_input, uniform_scale"),
], ids=["a meaning reworded", "two rows swapped", "two ranks swapped"])
def test_a_readme_that_drifts_from_the_table_is_caught(change):
    text = README.read_text(encoding="utf-8")
    before, after = change
    assert text.count(before) == 1
    section = diagnoser_section(text.replace(before, after))
    table = [(s.name, s.meaning) for s in vocabulary.SIGNATURE_TABLE]
    assert signature_rows(section) != table or precedence_order(section) != vocabulary.PRECEDENCE
