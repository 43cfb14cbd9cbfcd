"""`kata watch`: re-check your kata file on every save and stop as soon as it is green.

Checks once, then every time the file changes, printing the fresh verdict; when the kata
goes green it says so and stops (it does not move on to another kata by itself). Without an
ID, watches the current kata. While it waits, type h + Enter for the next hint, Enter to
check again, q + Enter to quit (when standard input is a terminal, or with --keys; on Windows,
the console's keys through msvcrt, not a redirected input); Ctrl-C quits too. Exit code: 0 green, 1 stopped before green (q, Ctrl-C, --timeout), 2 usage error.

How it notices a save: it polls the file every POLL seconds and compares (modification time
in nanoseconds, size, SHA-256 of the content). Polling needs no dependency and works with
every editor's way of saving (in place, or writing a temporary file and renaming it over
the original, which inotify-style watchers lose track of), on any filesystem (network and
container mounts included); for one small file the cost is a stat and a read, nothing. A
change is checked once the file has stayed the same for another half poll, so an editor that
writes in two steps is not checked half-written. A file the check emptied and put back (see
katas.learner.guard) is not checked again; a file saved during a check is. Each check re-reads the
progress file, so a kata solved or a hint revealed in another terminal is kept.
"""
import argparse
import hashlib
import os
import pathlib
import select
import sys
import time
from types import ModuleType

from katas import sandbox
from katas.catalogue import Card
from katas.commands import argtypes, common
from katas.evaluator.launch import Evaluator
from katas.learner import report
from katas.learner.workspace import Workspace

# The line `kata --help` shows; the module docstring is the long description.
HELP = "re-check your kata file on every save and stop as soon as it is green."

