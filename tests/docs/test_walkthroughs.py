"""docs/debugging.md's walkthroughs of the batch norm, conv + pool and RNN networks quote the diagnoser.

Each walkthrough shows its bug as a diff of the reference network and pastes the diagnosis. This
test applies that diff, as printed, to the reference's source, diagnoses the result at seed 0
and compares the pasted signature line and first evidence sentence with the real ones, so the
page cannot drift from the tool. It does not check the prose that reads them.
"""
from typing import List, Tuple

import pytest

from katas.catalogue import load_module, reference_source
from reference import diagnose
from tests import ROOT

DOC = (ROOT / "docs" / "debugging.md").read_text(encoding="utf-8")

# (the walkthrough's heading, up to its colon; the network it edits)
WALKTHROUGHS = [
    ("## Walkthrough 3:", "batchnorm_net"),
    ("## Walkthrough 4:", "convnet"),
    ("## Walkthrough 5:", "rnn"),
]


def section(heading: str) -> str:
    """The text of the section whose heading starts with heading, up to the next "## " heading."""
    start = DOC.index("\n" + heading) + 1
    end = DOC.find("\n## ", start)
    return DOC[start:] if end < 0 else DOC[start:end]


def fences(text: str, language: str = "") -> List[str]:
    """The contents of the code fences in text opened with ```language, read line by line."""
    found, inside, opened_with = [], None, ""
    for line in text.splitlines(keepends=True):
        if inside is None and line.startswith("```"):
            inside, opened_with = [], line[3:].strip()
        elif inside is not None and line.rstrip() == "```":
            if opened_with == language:
                found.append("".join(inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return found


def edit(text: str) -> Tuple[str, str]:
    """(removed, added) lines of the section's one diff fence, without their - and + marks."""
    (diff,) = fences(text, "diff")
    lines = diff.splitlines()
    removed = "\n".join(line[1:] for line in lines if line.startswith("-")) + "\n"
    added = "\n".join(line[1:] for line in lines if line.startswith("+")) + "\n"
    return removed, added


def buggy_loss(text: str, network: str):
    """The reference network's loss with the section's diff applied; the removed lines match once."""
    removed, added = edit(text)
    source = reference_source(network)
    assert source.count(removed) == 1, "the diff's removed lines must match the reference exactly once"
    return load_module(source.replace(removed, added), "walkthrough_" + network, "<walkthrough %s>" % network).loss


def signature_and_first_evidence(report: str) -> Tuple[str, str]:
    lines = report.splitlines()
    signature = next(line for line in lines if line.startswith("signature:"))
    evidence = next(line for line in lines if line.startswith("  - "))
    return signature, evidence


@pytest.mark.parametrize("heading, network", WALKTHROUGHS)
def test_the_walkthrough_quotes_the_diagnosis_of_its_diff(heading, network):
    text = section(heading)
    (pasted,) = [f for f in fences(text) if f.startswith("signature:")]
    diagnosis = diagnose.diagnose(buggy_loss(text, network), network=network, seed=0)
    assert signature_and_first_evidence(pasted) == signature_and_first_evidence(diagnosis.text())

