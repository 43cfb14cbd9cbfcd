"""The bug-card catalogue: load and validate card files, build each card's buggy network.

A card is one TOML file in katas/cards/, named NN-id.toml (NN sets the curriculum order).
Loading a card parses data and never runs code; building its variant applies the card's
find/replace edits to the reference source (each must match exactly once, so a card cannot
silently rot when the reference changes) and executes the result as a fresh module.
What it is not for: running learners' files (katas.learner.workspace and katas.sandbox do that).
"""
from __future__ import annotations

import dataclasses
import importlib.util
import linecache
import math
import os
import pathlib
import reprlib
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from katas import names
from katas.toml import tomllib
from reference.diagnose import FACTOR_RTOL, SIGNATURES, Diagnosis

if TYPE_CHECKING:  # katas.catalogue.sandboxed imports the sandbox, which imports this package
    from katas.catalogue.sandboxed import Verdict

FORMAT_VERSION = 1
CARDS_DIR = pathlib.Path(__file__).resolve().parent.parent / "cards"
NETWORKS = {"net": "reference.net", "mlp": "reference.mlp", "batchnorm_net": "reference.batchnorm_net",
            "convnet": "reference.convnet", "rnn": "reference.rnn"}
# network -> (fewest, most) hidden layers a card may declare. net.py has exactly one. mlp.py takes
# any depth, but the diagnoser's probes take about 0.8 s at 8 hidden layers and grow fast past it,
# and at 16 they can no longer keep every unit away from the ReLU kink, even for the reference.
DEPTHS = {"net": (1, 1), "mlp": (1, 8), "batchnorm_net": (1, 1), "convnet": (1, 1), "rnn": (1, 1)}
# A card is a page of text; a file far larger than any reference network is not a card.
MAX_CARD_BYTES = 256 * 1024
# What a learner calls each network: a kata's learner title names its network, never its bug.
NETWORK_NAMES = {"net": "the two-layer network", "mlp": "the deep network", "batchnorm_net": "the batch-norm network",
                 "convnet": "the convolutional network", "rnn": "the recurrent network"}
FACTOR_WORDS = ("N", "1/N", "T", "1/T")
INPUT = "X"  # what a diagnosis names in params when dX (not a parameter's gradient) is wrong
FILENAME = names.CARD_FILE
ID = names.ID
# The mark of text an instructor has yet to write (`kata dev promote` writes it). A card that
# still holds it loads, so that `kata dev check` can name each one, but it is unfinished: the
# learner commands list it as such and never let a learner start or check it.
PLACEHOLDER = "TO WRITE"


