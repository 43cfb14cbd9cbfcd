"""A red verdict stands beside the table of a probe that fails, never beside a table that
says PASS alone: when only a probe other than the base one fails, `kata check` prints that
probe's table, with its name, instead of the base probe's passing one.
"""
import pytest

from katas.cli import main


@pytest.mark.parametrize("card_id, probe, failing_row", [
    ("global-max-shift", "stress", "rows_apart"),  # the stress probe: nan or inf, no gradient check at all
    ("forgotten-reg-gradient", "reg", "W1"),  # the reg probe: a partial check that fails in W1 and W2
])
def test_a_red_verdict_prints_the_table_of_the_probe_that_fails(learner_dir, capsys, card_id, probe, failing_row):
    assert main(["start", card_id]) == 0
    capsys.readouterr()
    code = main(["check", card_id, "--seed", "0"])
    out = capsys.readouterr().out
    assert code == 1 and ": RED, " in out.splitlines()[0]
    assert "overall: PASS" not in out and "base probe (" not in out
    table = out.split("\n%s probe (" % probe, 1)[1]
    assert table.split("\n", 1)[0].endswith("the first that fails:")
    row = next(line for line in table.splitlines() if line.startswith(failing_row + " "))
    assert "FAIL" in row or "nan or inf" in row


def test_a_red_verdict_whose_base_probe_fails_keeps_the_base_table(learner_dir, capsys):
    assert main(["start", "missing-1-over-n"]) == 0
    capsys.readouterr()
    assert main(["check", "--seed", "0"]) == 1
    out = capsys.readouterr().out
    assert "\nbase probe (N=" in out and "overall: FAIL" in out and "the first that fails" not in out
