"""Child processes and a temporary folder that never outlive the audit, however it ends.

What it is for: `kata audit` runs mutmut (and the census's workers) for half a minute in a
temporary copy of the project. Whether the audit returns, is interrupted (Ctrl-C, SIGTERM of a
CI cancel, SIGHUP of a closed terminal) or is killed outright (SIGKILL, no clean-up code
runs), mutmut, the workers it forked and the copy must go with it:
- spawn() starts a child that the kernel kills when this process dies (Linux: prctl
  PR_SET_PDEATHSIG, through ctypes), in a process group of its own by default;
- Scratch is a temporary folder with a watchdog: a tiny separate process that waits on a pipe
  from this one. The pipe closes when this process ends, whatever ends it; if Scratch.close()
  did not say "done" first, the watchdog kills every process group adopted (mutmut's) and
  removes the folder;
- stop_signals() turns SIGTERM and SIGHUP into Stopped, a KeyboardInterrupt, so the clean-up
  that Ctrl-C runs runs for them too, and exit_code() gives 128 + the signal's number.
Elsewhere than Linux there is no parent-death signal: the watchdog alone ends mutmut's group
and removes the folder (a census worker then ends when its mutants are done).
What it is not for: running learner or card code (katas.sandbox does, with its own limits).
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The signals that stop the audit with its clean-up; SIGINT raises KeyboardInterrupt by itself.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
WATCHDOG = r"""
import os, shutil, signal, sys, time
for name in ("SIGINT", "SIGHUP"):
    if hasattr(signal, name):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
folder, groups, done = sys.argv[1], [], False
for line in sys.stdin:
    word, _, value = line.strip().partition(" ")
    if word == "group":
        groups.append(int(value))
    elif word == "done":
        done = True
if not done:
    for attempt in range(50):
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            break
        time.sleep(0.1)
"""


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: raised where the program was, so that it cleans up as on Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def exit_code(interrupt: BaseException) -> int:
    """128 + the number of the signal that stopped the program (130 for Ctrl-C)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def signal_name(interrupt: BaseException) -> str:
    return signal.Signals(getattr(interrupt, "signum", signal.SIGINT)).name


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Within: SIGTERM and SIGHUP raise Stopped in the main thread (elsewhere: nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: types.FrameType | None) -> None:
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Within (main thread only): SIGINT, SIGTERM and SIGHUP are ignored, so a clean-up completes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT,) + STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def parent_death_signal() -> Callable[[], None] | None:
    """A preexec_fn that makes the child get SIGKILL when this process dies (Linux), or None.

    The child also kills itself at once if this process died before the request took effect.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0), ctypes.c_ulong(0),
              ctypes.c_ulong(0))
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return arm


def spawn(argv: Sequence[str], new_session: bool = True, **options: Any) -> subprocess.Popen[Any]:
    """subprocess.Popen(argv, **options) for a child that dies with this process.

    new_session: the child leads a process group of its own (stop_group ends it with
    everything it forked); otherwise it stays in this process's group and gets Ctrl-C with it.
    Call it from the main thread: the parent-death signal fires when the spawning thread ends.
    """
    return subprocess.Popen(argv, start_new_session=new_session, preexec_fn=parent_death_signal(), **options)


def stop_group(process: subprocess.Popen[Any], grace: float = 3.0) -> None:
    """Stop a child started in its own session, and everything in its process group.

    SIGINT first (mutmut stops its workers), SIGKILL after `grace` seconds, then SIGKILL to the
    group again for workers that outlived their parent.
    """
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Scratch(object):
    """A temporary folder, removed by close(), or by a watchdog process if this one is killed.

    adopt(process) names a child leading its own process group (spawn()): close() kills the
    group if the child still runs, and the watchdog kills it if this process dies first. Use
    it as a context manager, or call close() in a finally.
    """

    def __init__(self, prefix: str) -> None:
        self.path = tempfile.mkdtemp(prefix=prefix)
        self.watchdog: subprocess.Popen[bytes] | None = None
        self.adopted: list[subprocess.Popen[Any]] = []
        self._pipe: IO[str] | None = None
        try:
            read, write = os.pipe()
            try:
                self.watchdog = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-c", WATCHDOG, self.path], stdin=read,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir(),
                    start_new_session=True)
            finally:
                os.close(read)
            self._pipe = os.fdopen(write, "w", buffering=1)
        except BaseException:
            self.close()
            raise

    def adopt(self, process: subprocess.Popen[Any]) -> None:
        """The process group led by this child (a Popen) ends with the folder, or with this process."""
        self.adopted.append(process)
        self._say("group %d" % process.pid)

    def _say(self, line: str) -> None:
        if self._pipe is not None:
            try:
                self._pipe.write(line + "\n")
            except OSError:
                pass  # the watchdog is gone: close() still removes the folder

    def close(self) -> None:
        """End the adopted groups still running, remove the folder, let the watchdog go.

        SIGINT, SIGTERM and SIGHUP wait until it is done.
        """
        with signals_ignored():
            for process in self.adopted:
                if process.poll() is None:  # not reaped: its group id is still its own
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    process.wait()
            shutil.rmtree(self.path, ignore_errors=True)
            self._say("done")
            if self._pipe is not None:
                try:
                    self._pipe.close()
                except OSError:
                    pass
                self._pipe = None
            if self.watchdog is not None:
                try:
                    self.watchdog.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.watchdog.kill()
                    self.watchdog.wait()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
