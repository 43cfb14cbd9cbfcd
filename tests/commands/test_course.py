"""A course's conventions, said once in a file, followed by every verdict, grade and evidence sentence:
cs231n from 2017 penalizes reg * ||W||^2 (gradient 2 * reg * W), which this project's (reg/2) * ||W||^2
calls a loss mismatch; a course may also sum the loss over the batch."""
import json

import numpy as np
import pytest

from katas import catalogue, course
from katas.cli import main
from katas.learner import katafile
from reference import diagnose, net
from reference.diagnose import Conventions
from tests import zoos

FULL = Conventions(l2="full")


def full_l2(params, X, y, reg=0.0):
    """The two-layer network with cs231n's 2017 penalty: reg * ||W||^2, gradient 2 * reg * W."""
    value, grads = net.loss(params, X, y, 0.0)
    value += reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    grads["W1"] = grads["W1"] + 2 * reg * params["W1"]
    grads["W2"] = grads["W2"] + 2 * reg * params["W2"]
    return value, grads


def summed(params, X, y, reg=0.0):
    """The two-layer network with the loss and gradients summed over the batch."""
    value, grads = net.loss(params, X, y, 0.0)
    N = X.shape[0]
    value = value * N + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    grads = {k: v * N for k, v in grads.items()}
    grads["W1"] = grads["W1"] + reg * params["W1"]
    grads["W2"] = grads["W2"] + reg * params["W2"]
    return value, grads


def test_a_course_s_penalty_convention_is_ok_under_it_and_this_project_s_is_not():
    assert diagnose.diagnose(full_l2).signature == "loss_mismatch"
    assert diagnose.diagnose(full_l2, conventions=FULL).signature == "ok"
    assert diagnose.diagnose(zoos.loss("v13_cs231n_2017_penalty"), conventions=FULL).signature == "ok"
    assert diagnose.diagnose(summed, conventions=Conventions(batch="sum")).signature == "ok"
    assert diagnose.diagnose(summed).signature == "loss_mismatch"
    for seed in (3, 11):
        assert diagnose.diagnose(full_l2, conventions=FULL, seed=seed).signature == "ok"


def test_the_evidence_quotes_the_course_s_penalty_and_measures_against_it():
    diagnosis = diagnose.diagnose(net.loss, conventions=FULL)  # this project's network, a course of reg * ||W||^2
    assert diagnosis.signature == "loss_mismatch" and diagnosis.to_dict()["conventions"] == {"l2": "full",
                                                                                             "batch": "mean"}
    record = next(r for r in diagnosis.records if "penalty" in r.values)
    params = diagnosis.probes["reg"].problem[0]
    course_penalty = 0.1 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    assert record.values["project_penalty"] == pytest.approx(course_penalty, rel=1e-12)
    assert record.values["penalty_relation"][0] == "half"
    assert "exactly half this course's reg * (||W1||^2 + ||W2||^2)" in record.text
    assert "the (reg/2) * ||W||^2 convention; this course uses reg * ||W||^2" in record.text
    missing = diagnose.diagnose(zoos.loss("v14_penalty_missing_consistently"), conventions=FULL)
    assert "where this course adds reg * (||W1||^2 + ||W2||^2)" in " ".join(missing.evidence)


def test_a_gradient_wrong_under_the_course_is_still_reg_only():
    def half_gradient(params, X, y, reg=0.0):  # the course's penalty with this project's gradient
        value, grads = full_l2(params, X, y, reg)
        grads["W1"] = grads["W1"] - reg * params["W1"]
        grads["W2"] = grads["W2"] - reg * params["W2"]
        return value, grads
    diagnosis = diagnose.diagnose(half_gradient, conventions=FULL)
    assert diagnosis.signature == "reg_only" and "(2 * reg * W) is missing or wrong" in diagnosis.evidence[0]


@pytest.mark.parametrize("text, name, expected", [
    ('[tool.backprop-kata.course]\nl2 = "full"\n', "pyproject.toml", ("full", "mean")),
    ('[course]\nl2 = "full"\nbatch = "sum"\n', "course.toml", ("full", "sum")),
    ('batch = "sum"\n', "course.toml", ("half", "sum")),
])
def test_a_course_file_is_a_pyproject_table_or_a_course_toml(tmp_path, text, name, expected):
    (tmp_path / name).write_text(text, encoding="utf-8")
    found = course.load(tmp_path / name)
    assert (found.l2, found.batch) == expected


@pytest.mark.parametrize("text, name, words", [
    ('[project]\nname = "x"\n', "pyproject.toml", "no [tool.backprop-kata.course] table"),
    ('[course]\nl2 = "double"\n', "course.toml", "l2 = 'double'"),
    ('[course]\nmean = "sum"\n', "course.toml", "unknown course convention 'mean'"),
    ('[course\n', "course.toml", "is not valid TOML"),
])
def test_a_bad_course_file_is_refused_naming_the_problem(tmp_path, text, name, words):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(course.CourseError, match=words.replace("[", r"\[").replace("]", r"\]")):
        course.load(tmp_path / name)


def test_kata_grade_and_check_follow_the_course_file(tmp_path, capsys, learner_dir, monkeypatch):
    monkeypatch.setenv(course.COURSE_ENV, "")  # --course sets it for the process: undone after the test
    card = catalogue.find_card("missing-1-over-n")
    solution = katafile.render_solution(card)
    cs231n = solution.replace(
        "reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))",
        "reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))").replace(
        "dW1 = dW1 + reg * W1", "dW1 = dW1 + 2 * reg * W1").replace("dW2 = dW2 + reg * W2", "dW2 = dW2 + 2 * reg * W2")
    assert cs231n.count("2 * reg * W") == 2 and "reg_loss = reg * (" in cs231n
    (tmp_path / "ann.py").write_text(cs231n, encoding="utf-8")
    (tmp_path / "course.toml").write_text('[course]\nl2 = "full"\n', encoding="utf-8")
    out = tmp_path / "grades"
    assert main(["grade", str(tmp_path / "ann.py"), "--kata", card.id, "--out", str(out), "--jobs", "1"]) == 0
    assert json.loads((out / "gradebook.json").read_text())["submissions"][0]["signature"] == "loss_mismatch"
    assert main(["grade", str(tmp_path / "ann.py"), "--kata", card.id, "--out", str(out), "--jobs", "1",
                 "--course", str(tmp_path / "course.toml")]) == 0
    assert json.loads((out / "gradebook.json").read_text())["submissions"][0]["status"] == "green"
    capsys.readouterr()
    assert main(["start", card.id]) == 0
    kata_file = next((learner_dir / "workspace").glob("01-*.py"))
    kata_file.write_text(cs231n, encoding="utf-8")
    assert main(["check", card.id, "--course", str(tmp_path / "course.toml"), "--seed", "0"]) == 0
    (tmp_path / "bad.toml").write_text('[course]\nl2 = "double"\n', encoding="utf-8")
    assert main(["check", card.id, "--course", str(tmp_path / "bad.toml")]) == 2
    assert "l2 = 'double'" in capsys.readouterr().err
