"""Promoting a mutant to a bug card: the card file, written from the mutant's diff and diagnosis.

What it is for: `kata dev promote` (katas/commands/dev_promote.py). card_text() writes a card
whose edits are the mutant's find/replace, with enough surrounding lines for the find to
match the reference exactly once, and whose [expect] table is what diagnose said of the
mutant (signature, params, factor). The title, story, hints and fix are placeholders marked
TO WRITE, for the instructor (the title too: the mutant's code would give the bug away); the
file loads as it is, and `kata dev check` names every placeholder left. write_card() picks the
next free NN, writes NN-<id>.toml and loads it back (removing it again if it does not load);
same_kata() finds an existing card whose edits make the mutant's very source, and
look_alikes() the cards that could behave as it (same network, same declared signature), for
`kata dev promote` to judge in the sandbox with the mutant (katas.catalogue.sandboxed: the same
diagnosis and bit-identical results on the probe problems make a duplicate).
What it is not for: judging whether a mutant makes a good kata (the instructor does), or
running the mutant (katas.catalogue.sandboxed does, in the sandbox); nothing here executes a mutant.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
from collections.abc import Container
from typing import Any

from katas import catalogue
from katas.audit.mutants import Mutant

PLACEHOLDER = catalogue.PLACEHOLDER


class PromoteError(Exception):
    """The mutant cannot become a card; the message says why and what to do."""


def toml_string(text: str) -> str:
    """text as a TOML string: a literal multi-line string when it has newlines, else basic."""
    if "\n" in text and "'''" not in text and not text.endswith("'"):
        return "'''\n" + text + "'''"
    return json.dumps(text, ensure_ascii=False)


def unique_find(source: str, region_start: int, region_end: int) -> tuple[str, int, int]:
    """(find, start, end): the lines [region_start, region_end) of source (0-based), widened by
    whole lines around them until the text occurs exactly once in source."""
    lines = source.splitlines(True)
    start, end = region_start, region_end
    upward = True
    while True:
        find = "".join(lines[start:end])
        if find and source.count(find) == 1:
            return find, start, end
        if start == 0 and end >= len(lines):
            raise PromoteError("the changed lines are not unique in the source, even with every line around them")
        if (upward and start > 0) or end >= len(lines):
            start -= 1
        else:
            end += 1
        upward = not upward


def edits_for(mutant: Mutant, original: str) -> tuple[str, str]:
    """The card edit (find, replace) that turns original into mutant.source."""
    start = mutant.line - 1
    find, first, last = unique_find(original, start, start + max(len(mutant.before), 1))
    lines = original.splitlines(True)
    replace = "".join(lines[first:start]) + "".join(line + "\n" for line in mutant.after) + "".join(
        lines[start + len(mutant.before):last])
    if original.replace(find, replace) != mutant.source:
        raise PromoteError("the edit does not reproduce the mutant's source: %s:%d changed since the mutant was "
                           "recorded; run the audit again" % (mutant.path, mutant.line))
    return find, replace


def expectation(diagnosis: dict[str, Any]) -> list[str]:
    """The [expect] table's lines for a diagnosis summary (katas.audit.census.summarize)."""
    lines = ["signature = %s" % toml_string(diagnosis["signature"])]
    if diagnosis.get("params"):
        lines.append("params = [%s]" % ", ".join(toml_string(p) for p in diagnosis["params"]))
    tracks = diagnosis.get("factor_tracks")
    if tracks in catalogue.FACTOR_WORDS:
        lines.append("factor = %s" % toml_string(tracks))
    elif diagnosis.get("factor") is not None:
        lines.append("factor = %s" % float("%.6g" % diagnosis["factor"]))
    return lines


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def default_id(mutant: Mutant, taken: Container[str]) -> str:
    """mutant-<function>-<n>, the smallest n not taken."""
    base = "mutant-" + slug(mutant.function)
    n = 1
    while "%s-%d" % (base, n) in taken:
        n += 1
    return "%s-%d" % (base, n)


