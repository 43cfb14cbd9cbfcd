"""Starting the evaluator process, with the standard library alone (no NumPy).

What it is for: katas.sandbox's Evaluator (the process that runs learners' files, see
katas.evaluator) and `start_early`, which the command line calls first thing for `kata check`
and `kata watch`, so that the evaluator's interpreter start and NumPy import overlap the
runner's own imports instead of following them.
What it is not for: talking to the evaluator (katas.sandbox and katas.evaluator.channel do that).
"""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent  # the folder that holds katas/ and reference/
EARLY: list[Evaluator] = []  # an evaluator started before it was asked for, waiting to be taken


class Evaluator:
    """A running katas.evaluator: one learner process per check, started on request.

    Start one and keep it (`with Evaluator() as e: check_file(path, evaluator=e)`) to save the
    interpreter start and the NumPy import on every check after the first (kata watch does).
    """

    def __init__(self, namespaces: bool = True) -> None:
        """namespaces=False: never use a PID namespace (the fallback, kept testable)."""
        self.namespaces = namespaces
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def restart(self) -> None:
        """A fresh evaluator in place of one that a check left unusable."""
        self.close()
        self.start()

    def start(self) -> None:
        requests_read, self.requests = os.pipe()
        self.replies, replies_write = os.pipe()
        self.events, events_write = os.pipe()
        boot = ("import sys; sys.path.insert(0, sys.argv.pop(1)); from katas.evaluator import serve; "
                "serve.main(sys.argv[1:])")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-c", boot, str(ROOT), str(requests_read), str(replies_write),
                 str(events_write), "namespaces" if self.namespaces else "sessions"],
                pass_fds=(requests_read, replies_write, events_write), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        finally:
            for fd in (requests_read, replies_write, events_write):
                os.close(fd)
        self.usable = True

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop the evaluator (and anything of it still running); idempotent."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.process.kill()
        except OSError:
            pass
        self.process.wait()
        self.process = None
        for fd in (self.requests, self.replies, self.events):
            try:
                os.close(fd)
            except OSError:
                pass
        self.usable = False


def start_early(argv: list[str]) -> None:
    """Start an evaluator now when argv is a command that will need one (check, watch)."""
    # the words of argv that are no option and no --workspace's value (`kata --workspace DIR check`)
    words = [a for i, a in enumerate(argv) if not a.startswith("-") and (i == 0 or argv[i - 1] != "--workspace")]
    if words and words[0] in ("check", "watch") and not EARLY:
        try:
            EARLY.append(Evaluator())
        except OSError:
            pass


def take_early() -> Evaluator | None:
    """The evaluator start_early started, or None; the caller owns (and closes) it."""
    return EARLY.pop() if EARLY else None


def close_early() -> None:
    """Close an evaluator started early that no command took."""
    while EARLY:
        EARLY.pop().close()
