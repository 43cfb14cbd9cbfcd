"""How a kata's verdict reads: for the terminal, as a results.json document, as a test failure.

What it is for: turning a katas.sandbox.Result into text written for the learner (what is
wrong, where, and what to do next) and into the results.json document of exercism's test
runners (status pass / fail / error, one test per probe).
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
# exercism's test-runner interface, version 3 (exercism/docs: building/tooling/test-runners/
# interface.md): version, status, a top-level message only for "error", and one test per probe
# with name, status, message (fail and error only), test_code. Everything else of ours is in the
# one extra object, EXTRA_KEY.

RESULTS_VERSION = 3
EXTRA_KEY = "kata"
TEST_MESSAGE_LIMIT = 500  # characters of a test's message (the interface caps a test's output at 500)
TOP_MESSAGE_LIMIT = 65535  # characters of the top-level message, the interface's limit
ELLIPSIS = "\u2026"
# Evidence that reports without blaming its probe: every probe passed, a float type narrower than
# float64 (judged at its precision), units the dead probe meant to kill that are alive.
INFORMATIVE_EVIDENCE = ("ok", "precision", "not_dead")


def clipped(text: str, limit: int) -> str:
    """text, or its first limit - 1 characters and an ellipsis when it is longer than limit."""
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def workspace_relative(text: str, root: str | os.PathLike[str] | None) -> str:
    """text with every path inside the workspace written relative to it."""
    if root is None:
        return text
    for folder in {os.path.abspath(str(root)), os.path.realpath(str(root))}:
        text = text.replace(folder.rstrip(os.sep) + os.sep, "")
    return text


def probe_records(records: list[dict[str, Any]], name: str) -> list[str]:
    """The evidence sentences that blame probe name (as its own probe, or one that showed the same)."""
    return [record["text"] for record in records if record.get("kind") not in INFORMATIVE_EVIDENCE
            and (record.get("probe") == name or name in record.get("also", []))]


def probe_status(summary: dict[str, Any], blamed: bool = False) -> str:
    """pass, fail or error for one probe of Diagnosis.to_dict()["probes"]: error when its call
    raised, fail when it shows anything wrong or evidence blames it (blamed)."""
    if summary.get("error"):
        return "error"
    failing = ("structure", "shapes", "mutated", "nonfinite", "mismatch", "differs_from_reference")
    if blamed or any(summary.get(key) for key in failing) or loss_differs(summary):
        return "fail"
    return "pass"


def loss_differs(summary: dict[str, Any]) -> bool:
    loss, reference = summary.get("loss"), summary.get("reference_loss")
    if isinstance(loss, float) and isinstance(reference, float):
        return abs(loss - reference) > LOSS_RTOL * max(1.0, abs(loss), abs(reference))
    return False


def probe_facts(name: str, summary: dict[str, Any]) -> str:
    """What a probe's summary shows wrong, as one sentence (for a probe no evidence sentence names)."""
    facts = []
    if summary.get("error"):
        facts.append("raised %s" % summary["error"])
    if summary.get("structure"):
        facts.append(summary["structure"])
    for param, got, expected in summary.get("shapes", []):
        facts.append("%s has shape %s, not %s" % (param, tuple(got) if got is not None else None, tuple(expected)))
    if summary.get("mutated"):
        facts.append("changed %s in place" % ", ".join(summary["mutated"]))
    if summary.get("nonfinite"):
        facts.append("nan or inf in %s" % ", ".join(summary["nonfinite"]))
    if loss_differs(summary):
        facts.append("the loss is %.10g, the reference's %.10g" % (summary["loss"], summary["reference_loss"]))
    if summary.get("mismatch"):
        facts.append("%s disagree with the loss" % ", ".join(summary["mismatch"]))
    if summary.get("differs_from_reference"):
        facts.append("%s differ from the reference's" % ", ".join(summary["differs_from_reference"]))
    return "%s probe (%s, reg=%g): %s" % (name, summary.get("sizes_text", ""), summary.get("reg", 0.0),
                                         "; ".join(facts) or "wrong")


