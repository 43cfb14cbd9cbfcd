"""Progress shared by several terminals: every change re-reads the file under the lock, so none is lost.

`kata watch` in one terminal and `kata check` or `kata hint` in another each hold a Workspace
object; whichever writes last must not put back what its own copy said. First the interleaving
step by step, with two objects in one process; then several processes at once.
"""
import json
import multiprocessing

import pytest

from katas import catalogue
from katas.learner import progress, workspace

CARDS, _ = catalogue.load_catalogue()
CARD = CARDS[0]


def on_disk(root, card=CARD):
    return json.loads((root / workspace.PROGRESS_FILE).read_text(encoding="utf-8"))["katas"][card.id]


def solve_and_reveal_two(ws):
    ws.record_check(CARD, "green")
    ws.reveal_hint(CARD)
    ws.reveal_hint(CARD)


def reveal_two(ws):
    ws.reveal_hint(CARD)
    ws.reveal_hint(CARD)


# (what the second terminal does, what the first one does afterwards from its older copy,
#  the entry on disk at the end)
INTERLEAVINGS = [
    ("solves and reveals two hints; watch records a red check",
     solve_and_reveal_two, lambda ws: ws.record_check(CARD, "red"),
     {"state": "solved", "hints_revealed": 2, "checks": 2, "last_verdict": "red"}),
    ("a check prints Solved; an overlapping check records red",
     lambda ws: ws.record_check(CARD, "green"), lambda ws: ws.record_check(CARD, "red"),
     {"state": "solved", "checks": 2}),
    ("reveals two hints; watch's h key reveals one more",
     reveal_two, lambda ws: ws.reveal_hint(CARD),
     {"state": "started", "hints_revealed": 3}),
    ("solves; watch marks another kata current",
     lambda ws: ws.record_check(CARD, "green"), lambda ws: ws.start(CARDS[1]),
     {"state": "solved", "checks": 1}),
]


@pytest.mark.parametrize("other, first, expected", [row[1:] for row in INTERLEAVINGS],
                         ids=[row[0] for row in INTERLEAVINGS])
def test_a_stale_copy_never_undoes_another_terminals_progress(tmp_path, other, first, expected):
    workspace.Workspace(tmp_path).start(CARD)
    watching = workspace.Workspace(tmp_path)
    assert watching.state(CARD) is progress.State.STARTED  # its copy is read now, before the other's changes
    other(workspace.Workspace(tmp_path))
    first(watching)
    entry = on_disk(tmp_path)
    assert {key: entry[key] for key in expected} == expected
    # The object that wrote last also sees the other's changes from then on.
    assert watching.entry(CARD).state.value == expected["state"]


def test_a_change_keeps_the_other_terminals_current_kata_and_entries(tmp_path):
    workspace.Workspace(tmp_path).start(CARD)
    stale = workspace.Workspace(tmp_path)
    stale.progress  # noqa: B018 - read before the other terminal starts a second kata
    workspace.Workspace(tmp_path).start(CARDS[1])
    stale.record_check(CARD, "red")
    data = json.loads((tmp_path / workspace.PROGRESS_FILE).read_text(encoding="utf-8"))
    assert data["current"] == CARDS[1].id and set(data["katas"]) == {CARD.id, CARDS[1].id}


PROCESSES = 4
ROUNDS = 12


def hammer(root, index, barrier):
    """One terminal: ROUNDS checks alternating between two katas, and one hint of a third."""
    ws = workspace.Workspace(root)
    barrier.wait()
    for number in range(ROUNDS):
        green = index == 0 and number == ROUNDS // 2
        ws.record_check(CARDS[number % 2], "green" if green else "red")
        if number == index:
            ws.reveal_hint(CARDS[2])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_several_processes_recording_at_once_lose_nothing(tmp_path):
    ws = workspace.Workspace(tmp_path)
    for card in CARDS[:3]:
        ws.start(card)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    workers = [context.Process(target=hammer, args=(tmp_path, index, barrier)) for index in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    first, second, third = (on_disk(tmp_path, card) for card in CARDS[:3])
    assert first["checks"] == second["checks"] == PROCESSES * ROUNDS // 2
    assert first["state"] == "solved" and second["state"] == "started"
    assert third["hints_revealed"] == min(PROCESSES, len(CARDS[2].hints)) and third["checks"] == 0
    assert not list(tmp_path.glob(".progress-*")), "a temporary file was left behind"
