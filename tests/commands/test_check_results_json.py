"""`kata check --json` against exercism's test-runner interface, version 3, rule by rule.

The rules are those of exercism/docs, building/tooling/test-runners/interface.md, written out
below as a small validator (allowed keys, types, enums, limits, when a message must be there and
when it must not), plus ours: a test's message is at most 500 characters, every test has its
test_code, paths in messages are relative to the workspace, and everything else we report is in
the one extra object "kata". The validator is run on a green kata, a red one, one whose file does
not load, one whose loss raises with a long message naming its own file, and a usage error; and
it is shown to reject documents that break each rule.
"""
import json

import pytest

from katas import catalogue
from katas.cli import main
from katas.learner import katafile

CARD = "missing-1-over-n"
TOP_KEYS = {"version", "status", "message", "tests"}
EXTRA_KEY = "kata"
TEST_KEYS = {"name", "test_code", "status", "message", "output", "task_id"}
STATUSES = {"pass", "fail", "error"}
TOP_MESSAGE_LIMIT = 65535
TEST_MESSAGE_LIMIT = 500  # ours; the interface leaves a test's message unlimited
OUTPUT_LIMIT = 500


def is_text(value):
    return isinstance(value, str) and bool(value.strip())


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def violations(document):
    """Every way document breaks the interface (version 3) and our limits, as sentences."""
    if not isinstance(document, dict):
        return ["the document is not an object"]
    found = ["unknown top-level key %r" % key for key in sorted(set(document) - TOP_KEYS - {EXTRA_KEY})]
    if not (is_number(document.get("version")) and document.get("version") == 3):
        found.append("version is %r, not the number 3" % (document.get("version"),))
    status = document.get("status")
    if status not in STATUSES:
        found.append("status is %r, not one of %s" % (status, sorted(STATUSES)))
    message = document.get("message")
    if status == "error":
        if not is_text(message):
            found.append("status error without a message")
        elif len(message) > TOP_MESSAGE_LIMIT:
            found.append("the top-level message is longer than %d characters" % TOP_MESSAGE_LIMIT)
    elif message is not None:
        found.append("a top-level message with status %r (only for error)" % status)
    if EXTRA_KEY in document and not isinstance(document[EXTRA_KEY], dict):
        found.append("%r is not an object" % EXTRA_KEY)
    tests = document.get("tests")
    if tests is None:
        if status in ("pass", "fail"):
            found.append("status %r without tests" % status)
        return found
    if not isinstance(tests, list):
        return found + ["tests is not an array"]
    for number, test in enumerate(tests):
        found += ["test %d: %s" % (number, problem) for problem in violations_of_test(test)]
    statuses = [test.get("status") for test in tests if isinstance(test, dict)]
    if status == "pass" and any(s != "pass" for s in statuses):
        found.append("status pass, but not every test passed")
    if status == "fail" and not any(s in ("fail", "error") for s in statuses):
        found.append("status fail, but no test failed or errored")
    if status == "error" and any(s != "error" for s in statuses):
        found.append("status error, but not every test errored")
    return found


def violations_of_test(test):
    if not isinstance(test, dict):
        return ["not an object"]
    found = ["unknown key %r" % key for key in sorted(set(test) - TEST_KEYS)]
    if not is_text(test.get("name")):
        found.append("no name")
    if not is_text(test.get("test_code")):
        found.append("no test_code")
    status, message = test.get("status"), test.get("message")
    if status not in STATUSES:
        found.append("status is %r" % (status,))
    if status in ("fail", "error"):
        if not is_text(message):
            found.append("status %s without a message" % status)
        elif len(message) > TEST_MESSAGE_LIMIT:
            found.append("a message longer than %d characters" % TEST_MESSAGE_LIMIT)
    elif message is not None:
        found.append("a message with status %r" % (status,))
    output = test.get("output")
    if output is not None and not (isinstance(output, str) and len(output) <= OUTPUT_LIMIT):
        found.append("output is not a string of at most %d characters" % OUTPUT_LIMIT)
    if "task_id" in test and not (isinstance(test["task_id"], int) and not isinstance(test["task_id"], bool)):
        found.append("task_id is not a whole number")
    return found


def check_json(learner_dir, capsys, source=None, card_id=CARD):
    """Start the kata, put source in its file (None: as started), `kata check --json`: (code, document)."""
    assert main(["start", card_id]) == 0
    if source is not None:
        path = learner_dir / "workspace" / katafile.kata_filename(catalogue.find_card(card_id))
        path.write_text(source, encoding="utf-8")
    capsys.readouterr()
    code = main(["check", card_id, "--json"])
    return code, json.loads(capsys.readouterr().out)


def messages(document):
    return [document.get("message") or ""] + [test.get("message") or "" for test in document.get("tests", [])]


def test_a_green_kata(learner_dir, capsys):
    code, document = check_json(learner_dir, capsys, katafile.render_solution(catalogue.find_card(CARD)))
    assert violations(document) == [] and code == 0
    assert document["status"] == "pass" and "message" not in document
    tests = document["tests"]
    assert [test["name"].split()[0] for test in tests] == list(document["kata"]["probes"])
    assert {test["status"] for test in tests} == {"pass"} and not any("message" in test for test in tests)
    assert document["kata"]["signature"] == "ok"


