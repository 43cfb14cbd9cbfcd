"""Evidence: one sentence of a diagnosis, built from the measured values it quotes.

What it is for: the record each evidence sentence is (its kind, a key of EVIDENCE_KINDS; the probe;
the values behind every quote, each quote as shown), so that tests/reference/test_evidence.py can recompute
every quoted number from the raw probe results; plain() makes a quoted value JSON-ready, verb()
picks a verb's form for one name or several.
What it is not for: deciding what a sentence says (the reader and its read_* modules).
"""
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from reference.diagnose.vocabulary import EVIDENCE_KINDS

if TYPE_CHECKING:  # results.py imports this module
    from reference.diagnose.results import Probe


class Evidence(object):
    """One evidence sentence, built from the measured values it quotes.

    kind: what was read, a key of EVIDENCE_KINDS; probe: the name of the probe read, or None;
    values: dict name -> the measured value behind each quote; quoted: (name, text) pairs, each
    text exactly as the sentence shows it; also: other probes that showed the same; body: the
    sentence without that list; text: the sentence.
    """

    def __init__(self, kind: str, probe: Optional[str] = None) -> None:
        if kind not in EVIDENCE_KINDS:
            raise ValueError("unknown evidence kind %r" % kind)
        self.kind = kind
        self.probe = probe
        self.values: Dict[str, Any] = {}
        self.quoted: List[Tuple[str, str]] = []
        self.also: List[str] = []
        self.body = ""

    def q(self, name: str, value: Any, spec: Optional[str] = "%.6g") -> str:
        """Keep value under name; return it as the sentence shows it (spec None: str(value))."""
        self.values[name] = value
        shown = str(value) if spec is None else spec % (value,)
        self.quoted.append((name, shown))
        return shown

    def where(self, probe: "Probe") -> str:
        """'name probe (N=..., reg=...)', as every sentence names a probe."""
        self.values["sizes"] = tuple(probe.sizes)
        self.values["reg"] = probe.reg
        shown = "%s probe (%s)" % (probe.name, probe.describe())
        self.quoted.append(("where", shown))
        return shown

    @property
    def text(self) -> str:
        if not self.also:
            return self.body
        return "%s (the same under the %s probe%s)" % (
            self.body, ", ".join(self.also), "s" if len(self.also) > 1 else "")

    def to_dict(self) -> Dict[str, Any]:
        return {"kind": self.kind, "probe": self.probe, "also": list(self.also), "text": self.text,
                "values": {k: plain(v) for k, v in self.values.items()}}


def plain(value: Any) -> Any:
    """A JSON-ready copy of a quoted value."""
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value if value is None or isinstance(value, str) else str(value)


def verb(names: Sequence[str], one: str, many: str) -> str:
    """The verb form for one name or for several."""
    return one if len(names) == 1 else many
