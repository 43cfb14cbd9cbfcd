"""How a kata's verdict reads: for the terminal, as a results.json document, as a test failure.

What it is for: turning a katas.sandbox.Result into text written for the learner (what is
wrong, where, and what to do next) and into a machine-readable document modelled on
exercism's results.json (status pass / fail / error, a message, one entry per probe).
What it is not for: running anything or deciding the verdict.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from reference.diagnose.vocabulary import HEADLINES, LOSS_RTOL

if TYPE_CHECKING:
    from katas.catalogue import Card
    from katas.learner.progress import Entry
    from katas.sandbox import Result

OUTPUT_LINES = 15
RESULTS_VERSION = 2


def label(card: Card) -> str:
    return "kata %02d %s" % (card.order, card.id)


def headline(card: Card, result: Result) -> str:
    """The first line: kata, verdict, signature."""
    if result.verdict == "green":
        return "%s: GREEN, the diagnosis is ok" % label(card)
    if result.verdict == "red":
        meaning = HEADLINES.get(result.signature or "")
        return "%s: RED, %s%s" % (label(card), result.signature, ": " + meaning if meaning else "")
    return "%s: ERROR, your file could not be checked" % label(card)


def location(result: Result) -> list[str]:
    """The learner's line, printed like a compiler would, or [] when there is none."""
    if not result.line:
        return []
    lines = ["  line %d: %s" % (result.line, result.code)] if result.code else ["  at line %d" % result.line]
    return lines


def terminal(card: Card, result: Result, display_path: str) -> list[str]:
    """The full report of one check, as lines."""
    lines = [headline(card, result), "file: %s" % display_path]
    if result.verdict == "error":
        lines += ["", result.problem + "."]
        if result.detail and result.detail.strip() != result.code:
            detail = result.detail.splitlines()
            if "\n" in result.detail and "^" in detail[-1]:
                lines += ["", "  line %d:" % result.line if result.line else ""] + ["    " + d for d in detail]
            else:
                lines += location(result) + ["", "stack, innermost first:"] + ["    " + d for d in detail]
        else:
            lines += location(result)
    else:
        lines += ["", result.text]
        if result.line and result.verdict == "red":
            lines += ["", "your line:"] + location(result) + ["    " + call for call in result.detail.splitlines()]
        if result.seed is not None:
            lines += ["", "probe seed %d: `kata check %s --seed %d` repeats exactly these probes" % (
                result.seed, card.id, result.seed)]
    lines += printed(result)
    for warning in result.warnings:
        lines += ["", "warning: " + warning]
    return lines


def printed(result: Result) -> list[str]:
    """What the learner's code printed, the last lines of it kept short."""
    if not result.output.strip():
        return []
    shown = result.output.rstrip("\n").splitlines()
    cut = len(shown) > OUTPUT_LINES
    shown = [line if len(line) <= 200 else line[:200] + "..." for line in shown[:OUTPUT_LINES]]
    return ["", "your code printed%s:" % (" (first %d lines)" % OUTPUT_LINES if cut else "")] + [
        "  | " + line for line in shown]


def next_steps(card: Card, result: Result, entry: Entry | None) -> list[str]:
    """What to do now, given the verdict and the kata's progress entry."""
    if result.verdict == "green":
        following = ("Read why: kata solution %s" if card.equivalent else
                     "Compare with the reference fix: kata solution %s") % card.id
        return ["", "Solved. %s" % following]
    revealed = entry.hints_revealed if entry is not None else 0
    if revealed < len(card.hints):
        hint = "`kata hint %s` reveals hint %d of %d" % (card.id, revealed + 1, len(card.hints))
    else:
        hint = "all %d hints are shown by `kata hint %s`" % (len(card.hints), card.id)
    return ["", "Not green yet: edit the file and check again; %s." % hint]


# -- results.json ------------------------------------------------------------------------

def probe_status(summary: dict[str, Any]) -> str:
    """pass or fail for one probe of Diagnosis.to_dict()["probes"]."""
    failing = ("error", "structure", "shapes", "mutated", "nonfinite", "differs_from_reference", "summary_error")
    if any(summary.get(key) for key in failing) or summary.get("mismatch"):
        return "fail"
    loss, reference = summary.get("loss"), summary.get("reference_loss")
    if isinstance(loss, float) and isinstance(reference, float):
        if abs(loss - reference) > LOSS_RTOL * max(1.0, abs(loss), abs(reference)):
            return "fail"
    return "pass"


def results_document(card: Card, result: Result, path: str | os.PathLike[str]) -> dict[str, Any]:
    """An exercism-like results.json document for one check."""
    status = {"green": "pass", "red": "fail"}.get(result.verdict, "error")
    message = result.problem
    if result.verdict == "red" and result.evidence:
        message = "%s: %s" % (result.signature, result.evidence[0])
    document: dict[str, Any] = {
        "version": RESULTS_VERSION,
        "kata": card.id,
        "order": card.order,
        "title": card.learner_title,
        "file": str(path),
        "status": status,
        "message": message,
        "line": result.line,
        "code": result.code or None,
        "signature": result.signature,
        "meaning": HEADLINES.get(result.signature) if result.signature else None,
        "params": list(result.params),
        "factor": result.factor,
        "factor_tracks": result.factor_tracks,
        "evidence": list(result.evidence),
        "findings": (result.diagnosis or {}).get("findings", []),
        "output": result.output,
        "warnings": list(result.warnings),
        "seconds": round(result.seconds, 4),
        "seed": result.seed,
        "isolation": result.isolation,
        "tests": [],
    }
    probes = (result.diagnosis or {}).get("probes", {})
    for name, summary in probes.items():
        document["tests"].append({
            "name": "%s probe: %s" % (name, summary.get("purpose", "")),
            "status": probe_status(summary),
            "probe": summary,
        })
    if status == "error":
        document["tests"].append({"name": "load %s" % path.name if hasattr(path, "name") else "load",
                                  "status": "error", "message": result.problem})
    return document


def usage_document(message: str) -> dict[str, Any]:
    """results.json for a check that could not start (unknown kata, not started)."""
    return {"version": RESULTS_VERSION, "status": "error", "message": message, "tests": []}
