"""backprop-kata tooling: the bug-card catalogue, the learner runner, the audit, the CLI."""
from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext katas` in Jupyter or IPython: the %kata magic (katas/notebook.py)."""
    from katas import notebook

    notebook.load_ipython_extension(ipython)
