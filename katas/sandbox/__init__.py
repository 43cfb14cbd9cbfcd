"""The judge: run a learner's file in an evaluator process and give the verdict here.

What it is for: `check_file(path)` reads the learner's kata file once, starts (or reuses) a
katas.evaluator process, has it load those bytes in a fresh learner process and answer calls
of `loss`, and runs reference.diagnose in *this* process on a stand-in for `loss` that sends
each call over katas.evaluator.channel and reads back plain arrays and numbers. The gradient checks, the
probes, the comparison with the reference and the verdict never share a process with the
learner's code: whatever the file patches (NumPy, the diagnoser, the reference, the process
itself), it patches its own copy. The result is a Result: green (the diagnosis is ok), red
(it is not: signature, evidence, table) or error (the file could not be checked: a syntax or
import error, an empty file, no `loss`, an import of the project's own packages, an exception
or sys.exit at import, an infinite loop, a segfault, os._exit or os.abort, the process ending
itself...), each named in words for the learner, with the line of their file where there is one.
The probes' sizes and values come from a seed drawn for every check (printed with the
verdict; `seed=` reproduces it), so a file cannot recognise the probes.
What it is not for: printing (katas.learner.report) or keeping progress (katas.learner.workspace). What the
isolation does and does not guarantee is written down in docs/sandbox.md.
"""
from __future__ import annotations

import ast
import dataclasses
import math
import os
import pathlib
import secrets
import shutil
import tempfile
import threading
import time
from typing import Any

import numpy as np

from katas import course
from katas.evaluator import channel, launch
from katas.evaluator.launch import Evaluator
from katas.sandbox import endings
from katas.sandbox.behaviour import fingerprint
from katas.sandbox.remote import RemoteLoss, Run, Stopped
from reference import diagnose as diagnoser
from reference.gradcheck import GradCheckReport

DEFAULT_TIME_LIMIT = 10.0
TIME_LIMIT_ENV = "KATA_TIME_LIMIT"
SEED_ENV = "KATA_SEED"
OUTPUT_CAP = 64 * 1024  # bytes of the learner's printed output kept
FILE_SIZE_LIMIT = 8 * 1024 * 1024  # largest file the learner process may write (RLIMIT_FSIZE)
MEMORY_LIMIT = 2 * 1024 ** 3  # address space the learner process may add to what it starts with
SOURCE_LIMIT = 1024 * 1024  # bytes of a learner file the judge accepts
GRACE = 1.5  # seconds after the time limit before the judge kills the learner process
SEED_LIMIT = 2 ** 31  # probe seeds are drawn from [0, SEED_LIMIT)
PROJECT_PACKAGES = ("reference", "katas")
# Where the kernel has Landlock, the learner process may write only in its scratch folder.
# False reproduces a kernel without it (the workspace guard, katas.learner.guard, is then the only layer).
RESTRICT_WRITES = True
PARSING = threading.Lock()  # the instructor tools check several files at once, from threads
ROOT = launch.ROOT
# Signatures whose evidence can come from an exception raised at a line of the learner's file.
RAISING_SIGNATURES = ("crash", "shape_error", "nonfinite")


@dataclasses.dataclass
class Result:
    """The verdict on one learner file.

    - verdict: "green" (diagnosis ok), "red" (diagnosis not ok) or "error" (not checkable).
    - problem: one sentence for the learner: what is wrong, or that all is well.
    - line, code: the line of the learner's file the problem is at, and its text, or None and "".
    - detail: extra lines for an error (a caret under a syntax error, a stack).
    - signature, params, factor, factor_tracks, evidence, text: the diagnosis (red or green).
    - diagnosis: Diagnosis.to_dict() of the run, JSON-ready, or None.
    - output: what the learner's code printed (the first OUTPUT_CAP bytes); output_chars: how much.
    - warnings: sentences about things that did not change the verdict.
    - entries: with check_file(entries=True), the base probe's per-entry relative errors:
      name -> {"rel_errors", "kinks", "shape", "max_rel_error", "passed", "threshold"}, or None.
    - seconds: wall time of the check.
    - seed: the probe seed of the check (the same seed gives the same probes).
    - isolation: "pid-namespace" or "session": how the learner process was kept apart.
    - source: the bytes of the file that were checked.
    - behaviour: with check_file(behaviour=True), the digest of what the file's loss returns on
      the probe problems (katas.sandbox.behaviour), or None.
    """

    verdict: str
    problem: str
    line: int | None = None
    code: str = ""
    detail: str = ""
    signature: str | None = None
    params: list[str] = dataclasses.field(default_factory=list)
    factor: float | str | None = None
    factor_tracks: str | None = None
    evidence: list[str] = dataclasses.field(default_factory=list)
    text: str = ""
    diagnosis: dict[str, Any] | None = None
    output: str = ""
    output_chars: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)
    entries: dict[str, dict[str, Any]] | None = None
    seconds: float = 0.0
    seed: int | None = None
    isolation: str | None = None
    source: bytes = b""
    behaviour: str | None = None

    @property
    def green(self) -> bool:
        return self.verdict == "green"


