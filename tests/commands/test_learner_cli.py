"""The learner's loop, end to end through the `kata` command line, in a fresh workspace.

list, start, check (red, with the card's signature), hint twice, fix the file, check (green),
solution, reset with a backup; then the usage errors, the current kata, --json, broken cards.
Every test works in its own tmp_path workspace (the learner_dir fixture of tests/conftest.py):
none reads or writes a learner's workspace.
"""
import json
import pathlib
import shutil

import pytest

from katas import catalogue
from katas.learner import katafile, workspace
from katas.cli import main

CARD = "missing-1-over-n"


def kata(capsys, *argv):
    """Run `kata argv...`; return (exit code, standard output, standard error)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def kata_file(root, card_id=CARD):
    card = catalogue.find_card(card_id)
    return root / "workspace" / katafile.kata_filename(card)


def test_the_whole_learner_loop(learner_dir, capsys):
    code, out, _ = kata(capsys)  # plain `kata` is `kata list`
    assert code == 0 and "missing-1-over-n" in out and "0 of" in out and "Begin with: kata start" in out

    code, out, _ = kata(capsys, "start", CARD)
    path = kata_file(learner_dir)
    assert code == 0 and path.is_file() and "workspace/01-missing-1-over-n.py" in out
    pristine = path.read_text(encoding="utf-8")

    code, out, _ = kata(capsys, "check", CARD)
    assert code == 1
    assert "RED, uniform_scale" in out and "tracks N" in out and "W1    5x6" in out  # verdict, evidence, table
    assert "reveals hint 1 of 3" in out

    code, out, _ = kata(capsys, "hint", CARD)
    assert code == 0 and "hint 1 of 3" in out and "2 more" in out
    code, out, _ = kata(capsys, "hint", CARD)
    card = catalogue.find_card(CARD)
    assert code == 0 and "hint 2 of 3" in out
    assert card.hints[0] in out and card.hints[1] in out and card.hints[2] not in out

    code, out, _ = kata(capsys, "solution", CARD)
    assert code == 1 and "unlocks once" in out and card.fix.splitlines()[0] not in out

    path.write_text(katafile.render_solution(card), encoding="utf-8")  # the learner's fix
    code, out, _ = kata(capsys, "check", CARD)
    assert code == 0 and "GREEN" in out and "Solved" in out and "kata solution %s" % CARD in out

    code, out, _ = kata(capsys, "list")
    assert code == 0 and "1 of" in out and "solved" in out

    code, out, _ = kata(capsys, "solution", CARD)
    assert code == 0
    assert "+    dscores /= N  # (N, C): the single 1/N, applied once" in out
    assert card.fix.splitlines()[0] in out

    fixed = path.read_text(encoding="utf-8")
    code, out, _ = kata(capsys, "reset", CARD)
    backups = list((learner_dir / "workspace" / "backups").glob("01-missing-1-over-n.*.py"))
    assert code == 0 and len(backups) == 1 and backups[0].name in out
    assert backups[0].read_text(encoding="utf-8") == fixed
    assert path.read_text(encoding="utf-8") == pristine


def test_start_never_overwrites_work(learner_dir, capsys):
    assert kata(capsys, "start", CARD)[0] == 0
    path = kata_file(learner_dir)
    path.write_text("# my work in progress\n", encoding="utf-8")
    code, out, _ = kata(capsys, "start", CARD)
    assert code == 0 and "already started" in out and "kata reset" in out
    assert path.read_text(encoding="utf-8") == "# my work in progress\n"


def test_start_without_an_id_takes_the_next_kata(learner_dir, capsys):
    cards, _ = catalogue.load_catalogue()
    assert kata(capsys, "start")[0] == 0
    assert kata(capsys, "start")[0] == 0
    assert kata_file(learner_dir, cards[0].id).is_file() and kata_file(learner_dir, cards[1].id).is_file()


def test_the_kata_file_holds_the_story_and_no_hint_of_the_bug(learner_dir, capsys):
    card = catalogue.find_card(CARD)
    kata(capsys, "start", CARD)
    text = kata_file(learner_dir).read_text(encoding="utf-8")
    head = katafile.header(card)  # what every header holds and hides: tests/learner/test_katafile.py
    assert text == katafile.render_kata(card)
    assert "reference" not in head.lower() and "edit" not in head.lower()


@pytest.mark.parametrize("argv, words", [
    (("check", "no-such-kata"), "there is no kata 'no-such-kata'"),
    (("check", CARD), "kata start %s" % CARD),
    (("hint", CARD), "kata start %s" % CARD),
    (("check",), "kata start"),
    (("reset", CARD), "not started"),
    (("solution", "no-such-kata"), "kata list"),
    (("watch", CARD), "kata start %s" % CARD),
])
def test_usage_errors_exit_2_and_say_what_to_type(learner_dir, capsys, argv, words):
    code, out, err = kata(capsys, *argv)
    assert code == 2 and words in err and "Traceback" not in out + err


def test_check_without_an_id_checks_the_current_kata_and_says_which(learner_dir, capsys):
    kata(capsys, "start", CARD)
    kata(capsys, "start", "misspelled-key")
    code, out, _ = kata(capsys, "check")
    assert code == 1 and "(current kata: misspelled-key)" in out and "RED, crash" in out
    card = catalogue.find_card("misspelled-key")
    kata_file(learner_dir, "misspelled-key").write_text(katafile.render_solution(card), encoding="utf-8")
    assert kata(capsys, "check")[0] == 0
    code, out, _ = kata(capsys, "check")  # misspelled-key is solved: back to the other one
    assert code == 1 and "(current kata: %s)" % CARD in out


def test_a_missing_file_says_how_to_get_it_back(learner_dir, capsys):
    kata(capsys, "start", CARD)
    kata_file(learner_dir).unlink()
    code, _, err = kata(capsys, "check", CARD)
    assert code == 2 and "kata reset %s" % CARD in err
    code, out, _ = kata(capsys, "reset", CARD)
    assert code == 0 and "no backup was needed" in out and kata_file(learner_dir).is_file()


def test_hints_stop_at_the_last_and_stay_visible_after_solving(learner_dir, capsys):
    card = catalogue.find_card(CARD)
    kata(capsys, "start", CARD)
    for _ in card.hints:
        kata(capsys, "hint")
    code, out, _ = kata(capsys, "hint", CARD)
    assert code == 0 and "No more hints" in out and "kata solution %s" % CARD in out
    assert all(hint in out for hint in card.hints)
    kata_file(learner_dir).write_text(katafile.render_solution(card), encoding="utf-8")
    assert kata(capsys, "check", CARD)[0] == 0
    code, out, _ = kata(capsys, "hint", CARD)
    assert code == 0 and all(hint in out for hint in card.hints)
    assert json.loads((learner_dir / "workspace" / "progress.json").read_text())["katas"][CARD]["hints_revealed"] == 3


def test_solution_with_force_before_green(learner_dir, capsys):
    card = catalogue.find_card("misspelled-key")
    code, out, _ = kata(capsys, "solution", "misspelled-key", "--force")
    assert code == 0 and '-    W1, b1, W2, b2 = params["w1"]' in out and card.fix.splitlines()[0] in out


def test_check_json_is_a_results_document(learner_dir, capsys):
    kata(capsys, "start", CARD)
    code, out, _ = kata(capsys, "check", CARD, "--json")
    document = json.loads(out)
    ours = document["kata"]
    assert code == 1 and document["status"] == "fail" and ours["signature"] == "uniform_scale"
    assert ours["params"] == ["W1", "b1", "W2", "b2"] and ours["factor_tracks"] == "N"
    assert "message" not in document and ours["evidence"]
    names = [test["name"].split()[0] for test in document["tests"]]
    assert names[0] == "base" and set(names) >= {"base", "reg", "batch", "square"}
    base = document["tests"][0]
    assert base["status"] == "fail" and base["message"] == ours["evidence"][0]
    assert set(ours["probes"]["base"]["mismatch"]) == {"W1", "b1", "W2", "b2"}
    assert ours["seed"] == 0 and ours["isolation"] in ("pid-namespace", "session")

    code, out, _ = kata(capsys, "check", "no-such-kata", "--json")
    assert code == 2 and json.loads(out)["status"] == "error"


def test_each_check_draws_its_probe_seed_and_prints_it_to_be_repeated(learner_dir, capsys, monkeypatch):
    monkeypatch.delenv("KATA_SEED")
    kata(capsys, "start", CARD)
    seeds = []
    for _ in range(3):
        code, out, _ = kata(capsys, "check", CARD)
        seed = int(out.split("probe seed ")[1].split(":")[0])
        assert code == 1 and "`kata check %s --seed %d` repeats exactly these probes" % (CARD, seed) in out
        seeds.append((seed, out.split("evidence:")[1].split("probe seed")[0]))
    assert len({seed for seed, _ in seeds}) == 3
    seed, evidence = seeds[0]
    code, out, _ = kata(capsys, "check", CARD, "--seed", str(seed))
    assert out.split("evidence:")[1].split("probe seed")[0] == evidence


@pytest.mark.parametrize("value", ["-1", "x", "2147483648", "1.5"])
def test_a_seed_that_is_not_one_is_a_usage_error(learner_dir, capsys, value):
    kata(capsys, "start", CARD)
    with pytest.raises(SystemExit) as stop:
        kata(capsys, "check", CARD, "--seed", value)
    assert stop.value.code == 2 and "is not a probe seed" in capsys.readouterr().err


def test_check_json_reports_an_error_with_its_line(learner_dir, capsys):
    kata(capsys, "start", CARD)
    path = kata_file(learner_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("    N = scores.shape[0]\n", "    N = = 1\n"))
    code, out, _ = kata(capsys, "check", CARD, "--json")
    document = json.loads(out)
    assert code == 1 and document["status"] == "error" and "SyntaxError" in document["message"]
    assert path.read_text(encoding="utf-8").splitlines()[document["kata"]["line"] - 1].strip() == "N = = 1"


def test_the_workspace_option_and_environment_variable(learner_dir, capsys, monkeypatch):
    elsewhere = learner_dir / "elsewhere"
    assert kata(capsys, "start", CARD, "--workspace", str(elsewhere))[0] == 0
    assert (elsewhere / "01-missing-1-over-n.py").is_file() and not (learner_dir / "workspace").exists()
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(elsewhere))
    code, out, _ = kata(capsys, "list")
    assert code == 0 and "Current kata: %s" % CARD in out


def test_an_unreadable_progress_file_is_kept_aside_and_rebuilt(learner_dir, capsys):
    kata(capsys, "start", CARD)
    progress = learner_dir / "workspace" / "progress.json"
    progress.write_text("{ not json", encoding="utf-8")
    code, out, err = kata(capsys, "list")
    assert code == 0 and "could not be read" in err and "in progress" in out
    assert json.loads(progress.read_text())["katas"][CARD]["state"] == "started"


def test_progress_is_written_atomically_without_leftovers(learner_dir, capsys):
    kata(capsys, "start", CARD)
    kata(capsys, "hint", CARD)
    folder = learner_dir / "workspace"
    # No temporary file is left; .progress.lock is the lock every terminal takes to change progress.
    assert sorted(p.name for p in folder.iterdir()) == [".progress.lock", "01-missing-1-over-n.py", "progress.json"]
    entry = json.loads((folder / "progress.json").read_text())["katas"][CARD]
    assert entry["state"] == "started" and entry["hints_revealed"] == 1 and entry["started_at"]


def test_broken_cards_never_crash_the_learner_commands(learner_dir, capsys, monkeypatch):
    cards = learner_dir / "cards"
    cards.mkdir()
    good = catalogue.CARDS_DIR / "01-missing-1-over-n.toml"
    shutil.copy(good, cards / good.name)
    text = good.read_text(encoding="utf-8")
    (cards / "02-bad-toml.toml").write_text("id = = 'x'\n", encoding="utf-8")
    (cards / "03-unknown-field.toml").write_text(
        text.replace('id = "missing-1-over-n"', 'id = "unknown-field"\ncolour = "red"'), encoding="utf-8")
    (cards / "04-unknown-signature.toml").write_text(
        text.replace('id = "missing-1-over-n"', 'id = "unknown-signature"').replace(
            '"uniform_scale"', '"too_big"'), encoding="utf-8")
    (cards / "05-wrong-type.toml").write_text(
        text.replace('id = "missing-1-over-n"', 'id = "wrong-type"').replace(
            'title = "The missing 1/N"', "title = 5"), encoding="utf-8")
    (cards / "06-edit-twice.toml").write_text(
        text.replace('id = "missing-1-over-n"', 'id = "edit-twice"').replace(
            'find = """\n    dscores /= N  # (N, C): the single 1/N, applied once\n"""', 'find = "N"'),
        encoding="utf-8")
    monkeypatch.setenv(workspace.CARDS_ENV, str(cards))

    code, out, _ = kata(capsys, "list")
    assert code == 0 and "missing-1-over-n" in out
    for name, words in (("02-bad-toml", "not valid TOML"), ("03-unknown-field", "[colour]: unknown field"),
                        ("04-unknown-signature", "too_big"), ("05-wrong-type", "must be a string")):
        line = next(line for line in out.splitlines() if name in line)
        assert "broken" in line and words in line
    line = next(line for line in out.splitlines() if "06-edit-twice" in line)
    assert "broken" in line and "edits[0].find" in line and "matches" in line
    assert "5 broken card files" in out

    assert kata(capsys, "start", CARD)[0] == 0
    assert kata(capsys, "check", CARD)[0] == 1
    code, _, err = kata(capsys, "start", "unknown-signature")
    assert code == 2 and "broken" in err and "expect.signature" in err
    code, _, err = kata(capsys, "start", "edit-twice")  # loads, but its edit matches many times
    assert code == 2 and "edits[0].find" in err and "Traceback" not in err