def card_text(mutant: Mutant, diagnosis: dict[str, Any], card_id: str, original: str) -> str:
    """The card file's text for a mutant of reference/net.py and its diagnosis summary."""
    if diagnosis.get("signature") is None:
        raise PromoteError("diagnose did not finish on this mutant (%s): it cannot set the card's expectation"
                           % diagnosis.get("error", "no diagnosis"))
    equivalent = mutant.equivalent is not None
    if diagnosis["signature"] == "ok" and not equivalent:
        raise PromoteError(
            "diagnose finds nothing wrong with this mutant, so a learner's check would go green with the bug still "
            "in: it makes no kata. Strengthen the diagnoser's probes first, or register the mutant as equivalent "
            "if no input can tell it apart")
    if equivalent and diagnosis["signature"] != "ok":
        raise PromoteError("the mutant is registered as equivalent, yet diagnose says %s: fix the register first"
                           % diagnosis["signature"])
    find, replace = edits_for(mutant, original)
    evidence = diagnosis.get("evidence") or ""
    lines = [
        "# Promoted by `kata dev promote` from mutant %s" % (mutant.name or "(given by its diff)"),
        "# of %s() at %s:%d: %s." % (mutant.function, mutant.path, mutant.line, mutant.change),
        "# Every field marked %s is a placeholder for the instructor; [expect] and [[edits]]" % PLACEHOLDER,
        "# are filled in and checked by `kata dev check`.",
        "format_version = %d" % catalogue.FORMAT_VERSION,
        "id = %s" % toml_string(card_id),
        "title = %s" % toml_string("%s: a one-line title that names the bug in words, never its code" % PLACEHOLDER),
    ]
    if equivalent:
        lines.append("equivalent = true")
    lines += [
        "story = %s" % toml_string("%s: what the learner sees (the symptom, not the bug).\n" % PLACEHOLDER),
        "hints = [",
        "    %s," % toml_string("%s: a general hint, pointing at the probe that fails." % PLACEHOLDER),
        "    %s," % toml_string("%s: the last hint, a question that leads to the fix?" % PLACEHOLDER),
        "]",
        "fix = %s" % toml_string("%s: the explanation of the fix.\nThe diagnoser's first finding on this mutant: %s\n"
                                 % (PLACEHOLDER, evidence)),
        "",
        "[expect]",
    ] + expectation(diagnosis) + [
        "",
        "[[edits]]",
        "find = %s" % toml_string(find),
        "replace = %s" % toml_string(replace),
        "",
    ]
    return "\n".join(lines)


def same_kata(mutant: Mutant, cards_dir: str | os.PathLike[str],
              original: str | None = None) -> catalogue.Card | None:
    """The card in cards_dir whose edits make the same network as the mutant, or None.

    Cards on another network, at another depth, or whose edits no longer apply are never the same.
    """
    if original is None:
        original = catalogue.reference_source("net")
    cards, _ = catalogue.load_catalogue(cards_dir) if pathlib.Path(cards_dir).is_dir() else ([], [])
    for card in cards:
        if card.network != "net" or card.hidden_layers != 1:
            continue
        try:
            if catalogue.apply_edits(card, original) == mutant.source:
                return card
        except catalogue.CardError:
            continue
    return None


def look_alikes(diagnosis: dict[str, Any], cards_dir: str | os.PathLike[str],
                original: str | None = None) -> list[tuple[catalogue.Card, str]]:
    """(card, variant source) of every card in cards_dir that could be a duplicate of a mutant with
    this diagnosis summary: on reference/net.py at one hidden layer, not equivalent, declaring the
    diagnosed signature, with edits that apply. Nothing is run: which of them behave as the
    mutant is for the sandbox to say."""
    if original is None:
        original = catalogue.reference_source("net")
    cards, _ = catalogue.load_catalogue(cards_dir) if pathlib.Path(cards_dir).is_dir() else ([], [])
    found = []
    for card in cards:
        if card.network != "net" or card.hidden_layers != 1 or card.equivalent:
            continue
        if card.signature != diagnosis.get("signature"):
            continue
        try:
            found.append((card, catalogue.apply_edits(card, original)))
        except catalogue.CardError:
            continue
    return found


def write_card(mutant: Mutant, diagnosis: dict[str, Any], cards_dir: str | os.PathLike[str],
               card_id: str | None = None, original: str | None = None) -> pathlib.Path:
    """Write the card as NN-<id>.toml in cards_dir (NN: one after the highest); return its path.

    The card is loaded back with katas.catalogue, and its edits applied to the reference
    source; if either fails the file is removed and the error raised.
    """
    cards_dir = pathlib.Path(cards_dir)
    if original is None:
        original = catalogue.reference_source("net")
    existing = sorted(cards_dir.glob("*.toml"))
    taken: set[str] = set()
    orders = [0]
    for path in existing:
        match = catalogue.FILENAME.match(path.name)
        if match:
            orders.append(int(match.group(1)))
            taken.add(match.group(2))
    card_id = card_id or default_id(mutant, taken)
    if not catalogue.ID.match(card_id):
        raise PromoteError("%r is not a card id: use lowercase words joined by dashes" % card_id)
    if card_id in taken:
        raise PromoteError("a card with id %r exists already in %s" % (card_id, cards_dir))
    text = card_text(mutant, diagnosis, card_id, original)
    path = cards_dir / ("%02d-%s.toml" % (max(orders) + 1, card_id))
    cards_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        card = catalogue.load_card(path)
        if catalogue.apply_edits(card, original) != mutant.source:
            raise PromoteError("the written card's edits do not reproduce the mutant")
    except Exception:
        path.unlink()
        raise
    return path
