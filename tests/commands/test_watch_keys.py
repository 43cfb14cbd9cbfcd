"""`kata watch`'s keys without a POSIX terminal: on Windows it reads the console through msvcrt.

msvcrt exists only on Windows, so these tests stand a fake one in for it (a queue of typed
characters) and pretend os.name is "nt" while the reader is chosen.
"""
import os
import sys

import pytest

from katas.commands import watch


class FakeConsole(object):
    """msvcrt's kbhit / getwch / putwch over a string of typed characters."""

    def __init__(self, typed=""):
        self.typed = list(typed)
        self.echoed = ""

    def type(self, text):
        self.typed.extend(text)

    def kbhit(self):
        return bool(self.typed)

    def getwch(self):
        return self.typed.pop(0)

    def putwch(self, char):
        self.echoed += char


class Terminal(object):
    """A standard input whose descriptor the faked os.isatty calls a terminal (or not)."""

    def fileno(self):
        return 0

    def isatty(self):
        return True


def windows_keys(monkeypatch, console, tty=True):
    """Keys(enabled=True) chosen as on Windows: os.name "nt", msvcrt the given console (None: absent)."""
    with monkeypatch.context() as m:
        m.setattr(os, "name", "nt")
        m.setattr(os, "isatty", lambda fd: tty)
        m.setattr(sys, "stdin", Terminal())
        m.setitem(sys.modules, "msvcrt", console)
        return watch.Keys(True)


def test_on_windows_the_console_reader_is_chosen_and_reads_a_line(monkeypatch):
    console = FakeConsole("h\r")
    keys = windows_keys(monkeypatch, console)
    assert keys.reader == "msvcrt" and keys.fd is None
    assert keys.wait(1.0) == ["h"]  # returns at Enter, not after the second
    assert console.echoed == "h\r\n"


@pytest.mark.parametrize("typed, lines", [
    ("\r", [""]),                     # Enter alone: check now
    ("Q\r", ["q"]),                   # lowercased
    ("hx\x08\r", ["h"]),              # Backspace takes back the x
    ("\xe0Hq\r", ["q"]),              # an arrow key (two characters) is skipped
    ("\x00;h\r", ["h"]),              # so is a function key
    ("h\rq\r", ["h", "q"]),           # two lines typed between two looks
])
def test_the_console_reader_reads_keys_as_the_posix_reader_reads_lines(monkeypatch, typed, lines):
    keys = windows_keys(monkeypatch, FakeConsole(typed))
    assert keys.wait(0.2) == lines


def test_a_line_typed_across_two_waits_is_read_once_complete(monkeypatch):
    console = FakeConsole("hi")
    keys = windows_keys(monkeypatch, console)
    assert keys.wait(0.01) == []
    console.type("nt\r")
    assert keys.wait(0.01) == ["hint"]


def test_ctrl_c_typed_at_the_console_stops_watching_as_it_does_elsewhere(monkeypatch):
    keys = windows_keys(monkeypatch, FakeConsole("\x03"))
    with pytest.raises(KeyboardInterrupt):
        keys.wait(0.2)


@pytest.mark.parametrize("console, tty", [
    (None, True),             # no msvcrt: import fails
    (FakeConsole(), False),   # standard input redirected: msvcrt would read the console instead
])
def test_without_a_console_to_read_windows_gets_no_keys(monkeypatch, console, tty):
    keys = windows_keys(monkeypatch, console, tty=tty)
    assert keys.reader is None
    assert keys.wait(0.01) == []


def test_keys_not_asked_for_read_nothing(monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(os, "name", "nt")
        m.setitem(sys.modules, "msvcrt", FakeConsole("q\r"))
        keys = watch.Keys(False)
    assert keys.reader is None