def test_kata_help_lists_the_learner_commands(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    for command in ("list", "start", "check", "hint", "watch", "reset", "solution", "dev"):
        assert "    %s " % command in out or "\n    %s\n" % command in out


def test_a_card_on_the_deep_network_is_a_kata_too(learner_dir, capsys):
    deep = [c for c in catalogue.load_catalogue()[0] if c.network == "mlp"]
    if not deep:
        pytest.skip("no card on the deep network in the catalogue")
    card = deep[0]
    assert kata(capsys, "start", card.id)[0] == 0
    code, out, _ = kata(capsys, "check", card.id)
    assert code == 1 and "RED, %s" % card.signature in out
    kata_file(learner_dir, card.id).write_text(katafile.render_solution(card), encoding="utf-8")
    assert kata(capsys, "check", card.id)[0] == 0


@pytest.mark.parametrize("network", ["batchnorm_net", "convnet", "rnn"])
def test_every_network_s_first_bug_card_is_a_whole_kata(learner_dir, capsys, network):
    """start, check (red, the network's own table), hint, solution (locked), the fix (green),
    solution, reset: the learner's loop on the first non-equivalent card of each network."""
    card = next(c for c in catalogue.load_catalogue()[0] if c.network == network and not c.equivalent)
    assert kata(capsys, "start", card.id)[0] == 0
    path = kata_file(learner_dir, card.id)
    pristine = path.read_text(encoding="utf-8")
    code, out, _ = kata(capsys, "check", card.id)
    first = catalogue.parameter_names(1, network)[0]
    assert code == 1 and "RED, %s" % card.signature in out and "\n%s " % first in out
    assert kata(capsys, "hint", card.id)[0] == 0
    code, out, _ = kata(capsys, "solution", card.id)
    assert code == 1 and "unlocks once" in out
    path.write_text(katafile.render_solution(card), encoding="utf-8")
    code, out, _ = kata(capsys, "check", card.id)
    assert code == 0 and "GREEN" in out
    code, out, _ = kata(capsys, "solution", card.id)
    assert code == 0 and card.fix.splitlines()[0] in out
    assert kata(capsys, "reset", card.id)[0] == 0 and path.read_text(encoding="utf-8") == pristine


def test_paths_are_shown_relative_to_where_the_learner_is(learner_dir, capsys):
    code, out, _ = kata(capsys, "start", CARD)
    assert str(pathlib.Path("workspace") / "01-missing-1-over-n.py") in out and str(learner_dir) not in out


def test_check_plot_writes_the_heatmap_next_to_the_kata(learner_dir, capsys):
    pytest.importorskip("matplotlib")
    kata(capsys, "start", "mask-from-activation-value")
    code, out, _ = kata(capsys, "check", "mask-from-activation-value", "--plot")
    png = kata_file(learner_dir, "mask-from-activation-value").with_suffix(".png")
    assert code == 1 and "heatmap written to" in out and str(png) in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_check_plot_says_why_there_is_no_heatmap_when_the_code_crashes(learner_dir, capsys):
    kata(capsys, "start", "misspelled-key")
    code, out, _ = kata(capsys, "check", "misspelled-key", "--plot", str(learner_dir / "x.png"))
    assert code == 1 and "no heatmap: the check did not get as far as a full gradient check" in out
    assert not (learner_dir / "x.png").exists()


@pytest.mark.parametrize("command", ["check", "watch"])
@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "soon"])
def test_the_time_limit_option_must_be_a_positive_number(learner_dir, capsys, command, seconds):
    kata(capsys, "start", CARD)
    guard = ["--timeout", "30"] if command == "watch" else []  # a watch that wrongly ran would stop
    with pytest.raises(SystemExit) as exited:
        main([command, CARD, "--time-limit", seconds] + guard)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "usage: kata %s" % command in err and "--time-limit" in err and seconds in err


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_an_unusable_time_limit_variable_is_named_and_the_default_used(learner_dir, capsys, monkeypatch, value):
    from katas import sandbox

    kata(capsys, "start", CARD)
    limits = []
    real = sandbox.check_file
    monkeypatch.setattr(sandbox, "check_file", lambda *a, **k: limits.append(k["time_limit"]) or real(*a, **k))
    monkeypatch.setenv(sandbox.TIME_LIMIT_ENV, value)
    code, out, err = kata(capsys, "check", CARD)
    assert code == 1 and "RED, uniform_scale" in out
    assert "warning: KATA_TIME_LIMIT=%s is not a positive number of seconds" % value in err
    assert limits == [sandbox.DEFAULT_TIME_LIMIT]
    monkeypatch.setenv(sandbox.TIME_LIMIT_ENV, "7.5")
    code, _, err = kata(capsys, "check", CARD)
    assert code == 1 and "warning" not in err and limits[-1] == 7.5