POLL = 0.15  # seconds between looks at the file
CONSOLE_POLL = 0.05  # seconds between looks at the Windows console's keyboard buffer
CLEAR = "\x1b[2J\x1b[H"
# What fingerprint() reads of a file: (mtime_ns, size, sha256).
Fingerprint = tuple[int, int, str]


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("watch", help=HELP, description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id (default: the current kata)")
    parser.add_argument("--timeout", type=argtypes.positive_float, default=None, metavar="SECONDS",
                        help="stop watching after this many seconds without green (exit code 1)")
    parser.add_argument("--keys", action="store_true",
                        help="read h / q / Enter from standard input even when it is not a terminal")
    common.add_workspace_argument(parser)
    common.add_time_limit_argument(parser)
    return parser


def fingerprint(path: str | os.PathLike[str]) -> Fingerprint | None:
    """(mtime_ns, size, sha256) of the file, or None while it does not exist."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            stat = os.fstat(stream.fileno())
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return None
    return stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest()


class Keys(object):
    """Lines typed on standard input, read without blocking, or none at all.

    Two readers: on POSIX, select on standard input's file descriptor (a terminal or a pipe); on
    Windows, where select takes only sockets, the console's keyboard buffer through the standard
    library's msvcrt (kbhit / getwch), typed characters echoed and gathered until Enter. Elsewhere,
    or with standard input redirected on Windows, no keys: watch only polls the file.
    """

    def __init__(self, enabled: bool) -> None:
        self.fd: int | None = None
        self.console: ModuleType | None = None  # msvcrt, on Windows
        self.buffer = b""
        if not enabled:
            return
        if os.name == "posix":
            try:
                self.fd = sys.stdin.fileno()
                if os.isatty(self.fd) and os.tcgetpgrp(self.fd) != os.getpgrp():
                    self.fd = None  # in the background (`kata watch &`): reading would stop the process
            except (AttributeError, OSError, ValueError):
                self.fd = None
        else:
            self.console = windows_console()

    @property
    def reader(self) -> str | None:
        """Which reader takes the keys: "select", "msvcrt", or None (no keys)."""
        return "select" if self.fd is not None else "msvcrt" if self.console is not None else None

    def wait(self, seconds: float) -> list[str]:
        """Wait up to seconds; return the typed lines (stripped, lowercased), maybe none."""
        if self.console is not None:
            return self.wait_console(seconds)
        if self.fd is None:
            time.sleep(seconds)
            return []
        readable, _, _ = select.select([self.fd], [], [], seconds)
        if not readable:
            return []
        data = os.read(self.fd, 1024)
        if not data:  # end of input: stop reading, keep watching
            self.fd = None
            return []
        return self.lines(data)

    def wait_console(self, seconds: float) -> list[str]:
        """The Windows console: poll its keyboard buffer every 50 ms, for up to seconds."""
        assert self.console is not None
        deadline = time.monotonic() + seconds
        typed: list[str] = []
        while True:
            while self.console.kbhit():
                char = self.console.getwch()
                if char in ("\x00", "\xe0"):  # a function or arrow key: its second half follows
                    self.console.getwch()
                    continue
                if char == "\x03":
                    raise KeyboardInterrupt
                if char == "\x08":  # Backspace: take back the last character of the line
                    if typed:
                        typed.pop()
                    elif self.buffer:
                        self.buffer = self.buffer[:-1]
                    self.echo("\b \b")
                    continue
                if char == "\r":  # Enter
                    char = "\n"
                    self.echo("\r\n")
                else:
                    self.echo(char)
                typed.append(char)
            if "\n" in typed or time.monotonic() >= deadline:
                break
            time.sleep(min(CONSOLE_POLL, max(0.0, deadline - time.monotonic())))
        return self.lines("".join(typed).encode("utf-8"))

    def echo(self, text: str) -> None:
        """Show typed characters: getwch reads the console without echoing them."""
        assert self.console is not None
        for char in text:
            self.console.putwch(char)

    def lines(self, data: bytes) -> list[str]:
        """The complete lines of what was read so far; a partial line waits in the buffer."""
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        return [line.decode("utf-8", "replace").strip().lower() for line in lines]


def windows_console() -> ModuleType | None:
    """The standard library's msvcrt when standard input is the console, else None."""
    try:
        import msvcrt
    except ImportError:
        return None
    try:
        if not os.isatty(sys.stdin.fileno()):
            return None  # redirected: msvcrt reads the console, not the redirected input
    except (AttributeError, OSError, ValueError):
        return None
    return msvcrt


def say(text: str) -> None:
    print(text, flush=True)  # a pipe or a log sees each verdict as it comes


def run(args: argparse.Namespace, out: common.Out = say) -> int:
    try:
        ws, card, path = common.started_kata(args, out)
    except common.UsageError as exc:
        return common.fail(exc)
    time_limit = common.time_limit(args)
    keys = Keys(args.keys or sys.stdin.isatty())
    clear = sys.stdout.isatty()
    help_line = "Ctrl-C to stop" + ("; h + Enter: hint, Enter: check now, q + Enter: quit" if keys.reader is not None
                                    else "")
    deadline = time.monotonic() + args.timeout if args.timeout else None
    try:
        with sandbox.launch.take_early() or sandbox.Evaluator() as evaluator:  # warm: re-checks skip its start
            return watch(ws, card, path, (time_limit, evaluator), keys, deadline, clear, help_line, out)
    except KeyboardInterrupt:
        out("")
        out("Stopped watching %s before it went green. Resume with: kata watch %s" % (card.id, card.id))
        return 1


def watch(ws: Workspace, card: Card, path: pathlib.Path, settings: tuple[float, Evaluator], keys: Keys,
          deadline: float | None, clear: bool, help_line: str, out: common.Out) -> int:
    seen = fingerprint(path)
    number = 1
    green, seen = show_check(ws, card, path, settings, number, "first check", clear, help_line, out, seen)
    if green:
        return 0
    missing_said = False
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            out("Stopped watching %s after --timeout without green." % card.id)
            return 1
        now_asked = False
        for line in keys.wait(POLL):
            if line in ("q", "quit", "exit"):
                out("Stopped watching %s. Resume with: kata watch %s" % (card.id, card.id))
                return 1
            if line in ("h", "hint"):
                for text in common.reveal(ws, card):
                    out(text)
                common.show_warnings(ws)
            elif line in ("", "c", "check"):
                now_asked = True
            else:
                out("keys: h + Enter for a hint, Enter to check now, q + Enter to quit")
        current = fingerprint(path)
        if current is None:
            if not missing_said:
                out("%s is missing; waiting for it to come back (`kata reset %s` writes a fresh copy)." % (
                    ws.display(path), card.id))
                missing_said = True
            continue
        missing_said = False
        if current == seen and not now_asked:
            continue
        if current != seen:
            time.sleep(POLL / 2)
            if fingerprint(path) != current:
                continue  # still being written: look again at the next poll
        number += 1
        reason = "file saved" if not now_asked else "checked on request"
        green, seen = show_check(ws, card, path, settings, number, reason, clear, help_line, out, current)
        if green:
            return 0


def show_check(ws: Workspace, card: Card, path: pathlib.Path, settings: tuple[float, Evaluator], number: int,
               reason: str, clear: bool, help_line: str, out: common.Out,
               seen: Fingerprint | None) -> tuple[bool, Fingerprint | None]:
    """Check, print the verdict and any warning; return (green, the fingerprint to compare with next).

    Green stops the watch only when it is the file's own (it still holds the bytes checked).
    Then the file's fingerprint after the check is the one seen, so a file put back after the
    check is not checked again; otherwise seen stays as it was, and the change is checked next.
    """
    time_limit, evaluator = settings
    checked = common.check_kata(ws, card, path, time_limit, evaluator=evaluator)
    result = checked.result
    if checked.counts:
        seen = fingerprint(path)
    if clear:
        out(CLEAR)
    out("== check %d (%s, %s), %.2f s ==" % (number, reason, time.strftime("%H:%M:%S"), result.seconds))
    for line in report.terminal(card, result, ws.display(path)):
        out(line)
    if result.green and checked.counts:
        for line in common.next_steps(ws, card, checked):
            out(line)
        out("Stopped watching: %s is green." % card.id)
        common.show_warnings(ws)
        return True, seen
    for line in common.next_steps(ws, card, checked):
        out(line)
    out("Watching %s for changes (%s)." % (ws.display(path), help_line))
    common.show_warnings(ws)
    return False, seen
