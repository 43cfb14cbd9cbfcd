"""Katas in Jupyter: the `%kata` magic, and check(loss, kata=ID) for a `loss` defined in a cell.

What it is for: the notebook's front door, as katas/cli.py is the terminal's. `%load_ext katas`
registers the line magic `%kata`, which runs the learner's commands (`%kata start ID`,
`%kata check ID`, `%kata hint ID`, also list, solution and reset) through the command line, their
output shown in the cell. check(loss, kata=ID) diagnoses a function defined in the notebook with
the card's network, in the kernel's own process, and returns a NotebookCheck: its HTML shows the
verdict, the evidence, the base probe's table and the per-entry heatmap inline; its repr is the
same as text, for a terminal.
What it is not for: judging. check() runs the learner's code and the diagnoser in one process
(the kernel already runs the learner's code), with no time limit and no isolation, and never
marks a kata solved; `kata check` on the kata file, which runs it in a process of its own, stays
the judge (docs/notebooks.md). IPython is needed only for the magic, matplotlib only for the
heatmap.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import html
import pathlib
import shlex
import tempfile
from collections.abc import Callable
from typing import Any

from katas.catalogue import Card
from reference.diagnose import Diagnosis
from reference.diagnose.vocabulary import HEADLINES
from reference.gradcheck import GradCheckReport, legend, verdict

# The commands %kata runs; the others are for a terminal (watch never returns while the kata is red).
MAGIC_COMMANDS = ("list", "start", "check", "hint", "solution", "reset")
GREEN, RED = "#1a7f37", "#cf222e"
# The packages a loss may not come from: the kata is the network written in the notebook.
PROJECT_PACKAGES = ("reference", "katas")


# -- check(loss, kata=ID) ---------------------------------------------------------------

@dataclasses.dataclass
class NotebookCheck:
    """One in-kernel diagnosis of a notebook's `loss` against a kata's network.

    - card: the kata's card.
    - diagnosis: what reference.diagnose.diagnose said.
    - warnings: sentences about the check itself (a $KATA_SEED that is no seed, a loss that is the
      project's own).
    """

    card: Card
    diagnosis: Diagnosis
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def green(self) -> bool:
        return self.diagnosis.ok

    def headline(self) -> str:
        label = "kata %02d %s" % (self.card.order, self.card.id)
        if self.green:
            return "%s: GREEN, the diagnosis is ok" % label
        meaning = HEADLINES.get(self.diagnosis.signature)
        return "%s: RED, %s%s" % (label, self.diagnosis.signature, ": " + meaning if meaning else "")

    def where(self) -> str:
        """What judged it, and what does not follow from it."""
        return ("checked in this kernel, not in the sandbox: `kata check %s` on your kata file is the judge "
                "and marks the kata solved" % self.card.id)

    def seed_line(self) -> str:
        return 'probe seed %s: check(loss, kata="%s", seed=%s) repeats exactly these probes' % (
            self.diagnosis.seed, self.card.id, self.diagnosis.seed)

    def text(self) -> str:
        """The verdict, the evidence and the base probe's table, for a terminal."""
        lines = [self.headline(), self.where(), "", self.diagnosis.text(), "", self.seed_line()]
        lines += ["warning: " + warning for warning in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def base_report(self) -> GradCheckReport | None:
        """The base probe's full gradient check, or None when the check did not get that far."""
        probe = self.diagnosis.probes.get("base")
        report = probe.report if probe is not None else None
        return report if isinstance(report, GradCheckReport) else None

    @functools.cached_property
    def heatmap(self) -> tuple[bytes | None, str]:
        """(the base probe's per-entry heatmap as PNG bytes, or None; a sentence saying why not)."""
        report = self.base_report()
        if report is None:
            return None, "no heatmap: the check did not get as far as a full gradient check"
        from katas.learner import plots

        title = "%s: per-entry relative error, base probe (%s)" % (self.card.id, self.diagnosis.signature)
        with tempfile.TemporaryDirectory(prefix="kata-heatmap-") as folder:
            try:
                path = plots.heatmaps(report, pathlib.Path(folder) / "heatmap.png", title)
            except plots.MatplotlibMissing as missing:
                return None, "no heatmap: %s" % missing
            return path.read_bytes(), ""

    def _repr_html_(self) -> str:
        colour = GREEN if self.green else RED
        diagnosis = self.diagnosis
        parts = ['<div class="kata-check kata-%s">' % ("green" if self.green else "red"),
                 '<p style="background:%s;color:white;padding:4px 8px;font-weight:bold">%s</p>'
                 % (colour, html.escape(self.headline())),
                 "<p><small>%s</small></p>" % html.escape(self.where())]
        head = "signature: <code>%s</code>" % html.escape(diagnosis.signature)
        if diagnosis.params:
            head += " &nbsp; params: %s" % html.escape(", ".join(diagnosis.params))
        if diagnosis.factor is not None:
            head += " &nbsp; factor: %s" % html.escape("%.6g" % diagnosis.factor)
            if diagnosis.factor_tracks:
                head += html.escape(" (constant)" if diagnosis.factor_tracks == "constant"
                                    else " (tracks %s)" % diagnosis.factor_tracks)
        parts.append("<p>%s</p>" % head)
        if diagnosis.evidence:
            parts.append("<p>evidence:</p><ul>%s</ul>" % "".join(
                "<li>%s</li>" % html.escape(sentence) for sentence in diagnosis.evidence))
        report = self.base_report()
        if report is not None:
            probe = diagnosis.probes["base"]
            parts.append("<p>base probe (%s):</p>" % html.escape(probe.describe()))
            parts.append(table_html(report))
        image, why_not = self.heatmap
        if image is not None:
            parts.append('<img alt="per-entry relative error of the base probe" src="data:image/png;base64,%s"/>'
                         % base64.b64encode(image).decode("ascii"))
        else:
            parts.append("<p><em>%s</em></p>" % html.escape(why_not))
        parts.append("<p><small>%s</small></p>" % html.escape(self.seed_line()))
        parts += ["<p><strong>warning:</strong> %s</p>" % html.escape(warning) for warning in self.warnings]
        parts.append("</div>")
        return "\n".join(parts)


def table_html(report: GradCheckReport) -> str:
    """The per-parameter table of gradcheck.format_table as HTML, a failing row in red."""
    header = ("param", "shape", "max rel", "worst at", "analytic", "numeric", "ratio med", "spread", "kinks",
              "verdict")
    rows = ["<tr>%s</tr>" % "".join("<th>%s</th>" % name for name in header)]
    for p in report.params.values():
        cells = (p.name, "x".join(str(s) for s in p.shape), "%.2e" % p.max_rel_error,
                 ",".join(str(int(i)) for i in p.worst_index), "%.6e" % p.analytic_at_worst,
                 "%.6e" % p.numeric_at_worst, "%.6g" % p.ratio_median, "%.2g" % p.ratio_spread, str(p.n_kinks),
                 verdict(p))
        style = "" if p.passed else ' style="color:%s;font-weight:bold"' % RED
        rows.append("<tr%s>%s</tr>" % (style, "".join("<td>%s</td>" % html.escape(c) for c in cells)))
    overall = "overall: %s (max rel error %.2e, eps %g, %d evaluations)" % (
        "PASS" if report.passed else "FAIL", report.max_rel_error, report.eps, report.evaluations)
    return '<table class="kata-table">%s</table>\n<p><small>%s<br/>%s</small></p>' % (
        "".join(rows), html.escape(overall), html.escape(legend(report.threshold, report.eps)))


def find_card(kata: str) -> Card:
    """The card of kata in the current card folder ($KATA_CARDS, else the installed catalogue);
    ValueError naming the ids when there is none, or the fields still to write when the card is
    unfinished (it holds a placeholder: no learner may check it)."""
    from katas import catalogue
    from katas.learner import workspace

    try:
        card = catalogue.find_card(kata, workspace.cards_dir())
    except KeyError as missing:
        raise ValueError(missing.args[0]) from None
    unfinished = catalogue.unfinished_fields(card)
    if unfinished:
        raise ValueError("kata %s is unfinished (for instructors): its %s still hold the placeholder %r"
                         % (card.id, ", ".join(unfinished), catalogue.PLACEHOLDER))
    return card


def check(loss: Callable[..., Any], kata: str, seed: int | None = None) -> NotebookCheck:
    """Diagnose loss (a function defined in the notebook) against the network of kata's card.

    loss(params, X, y, reg=0.0) -> (loss, grads), like the kata file's. seed: the probe seed
    (None: $KATA_SEED, else a fresh one, as `kata check` draws it). Runs in this process, with no
    time limit (interrupt the kernel to stop it); records nothing in the workspace.
    Returns a NotebookCheck (shown as HTML in a notebook, as text elsewhere).
    """
    from katas.sandbox import seed_setting
    from reference.diagnose import diagnose

    card = find_card(kata)
    warnings = []
    if seed is None:
        seed, seed_warning = seed_setting()
        if seed_warning:
            warnings.append(seed_warning)
    module = str(getattr(loss, "__module__", "") or "")
    if module.split(".")[0] in PROJECT_PACKAGES:
        warnings.append("this loss is %s.%s, the project's own code: a kata checks the network written in your "
                        "notebook (and `kata check` refuses a file that imports it)"
                        % (module, getattr(loss, "__name__", "loss")))
    diagnosis = diagnose(loss, network=card.network, hidden_layers=card.hidden_layers, seed=int(seed))
    diagnosis.seed = int(seed)
    return NotebookCheck(card, diagnosis, warnings)


# -- the %kata magic --------------------------------------------------------------------

def kata_magic(line: str, out: Callable[[str], object] = print) -> None:
    """%kata COMMAND [ARGS]: run `kata COMMAND ARGS` (list, start, check, hint, solution, reset);
    its output, standard error included, is shown in the cell."""
    from katas import cli

    try:
        argv = shlex.split(line)
    except ValueError as exc:
        out("%%kata: %s" % exc)
        return
    if not argv or argv[0] not in MAGIC_COMMANDS:
        out("%%kata runs %s (e.g. %%kata check ID); %s in a terminal" % (
            ", ".join(MAGIC_COMMANDS), "`kata %s`" % argv[0] if argv else "the others"))
        return
    with contextlib.suppress(SystemExit):  # argparse's usage errors and --help end with SystemExit
        cli.main(argv)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext katas` (or katas.notebook): register the %kata line magic."""
    ipython.register_magic_function(kata_magic, magic_kind="line", magic_name="kata")