@pytest.mark.parametrize("argv, usage, extra", [
    (["check", "a", "b"], "usage: kata check", "unrecognized arguments: b"),
    (["hint", CARD, "--colour"], "usage: kata hint", "unrecognized arguments: --colour"),
    (["dev", "check", "x"], "usage: kata dev check", "unrecognized arguments: x"),
])
def test_extra_arguments_are_reported_with_the_commands_own_usage(learner_dir, capsys, argv, usage, extra):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and usage in err and extra in err
    assert "COMMAND" not in err, "the top-level usage instead of the command's"


@pytest.mark.parametrize("command", ["list", "start", "check", "hint", "watch", "solution", "reset"])
def test_a_workspace_that_is_a_file_is_a_usage_error(learner_dir, capsys, monkeypatch, command):
    not_a_folder = learner_dir / "notes.txt"
    not_a_folder.write_text("not a workspace\n", encoding="utf-8")
    argv = [command] + ([CARD] if command in ("solution", "reset") else [])
    code, _, err = kata(capsys, *(argv + ["--workspace", str(not_a_folder)]))
    assert code == 2 and "--workspace %s is not a folder" % not_a_folder in err and "no kata" not in err
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(not_a_folder))
    code, _, err = kata(capsys, *argv)
    assert code == 2 and "$KATA_WORKSPACE (%s) is not a folder" % not_a_folder in err
    monkeypatch.delenv(workspace.WORKSPACE_ENV)
    code, _, err = kata(capsys, *(argv + ["--workspace", str(not_a_folder / "inside")]))
    assert code == 2 and "is inside %s, which is not a folder" % not_a_folder in err and "Traceback" not in err
    assert not_a_folder.read_text(encoding="utf-8") == "not a workspace\n"


