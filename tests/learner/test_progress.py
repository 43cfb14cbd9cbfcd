"""The progress file: one reader that repairs per field, one writer, and what they say when the
file is broken or cannot be written."""
import errno
import json
import os

import pytest

from katas import catalogue
from katas.learner import files, katafile, progress, workspace
from tests.learner import disk

CARDS, _ = catalogue.load_catalogue()


# A progress.json as format_version 1 has always written it.
VERSION_1 = {
    "format_version": 1,
    "current": "mask-from-activation-value",
    "katas": {
        "missing-1-over-n": {"file": "01-missing-1-over-n.py", "state": "solved",
                             "started_at": "2024-01-31T23:59:59.000001+00:00",
                             "solved_at": "2024-02-01T00:10:00.000000+00:00", "hints_revealed": 2, "checks": 5,
                             "last_verdict": "green", "last_checked_at": "2024-02-01T00:10:00.000000+00:00"},
        "mask-from-activation-value": {"file": "02-mask-from-activation-value.py", "state": "started",
                                       "started_at": "2024-02-01T00:11:00.000000+00:00", "solved_at": None,
                                       "hints_revealed": 0, "checks": 0, "last_verdict": None,
                                       "last_checked_at": None},
    },
}


def write_progress(root, data):
    path = root / workspace.PROGRESS_FILE
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode("utf-8"))
    return path


def test_a_format_version_1_file_loads_and_is_written_back_unchanged(tmp_path):
    path = write_progress(tmp_path, VERSION_1)
    ws = workspace.Workspace(tmp_path)
    assert ws.state(CARDS[0]) is progress.State.SOLVED and ws.state(CARDS[1]) is progress.State.STARTED
    assert ws.entry(CARDS[0]).hints_revealed == 2 and ws.current_id() == CARDS[1].id
    assert ws.take_warnings() == []
    ws.reveal_hint(CARDS[1])
    written = json.loads(path.read_text(encoding="utf-8"))
    expected = json.loads(json.dumps(VERSION_1))
    expected["katas"][CARDS[1].id]["hints_revealed"] = 1
    assert written == expected


def entry_with(**fields):
    entry = dict(VERSION_1["katas"]["missing-1-over-n"])
    entry.update(fields)
    return entry


# (an entry's fields as found, the fields as read, words of the warning)
REPAIRS = [
    ({"checks": "x"}, {"checks": 0, "state": progress.State.SOLVED, "hints_revealed": 2}, 'checks was "x" (now 0)'),
    ({"hints_revealed": None}, {"hints_revealed": 0, "checks": 5}, "hints_revealed was null (now 0)"),
    ({"hints_revealed": -3, "checks": True}, {"hints_revealed": 0, "checks": 0}, "checks was true"),
    ({"checks": 2.5}, {"checks": 0, "hints_revealed": 2}, "checks was 2.5"),
    ({"state": "done"}, {"state": progress.State.STARTED, "checks": 5}, 'state was "done" (now "started")'),
    ({"state": "in progress"}, {"state": progress.State.STARTED}, 'state was "in progress"'),
    ({"state": None, "solved_at": 12}, {"state": progress.State.STARTED, "solved_at": None}, "solved_at was 12"),
    ({"started_at": ["2024"]}, {"started_at": None, "hints_revealed": 2}, 'started_at was ["2024"]'),
    ({"last_verdict": "amber"}, {"last_verdict": None, "checks": 5}, 'last_verdict was "amber"'),
    ({"file": {}}, {"file": None, "checks": 5}, "file was {}"),
]


@pytest.mark.parametrize("found, read, words", REPAIRS, ids=[" ".join(sorted(r[0])) for r in REPAIRS])
def test_a_malformed_field_takes_its_default_and_the_rest_of_the_entry_is_kept(tmp_path, found, read, words):
    data = json.loads(json.dumps(VERSION_1))
    data["katas"]["missing-1-over-n"] = entry_with(colour="blue", **found)
    path = write_progress(tmp_path, data)
    ws = workspace.Workspace(tmp_path)
    entry = ws.entry(CARDS[0])
    assert {name: getattr(entry, name) for name in read} == read
    assert entry.other == {"colour": "blue"}, "a field this version does not know is kept"
    assert ws.entry(CARDS[1]).file == "02-mask-from-activation-value.py"
    [warning] = ws.take_warnings()
    assert warning.startswith(str(path)) and "katas.missing-1-over-n." + words in warning
    rewritten = json.loads(path.read_text(encoding="utf-8"))
    assert rewritten["katas"]["missing-1-over-n"]["colour"] == "blue"
    assert workspace.Workspace(tmp_path).take_warnings() == [], "the repair was written back"


