"""The workspace: kata files as learners get them, progress state, backups."""
import ast
import dataclasses
import json

import pytest

from katas import catalogue, workspace

CARDS, _ = catalogue.load_catalogue()


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_every_kata_file_is_the_variant_under_a_header_that_gives_nothing_away(card):
    text = workspace.render_kata(card)
    tree = ast.parse(text)
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring.startswith("Kata %02d, %s: %s" % (card.order, card.id, card.title))
    assert card.story in docstring
    body = text[len(workspace.header(card)):]
    assert body == workspace.module_body(catalogue.apply_edits(card), card.network)
    assert body.lstrip().startswith("import"), "the reference's own docstring is replaced, not kept"
    for secret in (card.fix,) + card.hints:
        assert secret not in docstring
    for edit in card.edits:
        for line in edit.replace.splitlines() + edit.find.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in docstring
    solution = workspace.render_solution(card)
    assert solution.startswith(workspace.header(card))
    assert (solution == text) == (card.equivalent and not card.edits)


def test_the_header_survives_quotes_and_backslashes_in_a_story():
    card = dataclasses.replace(CARDS[0], story='It said """stop""" and \\n means newline.', title="A \\ title")
    text = workspace.render_kata(card)
    docstring = ast.get_docstring(ast.parse(text), clean=False)
    assert 'It said """stop""" and \\n means newline.' in docstring and "A \\ title" in docstring


def test_module_body_keeps_a_source_whose_docstring_was_edited():
    reference = catalogue.reference_source("net")
    edited = reference.replace("What it is for: the oracle.", "What it is for: nothing.", 1)
    assert edited != reference
    assert workspace.module_body(edited, "net") == edited
    assert not workspace.module_body(reference, "net").startswith('"""')


def test_write_new_never_overwrites(tmp_path):
    path = tmp_path / "01-x.py"
    assert workspace.write_new(path, "first")
    assert not workspace.write_new(path, "second")
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
    assert path.read_text() == workspace.render_kata(card)
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
    assert reloaded.current_id() == first.id and reloaded.state(third) is workspace.State.SOLVED


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
