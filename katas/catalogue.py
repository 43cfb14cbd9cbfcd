"""The bug-card catalogue: load and validate card files, build each card's buggy network.

A card is one TOML file in katas/cards/, named NN-id.toml (NN sets the curriculum order).
Loading a card parses data and never runs code; building its variant applies the card's
find/replace edits to the reference source (each must match exactly once, so a card cannot
silently rot when the reference changes) and executes the result as a fresh module.
What it is not for: running learners' files (katas.workspace and katas.sandbox do that).
"""
from __future__ import annotations

import dataclasses
import importlib.util
import linecache
import pathlib
import re
import sys
import types

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from reference.diagnose import SIGNATURES

FORMAT_VERSION = 1
CARDS_DIR = pathlib.Path(__file__).resolve().parent / "cards"
NETWORKS = {"net": "reference.net", "mlp": "reference.mlp"}
FACTOR_WORDS = ("N", "1/N")
FILENAME = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)\.toml$")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CardError(Exception):
    """A card file that cannot be used: names the file, the field, and how to fix it."""

    def __init__(self, path, field, problem, fix):
        self.path = pathlib.Path(path)
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self):
        where = self.path.name + (" [%s]" % self.field if self.field else "")
        return "%s: %s. Fix: %s" % (where, self.problem, self.fix)


@dataclasses.dataclass(frozen=True)
class Edit:
    """One find/replace on the reference source; `find` must occur exactly once."""

    find: str
    replace: str


@dataclasses.dataclass(frozen=True)
class Card:
    """A bug card, as read from its file.

    Fields:
    - id: short kebab-case name, unique, also the file name after its NN- prefix.
    - order: the NN prefix of the file name: the card's place in the curriculum.
    - title: one line shown in lists.
    - story: what the learner sees in the kata file's header: the symptom, not the bug.
    - network: "net" (reference/net.py) or "mlp" (reference/mlp.py).
    - hidden_layers: depth of the network the variant implements (1 for "net").
    - equivalent: True when the edit cannot change any result (the variant must diagnose ok).
    - signature: the diagnosis the variant must get (one of reference.diagnose.SIGNATURES).
    - params: the implicated parameters the diagnosis must name, or None for "not checked".
    - factor: the uniform factor: a number, "N" or "1/N" (it tracks the batch size), or None.
    - hints: ordered from general to specific; the last one is a question, not the answer.
    - fix: the explanation of the fix, shown with the solution.
    - edits: the bug, as find/replace pairs applied to the reference source.
    - path: the card file.
    """

    id: str
    order: int
    title: str
    story: str
    network: str
    hidden_layers: int
    equivalent: bool
    signature: str
    params: tuple | None
    factor: float | str | None
    hints: tuple
    fix: str
    edits: tuple
    path: pathlib.Path


