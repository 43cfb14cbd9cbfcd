"""The instructor commands: `kata dev check` finds every kind of broken card, `kata dev new` scaffolds one.

The catalogues here are small copies in tmp_path: one `kata dev check` run over a folder of
deliberately broken cards, then one assertion per kind of problem that it must name with the
card file, the field and a fix.
"""
import dataclasses
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from katas import catalogue
from katas.cli import main
from katas.commands.dev import check as dev_check
from katas.paths import display

GOOD = catalogue.CARDS_DIR / "01-missing-1-over-n.toml"
NEW = catalogue.CARDS_DIR / "26-gradient-from-log-probs.toml"
DROP_1_OVER_N = 'find = """\n    dscores /= N  # (N, C): the single 1/N, applied once\n"""'


def good_text(card_id):
    return GOOD.read_text(encoding="utf-8").replace('id = "missing-1-over-n"', 'id = "%s"' % card_id)


# (file name, card text, field the problem names, words in the problem)
BROKEN = [
    ("02-bad-toml.toml", 'title = "unterminated\n', None, "not valid TOML"),
    ("03-wrong-signature.toml", good_text("wrong-signature").replace('"uniform_scale"', '"localized"'),
     "expect.signature", 'the kata diagnoses uniform_scale, the card declares localized'),
    ("04-wrong-params.toml", good_text("wrong-params").replace('params = ["W1", "b1", "W2", "b2"]', 'params = ["W1"]'),
     "expect.params", 'params = ["W1", "b1", "W2", "b2"]'),
    ("05-wrong-factor.toml", good_text("wrong-factor").replace('factor = "N"', 'factor = "1/N"'),
     "expect.factor", 'factor = "N"'),
    ("06-edit-matches-nothing.toml", good_text("edit-matches-nothing").replace("dscores /= N  #", "dscores /= N #"),
     "edits[0].find", "matches 0 times"),
    ("07-edit-matches-often.toml", good_text("edit-matches-often").replace(DROP_1_OVER_N, 'find = "N"'),
     "edits[0].find", "matches"),
    ("08-no-op-edit.toml", good_text("no-op-edit").replace(
        'replace = """\n"""', 'replace = """\n    dscores /= N  # (N, C): the single 1/N, applied once\n"""'),
     "edits[0]", "changes nothing"),
    ("09-story-quotes-the-bug.toml", good_text("story-quotes-the-bug").replace(
        "The loss is the mean", "The line dscores = log_probs  # gone\nThe loss is the mean").replace(
        DROP_1_OVER_N + '\nreplace = """\n"""',
        DROP_1_OVER_N + '\nreplace = """\n    dscores = log_probs  # gone\n"""'),
     "story", "gives the bug away"),
    ("10-placeholder.toml", good_text("placeholder").replace(
        'title = "The missing 1/N"', 'title = "TO WRITE: a title"'),
     "title", "placeholder 'TO WRITE'"),
    ("11-not-equivalent.toml", good_text("not-equivalent").replace(
        "format_version = 1", "format_version = 1\nequivalent = true").replace(
        'signature = "uniform_scale"', 'signature = "ok"').replace('params = ["W1", "b1", "W2", "b2"]\n', "").replace(
        'factor = "N"\n', ""),
     "expect.signature", "an equivalent card must diagnose ok"),
    ("12-does-not-compile.toml", good_text("does-not-compile").replace(
        'replace = """\n"""', 'replace = """\n    dscores /= N +\n"""'),
     "edits", "does not compile"),
    ("13-repeated-hint.toml", good_text("repeated-hint").replace(
        '    "Run the check at two batch sizes.',
        '    "Compare the analytic and numeric gradients entry by entry: is the ratio the same number everywhere?",'
        '\n    "Run the check at two batch sizes.'),
     "hints[1]", "repeats an earlier hint"),
    ("01-same-number.toml", good_text("same-number"), "order (the NN- file name prefix)", "01 is also the number of"),
    ("14-same-edits.toml", good_text("same-edits"), "edits",
     "makes the same network as 01-missing-1-over-n.toml: the kata is a duplicate"),
    ("15-story-quotes-the-code.toml", good_text("story-quotes-the-code").replace(
        "The loss is the mean", "The line dscores=log_probs is suspicious.\nThe loss is the mean").replace(
        DROP_1_OVER_N + '\nreplace = """\n"""',
        DROP_1_OVER_N + '\nreplace = """\n    dscores = log_probs  # gone\n"""'),
     "story", "quotes the buggy code 'dscores = log_probs'"),
    ("16-title-is-the-code.toml", good_text("title-is-the-code").replace(
        'title = "The missing 1/N"', 'title = "dscores = log_probs"').replace(
        DROP_1_OVER_N + '\nreplace = """\n"""',
        DROP_1_OVER_N + '\nreplace = """\n    dscores = log_probs  # (N, C): the single 1/N, applied once\n"""'),
     "title", "quotes the buggy code 'dscores = log_probs'"),
    ("17-last-hint-gives-the-fix.toml", good_text("last-hint-gives-the-fix").replace(
        "and does this file apply it?", "and should this file say dscores /= N?"),
     "hints[2]", "quotes the fixed code 'dscores /= N'"),
]


