"""`kata grade` end to end: a class of 103 learners built from the catalogue, graded two at a time.

The class (tests/grading/classes.py): the kata's buggy file, its solution, every other card's
variant of the same network (each with a known diagnosis), a syntax error, an infinite loop (a
0.5 s time limit), an import of the reference, os._exit and a learner folder with no file. It is
graded once for the module; the gradebook CSV, the JSON, the class report and the submitted
files are checked against what each learner must get. Gradescope's results.json is checked on
single submissions.
"""
import csv
import hashlib
import json

import pytest

from katas import catalogue
from katas.cli import main
from katas.commands import grade
from katas.grading import gradebook
from katas.learner import katafile
from tests.grading import classes

KATA = "missing-1-over-n"
FACTORS = {"N": 8.0, "1/N": 0.125}  # at seed 0, N = 8
HOSTILE_WORDS = {"hang": "did not finish within 0.5 s", "exit": "os._exit(3)", "reuse": "imports reference.net",
                 "syntax": "SyntaxError", "empty": "holds no .py file"}


def digests(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(expected, folder, out, exit code, digests before, digests after) of one grading of the class."""
    root = tmp_path_factory.mktemp("class")
    folder, out = root / "submissions", root / "grades"
    expected = classes.write_class(folder, catalogue.find_card(KATA))
    before = digests(folder)
    code = main(["grade", str(folder), "--kata", KATA, "--jobs", "2", "--out", str(out), "--time-limit", "0.5",
                 "--seed", "0"])
    return expected, folder, out, code, before, digests(folder)


@pytest.fixture(scope="module")
def csv_rows(graded):
    with open(graded[2] / "gradebook.csv", newline="") as stream:
        return list(csv.reader(stream))


@pytest.fixture(scope="module")
def document(graded):
    return json.loads((graded[2] / "gradebook.json").read_text())


def test_the_class_has_at_least_100_learners_and_the_run_succeeds(graded):
    expected, _, out, code, _, _ = graded
    assert len(expected) >= 100
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["class-report.html", "gradebook.csv", "gradebook.json"]


def test_the_submitted_files_are_left_as_they_were(graded):
    _, _, _, _, before, after = graded
    assert after == before


def test_the_csv_has_exactly_the_columns_and_one_row_per_learner(graded, csv_rows):
    expected = graded[0]
    assert csv_rows[0] == ["submission", "kata", "status", "score", "max_score", "signature", "params", "factor",
                           "seed", "seconds", "error"]
    assert [row[0] for row in csv_rows[1:]] == [e.name for e in expected]


def test_every_csv_row_has_the_verdict_its_learner_must_get(graded, csv_rows):
    for learner, row in zip(graded[0], csv_rows[1:], strict=True):
        record = dict(zip(csv_rows[0], row, strict=True))
        assert record["kata"] == KATA
        assert record["status"] == learner.status, learner.name
        assert record["seed"] == "0"
        assert record["max_score"] == "1.0"
        assert record["score"] == ("1.0" if learner.status == "green" else "0.0")
        assert float(record["seconds"]) >= 0
        if learner.status == "error":
            assert HOSTILE_WORDS[learner.hostile] in record["error"], record
            assert record["signature"] == record["params"] == record["factor"] == ""
            continue
        assert record["error"] == ""
        card = learner.card
        assert record["signature"] == (card.signature if card else "ok"), learner.name
        if card is not None and card.params is not None:
            assert record["params"] == " ".join(card.params), learner.name
        if card is not None and card.factor is not None:
            factor = FACTORS.get(card.factor, card.factor)
            assert float(record["factor"]) == pytest.approx(factor, rel=1e-3), learner.name


def test_the_json_has_the_csv_fields_plus_evidence_probes_and_group(csv_rows, document):
    assert document["kata"] == KATA
    assert document["settings"]["seed"] == 0 and document["settings"]["jobs"] == 2
    assert document["settings"]["partial"] == 0.0 and document["settings"]["max_score"] == 1.0
    header = csv_rows[0]
    for row, entry in zip(csv_rows[1:], document["submissions"], strict=True):
        record = dict(zip(header, row, strict=True))
        assert entry["submission"] == record["submission"]
        assert entry["status"] == record["status"]
        assert str(entry["score"]) == record["score"]
        assert " ".join(entry["params"]) == record["params"]
        assert entry["error"] == record["error"]
        assert entry["group"] == gradebook.group_key(entry["status"], entry["signature"], entry["params"],
                                                     entry["factor"])
        assert entry["comment"] == ""
        if entry["status"] == "red":
            assert entry["evidence"] and entry["probes"]
            assert not all(probe["passed"] for probe in entry["probes"])
        if entry["status"] == "green":
            assert all(probe["passed"] for probe in entry["probes"])
            assert sum(probe["max_score"] for probe in entry["probes"]) == pytest.approx(1.0)
        if entry["status"] == "error":
            assert entry["probes"] == [] and entry["signature"] is None


def test_the_groups_count_every_learner_once(graded, document):
    expected = graded[0]
    groups = {group["key"]: group for group in document["groups"]}
    assert sum(group["count"] for group in groups.values()) == len(expected)
    assert groups["ok||"]["count"] == sum(e.status == "green" for e in expected)
    assert groups["error||"]["count"] == len(classes.HOSTILE) + 1
    # Two cards share this diagnosis: the mask from the activation, and the mask without b1.
    assert groups["localized|W1,b1|"]["count"] == 8
    assert groups["uniform_scale|W1,b1,W2,b2|8"]["submissions"][0].startswith("v00-%s" % KATA)
    assert [group["status"] for group in document["groups"]][0] == "green"


def test_the_class_report_groups_by_signature_params_and_factor(document, graded):
    page = (graded[2] / "class-report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Kata %s: %d submissions</h1>" % (KATA, len(graded[0])) in page
    for group in document["groups"]:
        assert 'data-key="%s"' % group["key"] in page
    assert page.count("<textarea") == len(document["groups"])
    assert "<h2>uniform_scale (12)</h2>" in page  # the kata's own bug, the sign flip, the double average
    assert "<h3>params: W1, b1 (8)</h3>" in page
    assert "factor 0.125" in page and "factor -1" in page
    assert "downloadComments()" in page and "comments.toml" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page  # self-contained


def test_comments_are_attached_to_every_submission_of_their_group(tmp_path, capsys):
    card = catalogue.find_card(KATA)
    for name in ("ann.py", "ben.py"):
        (tmp_path / name).write_text(katafile.render_kata(card))
    (tmp_path / "cat.py").write_text(katafile.render_solution(card))
    comments = tmp_path / "comments.toml"
    comments.write_text(gradebook.comments_toml({"uniform_scale|W1,b1,W2,b2|8": 'Where is the 1/N? "Read" §2.',
                                                 "nan||": "no such group"}))
    out = tmp_path / "grades"
    assert main(["grade", str(tmp_path / "ann.py"), str(tmp_path / "ben.py"), str(tmp_path / "cat.py"), "--kata",
                 KATA, "--out", str(out), "--comments", str(comments), "--jobs", "1"]) == 0
    assert "comments for groups no submission is in: nan||" in capsys.readouterr().err
    document = json.loads((out / "gradebook.json").read_text())
    assert [entry["comment"] for entry in document["submissions"]] == ['Where is the 1/N? "Read" §2.'] * 2 + [""]
    assert document["groups"][1]["comment"] == 'Where is the 1/N? "Read" §2.'
    assert "Where is the 1/N? &quot;Read&quot; §2.</textarea>" in (out / "class-report.html").read_text()


def test_partial_credit_is_the_fraction_of_probes_passed_times_the_factor(tmp_path):
    card = catalogue.find_card("forgotten-reg-gradient")
    (tmp_path / "a.py").write_text(katafile.render_kata(card))
    assert main(["grade", str(tmp_path / "a.py"), "--kata", KATA, "--out", str(tmp_path), "--partial", "0.5"]) == 0
    entry = json.loads((tmp_path / "gradebook.json").read_text())["submissions"][0]
    passed = [probe["passed"] for probe in entry["probes"]]
    assert 0 < sum(passed) < len(passed)  # the probes at reg = 0 pass
    assert entry["score"] == pytest.approx(0.5 * sum(passed) / len(passed), abs=1e-6)
    assert sum(probe["score"] for probe in entry["probes"]) == pytest.approx(entry["score"], abs=1e-6)


@pytest.mark.parametrize("argv, words", [
    (["--kata", "no-such-kata", "x.py"], "there is no kata 'no-such-kata'"),
    (["--kata", KATA, "missing.py"], "missing.py does not exist"),
    (["--kata", KATA, "a.py", "--partial", "2"], "--partial partial = 2.0: a fraction from 0 to 1"),
    (["--kata", KATA, "a.py", "--comments", "bad.toml"], "bad.toml: 'not-a-key' is not a group key"),
    (["--kata", KATA, "empty"], "no submissions to grade"),
    (["--kata", KATA, "a.py", "--gradescope"], "--gradescope grades the folder of --submission"),
])
def test_usage_errors_say_what_to_type(learner_dir, capsys, argv, words):
    (learner_dir / "a.py").write_text("")
    (learner_dir / "bad.toml").write_text('"not-a-key" = "x"\n')
    (learner_dir / "empty").mkdir()
    assert main(["grade"] + argv) == 2
    assert words in capsys.readouterr().err


def test_the_progress_bar_is_one_line_rewritten_in_a_terminal(capsys):
    from katas import sandbox

    bar = grade.Progress(2, enabled=True)
    bar(0, sandbox.Result("green", ""))
    bar(1, sandbox.Result("error", ""))
    bar.finish()
    text = capsys.readouterr().out
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "2/2  green 1  red 0  error 1" in text
    quiet = grade.Progress(2, enabled=False)
    quiet(0, sandbox.Result("red", ""))
    assert capsys.readouterr().out == "" and quiet.counts["red"] == 1


# -- Gradescope -----------------------------------------------------------------------------

def gradescope(tmp_path, files, *extra):
    submission = tmp_path / "submission"
    submission.mkdir(parents=True)
    for name, text in files.items():
        (submission / name).write_text(text)
    results = tmp_path / "results" / "results.json"
    assert main(["grade", "--gradescope", "--kata", KATA, "--submission", str(submission), "--results",
                 str(results), "--time-limit", "2"] + list(extra)) == 0
    return json.loads(results.read_text())


TOP_LEVEL = {"score", "max_score", "execution_time", "output", "visibility", "stdout_visibility", "extra_data", "tests"}
TEST_FIELDS = {"name", "number", "score", "max_score", "status", "output", "visibility"}


def test_gradescope_results_of_a_red_file_with_partial_credit(tmp_path):
    card = catalogue.find_card("forgotten-reg-gradient")
    results = gradescope(tmp_path, {"anything.py": katafile.render_kata(card)}, "--partial", "0.5")
    assert set(results) == TOP_LEVEL
    assert results["max_score"] == 1.0 and results["visibility"] == "visible"
    assert results["output"].startswith("kata 01 %s: RED, reg_only" % KATA)
    assert results["extra_data"] == {"kata": KATA, "status": "red", "signature": "reg_only", "params": ["W1", "W2"],
                                     "factor": None, "seed": 0}
    tests = results["tests"]
    assert [t["name"].split(" probe")[0] for t in tests] == ["base", "reg", "batch", "dead", "stress", "square", "dX"]
    for number, test in enumerate(tests, start=1):
        assert set(test) == TEST_FIELDS and test["number"] == str(number)
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert test["max_score"] == pytest.approx(1 / 7)
        assert test["score"] == (pytest.approx(0.5 / 7) if test["status"] == "passed" else 0.0)
        assert test["output"]
    assert {t["name"].split(" probe")[0]: t["status"] for t in tests}["reg"] == "failed"
    assert "reg probe" in {t["name"].split(" probe")[0]: t["output"] for t in tests}["reg"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in tests))


def test_gradescope_results_of_the_solution_and_of_nothing_to_grade(tmp_path):
    card = catalogue.find_card(KATA)
    solved = gradescope(tmp_path / "a", {katafile.kata_filename(card): katafile.render_solution(card),
                                         "helper.py": "x = 1\n"})
    assert solved["score"] == 1.0 and solved["extra_data"]["status"] == "green"
    assert all(t["status"] == "passed" for t in solved["tests"])
    assert sum(t["score"] for t in solved["tests"]) == pytest.approx(1.0)
    nothing = gradescope(tmp_path / "b", {"notes.txt": "my answer"})
    assert nothing["score"] == 0.0 and nothing["extra_data"]["status"] == "error"
    assert nothing["tests"] == [{"name": "the file loads and can be checked", "number": "1", "score": 0.0,
                                 "max_score": 1.0, "status": "failed", "visibility": "visible",
                                 "output": "no .py file was submitted: submit your kata file, %s"
                                           % katafile.kata_filename(card)}]


def test_gradescope_results_of_a_hanging_file(tmp_path):
    results = gradescope(tmp_path, {"loop.py": "while True:\n    pass\n"})
    assert results["score"] == 0.0
    assert "did not finish within 2 s" in results["tests"][0]["output"]
