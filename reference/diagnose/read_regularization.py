"""Reading the reg probe: an error of the reg term's own, and the penalty measured against this project's.

What it is for: functions of the Reader (each takes it first) that read the reg probe into reg_only
(or a note, when the error at reg = 0 explains it), and the sentences that measure the penalty the
loss adds and what the gradients add, as exact multiples where they are; with the functions that
put such multiples in words.
What it is not for: the gradient patterns at reg = 0 (read_gradients.py).
"""
import itertools
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Tuple, cast

import numpy as np

from reference.diagnose.checks import close, coefficient
from reference.diagnose.evidence import Evidence, verb
from reference.diagnose.results import Probe
from reference.diagnose.vocabulary import FACTOR_RTOL, LOSS_RTOL

if TYPE_CHECKING:  # reader.py imports this module, through read_gradients.py and read_losses.py
    from reference.diagnose.reader import Reader

# The penalty measured against this project's: (key, [a_l] per weight matrix, [c_l] per bias), see penalty_relation.
PenaltyRelation = Tuple[str, List[float], List[float]]


def read_regularization(reader: "Reader") -> None:
    """The reg probe: reg_only when everything at reg = 0 is right, else whether it has an error of its own."""
    probe = reader.probes.get("reg")
    if probe is None or probe.report is None:
        return
    fd = reader.ordered(probe.fd_mismatch())
    if not fd:
        return
    if [f for f in reader.findings if f[0] != "reg_only"]:
        read_reg_beyond(reader, probe, fd)
        return
    ev = Evidence("reg_only", probe.name)
    weights = [n for n in fd if n in reader.network.regularized]
    biases = [n for n in fd if n not in reader.network.regularized]
    what = ("the gradients equal the reference's, so the penalty in the loss is missing or misweighted"
            if not probe.reference_mismatch else
            ("the biases got a regularization term they should not have" if all(n.startswith("b") for n in biases)
             else "%s, not regularized, got a regularization term" % ", ".join(biases)) if biases and not weights else
            "the reg term's gradient (%s) is missing or wrong" % reader.conventions.gradient_words()
            if weights and not biases else
            "the reg term is applied to the wrong parameters")
    per = ", ".join("%s (max rel error %s)" % (n, ev.q("max_rel_error." + n, probe.report.params[n].max_rel_error,
                                                       "%.2g")) for n in fd)
    ev.body = "%s: everything at reg = 0 is right, but at reg = %s %s %s with the loss: %s%s" % (
        ev.where(probe), ev.q("reg_value", probe.reg, "%g"), per, verb(fd, "disagrees", "disagree"), what,
        penalty_sentences(reader, probe, ev))
    reader.add("reg_only", fd, ev)
    drop_penalty_from_loss_note(reader, ev)


def drop_penalty_from_loss_note(reader: "Reader", finding: Evidence) -> None:
    """The reg probe's loss note without its penalty clause, once a reg_only finding states it."""
    entry, plain_note = reader.reg_loss_note
    if entry is not None and plain_note is not None and "penalty" in finding.values and entry in reader.ranked:
        reader.ranked[reader.ranked.index(entry)] = (entry[0], plain_note)


def read_reg_beyond(reader: "Reader", probe: Probe, fd: List[str]) -> None:
    """The reg probe disagrees while other findings stand: is there an error of its own?"""
    part = probe.reg_part
    if part is None or any(n not in part.params for n in fd):
        ev = Evidence("reg_as_well", probe.name)
        ev.values["reg_part"] = None
        ev.body = "%s: %s %s as well" % (ev.where(probe), ev.q("params", ", ".join(fd), None),
                                         verb(fd, "disagrees", "disagree"))
        reader.note(ev)
        return
    own = [n for n in fd if not part.params[n].passed]
    inherited = [n for n in fd if part.params[n].passed]
    if own:
        ev = Evidence("reg_only", probe.name)
        per = ", ".join("%s (max rel error %s)" % (n, ev.q("reg_part.max_rel_error." + n, part.params[n].max_rel_error,
                                                           "%.2g")) for n in own)
        ev.body = ("%s: a second error, of this probe's own: from reg = 0 to reg = %s the change of the gradient "
                   "of %s disagrees with the change of the loss%s" % (
                       ev.where(probe), ev.q("reg_value", probe.reg, "%g"), per, penalty_sentences(reader, probe, ev)))
        reader.add("reg_only", own, ev)
        drop_penalty_from_loss_note(reader, ev)
    if inherited:
        ev = Evidence("reg_as_well", probe.name)
        ev.values["reg_part"] = "agrees"
        # a gradient zero in exact arithmetic (batch norm's db1) passes on round-off: its relative error
        # says nothing, and is not the one quoted
        judged = [n for n in inherited if n not in reader.network.exact_zero] or inherited
        worst = max(part.params[n].max_rel_error for n in judged)
        ev.body = ("%s: %s %s as well, by the error at reg = 0 alone: from reg = 0 to reg = %s the change of %s "
                   "agrees with the change of the loss (max rel error %s)" % (
                       ev.where(probe), ev.q("params", ", ".join(inherited), None),
                       verb(inherited, "disagrees", "disagree"), ev.q("reg_value", probe.reg, "%g"),
                       "its gradient" if len(inherited) == 1 else "their gradients",
                       ev.q("reg_part.max_rel_error", worst, "%.2g")))
        reader.note(ev)


