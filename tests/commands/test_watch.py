"""`kata watch` in its own process: it re-checks on every save and stops with exit code 0 on green.

The watcher runs as the learner runs it (`python -m katas.cli watch` in a workspace); the test
plays the editor. Timeouts here only guard against a hang; nothing asserts how fast it was.
"""
import os
import subprocess
import sys
import threading
import time

import pytest

from katas import catalogue, sandbox
from katas.learner import katafile, workspace
from katas.cli import main

CARD = "missing-1-over-n"
GUARD = 60  # seconds: only so that a broken watcher cannot hang the suite


class Watcher(object):
    """`kata watch` as a subprocess whose output lines are collected as they come."""

    def __init__(self, cwd, *extra, stdin=subprocess.DEVNULL):
        self.process = subprocess.Popen(  # in this test's environment (tests/conftest.py)
            [sys.executable, "-m", "katas.cli", "watch", CARD, "--timeout", str(GUARD)] + list(extra),
            cwd=str(cwd), stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self):
        return "\n".join(self.lines)

    def wait_for(self, words, count=1):
        """Wait until words appear count times in the output; fail after GUARD seconds."""
        deadline = time.monotonic() + GUARD
        while self.text.count(words) < count:
            if time.monotonic() > deadline or (self.process.poll() is not None and not self.reader.is_alive()):
                self.stop()
                pytest.fail("never saw %r (x%d); output:\n%s" % (words, count, self.text))
            time.sleep(0.05)

    def finish(self):
        code = self.process.wait(timeout=GUARD)
        self.reader.join(timeout=GUARD)
        return code

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=GUARD)


def save_atomically(path, text):
    """Save as many editors do: write a temporary file, then rename it over the original."""
    temporary = path.with_name(".%s.swp" % path.name)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_watch_rechecks_on_save_and_stops_on_green(started):
    watcher = Watcher(started.parent.parent)
    try:
        watcher.wait_for("RED, uniform_scale")
        broken = started.read_text(encoding="utf-8").replace("    N = scores.shape[0]\n", "    N = = 1\n")
        started.write_text(broken, encoding="utf-8")  # saved in place, with a syntax error
        watcher.wait_for("SyntaxError")
        assert "== check 2 (file saved" in watcher.text
        save_atomically(started, katafile.render_solution(catalogue.find_card(CARD)))
        code = watcher.finish()
    finally:
        watcher.stop()
    assert code == 0, watcher.text
    assert "GREEN" in watcher.text and "Stopped watching: %s is green." % CARD in watcher.text
    assert "Next kata: kata start" in watcher.text  # it names the next kata but does not start it
    assert sorted(p.name for p in started.parent.glob("*.py")) == [started.name]


def test_watch_keys_give_a_hint_and_quit(started):
    watcher = Watcher(started.parent.parent, "--keys", stdin=subprocess.PIPE)
    try:
        watcher.wait_for("h + Enter: hint")
        watcher.process.stdin.write("h\n")
        watcher.process.stdin.flush()
        watcher.wait_for("hint 1 of 3")
        watcher.process.stdin.write("\n")  # Enter: check again now
        watcher.process.stdin.flush()
        watcher.wait_for("checked on request")
        watcher.process.stdin.write("q\n")
        watcher.process.stdin.flush()
        code = watcher.finish()
    finally:
        watcher.stop()
    assert code == 1 and "Stopped watching %s" % CARD in watcher.text
    assert catalogue.find_card(CARD).hints[0] in watcher.text


def test_watch_stops_cleanly_on_ctrl_c(started):
    watcher = Watcher(started.parent.parent)
    try:
        watcher.wait_for("Watching")
        watcher.process.send_signal(2)  # SIGINT, as Ctrl-C sends it
        code = watcher.finish()
    finally:
        watcher.stop()
    assert code == 1 and "Stopped watching" in watcher.text and "Traceback" not in watcher.text


def test_watch_gives_up_after_its_timeout(started, capsys):
    code = main(["watch", CARD, "--timeout", "0.5"])
    out = capsys.readouterr().out
    assert code == 1 and "after --timeout without green" in out and "RED, uniform_scale" in out


def test_fingerprint_sees_a_same_size_same_second_change(tmp_path):
    from katas.commands import watch

    path = tmp_path / "f.py"
    path.write_text("a = 1\n")
    first = watch.fingerprint(path)
    stat = os.stat(path)
    path.write_text("a = 2\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same modification time
    assert watch.fingerprint(path) != first
    path.unlink()
    assert watch.fingerprint(path) is None


def test_watch_keeps_what_another_terminal_recorded_meanwhile(started):
    """Solved and two hints in another terminal while watch waits; watch's next (red) check keeps both."""
    import json

    card = catalogue.find_card(CARD)
    watcher = Watcher(started.parent.parent)
    try:
        watcher.wait_for("Watching")
        other = workspace.Workspace(started.parent)
        other.record_check(card, "green")
        other.reveal_hint(card)
        other.reveal_hint(card)
        save_atomically(started, started.read_text(encoding="utf-8") + "# still red\n")
        watcher.wait_for("Watching", count=2)
    finally:
        watcher.stop()
    assert "== check 2 (file saved" in watcher.text
    assert "reveals hint 3 of 3" in watcher.text, "watch reads the hints revealed elsewhere"
    entry = json.loads((started.parent / "progress.json").read_text(encoding="utf-8"))["katas"][CARD]
    assert entry["state"] == "solved" and entry["hints_revealed"] == 2 and entry["checks"] == 3


def test_watch_puts_back_a_file_that_empties_itself_and_does_not_check_it_again(started, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "RESTRICT_WRITES", False)  # as without Landlock: the guard alone
    started.write_text(started.read_text(encoding="utf-8").replace(
        "import numpy as np\n", "import numpy as np\nopen(%r, 'w').close()\n" % str(started), 1), encoding="utf-8")
    before = started.read_bytes()
    code = main(["watch", CARD, "--timeout", "0.6"])  # a watch that re-checked would do so within a poll
    out, err = capsys.readouterr()
    assert code == 1 and "RED, uniform_scale" in out and "== check 2" not in out
    assert err.count("warning: your code changed the workspace") == 1 and "01-missing-1-over-n.py emptied" in err
    assert started.read_bytes() == before