# (progress.json's content, words of the warning, whether it is kept aside as .broken-<stamp>)
# The first two katas have files; only an entry that is not an object leaves the second unstarted.
UNUSABLE = [
    ({"format_version": 1, "current": 5, "katas": []}, "katas was [], not a table", False),
    ({"format_version": 1, "katas": {"missing-1-over-n": ["started"]}}, "not an object (now a fresh entry)", None),
    ({"format_version": 1}, "katas was missing", False),
    (b"[" * 100000, "nested too deeply", True),
    (b"\xff\xfe\x00{", "not UTF-8", True),
    (b"", "not JSON", True),
    (b"[1, 2]", 'not an object with a "katas" table', True),
    (b'{"katas": {', "not JSON", True),
]


@pytest.mark.parametrize("content, words, kept_aside", UNUSABLE, ids=[r[1] for r in UNUSABLE])
def test_an_unusable_progress_file_is_rebuilt_from_the_kata_files_present(tmp_path, content, words, kept_aside):
    for card in CARDS[:2]:
        files.write_new(tmp_path / katafile.kata_filename(card), katafile.render_kata(card))
    write_progress(tmp_path, content)
    ws = workspace.Workspace(tmp_path)
    assert ws.state(CARDS[0]) is progress.State.STARTED and ws.state(CARDS[2]) is progress.State.NOT_STARTED
    assert ws.state(CARDS[1]) is (progress.State.NOT_STARTED if kept_aside is None else progress.State.STARTED)
    [warning] = ws.take_warnings()
    assert words in warning
    broken = list(tmp_path.glob("progress.json.broken-*"))
    assert [b.read_bytes() for b in broken] == ([content] if kept_aside else [])
    assert workspace.is_workspace(tmp_path)


def test_a_progress_file_broken_twice_in_a_second_keeps_both_copies(tmp_path):
    for content in (b"{ first", b"{ second"):
        write_progress(tmp_path, content)
        workspace.Workspace(tmp_path).progress  # noqa: B018 - reading is what keeps it aside
    assert sorted(p.read_bytes() for p in tmp_path.glob("progress.json.broken-*")) == [b"{ first", b"{ second"]


def test_a_folder_in_place_of_the_progress_file_leaves_progress_in_memory(tmp_path):
    (tmp_path / workspace.PROGRESS_FILE).mkdir()
    ws = workspace.Workspace(tmp_path)
    ws.start(CARDS[0])
    assert ws.record_check(CARDS[0], "green") is True and not ws.saved
    assert ws.reveal_hint(CARDS[0]) == (1, True)
    assert ws.state(CARDS[0]) is progress.State.SOLVED  # kept in memory for the command
    [warning] = ws.take_warnings()
    assert "is a folder, not a file" in warning and "nothing is saved" in warning
    assert (tmp_path / workspace.PROGRESS_FILE).is_dir() and not workspace.is_workspace(tmp_path)


@pytest.mark.parametrize("call, code", [("replace", errno.ENOSPC), ("replace", errno.EROFS), ("write", errno.ENOSPC)])
def test_a_progress_file_that_cannot_be_written_is_left_whole_and_said(tmp_path, monkeypatch, call, code):
    path = write_progress(tmp_path, VERSION_1)
    before = path.read_bytes()
    ws = workspace.Workspace(tmp_path)
    if call == "write":
        monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(code, os.strerror(code))))
    else:
        disk.refuse(monkeypatch, call, code, tmp_path)
    assert ws.record_check(CARDS[1], "green") is True and not ws.saved
    [warning] = ws.take_warnings()
    assert "could not be written (%s): this check is not saved" % os.strerror(code) in warning
    assert path.read_bytes() == before and not list(tmp_path.glob(".progress-*"))


def test_an_unreadable_file_that_cannot_be_moved_aside_is_left_alone(tmp_path, monkeypatch):
    path = write_progress(tmp_path, b"{ not json")
    disk.refuse(monkeypatch, "replace", errno.EROFS, tmp_path)
    ws = workspace.Workspace(tmp_path)
    ws.record_check(CARDS[0], "red")
    [warning] = ws.take_warnings()
    assert "could not be read" in warning and "could not be moved aside (Read-only file system)" in warning
    assert path.read_bytes() == b"{ not json" and not list(tmp_path.glob("progress.json.broken-*"))


def test_the_state_words_stored_and_shown():
    assert [(s.value, s.display) for s in progress.State] == [
        ("not started", "not started"), ("started", "in progress"), ("solved", "solved")]
    assert progress.State("solved") is progress.State.SOLVED and "%s" % progress.State.STARTED == "started"
