"""How a learner process ended, in words: a time limit, a signal, an exit, a damaged channel.

What it is for: when the learner process ends before the check is done, the judge reads its
wait status and the stack faulthandler wrote where the time ran out, and says what happened,
at which stage and at which line of the learner's file.
What it is not for: deciding anything (the judge has already stopped the check).
"""
from __future__ import annotations

import os
import re
import signal

from katas.evaluator.loading import source_line
from katas.evaluator.serve import CHANNEL_BROKEN
from katas.sandbox.remote import Run

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
DOING = {"start": "before your file was loaded", "load": "while your file was loading",
         "diagnose": "while the checker was calling your loss"}


def ending(run: Run, text: str, time_limit: float) -> tuple[str, int | None, str, str]:
    """(problem, line, code, detail): how the learner process ended without finishing, where, at
    which stage."""
    status = run.status if isinstance(run.status, int) else 0
    trace = read_text(run.job["trace"])
    path = run.job["path"]
    line, function = trace_line(trace, path)
    code = source_line(text, line)
    doing = DOING.get(run.stage, "")
    where = " at line %d in %s()" % (line, function) if line and function != "<module>" else (
        " at line %d" % line if line else "")
    signal_name = None
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            signal_name = signal.Signals(number).name
        except ValueError:
            signal_name = "signal %d" % number
    if run.timed_out or trace.lstrip().startswith("Timeout") or signal_name == "SIGXCPU":
        problem = ("your code did not finish within %g s %s: an infinite loop, or a loop far too long for "
                   "a toy problem? It was running%s when it was stopped" % (
                       time_limit, doing, where or " outside your file (no line of it was on the stack)"))
        return problem, line, code, trace_excerpt(trace, path)
    if signal_name is not None:
        what, why = SIGNAL_WORDS.get(signal_name, (signal_name, "the process received a signal"))
        problem = "the process crashed with %s%s, %s: %s" % (what, where, doing, why)
        return problem, line, code, trace_excerpt(trace, path)
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    if exit_code == CHANNEL_BROKEN:
        return ("your code closed or damaged the check's channel (file descriptors it did not open) %s: a loss "
                "function must only compute and return" % doing, None, "", "")
    problem = ("the process ended with exit code %d %s, before the check could finish: a loss function must "
               "return its result, not end the process (os._exit through another name, or native code)" % (
                   exit_code, doing))
    return problem, line, code, trace_excerpt(trace, path)


def read_text(path: str, limit: int | None = None) -> str:
    try:
        with open(path, "rb") as stream:
            data = stream.read() if limit is None else stream.read(limit)
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def trace_line(trace: str, path: str) -> tuple[int | None, str | None]:
    """The innermost frame of the learner's file in a faulthandler dump: (line, function)."""
    for match in TRACE_FRAME.finditer(trace):
        if match.group(1) == path:
            return int(match.group(2)), match.group(3)
    return None, None


def trace_excerpt(trace: str, path: str) -> str:
    """The dump's frames from the innermost one to the outermost line of the learner's file.

    Frames below the learner's code (a library it called) help; the evaluator's frames that
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