@pytest.mark.parametrize("argv", [["list"], ["start"], ["start", CARD], ["check", CARD], ["hint"], ["cards"],
                                  ["solution", CARD]])
def test_a_missing_cards_folder_is_a_usage_error(learner_dir, capsys, monkeypatch, argv):
    missing = learner_dir / "no-such-cards"
    monkeypatch.setenv(workspace.CARDS_ENV, str(missing))
    code, out, err = kata(capsys, *argv)
    assert code == 2 and "$KATA_CARDS is %s, which is not a folder" % missing in err
    assert "Traceback" not in out + err and not (learner_dir / "workspace").exists()


def test_reset_of_a_solved_kata_says_it_is_in_progress_again(learner_dir, capsys):
    card = catalogue.find_card(CARD)
    kata(capsys, "start", CARD)
    code, out, _ = kata(capsys, "reset", CARD)
    assert code == 0 and "was solved" not in out
    kata_file(learner_dir).write_text(katafile.render_solution(card), encoding="utf-8")
    assert kata(capsys, "check", CARD)[0] == 0
    code, out, _ = kata(capsys, "reset", CARD)
    assert code == 0
    assert "was solved; it is in progress again; its solution stays unlocked" in out
    code, out, _ = kata(capsys, "list")
    assert "0 of" in out and "1 in progress" in out
    assert kata(capsys, "solution", CARD)[0] == 0