@pytest.fixture(scope="module")
def broken_catalogue(tmp_path_factory):
    """One dev check over a good card and every broken one: (problem texts, printed lines)."""
    cards = tmp_path_factory.mktemp("cards")
    shutil.copy(GOOD, cards / GOOD.name)
    for name, text, _, _ in BROKEN:
        (cards / name).write_text(text, encoding="utf-8")
    lines = []
    _, problems = dev_check.check_catalogue(cards, time_limit=5, out=lines.append)
    return [p.text() for p in problems], lines


@pytest.mark.parametrize("name, text, field, words", BROKEN, ids=[row[0] for row in BROKEN])
def test_dev_check_names_the_file_the_field_and_the_fix(broken_catalogue, name, text, field, words):
    problems, _ = broken_catalogue
    where = name + (" [%s]" % field if field else ":")
    mine = [line for line in problems if where in line and ". Fix: " in line]
    assert mine, "no problem reported for %s in:\n%s" % (where, "\n".join(problems))
    assert any(words in line for line in mine), "%r not in %s" % (words, mine)


def test_dev_check_passes_the_good_card_among_broken_ones(broken_catalogue):
    problems, lines = broken_catalogue
    assert not [p for p in problems if p.startswith(str(GOOD.name)) or "/" + GOOD.name in p.split(": ")[0]]
    assert any(line.startswith("ok   ") and GOOD.name in line for line in lines)
    assert any(line.startswith("ok   reference") and "net.py" in line for line in lines)