def penalty_parts(reader: "Reader",
                  probe: Probe) -> Optional[Tuple[float, List[Tuple[str, float]], List[Tuple[str, float]]]]:
    """(penalty the function adds, [(Wl, c reg ||Wl||^2)], [(bl, c reg ||bl||^2)]) or None, with c the
    convention's factor (1/2 for this project's (reg/2) * ||W||^2)."""
    if probe.zero is None or probe.loss is None or probe.problem is None:
        return None
    params = probe.problem[0]
    c = reader.conventions.penalty_factor
    weights = [(n, c * probe.reg * float(np.sum(params[n] ** 2))) for n in reader.names
               if n in reader.network.regularized]
    biases = [(n, c * probe.reg * float(np.sum(params[n] ** 2))) for n in reader.names
              if n not in reader.network.regularized]
    return probe.loss - float(probe.zero[0]), weights, biases


def penalty_clause(reader: "Reader", probe: Probe, ev: Evidence) -> str:
    """The penalty in the function's loss, measured (its loss at reg minus at reg = 0), and its
    exact relation to this project's (reg/2) * sum of ||Wl||^2 where one holds; "" if unmeasured."""
    parts = penalty_parts(reader, probe)
    if parts is None or probe.loss is None:
        return ""
    penalty, weights, biases = parts
    project = sum(w for _, w in weights)
    norms = " + ".join("||%s||^2" % n for n, _ in weights)
    relation = penalty_relation(penalty, weights, biases, LOSS_RTOL * max(1.0, abs(probe.loss)))
    key = relation[0] if relation else None
    ev.values["penalty_relation"] = relation
    shown = ev.q("penalty", penalty, "%.6g")
    reference = ev.q("project_penalty", project, "%.6g")
    head = "the penalty in the loss (its value at reg = %s minus at reg = 0) is %s" % (
        ev.q("reg_value", probe.reg, "%g"), shown)
    course = reader.conventions
    owner, form = course.owner, course.penalty_words  # "this project's", "(reg/2)"
    us = owner[:-2]  # "this project"
    if key == "project":
        return "%s, exactly %s %s * (%s)" % (head, owner, form, norms)
    if key == "twice":
        other = (": the reg * ||W||^2 convention (cs231n from 2017); %s uses (reg/2) * ||W||^2" % us
                 if course.l2 == "half" else ": 2 * reg * ||W||^2")
        return "%s, exactly twice %s %s * (%s) = %s%s" % (head, owner, form, norms, reference, other)
    if key == "none":
        return "%s: no penalty at all, where %s adds %s * (%s) = %s" % (head, us, form, norms, reference)
    if key == "half":
        other = ("(reg/4) * ||W||^2" if course.l2 == "half" else
                 "the (reg/2) * ||W||^2 convention; %s uses reg * ||W||^2" % us)
        return "%s, exactly half %s %s * (%s) = %s: %s" % (head, owner, form, norms, reference, other)
    every = " + ".join("||%s||^2" % n for n in reader.names)
    if key == "biases":
        return ("%s, exactly %s * (%s): the biases are penalized too; %s leaves them out "
                "(%s * (%s) = %s)" % (head, form, every, us, form, norms, reference))
    if key == "twice_all":
        return ("%s, exactly %s * (%s): twice %s penalty and on the biases too (%s * (%s) = %s)"
                % (head, "reg" if course.l2 == "half" else "2 * reg", every, owner, form, norms, reference))
    if key == "some" and relation is not None:
        kept = [n for (n, _), a in zip(weights, relation[1]) if a]
        missing = [n for (n, _), a in zip(weights, relation[1]) if not a]
        return ("%s, exactly %s * (%s): %s %s not penalized; %s penalizes every weight matrix "
                "(%s * (%s) = %s)" % (head, form, " + ".join("||%s||^2" % n for n in kept), ", ".join(missing),
                                      "is" if len(missing) == 1 else "are", us, form, norms, reference))
    return ("%s, not %s %s * (%s) = %s nor a simple variant of it (twice, half, none, biases "
            "too, some layers only)" % (head, owner, form, norms, reference))