EQUIVALENT = "mask-from-h-positive"


def test_the_equivalent_kata_is_worded_as_a_change_to_check_not_a_bug(learner_dir, capsys):
    card = catalogue.find_card(EQUIVALENT)
    assert card.equivalent
    code, out, _ = kata(capsys, "start", EQUIVALENT)
    assert code == 0 and "may or may not be a bug: run the check first" in out and "fix the bug" not in out
    text = kata_file(learner_dir, EQUIVALENT).read_text(encoding="utf-8")
    assert "may or may not be a bug" in katafile.header(card) and "one bug" not in katafile.header(card)
    assert text.startswith(katafile.header(card))
    code, out, _ = kata(capsys, "check", EQUIVALENT)
    assert code == 0 and "GREEN" in out
    assert "Read why: kata solution %s" % EQUIVALENT in out and "Compare your fix" not in out
    code, out, _ = kata(capsys, "solution", EQUIVALENT)
    assert code == 0 and "Why:" in out and "The fix:" not in out
    # A bug card keeps the words of a bug.
    code, out, _ = kata(capsys, "start", CARD)
    assert "fix the bug" in out and "one bug somewhere" in katafile.header(catalogue.find_card(CARD))


def test_fixing_the_equivalent_kata_by_its_mask_alone_names_the_line(learner_dir, capsys):
    kata(capsys, "start", EQUIVALENT)
    path = kata_file(learner_dir, EQUIVALENT)
    text = path.read_text(encoding="utf-8")
    assert text.count("dz = dh * (h > 0)") == 1
    path.write_text(text.replace("dz = dh * (h > 0)", "dz = dh * (z > 0)"), encoding="utf-8")
    number = path.read_text(encoding="utf-8").splitlines().index(
        "    dz = dh * (z > 0)  # (N, H) = (N, H) * (N, H) boolean mask, elementwise") + 1
    code, out, _ = kata(capsys, "check", EQUIVALENT)
    assert code == 1 and "RED, crash" in out and "NameError: name 'z' is not defined" in out
    assert "line %d: dz = dh * (z > 0)" % number in out


