"""The pictures: errors on a log scale, and a clear error where matplotlib is not installed."""
import math
import re
import sys

import numpy as np
import pytest

from katas.learner import plots


def test_log_errors_draws_biases_as_one_row_and_floors_zeros():
    values = plots.log_errors(np.array([0.0, 1e-3, 1.0]))
    assert values.shape == (1, 3)
    assert values[0].tolist() == [math.log10(plots.ERROR_FLOOR), -3.0, 0.0]
    assert plots.log_errors(np.ones((2, 4))).shape == (2, 4)


def test_the_drawing_functions_raise_a_clear_error_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plots.MatplotlibMissing, match=re.escape('pip install -e ".[plot]"')):
        plots.draw_sweep([(1e-5, 1e-9, 1e-10, "good")], tmp_path / "x.png")