def time_limit_setting() -> tuple[float, str | None]:
    """(seconds, warning): $KATA_TIME_LIMIT when it is a positive number of seconds, with no
    warning; else DEFAULT_TIME_LIMIT, with a sentence naming the variable and its value when it
    is set to something else (the learner commands print it)."""
    raw = os.environ.get(TIME_LIMIT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_TIME_LIMIT, None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not (math.isfinite(value) and value > 0):
        return DEFAULT_TIME_LIMIT, "%s=%s is not a positive number of seconds; using the default, %g s" % (
            TIME_LIMIT_ENV, raw, DEFAULT_TIME_LIMIT)
    return value, None


def time_limit_default() -> float:
    """$KATA_TIME_LIMIT in seconds when it is a positive number, else DEFAULT_TIME_LIMIT."""
    return time_limit_setting()[0]


def seed_setting() -> tuple[int, str | None]:
    """(seed, warning): $KATA_SEED when it is a whole number in [0, SEED_LIMIT) (to repeat a
    verdict), else a fresh seed, unpredictable to the file under check, with a sentence naming
    the variable when it is set to something that is not a seed."""
    raw = os.environ.get(SEED_ENV, "").strip()
    if raw.isdigit() and int(raw) < SEED_LIMIT:
        return int(raw), None
    warning = None
    if raw:
        warning = "%s=%s is not a probe seed (a whole number from 0 to %d); a fresh seed was drawn" % (
            SEED_ENV, raw, SEED_LIMIT - 1)
    return secrets.randbelow(SEED_LIMIT), warning


# -- reuse of the project's own code ----------------------------------------------------

def project_import(source: bytes) -> tuple[int, str, str] | None:
    """(line, code, module) of the first import of the project's packages in source, or None.

    Read by the judge from the bytes it checks, before anything runs: `import reference...`,
    `from reference... import`, and `__import__` / `importlib.import_module` of a literal name.
    The evaluator refuses the same imports, and reads of the packages' files, at run time.
    """
    try:
        text = source.decode("utf-8-sig")
        with PARSING:  # CPython 3.11's parser is not safe to run in two threads at once
            tree = ast.parse(text)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return None
    lines = text.splitlines()
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and call_name(node.func) in ("__import__", "import_module")):
            names = [node.args[0].value]
        for name in names:
            if name.split(".")[0] in PROJECT_PACKAGES:
                line = node.lineno
                found.append((line, lines[line - 1].strip() if 0 < line <= len(lines) else "", name))
    return min(found) if found else None


def call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# -- the check --------------------------------------------------------------------------

def check_file(path: str | os.PathLike[str], hidden_layers: int = 1, time_limit: float | None = None,
               entries: bool = False, seed: int | None = None, source: bytes | None = None,
               evaluator: Evaluator | None = None, network: str = "net", behaviour: bool = False) -> Result:
    """Diagnose the `loss` of the file at path, run in an evaluator process; return a Result.

    network: the network the file implements (a module in reference/; hidden_layers its depth
    for "net" and "mlp").
    entries: also bring back the base probe's per-entry relative errors (for heatmaps).
    seed: the probe seed (None draws one). source: the bytes to check (None reads path once).
    evaluator: a running Evaluator to use (and keep); None starts one for this check alone.
    behaviour: also bring back the digest of the file's results on the probe problems
    (katas.sandbox.behaviour), computed after the diagnosis, in the same learner process.
    """
    started = time.perf_counter()
    path = pathlib.Path(path).resolve()
    time_limit = time_limit_default() if time_limit is None else float(time_limit)
    seed_warning = None
    if seed is None:
        seed, seed_warning = seed_setting()
    seed = int(seed)
    try:
        conventions = course.setting()  # KATA_COURSE: a course's conventions, else this project's
    except course.CourseError as exc:
        result = Result("error", "%s: unset %s or fix the file" % (exc, course.COURSE_ENV), seed=seed)
        result.seconds = time.perf_counter() - started
        return result
    own = evaluator is None
    if evaluator is None:
        evaluator = launch.take_early() or Evaluator()
    elif not evaluator.usable:
        evaluator.restart()
    try:
        result = judge(path, (network, hidden_layers), conventions, time_limit, entries, seed, source, evaluator,
                       behaviour)
    finally:
        if own:
            evaluator.close()
    result.seed = seed
    if seed_warning:
        result.warnings.append(seed_warning)
    result.seconds = time.perf_counter() - started
    return result