def test_dev_check_passes_a_clean_catalogue(tmp_path, capsys):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    shutil.copy(NEW, tmp_path / "02-gradient-from-log-probs.toml")
    code = main(["dev", "check", "--cards", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "dev check passed: 2 cards" in out and "ok   " in out, out


def test_dev_check_counts_a_single_card_in_the_singular(tmp_path, capsys):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    code = main(["dev", "check", "--cards", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "dev check passed: 1 card, every kata" in out


def test_dev_check_lets_hints_name_short_code(tmp_path):
    """Names and short code (under 8 characters besides spaces) are what hints talk about."""
    text = good_text("short-code").replace(DROP_1_OVER_N, 'find = """\n    N = scores.shape[0]\n"""').replace(
        'replace = """\n"""', 'replace = """\n    N = 1\n"""').replace(
        "and does this file apply it?", "and is N = 1 here?")
    path = tmp_path / "01-short-code.toml"
    path.write_text(text, encoding="utf-8")
    card = catalogue.load_card(path)
    assert dev_check.changed_code(card) == ([], [("N = scores.shape[0]", "N=scores.shape[0]")])
    assert dev_check.leaks(card) == []
    leaky = dataclasses.replace(card, hints=card.hints[:-1] + ("Should N = scores.shape[0] be here?",))
    assert [p.field for p in dev_check.leaks(leaky)] == ["hints[2]"]


def test_dev_new_scaffolds_a_card_with_a_comment_on_every_field(tmp_path, capsys):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    shutil.copy(GOOD, tmp_path / "07-missing-1-over-n-again.toml")  # NN follows the highest number
    code = main(["dev", "new", "my-new-bug", "--cards", str(tmp_path)])
    out = capsys.readouterr().out
    path = tmp_path / "08-my-new-bug.toml"
    assert code == 0 and path.is_file() and "08-my-new-bug.toml" in out
    assert "`kata dev check --cards %s`" % tmp_path in out, "the advice must check the folder written to"
    text = path.read_text(encoding="utf-8")
    data = catalogue.tomllib.loads(text)
    fields = set(catalogue.TOP_FIELDS) | {"expect.%s" % f for f in catalogue.EXPECT_FIELDS}
    lines = text.splitlines()
    for field in fields:
        key = field.split(".")[-1]
        row = next(i for i, line in enumerate(lines) if re.match(r"^(# )?%s = " % key, line) or line == "[%s]" % key
                   or line == "[[%s]]" % key)
        assert lines[row - 1].startswith("#"), "no comment above %s" % field
    assert data["id"] == "my-new-bug"
    for signature in catalogue.SIGNATURES:
        assert signature in text
    # Unfilled, it cannot pass for a card: it fails to load, naming the first field to fill.
    with pytest.raises(catalogue.CardError) as caught:
        catalogue.load_card(path)
    assert caught.value.field == "title"


@pytest.mark.parametrize("network", ["batchnorm_net", "convnet", "rnn"])
def test_dev_new_scaffolds_a_card_for_any_network_with_its_parameter_names(tmp_path, capsys, network):
    assert main(["dev", "new", "some-bug", "--network", network, "--cards", str(tmp_path)]) == 0
    text = (tmp_path / "01-some-bug.toml").read_text(encoding="utf-8")
    assert catalogue.tomllib.loads(text)["network"] == network
    names = catalogue.parameter_names(1, network)
    assert "Its parameters: %s." % ", ".join(names) in text and '# params = ["%s", "%s"]' % names[:2] in text


def test_dev_new_refuses_an_unknown_network(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["dev", "new", "some-bug", "--network", "lenet", "--cards", str(tmp_path)])
    assert "invalid choice: 'lenet'" in capsys.readouterr().err and not list(tmp_path.iterdir())


def test_dev_check_lists_every_field_a_new_card_still_lacks(tmp_path, capsys):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    assert main(["dev", "new", "my-new-bug", "--cards", str(tmp_path)]) == 0
    capsys.readouterr()
    code = main(["dev", "check", "--cards", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "02-my-new-bug.toml [title]: is empty" in out
    assert "02-my-new-bug.toml [story, fix, hints, expect.signature, edits[0].find]: still empty" in out


def test_a_filled_in_template_passes(tmp_path, capsys):
    """The walk-through of docs/instructors.md: fill the template's fields, then dev check passes."""
    assert main(["dev", "new", "gradient-from-log-probs", "--cards", str(tmp_path)]) == 0
    path = tmp_path / "01-gradient-from-log-probs.toml"
    template = path.read_text(encoding="utf-8")
    card = catalogue.load_card(NEW)
    filled = template.replace('title = ""', 'title = "%s"' % card.title)
    filled = filled.replace('story = """\n"""', 'story = """\n%s\n"""' % card.story)
    filled = filled.replace('fix = """\n"""', 'fix = """\n%s\n"""' % card.fix)
    filled = filled.replace("hints = [\n]", "hints = [\n%s]" % "".join('    "%s",\n' % h for h in card.hints))
    filled = filled.replace('signature = ""', 'signature = "mixed"').replace(
        '# params = ["W1", "b1"]', 'params = ["W1", "b1", "W2", "b2"]')
    filled = filled.replace("find = '''\n'''", "find = '''\n%s'''" % card.edits[0].find)
    filled = filled.replace("replace = '''\n'''", "replace = '''\n%s'''" % card.edits[0].replace)
    path.write_text(filled, encoding="utf-8")
    capsys.readouterr()
    assert main(["dev", "check", "--cards", str(tmp_path)]) == 0, capsys.readouterr().out
    assert catalogue.load_card(path).edits == card.edits


@pytest.mark.parametrize("argv, words", [
    (["dev", "new", "Not_An_Id"], "is not a card id"),
    (["dev", "new", "missing-1-over-n"], "is taken by"),
])
def test_dev_new_refuses_bad_or_taken_ids(tmp_path, capsys, argv, words):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(argv + ["--cards", str(tmp_path)])
    assert code != 0 and words in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_dev_new_into_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert main(["dev", "new", "my-bug", "--cards", str(tmp_path / "a-file")]) == 2
    assert "is not a folder; nothing written" in capsys.readouterr().out


def test_dev_alone_lists_the_instructor_commands(capsys):
    assert main(["dev"]) == 0
    out = capsys.readouterr().out
    assert "check" in out and "new" in out


def test_promote_leaves_the_title_to_write_and_advises_dev_check(tmp_path, capsys):
    code = main(["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores /= N",
                 "--after", "dscores *= N", "--cards", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    card = catalogue.load_card(tmp_path / "01-mutant-softmax-cross-entropy-1.toml")
    assert "dscores" not in card.title and "*=" not in card.title  # a placeholder: tests/audit/test_promote.py
    assert "`kata dev check --cards %s`" % tmp_path in out and "kata cards" not in out


def test_promote_refuses_a_mutant_an_existing_card_already_makes(tmp_path, capsys):
    shutil.copy(NEW, tmp_path / NEW.name)
    argv = ["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores = np.exp(log_probs)",
            "--after", "dscores = log_probs", "--cards", str(tmp_path)]
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 1 and "card gradient-from-log-probs" in out and NEW.name in out and "--force" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [NEW.name]
    assert main(argv + ["--force"]) == 0, capsys.readouterr().out
    assert len(list(tmp_path.glob("*.toml"))) == 2


# -- card code runs only in the sandbox: a hostile variant is that card's problem, never the command's --

def hostile_text(card_id, code):
    """The good card, plus an edit that runs code when the kata's module loads."""
    return good_text(card_id) + (
        '\n[[edits]]\nfind = """\nimport numpy as np\n"""\nreplace = """\nimport numpy as np\n%s"""\n' % code)


# file name -> (code the card's edit adds at import, words of the sandbox's sentence)
HOSTILE = {
    "02-exits-at-import.toml": ("import os\nos._exit(0)\n", "os._exit(0)"),
    "03-hangs-at-import.toml": ("while True:\n    pass\n", "did not finish within 1 s"),
    "04-crashes-at-import.toml": ("import ctypes\nctypes.string_at(0)\n", "segmentation fault"),
}


@pytest.fixture(scope="module")
def hostile_cards(tmp_path_factory):
    cards = tmp_path_factory.mktemp("hostile")
    shutil.copy(GOOD, cards / GOOD.name)
    for name, (code, _) in HOSTILE.items():
        card_id = catalogue.FILENAME.match(name).group(2)
        (cards / name).write_text(hostile_text(card_id, code), encoding="utf-8")
    return cards


def test_a_variant_that_exits_hangs_or_crashes_is_named_and_fails_the_command(hostile_cards):
    """`kata cards` and `kata dev check`, each in a process of its own (card code that ran in it
    could end it), with a time limit of 1 s: both name every hostile card and exit 1."""
    env = dict(os.environ, KATA_CARDS=str(hostile_cards), KATA_TIME_LIMIT="1")
    commands = {" ".join(argv): subprocess.Popen([sys.executable, "-m", "katas.cli"] + argv, env=env, text=True,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for argv in (["cards"], ["dev", "check"])}
    for command, process in commands.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1 and "Traceback" not in out + err, (command, out, err)
        lines = out.splitlines()
        for name, (_, words) in HOSTILE.items():
            card_id = catalogue.FILENAME.match(name).group(2)
            mine = [line for line in lines if (card_id in line or name in line) and words in line]
            assert mine, "kata %s: %s: %r not reported in:\n%s" % (command, name, words, out)
        good = [line for line in lines if "missing-1-over-n" in line]
        assert good and all("NO" not in line and "FAIL" not in line for line in good), out


def test_dev_check_judges_every_kata_solution_and_reference_in_the_sandbox(tmp_path, monkeypatch):
    from katas.catalogue import sandboxed
    checked = []
    real = sandboxed.sandbox.check_file

    def recording(path, **kwargs):
        checked.append((pathlib.Path(path).name, kwargs["hidden_layers"]))
        return real(path, **kwargs)

    monkeypatch.setattr(sandboxed.sandbox, "check_file", recording)
    shutil.copy(GOOD, tmp_path / GOOD.name)
    shutil.copy(catalogue.CARDS_DIR / "23-deep-penalty-on-last-layer-only.toml", tmp_path / "02-deep.toml")
    text = (tmp_path / "02-deep.toml").read_text(encoding="utf-8").replace(
        'id = "deep-penalty-on-last-layer-only"', 'id = "deep"')
    (tmp_path / "02-deep.toml").write_text(text, encoding="utf-8")
    fine, problems = dev_check.check_catalogue(tmp_path, time_limit=5, out=lambda line: None)
    assert [c.id for c in fine] == ["missing-1-over-n", "deep"] and not problems, [p.text() for p in problems]
    assert sorted(checked) == sorted([("01-missing-1-over-n.py", 1)] * 2 + [("02-deep.py", 2)] * 2 + [
        ("reference-net.py", 1), ("reference-mlp.py", 2)])


def test_a_reference_that_cannot_be_checked_is_named_with_the_sandbox_sentence():
    verdict = __import__("katas.catalogue.sandboxed", fromlist=["Verdict"]).Verdict(
        "error", "your code did not finish within 1 s while your file was loading")
    (problem,) = dev_check.reference_problems("mlp", 3, verdict)
    assert "reference cannot be checked at 3 hidden layers: your code did not finish" in problem.text()
    assert problem.text().startswith(display(catalogue.reference_path("mlp")))


@pytest.mark.parametrize("after, words", [
    ("__import__('os')._exit(0)", "os._exit(0)"),
    ("while True: pass", "did not finish within 1 s"),
])
def test_promote_refuses_a_mutant_that_exits_or_hangs_with_the_sandbox_sentence(tmp_path, capsys, after, words):
    code = main(["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores /= N",
                 "--after", after, "--cards", str(tmp_path), "--time-limit", "1"])
    out = capsys.readouterr().out
    assert code == 1 and "could not be checked in the sandbox" in out and words in out, out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("report, words", [
    ("[" * 100000, "nested too deeply"),
    ("[]", "no list of mutants"),
    ('{"mutants": [{"name": "m1", "path": "reference/net.py"}]}', "has no function"),
    ('{"mutants": [{"name": "m1", "path": "reference/net.py", "function": "loss", "line": "7", "before": [], '
     '"after": []}]}', "line that is not a line number"),
])
def test_promote_refuses_a_malformed_report_without_a_traceback(tmp_path, capsys, report, words):
    (tmp_path / "report.json").write_text(report, encoding="utf-8")
    code = main(["dev", "promote", "m1", "--report", str(tmp_path / "report.json"), "--cards", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 1 and words in out, out
