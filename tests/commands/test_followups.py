"""The follow-up evidence: `kata demo kink`, `kata gradcheck --eps-sweep`, the --plot pictures."""
import math
import re
import struct
import sys

import numpy as np
import pytest

from katas.learner import plots
from katas.cli import main
from katas.analysis import kinks
from reference import gradcheck, net, problems

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """(width, height) of a PNG file, after checking its signature and header chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG: %r" % data[:8]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def sweep_rows(text):
    """(eps, max rel error) from the markdown rows of the sweep table."""
    return [(float(a), float(b)) for a, b in re.findall(r"^\| ([0-9.e+-]+) \| ([0-9.e+-]+) \|", text, re.M)]


def entry_rows(text):
    """(entry, crosses z = 0, rel error, checker) from the demo's per-entry tables."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 9 and re.match(r"^(W1|b1)\[", cells[0]):
            rows.append((cells[0], cells[2], float(cells[5]), cells[8]))
    return rows


def run(capsys, argv):
    code = main(argv)
    return code, capsys.readouterr().out


def test_demo_kink_shows_the_mismatch_and_the_kink_mark(capsys):
    code, out = run(capsys, ["demo", "kink", "--seeds", "4", "--samples", "2000"])
    assert code == 0
    # The affected entries: the mismatch is large, and the checker marks it as a kink.
    rows = entry_rows(out)  # (entry, crosses z = 0, rel error, checker)
    assert len(rows) == 12  # W1[:, 0] and b1[0], at z = 0.3 eps and at z = 0
    crossing = [r for r in rows if r[1] == "yes"]
    assert crossing and all(r[3] == "kink" for r in crossing)
    assert max(r[2] for r in crossing) > 1e-2
    assert all(r[3] == "pass" and r[2] < 1e-7 for r in rows if r[1] == "no")
    assert "kink: b1[0] left slope" in out and "one-sided" in out
    assert "overall: PASS" in out and "FAIL" not in out
    assert "How likely" in out and "one random init in" in out


def test_a_unit_placed_within_eps_of_the_kink_is_marked_not_failed():
    params, X, y = problems.toy_problem(kinks.N, kinks.D, kinks.H, kinks.C, 0)
    placed = kinks.place_on_kink(params, X, 0, 0, 0.3 * gradcheck.EPS)
    z = X @ placed["W1"] + placed["b1"]
    assert z[0, 0] == pytest.approx(0.3 * gradcheck.EPS, abs=1e-15)
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), placed)
    b1 = report.params["b1"]
    assert b1.kinks[0] and not b1.failed.any() and report.passed
    assert b1.rel_errors[0] > 1e-2  # the central difference itself is far off
    assert b1.analytic[0] == pytest.approx(b1.right[0], rel=1e-5)  # z > 0: the right slope
    assert kinks.straddles(placed, X, gradcheck.EPS) and not kinks.straddles(params, X, gradcheck.EPS)


def test_the_analytic_kink_probability_matches_the_monte_carlo():
    eps_values = (1e-2, 1e-3)
    fractions, hits = kinks.geometric_monte_carlo(eps_values, 40000, seed=1)
    for eps, fraction in zip(eps_values, fractions):
        P = kinks.analytic_probability(eps)[0]
        assert fraction == pytest.approx(P, rel=0.15), (eps, fraction, P)
    P5, lam5, _, _ = kinks.analytic_probability(1e-5)
    assert 1e-4 < P5 < 1e-3 and P5 == pytest.approx(lam5, rel=1e-3)  # linear regime


def test_eps_sweep_has_its_minimum_between_1e_7_and_1e_3(capsys):
    code, out = run(capsys, ["gradcheck", "--eps-sweep"])
    assert code == 0
    rows = sweep_rows(out)
    assert len(rows) == 23
    eps = [e for e, _ in rows]
    assert eps[0] == pytest.approx(1e-1, rel=0.01) and eps[-1] == pytest.approx(1e-12, rel=0.01)
    best_eps, best = min(rows, key=lambda row: row[1])
    assert 1e-7 <= best_eps <= 1e-3
    assert rows[0][1] > 100 * best and rows[-1][1] > 100 * best  # truncation and round-off
    assert best < gradcheck.PASS_THRESHOLD


def test_log_errors_draws_biases_as_one_row_and_floors_zeros():
    values = plots.log_errors(np.array([0.0, 1e-3, 1.0]))
    assert values.shape == (1, 3)
    assert values[0].tolist() == [math.log10(plots.ERROR_FLOOR), -3.0, 0.0]
    assert plots.log_errors(np.ones((2, 4))).shape == (2, 4)


def test_gradcheck_plot_writes_a_png_to_the_default_path(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, ["gradcheck", "--plot"])
    assert code == 0
    width, height = png_size(tmp_path / "gradcheck.png")
    assert width > 300 and height > 200
    assert "wrote heatmaps of the reg = 0 check to gradcheck.png" in out
    assert "all checks: PASS" in out


def test_eps_sweep_plot_writes_a_png(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "img" / "sweep.png"
    code, out = run(capsys, ["gradcheck", "--eps-sweep", "--plot", str(path)])
    assert code == 0 and len(sweep_rows(out)) == 23
    assert png_size(path)[0] > 300
    assert "wrote the eps sweep to %s" % path in out


def test_demo_kink_plot_draws_the_kinked_check(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "kink.png"
    code, out = run(capsys, ["demo", "kink", "--seeds", "2", "--samples", "1000", "--plot", str(path)])
    assert code == 0
    assert png_size(path)[1] > 200
    assert "wrote heatmaps of the check with a unit near the kink to %s" % path in out


@pytest.mark.parametrize("argv, table_marker", [
    (["gradcheck", "--plot", "{path}"], "all checks: PASS"),
    (["gradcheck", "--eps-sweep", "--plot", "{path}"], "| 1.0e-05 |"),
])
def test_without_matplotlib_the_tables_print_with_the_install_hint(capsys, tmp_path, monkeypatch, argv, table_marker):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    path = tmp_path / "never.png"
    code, out = run(capsys, [a.replace("{path}", str(path)) for a in argv])
    assert code == 0
    assert table_marker in out
    assert 'python -m pip install -e ".[plot]"' in out and "did not draw" in out
    assert not path.exists()


def test_the_drawing_functions_raise_a_clear_error_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plots.MatplotlibMissing, match=re.escape('pip install -e ".[plot]"')):
        plots.draw_sweep([(1e-5, 1e-9, 1e-10, "good")], tmp_path / "x.png")


def test_demo_depth_checks_every_depth_and_matches_net_at_depth_one(capsys):
    code, out = run(capsys, ["demo", "depth"])
    assert code == 0
    assert "largest difference in loss, grads and dX = 0.0e+00" in out
    rows = [line for line in out.splitlines() if re.match(r"^\| \d \| \d+ \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == [1, 2, 3, 4, 5]
    assert all(r.rstrip().endswith("| PASS |") for r in rows)
    assert "all depths: PASS" in out


@pytest.mark.parametrize("argv, words", [
    (["gradcheck", "--eps", "0"], "must be a positive"),
    (["gradcheck", "--eps=-1e-5"], "must be a positive"),
    (["gradcheck", "--eps", "abc"], "is not a number"),
    (["gradcheck", "--seed", "-1"], "must be 0 or more"),
    (["demo", "depth", "--seed", "-3"], "must be 0 or more"),
    (["demo", "kink", "--seeds", "0"], "must be 1 or more"),
    (["demo", "kink", "--mc-eps", "-1"], "must be a positive"),
])
def test_bad_numbers_are_usage_errors_not_tracebacks(capsys, argv, words):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