def judge(path: pathlib.Path, network: tuple[str, int], conventions: diagnoser.Conventions, time_limit: float,
          entries: bool, seed: int, source: bytes | None, evaluator: Evaluator, behaviour: bool = False) -> Result:
    if source is None:
        try:
            with open(path, "rb") as stream:
                source = stream.read(SOURCE_LIMIT + 1)
        except OSError as exc:
            return Result("error", "your file cannot be read: %s" % (exc.strerror or exc))
    if len(source) > SOURCE_LIMIT:
        return Result("error", "your file is larger than %d KB: a kata file is one small module"
                      % (SOURCE_LIMIT // 1024), source=source)
    reuse = project_import(source)
    if reuse is not None:
        line, code, module = reuse
        return Result("error", "your file imports %s, the project's own code: write the network in this file "
                      "(a kata checks your network, not the reference)" % module, line=line, code=code, source=source)
    folder = tempfile.mkdtemp(prefix="kata-check-")
    job: dict[str, Any] = {
        "path": str(path),
        "scratch": folder,
        "time_limit": time_limit,
        "output_cap": OUTPUT_CAP,
        "file_size_limit": FILE_SIZE_LIMIT,
        "memory_limit": MEMORY_LIMIT,
        "output": os.path.join(folder, "output.txt"),
        "trace": os.path.join(folder, "trace.txt"),
        "blocked_dirs": [str(ROOT / name) for name in PROJECT_PACKAGES],
        "restrict_writes": RESTRICT_WRITES,
    }
    run = None
    try:
        try:
            run = Run(evaluator, job, time.monotonic() + time_limit + GRACE)
        except channel.ChannelError as exc:
            evaluator.close()
            return Result("error", "the check could not start its evaluator process (%s): try again; if it "
                          "persists, reinstall the package" % exc, source=source)
        result = evaluate(run, source, network, conventions, entries, seed, time_limit, behaviour)
        result.isolation = run.isolation
    finally:
        if run is not None:
            run.end()
        output = endings.read_text(job["output"], OUTPUT_CAP)
        shutil.rmtree(folder, ignore_errors=True)
    result.source = source
    result.output = output
    result.output_chars = max(result.output_chars, len(output))
    if result.output_chars > OUTPUT_CAP:
        result.warnings.append(
            "your code printed about %s characters; the first %d KB are kept. Printing inside loss runs on every "
            "one of the checker's calls: remove the print once you have seen what you needed"
            % ("{:,}".format(result.output_chars), OUTPUT_CAP // 1024))
    return result


def evaluate(run: Run, source: bytes, network: tuple[str, int], conventions: diagnoser.Conventions, entries: bool,
             seed: int, time_limit: float, behaviour: bool = False) -> Result:
    """Load the file in the learner process, diagnose its loss here (and, with behaviour, take
    the digest of its results); the Result."""
    text = source.decode("utf-8", "replace")
    try:
        run.stage = "load"
        reply, _ = run.ask({"op": "load"}, np.frombuffer(source, dtype=np.uint8))
        if reply.get("status") == "error":
            return load_error(reply)
        if reply.get("status") != "loaded":
            run.stop("channel: an unexpected reply to load")
            assert run.stopped is not None  # set by stop()
            raise run.stopped
        warnings = seterr_warning(reply.get("seterr"))
        run.stage = "diagnose"
        loss = RemoteLoss(run, reply.get("signature") if isinstance(reply.get("signature"), list) else None)
        diagnosis = diagnoser.diagnose(loss, network=network[0], hidden_layers=network[1], seed=seed,
                                       conventions=conventions)
        if run.stopped is not None:
            raise run.stopped
        digest = None
        if behaviour:
            run.stage = "behaviour"
            digest = fingerprint(loss, network[0], network[1])
            if run.stopped is not None:
                raise run.stopped
        chars = run.finish()
    except Stopped as stop:
        return stopped_result(run, stop, text, time_limit)
    result = from_diagnosis(diagnosis, run, entries)
    result.behaviour = digest
    result.warnings = warnings
    result.output_chars = chars
    return result


def load_error(reply: dict[str, Any]) -> Result:
    line = reply.get("line") if isinstance(reply.get("line"), int) else None
    return Result("error", str(reply.get("problem", "your file could not be loaded")), line=line,
                  code=str(reply.get("code") or ""), detail=str(reply.get("detail") or ""))


def seterr_warning(changed: object) -> list[str]:
    if not isinstance(changed, dict) or not changed:
        return []
    return ["your file changes NumPy's floating-point error handling when it loads (np.seterr: %s): that is "
            "global state every other module shares; the check runs each call under its own settings, so set "
            "error handling inside a function with np.errstate if you need it" % ", ".join(
                "%s=%s" % (k, v) for k, v in sorted(changed.items()))]


def stopped_result(run: Run, stop: Stopped, text: str, time_limit: float) -> Result:
    """The learner process stopped before the diagnosis could finish: say why, and where."""
    if stop.why == "interrupt":
        line, code = run.raised[-1] if run.raised else (None, "")
        return Result("error", "your loss raised KeyboardInterrupt: a loss function must return its result",
                      line=line, code=code)
    if stop.why == "exit":
        call, line, code = run.exits[0]
        return Result("error", "your loss called %s: a loss function must return its result" % call,
                      line=line, code=code)
    if stop.why.startswith("channel"):
        return Result("error", "your code interfered with the check's channel (%s): a loss function must only "
                      "compute and return" % stop.why.split(": ", 1)[-1])
    return from_death(run, text, time_limit)


def from_death(run: Run, text: str, time_limit: float) -> Result:
    """The learner process ended without finishing: an error Result saying how."""
    problem, line, code, detail = endings.ending(run, text, time_limit)
    return Result("error", problem, line=line, code=code, detail=detail)


def from_diagnosis(diagnosis: diagnoser.Diagnosis, run: Run, entries: bool) -> Result:
    """A red or green Result from the diagnosis, with the line of the first exception of loss."""
    signature = diagnosis.signature
    green = signature == "ok"
    problem = "the diagnosis is ok: the gradients agree with the loss and the reference under every probe" \
        if green else "the diagnosis is %s" % signature
    line, code, detail = None, "", ""
    if signature in RAISING_SIGNATURES and run.raised:
        line, code = run.raised[0]
        detail = "\n".join("called from %s" % call for call in reversed(run.callers[0]))
    summary = jsonable(diagnosis.to_dict())
    return Result(
        "green" if green else "red", problem, line=line, code=code or "", detail=detail, signature=signature,
        params=list(diagnosis.params), factor=jsonable(diagnosis.factor), factor_tracks=diagnosis.factor_tracks,
        evidence=list(diagnosis.evidence), text=diagnosis.text(), diagnosis=summary,
        entries=entry_table(diagnosis) if entries else None)


def entry_table(diagnosis: diagnoser.Diagnosis) -> dict[str, dict[str, Any]] | None:
    """The base probe's per-entry relative errors, JSON-ready, or None when it has no full table."""
    report = diagnosis.probes["base"].report if "base" in diagnosis.probes else None
    if not isinstance(report, GradCheckReport):  # None, or a partial check with no table
        return None
    return {name: {"rel_errors": [jsonable(float(e)) for e in p.rel_errors.reshape(-1)],
                   "kinks": [bool(k) for k in p.kinks.reshape(-1)], "shape": list(p.shape),
                   "max_rel_error": jsonable(p.max_rel_error), "passed": bool(p.passed),
                   "threshold": p.threshold}
            for name, p in report.params.items()}


def jsonable(value: Any) -> Any:
    """value with NumPy scalars and arrays as Python values, tuples as lists, nan and inf as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


