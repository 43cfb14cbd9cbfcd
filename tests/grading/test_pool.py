"""The pool: every task judged once, a file that cannot be read is an error Result, not an exception."""
import os

from katas.catalogue import find_card
from katas.grading import pool
from katas.learner import katafile


def test_every_task_comes_back_once_with_its_verdict(tmp_path):
    card = find_card("missing-1-over-n")
    (tmp_path / "red.py").write_text(katafile.render_kata(card))
    (tmp_path / "green.py").write_text(katafile.render_solution(card))
    tasks = [pool.Task(str(tmp_path / name), "net", 1, 0, 5.0) for name in ("red.py", "green.py", "gone.py")]
    seen = []
    results = dict(pool.grade_all(tasks, jobs=2, done=lambda index, result: seen.append(index)))
    assert sorted(results) == sorted(seen) == [0, 1, 2]
    assert [results[i].verdict for i in range(3)] == ["red", "green", "error"]
    assert results[2].problem.startswith("the file cannot be read") and results[2].seed == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["green.py", "red.py"]


JUDGE = pool.check


def dying(task):
    """pool.check, except that it ends the worker process on die.py, as if the grader itself failed."""
    if task.path.endswith("die.py"):
        os._exit(1)
    return JUDGE(task)


def test_a_worker_that_dies_costs_one_error_row_and_the_others_are_judged(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "check", dying)
    card = find_card("missing-1-over-n")
    names = ["a.py", "die.py", "b.py", "c.py"]
    for name in names:
        (tmp_path / name).write_text(katafile.render_solution(card))
    tasks = [pool.Task(str(tmp_path / name), "net", 1, 0, 5.0) for name in names]
    results = dict(pool.grade_all(tasks, jobs=2))
    assert sorted(results) == [0, 1, 2, 3]
    assert [results[i].verdict for i in range(4)] == ["green", "error", "green", "green"]
    assert results[1].problem == "the grading worker judging this file stopped"