def probe_test(name: str, summary: dict[str, Any], records: list[dict[str, Any]], green: bool,
               root: str | os.PathLike[str] | None) -> dict[str, Any]:
    """One probe as a test of the interface: name, status, test_code and, unless it passed, message."""
    blamed = probe_records(records, name)
    # green: the diagnosis judged every probe passed (entries on a kink excepted)
    status = "pass" if green else probe_status(summary, bool(blamed))
    call = summary.get("call") or "loss(params, X, y)"
    test: dict[str, Any] = {"name": "%s probe: %s" % (name, summary.get("purpose", "")), "status": status}
    if status != "pass":
        text = "\n".join(blamed) if blamed else probe_facts(name, summary)
        test["message"] = clipped(workspace_relative(text, root), TEST_MESSAGE_LIMIT)
    test["test_code"] = "%s  # %s probe: %s" % (call, name, summary.get("sizes_text", ""))
    return test


def error_message(result: Result, file_name: str) -> str:
    """The top-level message of an error: the problem, where, and the caret or the stack."""
    lines = [result.problem]
    detail = result.detail.splitlines()
    if result.line:
        if len(detail) > 1 and "^" in detail[-1]:
            lines += ["%s, line %d:" % (file_name, result.line)] + ["    " + d for d in detail]
            detail = []
        else:
            lines.append("%s, line %d: %s" % (file_name, result.line, result.code))
    if detail and result.detail.strip() != result.code:
        lines += ["stack, innermost first:"] + ["    " + d for d in detail]
    return "\n".join(lines)


def results_document(card: Card, result: Result, path: str | os.PathLike[str],
                     root: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The results.json document of one check (exercism's test-runner interface, version 3).

    root: the workspace, to which every path in a message is made relative (None: left as is).
    """
    status = {"green": "pass", "red": "fail"}.get(result.verdict, "error")
    diagnosis = result.diagnosis or {}
    records = diagnosis.get("records", [])
    probes = diagnosis.get("probes", {})
    document: dict[str, Any] = {"version": RESULTS_VERSION, "status": status}
    if status == "error":
        message = error_message(result, os.path.basename(str(path)))
        document["message"] = clipped(workspace_relative(message, root), TOP_MESSAGE_LIMIT)
    else:
        tests = [probe_test(name, summary, records, result.green, root) for name, summary in probes.items()]
        if status == "fail" and all(test["status"] == "pass" for test in tests):
            # red, yet no probe to blame (the diagnoser itself failed): the diagnosis is the failing test
            tests.append({"name": "diagnosis: %s" % result.signature, "status": "fail",
                          "test_code": "diagnose(loss)", "message": clipped(workspace_relative(
                              "\n".join(result.evidence) or result.problem, root), TEST_MESSAGE_LIMIT)})
        document["tests"] = tests
    document[EXTRA_KEY] = {
        "id": card.id,
        "order": card.order,
        "title": card.learner_title,
        "file": str(path),
        "problem": result.problem,
        "line": result.line,
        "code": result.code or None,
        "signature": result.signature,
        "meaning": HEADLINES.get(result.signature) if result.signature else None,
        "params": list(result.params),
        "factor": result.factor,
        "factor_tracks": result.factor_tracks,
        "evidence": list(result.evidence),
        "findings": diagnosis.get("findings", []),
        "probes": probes,
        "output": result.output,
        "warnings": list(result.warnings),
        "seconds": round(result.seconds, 4),
        "seed": result.seed,
        "isolation": result.isolation,
    }
    return document


def usage_document(message: str) -> dict[str, Any]:
    """results.json for a check that could not start (unknown kata, not started)."""
    return {"version": RESULTS_VERSION, "status": "error", "message": clipped(message, TOP_MESSAGE_LIMIT)}
