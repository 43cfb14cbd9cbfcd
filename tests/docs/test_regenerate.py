"""The outputs pasted in docs/follow-ups.md and docs/debugging.md are what their commands print now.

docs/regenerate.py re-runs the command named above each block; this test runs it in check mode,
which compares only what carries over from one machine to another: the words of every line
(signatures, verdicts, factors as words, evidence sentences), the count of lines and numbers,
and each number's sign and order of magnitude. The slow commands (the benchmark, the long kink
run) are left to `python docs/regenerate.py --slow`, and the walkthrough diagnoses of diffs to
tests/docs/test_walkthroughs.py, which checks them against the diff as printed.
"""
import importlib.util
import sys

import pytest

from tests import ROOT

SPEC = importlib.util.spec_from_file_location("docs_regenerate", ROOT / "docs" / "regenerate.py")
regenerate = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = regenerate  # its dataclass looks itself up there
SPEC.loader.exec_module(regenerate)


@pytest.mark.parametrize("page", regenerate.PAGES)
def test_every_generated_block_agrees_with_a_fresh_run_in_what_is_stable(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert len(list(regenerate.blocks(page, text))) >= 10, "the page's output blocks must be marked"
    differences = regenerate.regenerate((page,), check=True, skip=("--diff-above",))
    assert differences == [], "\n".join(differences) + "\nrun: python docs/regenerate.py"


@pytest.mark.parametrize("pasted, fresh, agree", [
    ("| 4 | 183 | 367 | 1.31e-07 | PASS |", "| 4 | 183 | 367 | 2.28e-08 | PASS |", True),  # another BLAS
    ("max rel error 9.96e-09", "max rel error 1.01e-08", True),   # across a decade's edge
    ("max rel error 3.55e-09", "max rel error 2.84e-06", False),  # three decades: not round-off
    ("factor: 8 (tracks N)", "factor: -8 (tracks N)", False),     # the sign
    ("numeric max |0|", "numeric max |0.061|", False),            # zero or not
    ("W2    6x3   2.08e-05 pass (within round-off)", "W2    6x3   2.08e-05 pass", False),  # a verdict
    ("signature: reg_only  params: W1, W2", "signature: reg_only  params: W1", False),
    ("W1    5x6         2.05e-09", "W1 5x6 2.1e-09", True),         # column widths
])
def test_check_mode_compares_words_signs_zeros_and_decades(pasted, fresh, agree):
    assert (regenerate.differences([pasted], [fresh]) == []) is agree


def test_a_missing_or_extra_line_is_a_difference():
    assert regenerate.differences(["signature: ok"], ["signature: ok", "evidence:"]) != []


@pytest.mark.parametrize("spec, expected", [
    ("paragraphs 2", "c\nd\n"),
    ("lines 1..2,-1", "a\nb\n...\ne\n"),
    ("lines 3", "...\n\n...\n"),
])
def test_filters_keep_what_they_name_and_mark_what_they_leave_out(spec, expected):
    assert regenerate.filtered("a\nb\n\nc\nd\n\ne\n", spec) == expected
