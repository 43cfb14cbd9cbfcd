"""The workspace: starting katas, the current kata, hints, resets with backups, where it is found."""
import errno
import json
import os

import pytest

from katas import catalogue
from katas.learner import katafile, progress, workspace
from tests.learner import disk

CARDS, _ = catalogue.load_catalogue()


def test_reset_keeps_every_previous_file_as_its_own_backup(tmp_path):
    ws = workspace.Workspace(tmp_path)
    card = CARDS[0]
    path, created = ws.start(card)
    assert created
    backups = []
    for attempt in ("attempt one\n", "attempt two\n"):
        path.write_text(attempt)
        backups.append(ws.reset(card))
    assert backups[0] != backups[1] and [b.read_text() for b in backups] == ["attempt one\n", "attempt two\n"]
    assert all(b.parent == tmp_path / "backups" and b.name.startswith(path.stem + ".") for b in backups)
    assert path.read_text() == katafile.render_kata(card)
    assert ws.reset(card) is None  # already pristine: nothing to keep


def test_the_current_kata_is_the_latest_started_unsolved_one(tmp_path):
    ws = workspace.Workspace(tmp_path)
    first, second, third = CARDS[:3]
    assert ws.current_id() is None
    for card in (first, second, third):
        ws.start(card)
    assert ws.current_id() == third.id
    ws.record_check(third, "green")
    assert ws.current_id() == second.id
    ws.start(first)  # resuming a kata makes it current again
    assert ws.current_id() == first.id
    reloaded = workspace.Workspace(tmp_path)
    assert reloaded.current_id() == first.id and reloaded.state(third) is progress.State.SOLVED


def test_a_red_check_after_green_keeps_the_kata_solved(tmp_path):
    ws = workspace.Workspace(tmp_path)
    card = CARDS[0]
    ws.start(card)
    assert ws.record_check(card, "green") is True
    assert ws.record_check(card, "red") is False
    entry = json.loads((tmp_path / "progress.json").read_text())["katas"][card.id]
    assert entry["state"] == "solved" and entry["checks"] == 2 and entry["last_verdict"] == "red"


def test_hints_are_revealed_one_at_a_time_up_to_the_last(tmp_path):
    ws = workspace.Workspace(tmp_path)
    card = CARDS[0]
    ws.start(card)
    counts = [ws.reveal_hint(card) for _ in range(len(card.hints) + 2)]
    assert [c for c, _ in counts] == list(range(1, len(card.hints) + 1)) + [len(card.hints)] * 2
    assert [grew for _, grew in counts][-2:] == [False, False]


def test_the_workspace_folder_resolution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert workspace.resolve() == tmp_path / "workspace"
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "env"))
    assert workspace.resolve() == tmp_path / "env"
    assert workspace.resolve(str(tmp_path / "option")) == tmp_path / "option"


def test_the_workspace_is_found_from_inside_it(tmp_path, monkeypatch):
    ws = workspace.Workspace(tmp_path / "workspace")
    ws.start(CARDS[0])
    (tmp_path / "workspace" / "backups").mkdir()
    for where in (tmp_path, tmp_path / "workspace", tmp_path / "workspace" / "backups"):
        monkeypatch.chdir(where)
        assert workspace.resolve() == tmp_path / "workspace"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "progress.json").write_text('{"percent": 50}')  # not a kata workspace
    monkeypatch.chdir(tmp_path / "other")
    assert workspace.resolve() == tmp_path / "other" / "workspace"


def test_start_that_cannot_write_the_kata_file_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    ws = workspace.Workspace(tmp_path)
    with pytest.raises(workspace.WorkspaceError, match="could not write .*01-missing-1-over-n.py"):
        ws.start(CARDS[0])
    monkeypatch.undo()
    assert not ws.kata_path(CARDS[0]).exists() and workspace.Workspace(tmp_path).entry(CARDS[0]) is None


# The pristine file as an editor may save it: Python reads each of these as the same module.
SAVED_AS = [
    ("utf-8 with a byte-order mark", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
    ("CRLF line endings", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
    ("both", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
    ("old Mac CR line endings", lambda text: text.replace("\n", "\r").encode("utf-8")),
]


@pytest.mark.parametrize("encode", [row[1] for row in SAVED_AS], ids=[row[0] for row in SAVED_AS])
def test_reset_counts_the_pristine_file_saved_with_a_bom_or_crlf_as_pristine(tmp_path, encode):
    ws = workspace.Workspace(tmp_path)
    path, _ = ws.start(CARDS[0])
    saved = encode(path.read_text(encoding="utf-8"))
    path.write_bytes(saved)
    assert ws.reset(CARDS[0]) is None, "nothing of the learner's to keep"
    assert path.read_bytes() == saved, "the editor's way of saving is left as it is"
    path.write_bytes(saved + b"# a change\r\n")
    backup = ws.reset(CARDS[0])
    assert backup.read_bytes() == saved + b"# a change\r\n"
    assert path.read_text(encoding="utf-8") == katafile.render_kata(CARDS[0])


def test_reset_that_cannot_move_the_file_leaves_it_where_it_was(tmp_path, monkeypatch):
    ws = workspace.Workspace(tmp_path)
    path, _ = ws.start(CARDS[0])
    path.write_text("my work\n", encoding="utf-8")
    disk.refuse(monkeypatch, "replace", errno.ENOSPC, tmp_path / "backups")
    with pytest.raises(workspace.WorkspaceError, match="your file was left as it is"):
        ws.reset(CARDS[0])
    assert path.read_text(encoding="utf-8") == "my work\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
