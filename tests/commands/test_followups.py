"""The follow-up evidence: `kata demo kink`, `kata demo depth`, `kata gradcheck --eps-sweep`, --plot.

The kink analysis behind them is tested in tests/analysis/, the pictures in tests/learner/test_plots.py.
"""
import re
import struct
import sys

import pytest

from katas.cli import main
from reference import gradcheck

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
    assert "python -m pip install matplotlib" in out and "did not draw" in out
    assert not path.exists()


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