@pytest.mark.parametrize("source", ["from reference.net import loss\n",
                                    "from reference import net\nloss = net.loss\n",
                                    "from reference.mlp import loss\n"])
def test_a_file_that_takes_the_references_loss_is_not_solved(learner_dir, capsys, source):
    kata(capsys, "start", CARD)
    kata_file(learner_dir).write_text(source, encoding="utf-8")
    code, out, _ = kata(capsys, "check", CARD)  # the verdict's words: tests/sandbox/test_sandbox.py
    assert code == 1 and "Solved" not in out
    assert kata(capsys, "solution", CARD)[0] == 1
    assert json.loads((learner_dir / "workspace" / "progress.json").read_text())["katas"][CARD]["state"] == "started"


def test_a_kata_seed_that_is_not_one_is_named_in_a_warning(learner_dir, capsys, monkeypatch):
    monkeypatch.setenv("KATA_SEED", "abc")
    kata(capsys, "start", CARD)
    code, out, err = kata(capsys, "check", CARD)
    assert code == 1 and "KATA_SEED=abc is not a probe seed" in out + err and "probe seed " in out


def test_a_crash_inside_a_copied_layer_function_names_the_call_that_led_there(learner_dir, capsys):
    """Deep katas carry the layer functions in the file: the line that raised is one of them, and
    the learner's own call with the wrong values is named too."""
    kata(capsys, "start", "deep-wrong-layer-cache")
    code, out, _ = kata(capsys, "check", "deep-wrong-layer-cache")
    below = out.split("your line:")[1]
    assert code == 1 and "RED, shape_error" in out
    assert "dx = dout @ w.T" in below and "called from line" in below and "affine_caches[l])" in below


def test_kata_cards_agrees_on_the_whole_catalogue(capsys):
    code = main(["cards"])
    out = capsys.readouterr().out
    count = len(catalogue.load_catalogue()[0])
    assert code == 0 and "%d of %d cards agree" % (count, count) in out, out
    assert "The missing 1/N" in out  # the card's own title: `kata cards` is for instructors
