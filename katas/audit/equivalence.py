"""The equivalence register: mutants that cannot change any observable result, and why.

What it is for: reading katas/audit/equivalent_mutants.toml and matching its entries to the
mutants of an audit. An entry names a mutant by its source file, its function and its diff
(the changed lines before and after, compared without comments and with whitespace
collapsed), never by mutmut's number, which shifts whenever the code changes. Registered
mutants stay visible in the reports, with their reason, but count neither for nor against
the score. An entry that matches no mutant, or matches one the tests kill, is an error: the
register has gone stale and must be fixed, never silently ignored (the killed mutant stays
killed, and the audit reports the error first and gives no grade).
What it is not for: deciding equivalence. A person argues it in the reason; a survivor is a
gap in the checks until someone shows no input can tell it apart from the original.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Iterable

from katas.toml import tomllib
from katas.audit.mutants import Mutant, normalize

FORMAT_VERSION = 1
REGISTER_PATH = pathlib.Path(__file__).resolve().parent / "equivalent_mutants.toml"
FIELDS = ("file", "function", "before", "after", "reason")
OPTIONAL = ("operator",)  # a domain operator's name (katas.audit.operators): the entry is that source's


class RegisterError(Exception):
    """The register file cannot be used: says which entry, which field and how to fix it."""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One registered equivalent mutant.

    Fields: file (source path relative to the project root), function ("loss" or
    "Class.method"), before and after (the changed lines, newline-separated), reason (why no
    input can tell the mutant from the original), index (its place in the file, from 0).
    """

    file: str
    function: str
    before: str
    after: str
    reason: str
    index: int
    operator: str | None = None

    @property
    def source(self) -> str:
        """The mutant source the entry belongs to: "domain" when it names an operator, else "mutmut"."""
        return "domain" if self.operator else "mutmut"

    def key(self) -> tuple[str, str, str, str]:
        return (self.file, self.function, normalize(self.before.splitlines()), normalize(self.after.splitlines()))

    def describe(self) -> str:
        return "entry %d (%s, %s(): %s -> %s)" % (
            self.index, self.file, self.function, normalize(self.before.splitlines()) or "(nothing)",
            normalize(self.after.splitlines()) or "(nothing)")


def mutant_key(mutant: Mutant) -> tuple[str, str, str, str]:
    """The key a register entry must have to match this mutant."""
    return (mutant.path, mutant.function, normalize(mutant.before), normalize(mutant.after))


def load_register(path: str | os.PathLike[str] = REGISTER_PATH) -> list[Entry]:
    """The entries of a register file; RegisterError if it is malformed. A missing file is empty."""
    path = pathlib.Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegisterError("%s is not valid TOML (%s)" % (path.name, exc))
    if data.get("format_version") != FORMAT_VERSION:
        raise RegisterError("%s: format_version is %r, this version reads %d; set format_version = %d"
                            % (path.name, data.get("format_version"), FORMAT_VERSION, FORMAT_VERSION))
    unknown = sorted(set(data) - {"format_version", "mutant"})
    if unknown:
        raise RegisterError("%s: unknown top-level field %r; entries go in [[mutant]] tables" % (path.name, unknown[0]))
    raw = data.get("mutant", [])
    if not isinstance(raw, list):
        raise RegisterError("%s: mutant must be an array of tables, written [[mutant]]" % path.name)
    entries: list[Entry] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise RegisterError("%s: mutant %d is not a table; write each entry as [[mutant]]" % (path.name, index))
        missing = [f for f in FIELDS if f not in item]
        extra = sorted(set(item) - set(FIELDS) - set(OPTIONAL))
        if missing or extra:
            raise RegisterError("%s: [[mutant]] %d %s; each entry has exactly %s" % (
                path.name, index, "lacks " + ", ".join(missing) if missing else "has unknown " + ", ".join(extra),
                ", ".join(FIELDS)))
        if not all(isinstance(item[f], str) for f in FIELDS + tuple(f for f in OPTIONAL if f in item)):
            raise RegisterError("%s: [[mutant]] %d: every field is a string" % (path.name, index))
        if not item["reason"].strip():
            raise RegisterError("%s: [[mutant]] %d has an empty reason: say why no input can tell the mutant "
                                "from the original" % (path.name, index))
        if not normalize(item["before"].splitlines()) and not normalize(item["after"].splitlines()):
            raise RegisterError("%s: [[mutant]] %d: before and after are both empty" % (path.name, index))
        if "operator" in item:
            from katas.audit.operators import OPERATORS
            if item["operator"] not in OPERATORS:
                raise RegisterError("%s: [[mutant]] %d: operator %r is not a domain operator (%s)" % (
                    path.name, index, item["operator"], ", ".join(OPERATORS)))
        entries.append(Entry(file=item["file"], function=item["function"], before=item["before"],
                             after=item["after"], reason=" ".join(item["reason"].split()), index=index,
                             operator=item.get("operator")))
    return entries


def apply_register(entries: Iterable[Entry], mutants: Iterable[Mutant],
                   sources: Iterable[str] = ("mutmut", "domain")) -> list[str]:
    """Mark registered mutants (mutant.equivalent = reason); return the register's problems.

    A problem is a sentence: an entry that matches no mutant, or one that matches a mutant the
    tests kill (then it was not equivalent). A killed mutant is never marked: it stays killed,
    and counts as killed in the score. An empty list means the register is sound; any problem
    means it is stale, and the audit gives no grade (katas.audit.compute_score).
    """
    by_key: dict[tuple[str, str, str, str], list[Mutant]] = {}
    mutants = list(mutants)
    for mutant in mutants:
        by_key.setdefault(mutant_key(mutant), []).append(mutant)
    ran = set(sources)
    files = {m.path for m in mutants}
    problems: list[str] = []
    for entry in entries:
        if entry.source not in ran or entry.file not in files:
            continue  # that source, or that file, was not audited this time: nothing to match
        matched = [m for m in by_key.get(entry.key(), [])
                   if m.kind == entry.source and (entry.operator is None or m.operator == entry.operator)]
        if not matched:
            problems.append("%s matches no mutant: the code changed or the mutant is gone; update or remove "
                            "the entry" % entry.describe())
            continue
        for mutant in matched:
            if mutant.status == "killed":
                problems.append("%s matches %s, which the tests kill: it is not equivalent (counted as killed); "
                                "remove the entry" % (entry.describe(), mutant.name))
            else:
                mutant.equivalent = entry.reason
    return problems


def entry_text(mutant: Mutant, reason: str = "TO WRITE: why no input can tell this mutant from the original") -> str:
    """A [[mutant]] table for the register, ready to paste, for one mutant."""
    from katas.audit.promote import toml_string
    return "\n".join([
        "[[mutant]]",
        "file = %s" % toml_string(mutant.path),
        "function = %s" % toml_string(mutant.function),
    ] + (["operator = %s" % toml_string(mutant.operator)] if mutant.kind == "domain" and mutant.operator else []) + [
        "before = %s" % toml_string(normalize(mutant.before)),
        "after = %s" % toml_string(normalize(mutant.after)),
        "reason = %s" % toml_string(reason),
        "",
    ])
