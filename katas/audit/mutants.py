"""Reading what mutmut 3 leaves in its mutants/ folder: each mutant's status, diff and source.

What it is for: turning the per-file result files mutants/<path>.py.meta (JSON with
exit_code_by_key: mutant name -> exit code, and durations_by_key) and the instrumented files
mutants/<path>.py into Mutant records: name, source file, function, status, the changed lines
before and after, a unified diff, the line in the original file, and the mutant's whole
source (the original file with that one function replaced), ready to load as a module.
What it is not for: generating or running mutants (mutmut does, in katas.audit's copy) or
judging them (katas.audit.runner, katas.audit.census).

Mutant names look like `reference.net.x_loss__mutmut_26`: the module, then the mangled
function name (`x_` + name, or `xǁClassǁmethod` for a method, U+01C1 as separator), then
the mutant's number. The instrumented file holds, for each mutated function, an unmodified
copy `x_loss__mutmut_orig` and one function per mutant; a diff of the two is the mutation.
"""
from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import os
import pathlib
from collections.abc import Sequence
from typing import Any

CLASS_SEPARATOR = "\u01c1"
META_SUFFIX = ".meta"

# mutmut's exit codes (mutmut/stats.py, status_by_exit_code) -> status. A test failure (1),
# or an internal pytest error (3), kills a mutant; 0 means every test passed with the mutant.
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
    -11: "segfault",
    -9: "segfault",
    2: "interrupted",
    None: "not checked",
}
# Every status, in the order reports list them; any other exit code reads as "suspicious",
# as in mutmut.
STATUSES = ("killed", "survived", "timeout", "suspicious", "no tests", "skipped", "segfault",
            "caught by type check", "interrupted", "not checked")


def status_of(exit_code: int | None) -> str:
    """The status mutmut gives an exit code ("suspicious" for a code it does not know)."""
    return STATUS_BY_EXIT_CODE.get(exit_code, "suspicious")


class MutantsError(Exception):
    """mutmut's output is missing or not what this version of the reader understands."""


@dataclasses.dataclass
class Mutant:
    """One mutant and what became of it.

    Fields:
    - name: mutmut's name, e.g. reference.net.x_loss__mutmut_26 (numbers shift when code changes).
    - path: the mutated source file, relative to the project root, e.g. reference/net.py.
    - function: the function it lives in ("loss", or "Class.method").
    - number: the N of __mutmut_N.
    - exit_code, status: mutmut's exit code and the status it stands for.
    - duration: seconds mutmut spent on it (None if not recorded).
    - line: the line of the first changed line in the original file.
    - before, after: the changed lines, as in the original file and in the mutant.
    - diff: a unified diff of the function, original to mutant.
    - source: the whole mutated file with only this mutant applied.
    - equivalent: the register's reason when the mutant is registered as equivalent, else None.
    - diagnosis: the census's summary of diagnose() on the mutant (a dict), or None.
    - kind: "mutmut" or "domain" (a mutant of katas.audit.operators); operator: the operator that
      made it (for mutmut's, the kind of edit read from the diff: mutmut records no name).
    """

    name: str
    path: str
    function: str
    number: int
    exit_code: int | None
    status: str
    duration: float | None
    line: int
    before: tuple[str, ...]
    after: tuple[str, ...]
    diff: str
    source: str = dataclasses.field(repr=False, default="")
    equivalent: str | None = None
    diagnosis: dict[str, Any] | None = None
    kind: str = "mutmut"  # which source made it: "mutmut" or "domain" (katas.audit.domain)
    operator: str | None = None  # the operator's name (a domain operator's, or the kind of mutmut's edit)

    @property
    def short(self) -> str:
        """A one-line description: where it is and what changed."""
        return "%s:%d in %s(): %s" % (self.path, self.line, self.function, self.change)

    @property
    def change(self) -> str:
        """The changed code, before -> after, without comments."""
        return "%s -> %s" % (normalize(self.before).replace("\n", " / ") or "(nothing)",
                             normalize(self.after).replace("\n", " / ") or "(nothing)")

    def to_dict(self, with_source: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name, "path": self.path, "function": self.function, "number": self.number,
            "status": self.status, "exit_code": self.exit_code, "duration": self.duration, "line": self.line,
            "before": list(self.before), "after": list(self.after), "diff": self.diff,
            "equivalent": self.equivalent, "diagnosis": self.diagnosis, "kind": self.kind,
            "operator": self.operator,
        }
        if with_source:
            out["source"] = self.source
        return out


def split_name(name: str) -> tuple[str, str, int]:
    """(module, mangled function, number) of a mutant name; MutantsError if it is not one."""
    head, marker, number = name.rpartition("__mutmut_")
    if not marker or not number.isdigit():
        raise MutantsError("%r is not a mutant name (expected module.x_function__mutmut_N)" % name)
    module, _, mangled = head.rpartition(".")
    if not module or not (mangled.startswith("x_") or mangled.startswith("x" + CLASS_SEPARATOR)):
        raise MutantsError("%r is not a mutant name (expected module.x_function__mutmut_N)" % name)
    return module, mangled, int(number)