def test_a_red_kata(learner_dir, capsys):
    code, document = check_json(learner_dir, capsys)
    assert violations(document) == [] and code == 1
    assert document["status"] == "fail" and "message" not in document
    tests = {test["name"].split()[0]: test for test in document["tests"]}
    assert list(tests) == list(document["kata"]["probes"])  # one test per probe, in the order they ran
    assert list(tests)[:3] == ["base", "reg", "batch"] and {"dead", "stress", "square", "dX"} <= set(tests)
    assert tests["base"]["message"] == document["kata"]["evidence"][0]  # the probe's own evidence
    assert "a 1/N is missing" in tests["base"]["message"]
    assert tests["base"]["test_code"] == "loss(params, X, y)  # base probe: N=8, D=5, H=6, C=3"
    assert tests["reg"]["test_code"] == "loss(params, X, y, reg=0.1)  # reg probe: N=8, D=5, H=6, C=3"
    assert tests["dX"]["test_code"].startswith("loss(params, X, y, reg=0.1, return_dX=True)  # dX probe: ")
    assert document["kata"]["signature"] == "uniform_scale" and document["kata"]["seed"] == 0


def test_a_file_that_does_not_load(learner_dir, capsys):
    source = katafile.render_kata(catalogue.find_card(CARD)).replace("    N = scores.shape[0]\n", "    N = = 1\n")
    code, document = check_json(learner_dir, capsys, source)
    assert violations(document) == [] and code == 1
    assert document["status"] == "error" and "tests" not in document
    name = katafile.kata_filename(catalogue.find_card(CARD))
    line = document["kata"]["line"]
    assert document["message"].splitlines()[:3] == ["SyntaxError: invalid syntax", "%s, line %d:" % (name, line),
                                                    "    N = = 1"]
    assert str(learner_dir) not in document["message"]


def test_a_long_message_naming_the_file_is_cut_and_relative(learner_dir, capsys):
    card = catalogue.find_card(CARD)
    source = katafile.render_kata(card).replace(
        "    N = scores.shape[0]\n", '    N = scores.shape[0]\n    raise ValueError(__file__ + " " + "x" * 600)\n', 1)
    code, document = check_json(learner_dir, capsys, source)
    assert violations(document) == [] and code == 1 and document["status"] == "fail"
    base = document["tests"][0]
    assert base["status"] == "error" and len(base["message"]) == 500 and base["message"].endswith("\u2026")
    assert "raised ValueError: %s xxx" % katafile.kata_filename(card) in base["message"]
    assert str(learner_dir) in document["kata"]["evidence"][0]  # the file's full path, as the loss raised it
    assert not any(str(learner_dir) in message for message in messages(document))


def test_a_usage_error(learner_dir, capsys):
    code = main(["check", "no-such-kata", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert violations(document) == [] and code == 2
    assert document["status"] == "error" and "no-such-kata" in document["message"]


GOOD = {"version": 3, "status": "fail", "tests": [
    {"name": "base probe", "status": "fail", "message": "wrong", "test_code": "loss(params, X, y)"},
    {"name": "reg probe", "status": "pass", "test_code": "loss(params, X, y, reg=0.1)", "task_id": 1}]}


def changed(change):
    document = json.loads(json.dumps(GOOD))
    change(document)
    return document


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.update(version=2), "version is 2"),
    (lambda d: d.update(version="3"), "version is '3'"),
    (lambda d: d.update(status="red"), "status is 'red'"),
    (lambda d: d.update(message="a message"), "a top-level message with status 'fail'"),
    (lambda d: d.update(status="error"), "status error without a message"),
    (lambda d: d.update(signature="uniform_scale"), "unknown top-level key 'signature'"),
    (lambda d: d.pop("tests"), "status 'fail' without tests"),
    (lambda d: d["tests"][0].update(status="pass"), "status fail, but no test failed"),
    (lambda d: d.update(status="pass"), "status pass, but not every test passed"),
    (lambda d: d["tests"][0].pop("message"), "status fail without a message"),
    (lambda d: d["tests"][0].update(message="x" * 501), "a message longer than 500"),
    (lambda d: d["tests"][1].update(message="fine"), "a message with status 'pass'"),
    (lambda d: d["tests"][1].update(output="x" * 501), "output is not a string of at most 500"),
    (lambda d: d["tests"][1].update(task_id="1"), "task_id is not a whole number"),
    (lambda d: d["tests"][1].pop("test_code"), "no test_code"),
    (lambda d: d["tests"][1].update(probe={}), "unknown key 'probe'"),
])
def test_the_validator_rejects_each_broken_rule(change, problem):
    assert violations(GOOD) == []
    found = violations(changed(change))
    assert any(problem in sentence for sentence in found), found


def test_the_validator_accepts_the_interfaces_own_version_3_example():
    example = {"version": 3, "status": "fail", "message": None, "tests": [{
        "name": "Test that the thing works", "status": "fail", "message": "Expected 42 but got 123123",
        "output": "Debugging information output by the user",
        "test_code": "assert_equal 42, answerToTheUltimateQuestion()", "task_id": 1}]}
    assert violations(example) == []
