"""The workspace: kata files as learners get them, progress state, backups."""
import ast
import errno
import dataclasses
import json

import pytest

from katas import catalogue
from katas.learner import files, katafile, progress, workspace

CARDS, _ = catalogue.load_catalogue()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_every_kata_file_is_the_variant_under_a_header_that_gives_nothing_away(card):
    text = katafile.render_kata(card)
    tree = ast.parse(text)
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring.startswith("Kata %02d, %s: %s" % (card.order, card.id, card.title))
    assert card.story in docstring
    body = text[len(katafile.header(card)):]
    assert body == katafile.module_body(catalogue.apply_edits(card), card.network)
    assert body.lstrip().startswith("import"), "the reference's own docstring is replaced, not kept"
    for secret in (card.fix,) + card.hints:
        assert secret not in docstring
    for edit in card.edits:
        for line in edit.replace.splitlines() + edit.find.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in docstring
    solution = katafile.render_solution(card)
    assert solution.startswith(katafile.header(card))
    assert (solution == text) == (card.equivalent and not card.edits)


def test_the_header_survives_quotes_and_backslashes_in_a_story():
    card = dataclasses.replace(CARDS[0], story='It said """stop""" and \\n means newline.', title="A \\ title")
    text = katafile.render_kata(card)
    docstring = ast.get_docstring(ast.parse(text), clean=False)
    assert 'It said """stop""" and \\n means newline.' in docstring and "A \\ title" in docstring


def test_module_body_keeps_a_source_whose_docstring_was_edited():
    reference = catalogue.reference_source("net")
    edited = reference.replace("What it is for: the oracle.", "What it is for: nothing.", 1)
    assert edited != reference
    assert katafile.module_body(edited, "net") == edited
    assert not katafile.module_body(reference, "net").startswith('"""')


def test_write_new_never_overwrites(tmp_path):
    path = tmp_path / "01-x.py"
    assert files.write_new(path, "first")
    assert not files.write_new(path, "second")
    assert path.read_text() == "first"


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
    monkeypatch.delenv(workspace.WORKSPACE_ENV, raising=False)
    assert workspace.resolve() == tmp_path / "workspace"
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "env"))
    assert workspace.resolve() == tmp_path / "env"
    assert workspace.resolve(str(tmp_path / "option")) == tmp_path / "option"


def test_the_workspace_is_found_from_inside_it(tmp_path, monkeypatch):
    monkeypatch.delenv(workspace.WORKSPACE_ENV, raising=False)
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


# -- the progress file: one reader that repairs per field, one writer --------------------

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


def refuse(monkeypatch, name, code, inside):
    """os.<name> raises OSError(code) for paths inside the folder `inside` (a full disk, a read-only one)."""
    import os

    real = getattr(os, name)

    def refusing(*args, **kwargs):
        target = args[1] if name == "replace" else args[0]
        if isinstance(target, (str, os.PathLike)) and str(target).startswith(str(inside)):
            raise OSError(code, os.strerror(code), str(target))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, refusing)


@pytest.mark.parametrize("call, code", [("replace", errno.ENOSPC), ("replace", errno.EROFS), ("write", errno.ENOSPC)])
def test_a_progress_file_that_cannot_be_written_is_left_whole_and_said(tmp_path, monkeypatch, call, code):
    import os

    path = write_progress(tmp_path, VERSION_1)
    before = path.read_bytes()
    ws = workspace.Workspace(tmp_path)
    if call == "write":
        monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(code, os.strerror(code))))
    else:
        refuse(monkeypatch, call, code, tmp_path)
    assert ws.record_check(CARDS[1], "green") is True and not ws.saved
    [warning] = ws.take_warnings()
    assert "could not be written (%s): this check is not saved" % os.strerror(code) in warning
    assert path.read_bytes() == before and not list(tmp_path.glob(".progress-*"))


def test_an_unreadable_file_that_cannot_be_moved_aside_is_left_alone(tmp_path, monkeypatch):
    path = write_progress(tmp_path, b"{ not json")
    refuse(monkeypatch, "replace", errno.EROFS, tmp_path)
    ws = workspace.Workspace(tmp_path)
    ws.record_check(CARDS[0], "red")
    [warning] = ws.take_warnings()
    assert "could not be read" in warning and "could not be moved aside (Read-only file system)" in warning
    assert path.read_bytes() == b"{ not json" and not list(tmp_path.glob("progress.json.broken-*"))


def test_start_that_cannot_write_the_kata_file_leaves_nothing_behind(tmp_path, monkeypatch):
    import os

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
    refuse(monkeypatch, "replace", errno.ENOSPC, tmp_path / "backups")
    with pytest.raises(workspace.WorkspaceError, match="your file was left as it is"):
        ws.reset(CARDS[0])
    assert path.read_text(encoding="utf-8") == "my work\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_the_state_words_stored_and_shown():
    assert [(s.value, s.display) for s in progress.State] == [
        ("not started", "not started"), ("started", "in progress"), ("solved", "solved")]
    assert progress.State("solved") is progress.State.SOLVED and "%s" % progress.State.STARTED == "started"
