"""Run a learner's file in a separate process and turn whatever happens into a verdict.

What it is for: `check_file(path)` loads the learner's kata file and runs the diagnoser on its
`loss` in a child process, with a time limit, capped output and resource limits, and returns
a Result: green (the diagnosis is ok), red (it is not: signature, evidence, table) or error
(the file could not be checked: a syntax or import error, an empty file, no `loss`, a `loss`
imported from the reference package, an exception or sys.exit at import, an infinite loop, a
segfault, os._exit or os.abort, the process ending itself...). Every error
names the problem in words for the learner, and the line of their file where there is one.
The diagnoser already turns what `loss` does when it is called (exceptions, wrong return
values, shapes, nan, inputs modified in place) into signatures; the sandbox handles what
kills or hangs the process, or happens before `loss` is ever called.

The child is forked on POSIX: the parent has NumPy and the diagnoser imported already, so the
check costs the diagnosis alone. Elsewhere, or with KATA_SANDBOX=spawn, it is a fresh
`python -m katas.sandbox_worker`. The parent never runs learner code, never raises because of
it, and never writes to the learner's file.
What it is not for: security against a determined attacker. The limits stop accidents
(loops, runaway output or memory, crashes), not code written to escape them.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings

from katas import catalogue, sandbox_worker  # noqa: F401 - catalogue: see below
from reference import diagnose  # noqa: F401 - imported here so that every forked child inherits it

# A forked child starts with what this process has imported: with NumPy, the diagnoser and
# the module loader already here, a check costs the diagnosis alone (about 0.1 s) instead of
# about 0.2 s more for the imports in every child.

DEFAULT_TIME_LIMIT = 10.0
TIME_LIMIT_ENV = "KATA_TIME_LIMIT"
MODE_ENV = "KATA_SANDBOX"
OUTPUT_CAP = 64 * 1024  # bytes of the learner's printed output kept
FILE_SIZE_LIMIT = 8 * 1024 * 1024  # largest file the child may write (RLIMIT_FSIZE)
MEMORY_LIMIT = 2 * 1024 ** 3  # address space the child may add to what it starts with
GRACE = 1.5  # seconds after the time limit before the parent kills the child
TRACE_FRAME = re.compile(r'File "(.*)", line (\d+) in (\S+)')
SIGNAL_WORDS = {  # signal -> (what happened, why it usually happens)
    "SIGSEGV": ("a segmentation fault (SIGSEGV)",
                "memory was read or written where none is mapped, typically through ctypes or a C extension"),
    "SIGBUS": ("a bus error (SIGBUS)", "a bad memory access, typically through ctypes"),
    "SIGFPE": ("a floating-point exception signal (SIGFPE)", "an integer division by zero in native code"),
    "SIGILL": ("an illegal instruction (SIGILL)", "native code jumped somewhere it should not"),
    "SIGABRT": ("an abort (SIGABRT)", "native code gave up on an internal error"),
    "SIGKILL": ("SIGKILL", "the process was killed, by your code or because it used too much memory"),
    "SIGTERM": ("SIGTERM", "the process was asked to stop"),
}


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
    """

    verdict: str
    problem: str
    line: int | None = None
    code: str = ""
    detail: str = ""
    signature: str | None = None
    params: list = dataclasses.field(default_factory=list)
    factor: float | str | None = None
    factor_tracks: str | None = None
    evidence: list = dataclasses.field(default_factory=list)
    text: str = ""
    diagnosis: dict | None = None
    output: str = ""
    output_chars: int = 0
    warnings: list = dataclasses.field(default_factory=list)
    entries: dict | None = None
    seconds: float = 0.0

    @property
    def green(self):
        return self.verdict == "green"


def time_limit_setting():
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


def time_limit_default():
    """$KATA_TIME_LIMIT in seconds when it is a positive number, else DEFAULT_TIME_LIMIT."""
    return time_limit_setting()[0]


def default_mode():
    """"fork" where os.fork exists, unless $KATA_SANDBOX says "spawn"."""
    wanted = os.environ.get(MODE_ENV, "").strip().lower()
    if wanted == "spawn" or not hasattr(os, "fork"):
        return "spawn"
    return "fork"


