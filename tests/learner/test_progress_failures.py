"""Every learner command on a workspace whose progress file is broken, or whose disk is full or read-only.

Each command prints its normal output (the verdict, the list, the hint...), then one warning line
naming progress.json, what is wrong and what to do, and never a traceback; its exit code is the
usual one, unless the command's own job (writing or moving a kata file) could not be done.
Every test works in its own tmp_path workspace; a full or read-only disk is simulated by making
os.replace refuse paths inside the workspace (running as root, chmod would not stop a write).
"""
import errno
import json
import os
import subprocess
import sys

import pytest

from katas import catalogue
from katas.learner import katafile
from katas.cli import main
from tests.learner import disk

CARD = "missing-1-over-n"


# Every test starts in learner_dir with CARD started (red) in ./workspace (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("started")


def kata(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def kata_file(root, card_id=CARD):
    return root / "workspace" / katafile.kata_filename(catalogue.find_card(card_id))


def replace_with_folder(path):
    path.unlink()
    path.mkdir()


# progress.json broken in each way: (name, how, words of the warning)
BROKEN = [
    ("wrong types", lambda p: p.write_text(json.dumps({"format_version": 1, "current": 5, "katas": {
        CARD: {"checks": "x", "hints_revealed": None, "state": "done"}, "misspelled-key": [1]}})),
     'katas.missing-1-over-n.checks was "x" (now 0)'),
    ("katas is a list", lambda p: p.write_text('{"format_version": 1, "katas": []}'), "katas was [], not a table"),
    ("deep nesting", lambda p: p.write_text("[" * 100000), "could not be read (it is nested too deeply"),
    ("unreadable bytes", lambda p: p.write_bytes(b"\xff\xfe\x00\x01"), "could not be read (it is not UTF-8"),
    ("a folder", replace_with_folder, "is a folder, not a file"),
]

# (argv, exit code, words of the normal output)
COMMANDS = [
    (["list"], 0, "missing-1-over-n"),
    (["start", CARD], 0, "already started"),
    (["check", CARD], 1, "RED, uniform_scale"),
    (["hint", CARD], 0, "hint 1 of 3"),
    (["solution", CARD, "--force"], 0, "The reference diff"),
    (["reset", CARD], 0, "pristine kata"),
    (["watch", CARD, "--timeout", "0.01"], 1, "RED, uniform_scale"),
]


@pytest.mark.parametrize("argv, code, words", COMMANDS, ids=[row[0][0] for row in COMMANDS])
@pytest.mark.parametrize("breaks, warning", [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_a_broken_progress_file_gives_the_output_then_one_warning(learner_dir, capsys, breaks, warning, argv, code,
                                                                    words):
    breaks(learner_dir / "workspace" / "progress.json")
    got, out, err = kata(capsys, *argv)
    assert got == code and words in out, out + err
    assert "Traceback" not in out + err
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith("warning: ")]
    [line] = err.splitlines()
    assert line.startswith("warning: workspace/progress.json ") and warning in line
    assert kata_file(learner_dir).is_file()


# (argv, exit code, words of the output, words of the one line on standard error, or None for none)
UNWRITABLE = [
    (["check", CARD], 1, "RED, uniform_scale", "warning: workspace/progress.json could not be written (%s): this "
     "check is not saved; free some disk space or make the workspace writable"),
    (["watch", CARD, "--timeout", "0.01"], 1, "RED, uniform_scale", "this check is not saved"),
    (["hint", CARD], 0, "hint 1 of 3", "could not be written (%s): the hint count is not saved"),
    (["start", "misspelled-key"], 0, "Started kata 12", "could not be written (%s)"),
    (["list"], 0, "1 in progress", None),
    (["solution", CARD, "--force"], 0, "The fix:", None),
    (["reset", CARD], 1, "", "kata: could not reset workspace/01-missing-1-over-n.py (%s): your file was left as it "
     "is; free some disk space or make the workspace writable, then run `kata reset missing-1-over-n` again"),
]


@pytest.mark.parametrize("argv, code, words, said", UNWRITABLE, ids=[row[0][0] for row in UNWRITABLE])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full disk", "read-only at the rename"])
def test_a_workspace_that_cannot_be_written_says_so_once(learner_dir, capsys, monkeypatch, error, argv, code, words,
                                                         said):
    path = kata_file(learner_dir)
    path.write_text(path.read_text(encoding="utf-8") + "# my change\n", encoding="utf-8")
    before = path.read_bytes()
    disk.refuse(monkeypatch, "replace", error, learner_dir / "workspace")
    got, out, err = kata(capsys, *argv)
    assert got == code and words in out and "Traceback" not in out + err
    if said is None:
        assert err == ""
    else:
        [line] = err.splitlines()
        assert (said % os.strerror(error) if "%s" in said else said) in line
    assert path.read_bytes() == before, "the learner's file is left as it was"
    assert not list((learner_dir / "workspace").glob(".*.tmp")), "no temporary file is left behind"


def make_read_only(monkeypatch, folder):
    """Nothing inside folder can be created, written or renamed, as on a read-only mount."""
    real_open, real_mkdir = os.open, os.mkdir
    disk.refuse(monkeypatch, "replace", errno.EROFS, folder)

    def opening(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(str(folder)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    def making(path, *args, **kwargs):
        if str(path).startswith(str(folder)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "mkdir", making)


# (argv, exit code, words of the output, words of the one line on standard error, or None for none)
READ_ONLY = [
    (["check", CARD], 1, "RED, uniform_scale", "warning: workspace/progress.json could not be written (Read-only "
     "file system): this check is not saved"),
    (["watch", CARD, "--timeout", "0.01"], 1, "RED, uniform_scale", "this check is not saved"),
    (["hint", CARD], 0, "hint 1 of 3", "the hint count is not saved"),
    (["start", "misspelled-key"], 1, "", "kata: could not write workspace/12-misspelled-key.py (Read-only file "
     "system)"),
    (["list"], 0, "1 in progress", None),
    (["solution", CARD, "--force"], 0, "The fix:", None),
    (["reset", CARD], 1, "", "kata: could not reset workspace/01-missing-1-over-n.py (Read-only file system): your "
     "file was left as it is"),
]


@pytest.mark.parametrize("argv, code, words, said", READ_ONLY, ids=[row[0][0] for row in READ_ONLY])
def test_a_read_only_workspace_gives_the_output_and_says_what_was_not_saved(learner_dir, capsys, monkeypatch, argv,
                                                                           code, words, said):
    path = kata_file(learner_dir)
    path.write_text(path.read_text(encoding="utf-8") + "# my change\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (learner_dir / "workspace").iterdir()}
    make_read_only(monkeypatch, learner_dir / "workspace")
    got, out, err = kata(capsys, *argv)
    assert got == code and words in out and "Traceback" not in out + err
    assert err.splitlines() == ([] if said is None else [line for line in err.splitlines() if said in line])
    assert len(err.splitlines()) <= 1
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in (learner_dir / "workspace").iterdir()} == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="chmod does not stop root from writing")
def test_a_workspace_made_read_only_with_chmod(learner_dir, capsys):
    folder = learner_dir / "workspace"
    folder.chmod(0o555)
    try:
        code, out, err = kata(capsys, "check", CARD)
    finally:
        folder.chmod(0o755)
    assert code == 1 and "RED, uniform_scale" in out and "Traceback" not in err
    [line] = err.splitlines()
    assert "could not be written (Permission denied): this check is not saved" in line


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="finds a descriptor's file through /proc")
def test_start_that_cannot_write_the_kata_file_is_an_error(learner_dir, capsys, monkeypatch):
    real = os.write

    def full(fd, data):
        if os.path.realpath("/proc/self/fd/%d" % fd).startswith(str(learner_dir)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)
    code, out, err = kata(capsys, "start", "misspelled-key")
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.splitlines() == ["kata: could not write workspace/12-misspelled-key.py (No space left on device): "
                                "free some disk space or make the workspace writable, then run `kata start "
                                "misspelled-key` again"]


def test_an_unreadable_progress_file_that_cannot_be_moved_aside_never_crashes(learner_dir, capsys, monkeypatch):
    progress = learner_dir / "workspace" / "progress.json"
    progress.write_text("{ not json", encoding="utf-8")
    disk.refuse(monkeypatch, "replace", errno.EROFS, learner_dir / "workspace")
    code, out, err = kata(capsys, "check", CARD)
    assert code == 1 and "RED, uniform_scale" in out and "Traceback" not in out + err
    [line] = err.splitlines()
    assert "could not be read (it is not JSON" in line and "could not be moved aside (Read-only file system)" in line


def test_the_warning_comes_after_the_verdict(learner_dir):
    """As a learner sees it in a terminal: both streams in one, the verdict first, the warning last."""
    (learner_dir / "workspace" / "progress.json").write_text("[" * 100000, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-m", "katas.cli", "check", CARD], cwd=str(learner_dir), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stdout
    assert lines[0] == "kata 01 missing-1-over-n: RED, uniform_scale: every gradient is off by one common factor"
    assert lines[-1].startswith("warning: workspace/progress.json could not be read")
    assert sum(line.startswith("warning:") for line in lines) == 1
