"""Reading and executing a learner's file, and saying in words why it could not be.

What it is for: the learner process's first step: decode the bytes the judge sent as Python
does (a BOM, a coding line, CRLF), compile them, execute them as a fresh module, and find its
`loss`; every way that fails (not UTF-8, empty, a syntax error, an exception or an exit while
loading, an import of the project's packages, no `loss`, a `loss` that is not callable) is an
error record with the line of the file where there is one.
What it is not for: calling `loss` (serve) or keeping the code apart (isolation).
"""
from __future__ import annotations

import ast
import io
import linecache
import os
import sys
import tokenize
import traceback
import types
from typing import Any

from katas import names
from katas.evaluator.isolation import BLOCKED_PACKAGES, ExitCalled

MODULE_NAME = "kata_under_check"


def error(kind: str, problem: str, line: int | None = None, code: str = "", detail: str = "") -> dict[str, Any]:
    return {"status": "error", "error": kind, "problem": problem, "line": line, "code": code, "detail": detail}


def decode(raw: bytes, path: str) -> tuple[str, None] | tuple[None, dict[str, Any]]:
    """The file's text as Python reads it (a BOM, a coding line, CRLF), or an error record."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        return None, error("encoding", "your file declares an encoding Python does not know: %s" % exc)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, error("encoding", "your file is not valid %s text (byte %d, on line %d); save it as UTF-8" % (
            "UTF-8" if encoding.startswith("utf-8") else encoding, exc.start, line), line)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def load_module(raw: bytes, path: str) -> tuple[dict[str, Any], None] | tuple[None, dict[str, Any]]:
    """Compile and execute the learner's file; return (namespace, None) or (None, error record)."""
    source, failure = decode(raw, path)
    if failure is not None:
        return None, failure
    assert source is not None  # decode gives the text or an error record
    if not source.strip():
        return None, error("empty", "your file is empty: `kata reset %s` restores the kata" % names.kata_id(os.path.basename(path)))
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip("\n")
        return None, error("syntax", "%s: %s" % (type(exc).__name__, exc.msg), exc.lineno, text.strip(),
                           detail=caret(text, exc.offset))
    except (ValueError, OverflowError, MemoryError, RecursionError) as exc:  # a null byte, or too deep
        return None, error("syntax", "your file cannot be compiled: %s: %s" % (type(exc).__name__, exc))
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = path
    sys.modules[MODULE_NAME] = module
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    try:
        exec(code, module.__dict__)
    except BaseException as exc:  # noqa: BLE001 - anything the file does while it loads
        return None, load_failure(exc, path)
    namespace = module.__dict__
    if "loss" not in namespace:
        defined = sorted(n for n, v in namespace.items() if callable(v) and not n.startswith("_")
                         and getattr(v, "__module__", None) == MODULE_NAME)
        near = [n for n in namespace if n.lower().startswith("loss") or n.lower().endswith("loss")]
        problem = "your file defines no function named loss: the check calls loss(params, X, y, reg=0.0)"
        if near:
            problem += "; did you rename it? (found %s)" % ", ".join(sorted(near))
        elif defined:
            problem += "; it defines %s" % ", ".join(defined)
        return None, error("no_loss", problem)
    if not callable(namespace["loss"]):
        line = definition_line(source, "loss")
        return None, error("not_callable", "loss is %s, not a function: the check calls loss(params, X, y, "
                           "reg=0.0)" % describe(namespace["loss"]), line, source_line(source, line))
    return namespace, None


def learner_line(exc: BaseException, filename: str) -> tuple[int | None, str] | None:
    """The innermost traceback line that is in the learner's file: (number, code) or None."""
    chosen = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            chosen = frame
    if chosen is None:
        return None
    return chosen.lineno, (chosen.line or "").strip()


def definition_line(source: str, name: str) -> int | None:
    """The line of the last top-level def/class/assignment/import of name, or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    line = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            line = node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name) in (name, "*") for alias in node.names):
                line = node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                line = node.lineno
    return line


def load_failure(exc: BaseException, path: str) -> dict[str, Any]:
    where = learner_line(exc, path)
    line, code = where if where else (None, "")
    if isinstance(exc, SystemExit):
        return error("exit", "your file called sys.exit(%r) while loading: a kata module must only define "
                     "things" % (exc.code,), line, code)
    if isinstance(exc, ExitCalled):
        return error("exit", "your file called %s while loading: a kata module must only define things" % exc,
                     line, code)
    if isinstance(exc, ImportError):
        name = getattr(exc, "name", None)
        if name and name.split(".")[0] in BLOCKED_PACKAGES:
            return error("reference", "your file imports %s, the project's own code: write the network in this "
                         "file (a kata checks your network, not the reference)" % name, line, code)
        problem = "ImportError: %s" % first_line(exc)
        if isinstance(exc, ModuleNotFoundError) and name:
            problem = "ModuleNotFoundError: there is no module %r to import (the kata needs only numpy)" % name
        return error("import", problem, line, code)
    if isinstance(exc, PermissionError) and "project's own files" in str(exc):
        return error("reference", "your file reads the project's own files (%s): write the network in this "
                     "file (a kata checks your network, not the reference)" % first_line(exc), line, code)
    if isinstance(exc, RecursionError):
        return error("load", "RecursionError while loading your file: %s" % first_line(exc), line, code)
    return error("load", "%s while loading your file: %s" % (type(exc).__name__, first_line(exc)), line, code)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


def describe(value: object) -> str:
    kind = type(value).__name__
    return "an %s" % kind if kind[:1] in "aeiou" else "a %s" % kind


def caret(code: str, offset: int | None) -> str:
    if not code or not offset:
        return ""
    stripped = code.lstrip()
    position = max(offset - 1 - (len(code) - len(stripped)), 0)
    return stripped + "\n" + " " * position + "^"


def source_line(source: str, line: int | None) -> str:
    if not line:
        return ""
    lines = source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