class CardError(Exception):
    """A card file that cannot be used: names the file, the field, and how to fix it."""

    def __init__(self, path: str | os.PathLike[str], field: str | None, problem: str, fix: str) -> None:
        self.path = pathlib.Path(path)
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
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
    - title: one line that names the bug, for instructors (`kata cards`, `kata dev check`);
      learners see learner_title instead, which does not give the bug away.
    - story: what the learner sees in the kata file's header: the symptom, not the bug.
    - network: the module in reference/ the card edits: "net" (reference/net.py), "mlp",
      "batchnorm_net", "convnet" or "rnn" (NETWORKS).
    - hidden_layers: depth of the network the variant implements: exactly 1 for "net", 1 to 8
      for "mlp" (DEPTHS; deeper networks make the diagnoser's probes slow, then unreliable).
    - equivalent: True when the edit cannot change any result (the variant must diagnose ok).
    - signature: the diagnosis the variant must get (one of reference.diagnose.SIGNATURES).
    - params: the implicated parameters the diagnosis must name, or None for "not checked";
      each one a parameter of the network at that depth (W1, b1, ..., W(L+1), b(L+1)), or X
      (the diagnoser's name for a wrong dX), once.
    - factor: the uniform factor: a finite number, "N" or "1/N" (it tracks the batch size), or None.
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
    params: tuple[str, ...] | None
    factor: float | str | None
    hints: tuple[str, ...]
    fix: str
    edits: tuple[Edit, ...]
    path: pathlib.Path

    @property
    def learner_title(self) -> str:
        """The title learners see (`kata list`, `kata start`, the kata file, --json): the network
        and what to do, the same words for every card of it, so that it names no bug."""
        network = NETWORK_NAMES[self.network]
        if self.network == "mlp":
            network += " with %d hidden layer%s" % (self.hidden_layers, "s" if self.hidden_layers > 1 else "")
        task = "a change to check" if self.equivalent else "a bug to find"
        return "%s%s, %s" % (network[0].upper(), network[1:], task)


def is_int(value: object) -> TypeGuard[int]:
    """An integer, and not a bool (TOML's true is no number)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float]:
    """A finite integer or float, and not a bool: nan and inf (or an integer past any float) are
    no factor a diagnosis can have."""
    if not (is_int(value) or isinstance(value, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def is_string_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# field -> (required, type check, type description); "expect" and "edits" are tables.
TOP_FIELDS: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "format_version": (True, is_int, "an integer"),
    "id": (True, lambda v: isinstance(v, str), "a string"),
    "title": (True, lambda v: isinstance(v, str), "a string"),
    "story": (True, lambda v: isinstance(v, str), "a string"),
    "network": (False, lambda v: isinstance(v, str), "a string"),
    "hidden_layers": (False, is_int, "an integer"),
    "equivalent": (False, lambda v: isinstance(v, bool), "true or false"),
    "hints": (True, is_string_list, "a list of strings"),
    "fix": (True, lambda v: isinstance(v, str), "a string"),
    "expect": (True, lambda v: isinstance(v, dict), "a table [expect]"),
    "edits": (True, lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v),
              "an array of tables [[edits]]"),
}
EXPECT_FIELDS = {"signature", "params", "factor"}
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def shown(value: object) -> str:
    """A value as a card's author wrote it, cut short (a message never holds a whole file)."""
    return _SHORT.repr(value)


def key_name(key: str) -> str:
    """A field name as written, cut short."""
    return key if len(key) <= 40 else key[:39] + "…"


def kind_of(value: object) -> str:
    """The TOML kind of a parsed value, for "must be a string, got an array"."""
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
                       (list, "an array"), (dict, "a table")):
        if isinstance(value, kind):
            return name
    return "a %s" % type(value).__name__


def parameter_names(hidden_layers: int, network: str = "net") -> tuple[str, ...]:
    """The parameters of the network: W1, b1, ..., W(L+1), b(L+1) for "net"/"mlp" with that many
    hidden layers; the Network's names for any other (reference/networks/)."""
    if network in ("net", "mlp"):
        return tuple("%s%d" % (kind, layer) for layer in range(1, hidden_layers + 2) for kind in "Wb")
    from reference import networks
    return tuple(networks.load(network).names)


def read_toml(path: pathlib.Path) -> dict[str, Any]:
    """The card file's data; CardError for anything that is not a small, valid TOML file."""
    try:
        if not path.is_file():
            what = ("a folder" if path.is_dir() else "a link to nothing" if path.is_symlink() and not path.exists()
                    else "a pipe or a device")
            raise CardError(path, None, "is %s, not a card file" % what,
                            "a card is a TOML text file: remove this, or rename it so it does not end in .toml")
        with open(path, "rb") as stream:
            raw = stream.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise CardError(path, None, "cannot be read (%s)" % (exc.strerror or exc), "check the file's permissions")
    if len(raw) > MAX_CARD_BYTES:
        raise CardError(path, None, "is larger than %d KB; a card is a page of text" % (MAX_CARD_BYTES // 1024),
                        "keep only the fields a card has, with edits of a few lines each")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError(path, None, "is not UTF-8 text (byte %d, on line %d)" % (
            exc.start, raw[:exc.start].count(b"\n") + 1), "save the file as UTF-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CardError(path, None, "not valid TOML (%s)" % exc,
                        "check quotes and brackets at that line; multi-line text goes in triple quotes")
    except RecursionError:
        raise CardError(path, None, "not valid TOML for a card: arrays or tables nested too deeply for the parser",
                        "a card nests nothing deeper than the list of hints, [expect] and [[edits]]") from None
    except Exception as exc:  # noqa: BLE001 - whatever else the parser raises, the card is unreadable
        raise CardError(path, None, "not valid TOML (the parser stopped with %s)" % type(exc).__name__,
                        "check quotes and brackets; a card holds only the fields `kata dev new` writes") from None


def load_card(path: str | os.PathLike[str]) -> Card:
    """Read and validate one card file; raise CardError naming the field and the fix.

    Nothing in the file is executed, and nothing in it makes this raise anything but CardError.
    """
    path = pathlib.Path(path)
    match = FILENAME.match(path.name)
    if not match:
        raise CardError(path, None, "the file name is not NN-id.toml",
                        "rename it like 07-wrong-mask.toml: two or more digits for its place in the "
                        "curriculum, a dash, then the card's id")
    data = read_toml(path)
    unknown = sorted(set(data) - set(TOP_FIELDS))
    if unknown:
        raise CardError(path, key_name(unknown[0]), "unknown field",
                        "remove it or correct its spelling; fields are %s" % ", ".join(TOP_FIELDS))
    for field, (required, check, kind) in TOP_FIELDS.items():
        if field not in data:
            if required:
                raise CardError(path, field, "missing", "add %s = ... (%s); `kata dev new` writes a "
                                "template with every field" % (field, kind))
            continue
        if not check(data[field]):
            raise CardError(path, field, "must be %s, got %s" % (kind, kind_of(data[field])),
                            "write it as %s" % kind)
    if data["format_version"] != FORMAT_VERSION:
        raise CardError(path, "format_version", "is %s, this version reads %d" % (
            shown(data["format_version"]), FORMAT_VERSION), "set format_version = %d" % FORMAT_VERSION)
    if data["id"] != match.group(2) or not ID.match(data["id"]):
        raise CardError(path, "id", "is %s but the file name says %r" % (shown(data["id"]), match.group(2)),
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
        raise CardError(path, "network", "is %s" % shown(network), "use one of %s" % ", ".join(NETWORKS))
    hidden_layers = data.get("hidden_layers", 1)
    fewest, most = DEPTHS[network]
    if not fewest <= hidden_layers <= most:
        if fewest == most:
            raise CardError(path, "hidden_layers", "is %d, but network = %s has exactly %d hidden layer" % (
                hidden_layers, shown(network), fewest),
                "use hidden_layers = %d%s" % (fewest, ", or network = \"mlp\" for a deeper network"
                                              if network == "net" else " (or leave it out)"))
        raise CardError(path, "hidden_layers", "is %d, outside %d to %d for network = %s" % (
            hidden_layers, fewest, most, shown(network)),
            "use a depth from %d to %d: deeper networks make the diagnoser's probes slow, then unreliable "
            "(at 16 hidden layers even the reference fails them)" % (fewest, most))
    expect = data["expect"]
    unknown = sorted(set(expect) - EXPECT_FIELDS)
    if unknown:
        raise CardError(path, "expect.%s" % key_name(unknown[0]), "unknown field",
                        "[expect] takes %s" % ", ".join(sorted(EXPECT_FIELDS)))
    signature = expect.get("signature")
    if not isinstance(signature, str) or signature not in SIGNATURES:
        raise CardError(path, "expect.signature", "is %s" % (
            shown(signature) if isinstance(signature, str) else kind_of(signature) if "signature" in expect
            else "missing"), "write signature = \"...\", one of %s" % ", ".join(SIGNATURES))
    equivalent = data.get("equivalent", False)
    if equivalent and signature != "ok":
        raise CardError(path, "expect.signature", "an equivalent card must expect \"ok\"",
                        "set signature = \"ok\" or equivalent = false")
    params = expect.get("params")
    if params is not None:
        names = parameter_names(hidden_layers, network)
        known = names + (INPUT,)
        if not is_string_list(params):
            raise CardError(path, "expect.params", "must be a list of parameter names, got %s" % kind_of(params),
                            'write e.g. ["W1", "b1"]')
        strangers = [p for p in params if p not in known]
        if strangers:
            raise CardError(path, "expect.params", "names %s, which %s does not have" % (
                shown(strangers[0]), "the network %s" % network if network not in ("net", "mlp") else
                "a network with %d hidden layer%s" % (hidden_layers, "" if hidden_layers == 1 else "s")),
                "name parameters of %s, or %s for dX" % (", ".join(names), INPUT))
        repeated = sorted({p for p in params if params.count(p) > 1})
        if repeated:
            raise CardError(path, "expect.params", "names %s more than once" % shown(repeated[0]),
                            "list each implicated parameter once")
        params = tuple(params)
    factor = expect.get("factor")
    if factor is not None and not (is_number(factor) or (isinstance(factor, str) and factor in FACTOR_WORDS)):
        written = shown(factor) if isinstance(factor, (str, float)) or is_int(factor) else kind_of(factor)
        raise CardError(path, "expect.factor", "is %s" % written,
                        'use a finite number, or "N" / "1/N" for a factor that tracks the batch size')
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


def load_catalogue(directory: str | os.PathLike[str] = CARDS_DIR) -> tuple[list[Card], list[CardError]]:
    """All cards in curriculum order, and the errors of the files that could not be loaded.

    Returns (cards, broken): a broken card never stops the others from loading.
    """
    cards: list[Card] = []
    broken: list[CardError] = []
    seen: dict[str, pathlib.Path] = {}
    for path in sorted(pathlib.Path(directory).glob("*.toml")):
        try:
            card = load_card(path)
        except CardError as exc:
            broken.append(exc)
            continue
        if card.id in seen:
            broken.append(CardError(path, "id", "%r is also the id of %s" % (card.id, seen[card.id].name),
                                    "give one of them another id and file name"))
            continue
        seen[card.id] = path
        cards.append(card)
    cards.sort(key=lambda c: (c.order, c.id))
    return cards, broken


def find_card(card_id: str, directory: str | os.PathLike[str] = CARDS_DIR) -> Card:
    """The card with this id; raise KeyError listing the ids, or CardError if its file is broken."""
    cards, broken = load_catalogue(directory)
    for card in cards:
        if card.id == card_id:
            return card
    for error in broken:
        if (match := FILENAME.match(error.path.name)) and match.group(2) == card_id:
            raise error
    raise KeyError("no card %r; the cards are: %s" % (card_id, ", ".join(c.id for c in cards)))


def unfinished_fields(card: Card) -> list[str]:
    """The fields of the card whose text still holds PLACEHOLDER, in file order: title, story,
    hints[i], fix. [] for a finished card."""
    fields = [("title", card.title), ("story", card.story)] + [
        ("hints[%d]" % i, hint) for i, hint in enumerate(card.hints)] + [("fix", card.fix)]
    return [field for field, text in fields if PLACEHOLDER in text]


def reference_path(network: str = "net") -> pathlib.Path:
    spec = importlib.util.find_spec(NETWORKS[network])
    assert spec is not None and spec.origin is not None  # reference/ is installed with katas/
    return pathlib.Path(spec.origin)


def reference_source(network: str = "net") -> str:
    """The reference network's source text."""
    return reference_path(network).read_text(encoding="utf-8")


def apply_edits(card: Card, source: str | None = None) -> str:
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


def load_module(source: str, name: str, filename: str) -> types.ModuleType:
    """Execute source as a fresh module (not added to sys.modules); tracebacks show its lines."""
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def variant(card: Card) -> types.ModuleType:
    """The card's buggy network as a module; its `loss` is what the diagnoser judges."""
    return load_module(apply_edits(card), "kata_" + card.id.replace("-", "_"), "<kata %s>" % card.id)


def expectation_errors(card: Card, diagnosis: Diagnosis | Verdict) -> list[str]:
    """How a diagnosis differs from the card's declared expectation: [] when it agrees."""
    problems = []
    if diagnosis.signature != card.signature:
        problems.append("signature %s, expected %s" % (diagnosis.signature, card.signature))
    if card.params is not None and tuple(diagnosis.params) != card.params:
        problems.append("params %s, expected %s" % (list(diagnosis.params), list(card.params)))
    if card.factor is not None:
        if isinstance(card.factor, str):  # one of FACTOR_WORDS
            if diagnosis.factor_tracks != card.factor:
                problems.append("factor tracks %s, expected %s" % (diagnosis.factor_tracks, card.factor))
        elif not (is_number(diagnosis.factor)
                  and abs(diagnosis.factor - card.factor) <= FACTOR_RTOL * max(1.0, abs(card.factor))):
            problems.append("factor %s, expected %s" % (diagnosis.factor, card.factor))
    return problems