def penalty_gradient_clause(reader: "Reader", probe: Probe, ev: Evidence) -> str:
    """What the gradients add from reg = 0 to reg > 0, as multiples of reg * parameter, and
    whether that is the derivative of the penalty measured in the loss."""
    if probe.zero is None or probe.grads is None or probe.problem is None:
        return ""
    params = probe.problem[0]
    zero_grads = probe.zero[1]
    N = probe.sizes[0]
    added: Dict[str, Optional[float]] = {}
    for name in reader.names:
        added[name] = coefficient(probe.grads[name] - zero_grads[name], probe.reg * params[name])
        ev.values["grad_k." + name] = added[name]
    text = "the gradients add " + multiples_sentence(added, reader.names, N)
    relation = ev.values.get("penalty_relation")
    if relation is not None and all(k is not None for k in added.values()):
        # a penalty a * c * reg * ||W||^2 has the gradient 2 * a * c * reg * W (c: the convention's factor)
        twice_c = 2.0 * reader.conventions.penalty_factor
        due = dict(zip([n for n in reader.names if n in reader.network.regularized],
                       [twice_c * a for a in relation[1]]))
        due.update(zip([n for n in reader.names if n not in reader.network.regularized],
                       [twice_c * c for c in relation[2]]))
        matches = all(close(cast(float, added[n]), due[n], FACTOR_RTOL) for n in reader.names)  # none is None
        ev.values["gradient_matches_penalty"] = matches
        text += (", which is that penalty's gradient" if matches else
                 ", where that penalty's gradient is " + multiples_sentence(due, reader.names, N, False))
    return text


def penalty_sentences(reader: "Reader", probe: Probe, ev: Evidence) -> str:
    """'. <penalty clause>; <gradient clause>', or '' when unmeasured."""
    penalty = penalty_clause(reader, probe, ev)
    if not penalty:
        return ""
    return ". %s%s; %s" % (penalty[0].upper(), penalty[1:], penalty_gradient_clause(reader, probe, ev))


# -- multiples of reg * parameter, in words ----------------------------------------
def multiples_sentence(multiples: Mapping[str, Optional[float]], names: Sequence[str], N: int,
                       measured: bool = True) -> str:
    """'exactly 2 * reg * W to dW1, dW2 and nothing to db1, db2': parameters grouped by multiple
    ("exactly" only for measured multiples)."""
    groups: List[Tuple[str, List[str]]] = []  # (words, names) in parameter order of first appearance
    for name in names:
        words = multiple_words(multiples[name], name[0], N)
        if measured and words != "nothing" and multiples[name] is not None:
            words = "exactly " + words
        for group in groups:
            if group[0] == words:
                group[1].append(name)
                break
        else:
            groups.append((words, [name]))
    pieces = ["%s to %s" % (words, ", ".join("d" + n for n in group_names)) for words, group_names in groups]
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


def multiple_words(k: Optional[float], name: str, N: int, zero: str = "nothing") -> str:
    """k * reg * name in words: nothing, reg * W, 2 * reg * W, reg * W / N, -reg * W."""
    if k is None:
        return "something that is not a multiple of reg * %s" % name
    if k == 0.0:
        return zero
    if close(k, 1.0, FACTOR_RTOL):
        return "reg * %s" % name
    if close(k, -1.0, FACTOR_RTOL):
        return "-reg * %s" % name
    if close(k * N, 1.0, FACTOR_RTOL):
        return "reg * %s / N (N=%d)" % (name, N)
    return "%.6g * reg * %s" % (k, name)


def penalty_relation(penalty: float, weights: Sequence[Tuple[str, float]], biases: Sequence[Tuple[str, float]],
                     tolerance: float) -> Optional[PenaltyRelation]:
    """The first known relation penalty == sum(a_l (reg/2)||Wl||^2) + sum(c_l (reg/2)||bl||^2), as
    (key, [a_l], [c_l]) with key one of project, twice, none, half, biases, twice_all, some; or None."""
    w = [value for _, value in weights]
    b = [value for _, value in biases]
    uniform = (("project", 1.0, 0.0), ("twice", 2.0, 0.0), ("none", 0.0, 0.0), ("half", 0.5, 0.0),
               ("biases", 1.0, 1.0), ("twice_all", 2.0, 2.0))
    for key, a, c in uniform:
        if abs(penalty - a * sum(w) - c * sum(b)) <= tolerance:
            return key, [a] * len(w), [c] * len(b)
    for mask in itertools.product((0.0, 1.0), repeat=len(w)):
        if 0.0 < sum(mask) < len(w) and abs(penalty - sum(m * v for m, v in zip(mask, w))) <= tolerance:
            return "some", list(mask), [0.0] * len(b)
    return None