def function_name(mangled: str) -> str:
    """The original function name of a mangled one: x_loss -> loss, xǁNetǁloss -> Net.loss."""
    if mangled.startswith("x" + CLASS_SEPARATOR):
        _, cls, method = mangled.split(CLASS_SEPARATOR, 2)
        return "%s.%s" % (cls, method)
    return mangled[2:]


def read_meta(path: str | os.PathLike[str]) -> tuple[dict[str, int | None], dict[str, float]]:
    """(exit_code_by_key, durations_by_key) from one .meta file; MutantsError if malformed."""
    try:
        meta = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MutantsError("cannot read %s: %s" % (path, exc))
    codes = meta.get("exit_code_by_key") if isinstance(meta, dict) else None
    if not isinstance(codes, dict):
        raise MutantsError("%s has no exit_code_by_key table: not a mutmut 3 result file" % path)
    durations = meta.get("durations_by_key") or {}
    return codes, durations


def function_blocks(source: str) -> dict[str, tuple[int, int, list[str]]]:
    """Map function name (with Class. for methods) -> (first line, last line, lines) in source.

    Lines are 1-based and inclusive, from the `def` line to the last line of the body;
    lines is the list of those lines without their newlines.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    blocks: dict[str, tuple[int, int, list[str]]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None  # ast.parse sets it
                blocks[prefix + node.name] = (node.lineno, node.end_lineno, lines[node.lineno - 1:node.end_lineno])
            elif isinstance(node, ast.ClassDef) and not prefix:
                visit(node.body, node.name + ".")

    visit(tree.body, "")
    return blocks


def _renamed(lines: list[str], old: str, new: str) -> list[str]:
    """The function's lines with `def old(` written as `def new(` on its def line."""
    out = list(lines)
    for i, line in enumerate(out):
        if ("def %s(" % old) in line:
            out[i] = line.replace("def %s(" % old, "def %s(" % new, 1)
            return out
    raise MutantsError("no `def %s(` in the function block" % old)


class MutatedFile(object):
    """One original source file and mutmut's instrumented copy of it."""

    def __init__(self, path: str, original: str, instrumented: str) -> None:
        self.path = path
        self.original = original
        self.original_lines = original.splitlines(True)
        self.original_blocks = function_blocks(original)
        self.blocks = function_blocks(instrumented)

    def mutant(self, name: str, exit_code: int | None = None, duration: float | None = None) -> Mutant:
        """The Mutant of this name, with its diff and source."""
        module, mangled, number = split_name(name)
        function = function_name(mangled)
        prefix = function.rpartition(".")[0]
        prefix = prefix + "." if prefix else ""
        short = function.rpartition(".")[2]
        orig_key = prefix + mangled + "__mutmut_orig"
        mutant_key = prefix + mangled + "__mutmut_%d" % number
        if orig_key not in self.blocks or mutant_key not in self.blocks:
            raise MutantsError("%s: the instrumented file has no %s / %s: mutants/ is stale or from another "
                               "mutmut version; run the audit again from a fresh copy" % (
                                   self.path, orig_key, mutant_key))
        if function not in self.original_blocks:
            raise MutantsError("%s has no function %s() any more: the results are stale" % (self.path, function))
        start, end, original = self.original_blocks[function]
        copy = _renamed(self.blocks[orig_key][2], mangled + "__mutmut_orig", short)
        changed = _renamed(self.blocks[mutant_key][2], mangled + "__mutmut_%d" % number, short)
        if copy != original:
            raise MutantsError("%s: mutmut's copy of %s() differs from the source file: mutants/ is stale"
                               % (self.path, function))
        before, after, offset = changed_lines(original, changed)
        ending = "\n" if self.original_lines[end - 1].endswith("\n") else ""
        source = "".join(self.original_lines[:start - 1]) + "\n".join(changed) + ending + "".join(
            self.original_lines[end:])
        diff = "\n".join(difflib.unified_diff(self.original.splitlines(), source.splitlines(), fromfile=self.path,
                                              tofile=self.path, lineterm="", n=2))
        status = status_of(exit_code)
        return Mutant(name=name, path=self.path, function=function, number=number, exit_code=exit_code,
                      status=status, duration=duration, line=start + offset, before=tuple(before),
                      after=tuple(after), diff=diff, source=source)