def check_file(path, hidden_layers=1, time_limit=None, mode=None, entries=False, source=None):
    """Diagnose the `loss` of the file at path in a child process; return a Result.

    entries: also bring back the base probe's per-entry relative errors (for heatmaps).
    source: check exactly these bytes instead of reading path (a private copy under the same
    name, in a fresh temporary folder, removed afterwards).
    """
    if source is not None:
        folder = tempfile.mkdtemp(prefix="kata-source-")
        try:
            copy = os.path.join(folder, pathlib.Path(path).name)
            with open(copy, "wb") as stream:
                stream.write(source)
            return check_path(copy, hidden_layers, time_limit, mode, entries)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return check_path(path, hidden_layers, time_limit, mode, entries)


def check_path(path, hidden_layers, time_limit, mode, entries):
    """check_file of the file at path as it is."""
    path = pathlib.Path(path).resolve()
    time_limit = time_limit_default() if time_limit is None else float(time_limit)
    mode = mode or default_mode()
    started = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="kata-check-")
    job = {
        "path": str(path),
        "hidden_layers": int(hidden_layers),
        "entries": bool(entries),
        "time_limit": time_limit,
        "output_cap": OUTPUT_CAP,
        "file_size_limit": FILE_SIZE_LIMIT,
        "memory_limit": MEMORY_LIMIT,
        "result": os.path.join(folder, "result.json"),
        "output": os.path.join(folder, "output.txt"),
        "trace": os.path.join(folder, "trace.txt"),
        "stage": os.path.join(folder, "stage.txt"),
    }
    try:
        status, timed_out = (run_forked if mode == "fork" else run_spawned)(job, time_limit + GRACE)
        result = interpret(job, status, timed_out, time_limit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


# -- running the child ------------------------------------------------------------------

def run_forked(job, deadline):
    """Fork, run the worker in the child, wait; return (wait status, timed out)."""
    sys.stdout.flush()
    sys.stderr.flush()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a process with threads (NumPy's BLAS pool) may
        # deadlock the child: the child here runs Python code on its one thread and ends with
        # os._exit, and OpenBLAS re-creates its pool after a fork (pthread_atfork).
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
        sandbox_worker.run_forked(job)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass  # the child set it itself, or has already ended
    return wait_and_reap(pid, deadline)


def run_spawned(job, deadline):
    """Start `python -m katas.sandbox_worker JOB` and wait; return (wait status, timed out)."""
    with open(job["output"], "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "katas.sandbox_worker", json.dumps(job)],
            stdin=subprocess.DEVNULL, stdout=output, stderr=output,
            start_new_session=hasattr(os, "setsid"))
    if not hasattr(os, "waitid") and not hasattr(os, "pidfd_open"):  # pragma: no cover - Windows
        try:
            code = process.wait(deadline)
            return code, False
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait(), True
    status, timed_out = wait_and_reap(process.pid, deadline)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped: keep Popen from waiting again
    return status, timed_out


def wait_and_reap(pid, deadline):
    """Wait up to deadline seconds for pid to end, kill its process group, reap it.

    The child is left unreaped (a zombie) until its group is killed, so the group id cannot
    be reused by another process in between; that also ends anything the child started.
    Returns (wait status, whether the deadline passed).
    """
    timed_out = False
    try:
        timed_out = not wait_exit(pid, deadline)
    finally:
        # Also on KeyboardInterrupt in the parent: never leave a child running.
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _, status = os.waitpid(pid, 0)
    return status, timed_out


def wait_exit(pid, timeout):
    """True when pid ends within timeout seconds (without reaping it), False otherwise."""
    end = time.monotonic() + timeout
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            pidfd = None
    if pidfd is not None:
        try:
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                readable, _, _ = select.select([pidfd], [], [], left)
                if readable:
                    return True
        finally:
            os.close(pidfd)
    delay = 0.002
    while time.monotonic() < end:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if info is not None:
            return True
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
    return False


# -- reading what happened --------------------------------------------------------------

def read_text(path, limit=None):
    try:
        with open(path, "rb") as stream:
            data = stream.read() if limit is None else stream.read(limit)
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def interpret(job, status, timed_out, time_limit):
    """Build the Result from the child's result file, or from how it ended."""
    output = read_text(job["output"], OUTPUT_CAP)
    raw = read_text(job["result"])
    data = None
    if raw:
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
    if data is not None:
        result = from_data(data)
    else:
        result = from_death(job, status, timed_out, time_limit)
    result.output = output
    result.output_chars = data.get("output_chars", len(output)) if data else len(output)
    if result.output_chars > OUTPUT_CAP:
        result.warnings.append(
            "your code printed about %s characters; the first %d KB are kept. Printing inside loss runs on every "
            "one of the checker's calls: remove the print once you have seen what you needed"
            % ("{:,}".format(result.output_chars), OUTPUT_CAP // 1024))
    return result


def from_data(data):
    if data.get("kind") == "error":
        return Result("error", data["problem"], line=data.get("line"), code=data.get("code", ""),
                      detail=data.get("detail", ""), warnings=list(data.get("warnings", [])))
    signature = data["signature"]
    green = signature == "ok"
    problem = "the diagnosis is ok: the gradients agree with the loss and the reference under every probe" \
        if green else "the diagnosis is %s" % signature
    return Result(
        "green" if green else "red", problem, line=data.get("line"), code=data.get("code", ""),
        signature=signature, params=list(data.get("params", [])), factor=data.get("factor"),
        factor_tracks=data.get("factor_tracks"), evidence=list(data.get("evidence", [])),
        text=data.get("text", ""), diagnosis=data.get("diagnosis"), warnings=list(data.get("warnings", [])),
        entries=data.get("entries"))


def from_death(job, status, timed_out, time_limit):
    """The child ended without a result: say how, where and at which stage."""
    stage = read_text(job["stage"]).strip() or "start"
    trace = read_text(job["trace"])
    line, function = trace_line(trace, job["path"])
    code = learner_code(job["path"], line)
    doing = {"start": "before your file was loaded", "load": "while your file was loading",
             "diagnose": "while the checker was calling your loss"}.get(stage, "")
    where = " at line %d in %s()" % (line, function) if line and function != "<module>" else (
        " at line %d" % line if line else "")
    signal_name = None
    if hasattr(os, "WIFSIGNALED") and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            signal_name = signal.Signals(number).name
        except ValueError:
            signal_name = "signal %d" % number
    if timed_out or trace.lstrip().startswith("Timeout") or signal_name == "SIGXCPU":
        problem = ("your code did not finish within %g s %s: an infinite loop, or a loop far too long for "
                   "a toy problem? It was running%s when it was stopped" % (
                       time_limit, doing, where or " outside your file (no line of it was on the stack)"))
        return Result("error", problem, line=line, code=code, detail=trace_excerpt(trace, job["path"]))
    if signal_name is not None:
        what, why = SIGNAL_WORDS.get(signal_name, (signal_name, "the process received a signal"))
        problem = "the process crashed with %s%s, %s: %s" % (what, where, doing, why)
        return Result("error", problem, line=line, code=code, detail=trace_excerpt(trace, job["path"]))
    exit_code = os.WEXITSTATUS(status) if hasattr(os, "WIFEXITED") and os.WIFEXITED(status) else status
    problem = ("the process ended with exit code %d %s, before the check could finish: a loss function must "
               "return its result, not end the process (os._exit through another name, or native code)" % (
                   exit_code, doing))
    return Result("error", problem, line=line, code=code, detail=trace_excerpt(trace, job["path"]))


def trace_line(trace, path):
    """The innermost frame of the learner's file in a faulthandler dump: (line, function)."""
    for match in TRACE_FRAME.finditer(trace):
        if match.group(1) == path:
            return int(match.group(2)), match.group(3)
    return None, None


def trace_excerpt(trace, path):
    """The dump's frames from the innermost one to the outermost line of the learner's file.

    Frames below the learner's code (a library it called) help; the checker's frames that
    called the learner's code do not, and are left out.
    """
    frames = [(m.group(1), m.group(2), m.group(3)) for m in TRACE_FRAME.finditer(trace)]
    mine = [i for i, frame in enumerate(frames) if frame[0] == path]
    if not mine:
        return ""
    lines = ["%s, line %s in %s" % (os.path.basename(f) if f == path else f, n, fn) for f, n, fn in frames[:mine[-1] + 1]]
    if mine[-1] + 1 < len(frames):
        lines.append("(called by the checker)")
    return "\n".join(lines[:12])


def learner_code(path, line):
    if not line:
        return ""
    lines = read_text(path).splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
