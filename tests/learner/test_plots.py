"""The pictures: errors on a log scale, and a clear error where matplotlib is not installed."""
import math
import re
import sys

import numpy as np
import pytest

from katas.learner import plots
from katas.toml import tomllib
from tests import ROOT


def test_log_errors_draws_biases_as_one_row_and_floors_zeros():
    values = plots.log_errors(np.array([0.0, 1e-3, 1.0]))
    assert values.shape == (1, 3)
    assert values[0].tolist() == [math.log10(plots.ERROR_FLOOR), -3.0, 0.0]
    assert plots.log_errors(np.ones((2, 4))).shape == (2, 4)


def test_the_drawing_functions_raise_a_clear_error_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plots.MatplotlibMissing, match=re.escape(plots.INSTALL_HINT)):
        plots.draw_sweep([(1e-5, 1e-9, 1e-10, "good")], tmp_path / "x.png")


def test_the_install_hint_names_the_plot_extra_by_package_so_it_works_from_any_folder():
    """`pip install -e ".[plot]"` needs the clone's root as the current folder; the hint must not."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["plot"]
    packages = [re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0] for requirement in extra]
    command = plots.INSTALL_HINT.split()
    assert command[:4] == ["python", "-m", "pip", "install"]
    assert command[4:] == packages  # the extra's packages, by name: no path, no "-e", no "."