def changed_lines(original: list[str], changed: list[str]) -> tuple[list[str], list[str], int]:
    """(removed lines, added lines, index of the first change) between two lists of lines.

    The removed and added lines are one contiguous region each, from the first changed line
    to the last (unchanged lines in between included), so that replacing the one by the
    other turns original into changed.
    """
    opcodes = [op for op in difflib.SequenceMatcher(a=original, b=changed, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    if not opcodes:
        return [], [], 0
    i1, j1 = opcodes[0][1], opcodes[0][3]
    i2, j2 = opcodes[-1][2], opcodes[-1][4]
    return original[i1:i2], changed[j1:j2], i1


def from_lines(path: str, original: str, line: int, before: Sequence[str], after: Sequence[str], name: str = "",
               function: str = "", status: str = "unknown") -> Mutant:
    """A Mutant made by replacing the lines `before`, found at `line` of `original`, by `after`.

    For mutants known by their diff only (a report, a register entry); MutantsError if the
    lines at `line` are no longer `before` (the source changed since).
    """
    lines = original.splitlines(True)
    start = line - 1
    found = [text.rstrip("\n") for text in lines[start:start + len(before)]]
    if start < 0 or found != list(before):
        raise MutantsError("%s:%d is no longer %r: the source changed since the mutant was recorded; run the "
                           "audit again" % (path, line, "\n".join(before)))
    replacement = "".join(text + "\n" for text in after)
    source = "".join(lines[:start]) + replacement + "".join(lines[start + len(before):])
    diff = "\n".join(difflib.unified_diff(original.splitlines(), source.splitlines(), fromfile=path, tofile=path,
                                          lineterm="", n=2))
    return Mutant(name=name, path=path, function=function, number=0, exit_code=None, status=status,
                  duration=None, line=line, before=tuple(before), after=tuple(after), diff=diff, source=source)


def read_results(project: str | os.PathLike[str]) -> list[Mutant]:
    """Every mutant mutmut recorded under project/mutants, sorted by file and number.

    project: the directory mutmut ran in (it holds mutants/ and the original sources).
    Raises MutantsError when mutants/ or a source file is missing.
    """
    project = pathlib.Path(project)
    folder = project / "mutants"
    if not folder.is_dir():
        raise MutantsError("%s does not exist: mutmut did not run there" % folder)
    found = []
    for meta in sorted(folder.rglob("*.py" + META_SUFFIX)):
        relative = meta.relative_to(folder).as_posix()[:-len(META_SUFFIX)]
        codes, durations = read_meta(meta)
        if not codes:
            continue
        try:
            original = (project / relative).read_text(encoding="utf-8")
            instrumented = (folder / relative).read_text(encoding="utf-8")
        except OSError as exc:
            raise MutantsError("cannot read %s or its instrumented copy: %s" % (relative, exc))
        mutated = MutatedFile(relative, original, instrumented)
        for name, code in codes.items():
            found.append(mutated.mutant(name, code, durations.get(name)))
    found.sort(key=lambda m: (m.path, m.line, m.number))
    return found


def strip_comment(line: str) -> str:
    """The line without a trailing # comment (a # inside a string literal is kept)."""
    quote: str | None = None
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif char in "\"'":
            quote = line[i:i + 3] if line[i:i + 3] in ('"""', "'''") else char
            i += len(quote)
            continue
        elif char == "#":
            return line[:i]
        i += 1
    return line


def normalize(lines: Sequence[str]) -> str:
    """Changed lines as compared by the register: no comments, whitespace runs collapsed."""
    return "\n".join(" ".join(strip_comment(line).split()) for line in lines).strip("\n")


def edit_kind(before: Sequence[str], after: Sequence[str]) -> str:
    """The kind of edit a mutmut mutant makes, read from its changed lines (mutmut 3 records no
    operator name): number, string, keyword (True/False/None in a call), none_assignment (a value
    replaced by None), arg_removal, operator (+ -> -, > -> >=, ...), augmented_assignment, unary_op,
    or other."""
    import re
    old, new = normalize(before), normalize(after)
    if "XX" in new and new.replace("XX", "") == old.replace("XX", ""):
        return "string"
    if re.sub(r"=\s*None\b", "", new) != new and "None" not in old:
        return "none_assignment" if re.search(r"^\s*[\w., ]+ = None\s*$", new, re.M) else "keyword"
    numbers = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:e[-+]?\d+)?")
    if numbers.sub("0", old) == numbers.sub("0", new):
        return "number"
    if re.sub(r"\b(True|False)\b", "B", old) == re.sub(r"\b(True|False)\b", "B", new):
        return "keyword"
    if len(new) < len(old) and ("," in old or "(" in old):
        return "arg_removal"
    augmented = re.compile(r"[-+*/]=")
    if augmented.search(old) and augmented.sub("=", old) != augmented.sub("=", new):
        return "augmented_assignment"
    ops = re.compile(r"(\*\*|//|>=|<=|==|!=|[-+*/<>@%]|\band\b|\bor\b|\bis not\b|\bis\b|\bnot\b)")
    if ops.sub("OP", old) == ops.sub("OP", new):
        return "operator"
    if ops.sub("", old).replace(" ", "") == ops.sub("", new).replace(" ", ""):
        return "unary_op"
    return "other"
