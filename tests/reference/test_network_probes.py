"""The diagnoser's active probes, run on the reference network: every probe passes.

This module is part of the mutation audit's test selection ([tool.mutmut] in pyproject.toml):
under `kata audit` it runs against each mutant of reference/net.py. There the diagnoser's
`reference` argument defaults to the mutated net.loss itself, so a loss compared with it
proves nothing; what still judges the mutant is everything diagnose checks against the
function's own loss (gradient checks at reg = 0 and reg > 0, a second batch size, dead units,
equal widths, and dX with return_dX=True against the loss's derivative along X), the shapes
and keys of grads, finiteness at logits near 1e4, and inputs left untouched. The loss itself
is compared with an independent computation in test_net.py.
"""
import numpy as np

from reference import diagnose, net

PROBES = ("base", "reg", "batch", "dead", "stress", "square", "dX")


def test_the_diagnoser_finds_nothing_wrong_with_the_network():
    diagnosis = diagnose.diagnose(net.loss)
    assert diagnosis.signature == "ok", diagnosis.text()
    assert diagnosis.findings == [] and diagnosis.params == () and diagnosis.factor is None
    assert sorted(diagnosis.probes) == sorted(PROBES)
    for name, probe in diagnosis.probes.items():
        assert probe.error is None and probe.structure is None and not probe.shape_problems, name
        assert not probe.mutated and not probe.nonfinite, name
        if name != "stress":
            assert probe.report is not None and probe.report.passed, name
    dead = diagnosis.probes["dead"].report  # the loss is flat along dead units: exactly 0 there
    assert not dead.params["W1"].analytic.any() and not dead.params["b1"].analytic.any()
    assert np.isfinite(diagnosis.probes["stress"].loss)