# field -> (required, type check, type description); "expect" and "edits" are tables.
TOP_FIELDS = {
    "format_version": (True, lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "id": (True, lambda v: isinstance(v, str), "a string"),
    "title": (True, lambda v: isinstance(v, str), "a string"),
    "story": (True, lambda v: isinstance(v, str), "a string"),
    "network": (False, lambda v: isinstance(v, str), "a string"),
    "hidden_layers": (False, lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "equivalent": (False, lambda v: isinstance(v, bool), "true or false"),
    "hints": (True, lambda v: isinstance(v, list) and all(isinstance(h, str) for h in v), "a list of strings"),
    "fix": (True, lambda v: isinstance(v, str), "a string"),
    "expect": (True, lambda v: isinstance(v, dict), "a table [expect]"),
    "edits": (True, lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v),
              "an array of tables [[edits]]"),
}
EXPECT_FIELDS = {"signature", "params", "factor"}


def load_card(path):
    """Read and validate one card file; raise CardError naming the field and the fix."""
    path = pathlib.Path(path)
    match = FILENAME.match(path.name)
    if not match:
        raise CardError(path, None, "the file name is not NN-id.toml",
                        "rename it like 07-wrong-mask.toml: two or more digits for its place in the "
                        "curriculum, a dash, then the card's id")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CardError(path, None, "not valid TOML (%s)" % exc,
                        "check quotes and brackets at that line; multi-line text goes in triple quotes")
    unknown = sorted(set(data) - set(TOP_FIELDS))
    if unknown:
        raise CardError(path, unknown[0], "unknown field",
                        "remove it or correct its spelling; fields are %s" % ", ".join(TOP_FIELDS))
    for field, (required, check, kind) in TOP_FIELDS.items():
        if field not in data:
            if required:
                raise CardError(path, field, "missing", "add %s = ... (%s); `kata dev new` writes a "
                                "template with every field" % (field, kind))
            continue
        if not check(data[field]):
            raise CardError(path, field, "must be %s, got %s" % (kind, type(data[field]).__name__),
                            "write it as %s" % kind)
    if data["format_version"] != FORMAT_VERSION:
        raise CardError(path, "format_version", "is %r, this version reads %d" % (data["format_version"], FORMAT_VERSION),
                        "set format_version = %d" % FORMAT_VERSION)
    if data["id"] != match.group(2) or not ID.match(data["id"]):
        raise CardError(path, "id", "is %r but the file name says %r" % (data["id"], match.group(2)),
                        "use lowercase words joined by dashes, the same in the file name and the id field")
    for field in ("title", "story", "fix"):
        if not data[field].strip():
            raise CardError(path, field, "is empty", "write the %s" % field)
    hints = tuple(h.strip() for h in data["hints"])
    if not hints or not all(hints):
        raise CardError(path, "hints", "needs at least one non-empty hint",
                        "list hints from general to specific, the last one a question")
    if not hints[-1].endswith("?"):
        raise CardError(path, "hints", "the last hint gives the answer away instead of asking",
                        "end the last hint with a question that leads to the fix")
    network = data.get("network", "net")
    if network not in NETWORKS:
        raise CardError(path, "network", "is %r" % network, "use one of %s" % ", ".join(NETWORKS))
    hidden_layers = data.get("hidden_layers", 1)
    if hidden_layers < 1 or (network == "net" and hidden_layers != 1):
        raise CardError(path, "hidden_layers", "is %d" % hidden_layers,
                        "use 1 for network = \"net\", or 1 or more for network = \"mlp\"")
    expect = data["expect"]
    unknown = sorted(set(expect) - EXPECT_FIELDS)
    if unknown:
        raise CardError(path, "expect.%s" % unknown[0], "unknown field",
                        "[expect] takes %s" % ", ".join(sorted(EXPECT_FIELDS)))
    signature = expect.get("signature")
    if signature not in SIGNATURES:
        raise CardError(path, "expect.signature", "is %r" % (signature,),
                        "use one of %s" % ", ".join(SIGNATURES))
    equivalent = data.get("equivalent", False)
    if equivalent and signature != "ok":
        raise CardError(path, "expect.signature", "an equivalent card must expect \"ok\"",
                        "set signature = \"ok\" or equivalent = false")
    params = expect.get("params")
    if params is not None:
        if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
            raise CardError(path, "expect.params", "must be a list of parameter names", 'write e.g. ["W1", "b1"]')
        params = tuple(params)
    factor = expect.get("factor")
    if factor is not None and not (
            (isinstance(factor, (int, float)) and not isinstance(factor, bool)) or factor in FACTOR_WORDS):
        raise CardError(path, "expect.factor", "is %r" % (factor,),
                        'use a number, or "N" / "1/N" for a factor that tracks the batch size')
    edits = []
    for i, raw in enumerate(data["edits"]):
        if set(raw) != {"find", "replace"} or not all(isinstance(raw[k], str) for k in raw):
            raise CardError(path, "edits[%d]" % i, "needs exactly the strings find and replace",
                            "write [[edits]] with find = '''...''' and replace = '''...'''")
        if not raw["find"]:
            raise CardError(path, "edits[%d].find" % i, "is empty", "copy the exact text to change from the reference")
        edits.append(Edit(raw["find"], raw["replace"]))
    if not edits and not equivalent:
        raise CardError(path, "edits", "has no edit", "add at least one [[edits]] table with the bug")
    return Card(
        id=data["id"], order=int(match.group(1)), title=data["title"].strip(), story=data["story"].strip(),
        network=network, hidden_layers=hidden_layers, equivalent=equivalent, signature=signature,
        params=params, factor=factor, hints=hints, fix=data["fix"].strip(), edits=tuple(edits), path=path)


def load_catalogue(directory=CARDS_DIR):
    """All cards in curriculum order, and the errors of the files that could not be loaded.

    Returns (cards, broken): a broken card never stops the others from loading.
    """
    cards, broken, seen = [], [], {}
    for path in sorted(pathlib.Path(directory).glob("*.toml")):
        try:
            card = load_card(path)
        except CardError as exc:
            broken.append(exc)
            continue
        except OSError as exc:
            broken.append(CardError(path, None, "cannot be read (%s)" % exc, "check the file's permissions"))
            continue
        if card.id in seen:
            broken.append(CardError(path, "id", "%r is also the id of %s" % (card.id, seen[card.id].name),
                                    "give one of them another id and file name"))
            continue
        seen[card.id] = path
        cards.append(card)
    cards.sort(key=lambda c: (c.order, c.id))
    return cards, broken


def find_card(card_id, directory=CARDS_DIR):
    """The card with this id; raise KeyError listing the ids, or CardError if its file is broken."""
    cards, broken = load_catalogue(directory)
    for card in cards:
        if card.id == card_id:
            return card
    for error in broken:
        if FILENAME.match(error.path.name) and FILENAME.match(error.path.name).group(2) == card_id:
            raise error
    raise KeyError("no card %r; the cards are: %s" % (card_id, ", ".join(c.id for c in cards)))


def reference_path(network="net"):
    spec = importlib.util.find_spec(NETWORKS[network])
    return pathlib.Path(spec.origin)


def reference_source(network="net"):
    """The reference network's source text."""
    return reference_path(network).read_text(encoding="utf-8")


def apply_edits(card, source=None):
    """The reference source with the card's edits; CardError if an edit does not match once."""
    text = reference_source(card.network) if source is None else source
    for i, edit in enumerate(card.edits):
        count = text.count(edit.find)
        if count != 1:
            raise CardError(card.path, "edits[%d].find" % i,
                            "matches %d times in %s (it must match exactly once)" % (
                                count, reference_path(card.network).name),
                            "copy the exact text from the current reference, with enough of the line to be "
                            "unique" if count == 0 else "include more of the surrounding line to make it unique")
        text = text.replace(edit.find, edit.replace)
    return text


def load_module(source, name, filename):
    """Execute source as a fresh module (not added to sys.modules); tracebacks show its lines."""
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def variant(card):
    """The card's buggy network as a module; its `loss` is what the diagnoser judges."""
    return load_module(apply_edits(card), "kata_" + card.id.replace("-", "_"), "<kata %s>" % card.id)


def expectation_errors(card, diagnosis):
    """How a diagnosis differs from the card's declared expectation: [] when it agrees."""
    problems = []
    if diagnosis.signature != card.signature:
        problems.append("signature %s, expected %s" % (diagnosis.signature, card.signature))
    if card.params is not None and tuple(diagnosis.params) != card.params:
        problems.append("params %s, expected %s" % (list(diagnosis.params), list(card.params)))
    if card.factor is not None:
        if card.factor in FACTOR_WORDS:
            if diagnosis.factor_tracks != card.factor:
                problems.append("factor tracks %s, expected %s" % (diagnosis.factor_tracks, card.factor))
        elif diagnosis.factor is None or abs(diagnosis.factor - card.factor) > 1e-4 * max(1.0, abs(card.factor)):
            problems.append("factor %s, expected %s" % (diagnosis.factor, card.factor))
    return problems
