"""Domain mutation operators: the edits that look like backpropagation bugs, which mutmut never makes.

What it is for: mutations(source) -> every Mutation the operators make of a network module, each
one change of one expression or statement inside a function, as text (the rest of the file is
left byte for byte). An operator is a function of (tree, its function scope) that yields
(node, replacement text); OPERATORS lists them by name. They read their scope, which mutmut's
operators do not: the names a backward function unpacks from its cache, the gradients bound
before a call, the reductions a `keepdims` belongs to.
What it is not for: running or judging the mutants (katas.audit.domain) or reading mutmut's.

Operators, one function each, named as the reports name them:
drop_transpose, add_transpose, swap_matmul_operands, swap_axis, toggle_keepdims,
swap_cached_value, swap_upstream, drop_batch_division, drop_max_shift, relax_mask, drop_reg_term,
swap_grad_keys, mean_for_sum, sum_for_mean, drop_accumulation; and six more of the same kind:
swap_layer_index (W1 read for W2), drop_mask (an activation's backward skipped), drop_bias (the
bias left out of an affine forward), drop_onehot (the softmax gradient without its one-hot),
flip_sign (a sign flipped), drop_reg_half (the penalty without its half).
"""
from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterator

Edit = tuple[ast.AST, str]  # the node to replace, and its replacement text


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One domain mutant of a module: the operator, the function it is in, the 1-based line of the
    change, the text replaced and its replacement, and the whole mutated source."""

    operator: str
    function: str
    line: int
    original: str
    replacement: str
    source: str


class Scope:
    """A function being mutated: its node, the source's lines, and the names it binds."""

    def __init__(self, function: ast.FunctionDef, text: str) -> None:
        self.function = function
        self.text = text
        self.cache_names = cache_names(function)
        self.bound = bound_names(function)

    def arrays(self) -> list[str]:
        """The names that may hold arrays here: the parameters (but cache, reg and flags) and every
        name the function binds, except the cache itself, its tuples and the shape counters."""
        params = [a.arg for a in self.function.args.args if a.arg not in ("cache", "reg", "return_dX", "params")]
        local = [name for name, _ in self.bound if not name.endswith("_cache") and name not in ("cache", "N", "rows")]
        return list(dict.fromkeys(params + local))

    def backward_start(self) -> int | None:
        """The line where the function's backward section begins: the first that binds a gradient
        (a name starting with "d", as dscores, dW2) and nothing else, or the line after one that
        binds a forward value with it (data_loss, dscores = ...); None when it binds no gradient."""
        lines = [line for name, line in self.bound if name.startswith("d") and len(name) > 1]
        if not lines:
            return None
        first = min(lines)
        alone = all(name.startswith("d") for name, line in self.bound if line == first)
        return first if alone else first + 1

    def unpacked(self) -> list[str]:
        """Names bound from a subscript of a parameter (W1 = params["W1"]): the function's inputs."""
        found = []
        for node in ast.walk(self.function):
            if isinstance(node, ast.Assign):
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                targets = node.targets[0].elts if isinstance(node.targets[0], ast.Tuple) else node.targets
                for target, value in zip(targets, values):
                    if isinstance(target, ast.Name) and isinstance(value, ast.Subscript) and isinstance(
                            value.value, ast.Name) and value.value.id in [a.arg for a in self.function.args.args]:
                        found.append(target.id)
        return found

    def bound_before(self, name: str, line: int) -> bool:
        """Whether name is a parameter, or bound on an earlier line."""
        if name in [a.arg for a in self.function.args.args]:
            return True
        return any(n == name and at < line for n, at in self.bound)

    def segment(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.text, node)
        assert text is not None  # every node the operators touch has a position
        return text


def cache_names(function: ast.FunctionDef) -> list[str]:
    """Names the function unpacks from a parameter called cache (x, w = cache; z = cache)."""
    names: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == "cache":
            for target in node.targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                names += [e.id for e in elements if isinstance(e, ast.Name) and e.id not in names]
    return names


def bound_names(function: ast.FunctionDef) -> list[tuple[str, int]]:
    """(name, line) of every simple name the function assigns, in order."""
    found = []
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            found += [(e.id, e.lineno) for e in elements if isinstance(e, ast.Name)]
    return sorted(found, key=lambda item: item[1])


def is_name(node: ast.AST, *names: str) -> bool:
    return isinstance(node, ast.Name) and (not names or node.id in names)


def method_call(node: ast.AST, *methods: str) -> bool:
    """node is x.method(...) or np.method(...) for one of methods."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods


# -- the operators ----------------------------------------------------------------------
def drop_transpose(scope: Scope) -> Iterator[Edit]:
    """x.T -> x: a transpose dropped."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
            yield node, scope.segment(node.value)


def add_transpose(scope: Scope) -> Iterator[Edit]:
    """A @ B -> A.T @ B and A @ B.T, for an operand that is a plain name: a transpose added."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            for side in (node.left, node.right):
                if isinstance(side, ast.Name):
                    yield side, "%s.T" % side.id


def swap_matmul_operands(scope: Scope) -> Iterator[Edit]:
    """A @ B -> B @ A: the factors of a product in the wrong order."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            yield node, "%s @ %s" % (wrapped(scope, node.right), wrapped(scope, node.left))


def wrapped(scope: Scope, node: ast.AST) -> str:
    text = scope.segment(node)
    return text if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) else "(%s)" % text


def swap_axis(scope: Scope) -> Iterator[Edit]:
    """axis=0, 1 or -1 -> each of the others, and 0 <-> 1 inside an axis tuple (axis=(0, 2, 3) ->
    (1, 2, 3)): a reduction over the wrong axis (1 <-> -1 is the same axis of a 2-D array)."""
    for node in ast.walk(scope.function):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "axis":
                continue
            value = keyword.value
            if isinstance(value, ast.Constant) and type(value.value) is int and value.value in (0, 1, -1):
                for other in (0, 1, -1):
                    if other != value.value:
                        yield value, str(other)
            elif isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and scope.segment(value) == "-1":
                for other in (0, 1):
                    yield value, str(other)
            elif isinstance(value, ast.Tuple) and all(isinstance(e, ast.Constant) for e in value.elts):
                axes = [e.value for e in value.elts]  # type: ignore[attr-defined]
                swapped = [1 - a if a in (0, 1) else a for a in axes]
                if sorted(swapped) != sorted(axes):
                    yield value, "(%s)" % ", ".join(str(a) for a in swapped)


REDUCTIONS = ("sum", "mean", "max", "min")


def toggle_keepdims(scope: Scope) -> Iterator[Edit]:
    """keepdims=True -> keepdims=False, and keepdims=True added to a reduction over an axis
    without it: a reduced axis kept or lost."""
    for node in ast.walk(scope.function):
        if not method_call(node, *REDUCTIONS):
            continue
        assert isinstance(node, ast.Call)
        keywords = {k.arg: k for k in node.keywords}
        if "keepdims" in keywords:
            value = keywords["keepdims"].value
            if isinstance(value, ast.Constant) and isinstance(value.value, bool):
                yield value, str(not value.value)
        elif "axis" in keywords:
            text = scope.segment(node)
            assert text.endswith(")")
            yield node, text[:-1] + ", keepdims=True)"


def swap_cached_value(scope: Scope) -> Iterator[Edit]:
    """The wrong cached array: in a backward function, a name unpacked from the cache read as
    another array of the function's scope (x -> w, z -> dh); in a forward function, another array
    stored in the cache (cache = z -> cache = h); in a function with a backward section of its own
    (the fused softmax, the loss), a forward value read there as another forward value (log_probs ->
    shifted); in the function that calls the backward functions, another layer's cache passed
    (relu_cache -> affine1_cache)."""
    arrays = scope.arrays()
    names = scope.cache_names
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            for other in arrays:
                if other != node.id and scope.bound_before(other, node.lineno):
                    yield node, other
        if isinstance(node, ast.Assign) and any(is_name(t, "cache") for t in node.targets):
            for stored in ast.walk(node.value):
                if isinstance(stored, ast.Name) and isinstance(stored.ctx, ast.Load):
                    for other in arrays:
                        if other != stored.id and scope.bound_before(other, node.lineno):
                            yield stored, other
    start = scope.backward_start()
    if not names and start is not None:  # a function that runs its own backward section after the forward
        inputs = [a.arg for a in scope.function.args.args] + scope.unpacked()
        forward = [name for name in arrays if scope.bound_before(name, start) and name not in inputs]
        for node in ast.walk(scope.function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.lineno >= start \
                    and node.id in forward:
                for other in forward:
                    if other != node.id and other.rstrip("0123456789") != node.id.rstrip("0123456789"):
                        yield node, other
    caches = [name for name, _ in scope.bound if name.endswith("_cache")]
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("_backward"):
            for argument in node.args:
                if isinstance(argument, ast.Name) and argument.id in caches:
                    for other in dict.fromkeys(caches):
                        if other != argument.id:
                            yield argument, other


def swap_upstream(scope: Scope) -> Iterator[Edit]:
    """The wrong gradient passed on: the upstream gradient given to a backward function, or a
    gradient returned, replaced by another gradient bound before it (dscores -> dh1, return dX ->
    return dz1)."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("_backward") \
                and node.args and isinstance(node.args[0], ast.Name):
            passed = [node.args[0]]
        elif isinstance(node, ast.Return) and node.value is not None:
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            passed = [v for v in values if isinstance(v, ast.Name) and v.id.startswith("d") and len(v.id) > 1]
        else:
            continue
        for name in passed:
            assert isinstance(name, ast.Name)
            earlier = [bound for bound, line in scope.bound if line < node.lineno and bound.startswith("d")
                       and len(bound) > 1 and bound != name.id]
            for other in dict.fromkeys(earlier):
                yield name, other


def drop_batch_division(scope: Scope) -> Iterator[Edit]:
    """x /= N -> pass and x / N -> x, for a divisor named N (or a shape's first entry): the 1/N
    of the mean over the batch dropped."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Div) and batch_size(node.value):
            yield node, "pass"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and batch_size(node.right):
            yield node, wrapped(scope, node.left)


def batch_size(node: ast.AST) -> bool:
    """N, or x.shape[0], or len(x)."""
    if is_name(node, "N"):
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return isinstance(node.slice, ast.Constant) and node.slice.value == 0
    return isinstance(node, ast.Call) and is_name(node.func, "len")


def drop_max_shift(scope: Scope) -> Iterator[Edit]:
    """s - s.max(...) -> s: the row-max shift before the exponential dropped."""
    for node in ast.walk(scope.function):
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and method_call(node.right, "max")
                and isinstance(node.right, ast.Call) and isinstance(node.right.func, ast.Attribute)
                and ast.dump(node.right.func.value) == ast.dump(node.left)):
            yield node, scope.segment(node.left)


def relax_mask(scope: Scope) -> Iterator[Edit]:
    """z > 0 -> z >= 0 (and < -> <=): a mask that lets the kink through."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Gt, ast.Lt)):
            op = ">=" if isinstance(node.ops[0], ast.Gt) else "<="
            yield node, "%s %s %s" % (scope.segment(node.left), op, scope.segment(node.comparators[0]))


def drop_reg_term(scope: Scope) -> Iterator[Edit]:
    """a + reg * W -> a, and a regularization loss -> 0.0: the L2 term dropped from a gradient or
    from the loss."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for keep, drop in ((node.left, node.right), (node.right, node.left)):
                if mentions(drop, "reg") and not mentions(keep, "reg"):
                    yield node, wrapped(scope, keep)
        elif isinstance(node, ast.Assign) and mentions(node.value, "reg") and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.op, ast.Mult):
            yield node.value, "0.0"


def mentions(node: ast.AST, name: str) -> bool:
    return any(is_name(n, name) for n in ast.walk(node))


def swap_grad_keys(scope: Scope) -> Iterator[Edit]:
    """{"W1": dW1, "b1": db1, ...}: the values of two keys swapped (a gradient filed under another
    parameter's name)."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Dict) and len(node.keys) >= 2 and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            values = [scope.segment(v) for v in node.values]
            keys = [scope.segment(k) for k in node.keys if k is not None]
            for i in range(len(values)):
                for j in range(i + 1, len(values)):
                    swapped = list(values)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    yield node, "{%s}" % ", ".join("%s: %s" % kv for kv in zip(keys, swapped))


def mean_for_sum(scope: Scope) -> Iterator[Edit]:
    """x.sum(...) -> x.mean(...): a sum over the batch averaged instead."""
    yield from renamed_call(scope, "sum", "mean")


def sum_for_mean(scope: Scope) -> Iterator[Edit]:
    """x.mean(...) -> x.sum(...): a mean over the batch summed instead."""
    yield from renamed_call(scope, "mean", "sum")


def renamed_call(scope: Scope, old: str, new: str) -> Iterator[Edit]:
    for node in ast.walk(scope.function):
        if method_call(node, old):
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            text = scope.segment(node)
            head = scope.segment(node.func.value)
            yield node, head + "." + new + text[len(head) + 1 + len(old):]


def drop_accumulation(scope: Scope) -> Iterator[Edit]:
    """x += y -> x = y: a gradient overwritten where it should be accumulated (the RNN's dh, a
    weight shared over time steps)."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            yield node, "%s = %s" % (scope.segment(node.target), scope.segment(node.value))


def swap_layer_index(scope: Scope) -> Iterator[Edit]:
    """W1 -> W2, db2 -> db1, h1 -> h2: an array of another layer read in place of this one's (a name
    ending in a layer number replaced by the same name with another number bound in scope)."""
    numbered: dict[str, list[str]] = {}
    for name in scope.arrays():
        stem = name.rstrip("0123456789")
        if stem != name and stem:
            numbered.setdefault(stem, []).append(name)
    for node in ast.walk(scope.function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            stem = node.id.rstrip("0123456789")
            for other in numbered.get(stem, []):
                if other != node.id and scope.bound_before(other, node.lineno):
                    yield node, other


def drop_mask(scope: Scope) -> Iterator[Edit]:
    """d * (z > 0) -> d: an activation's backward skipped (the mask never applied)."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for keep, mask in ((node.left, node.right), (node.right, node.left)):
                if isinstance(mask, ast.Compare):
                    yield node, wrapped(scope, keep)


def drop_bias(scope: Scope) -> Iterator[Edit]:
    """x @ w + b -> x @ w: the bias left out of an affine layer's forward pass."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp) \
                and isinstance(node.left.op, ast.MatMult) and isinstance(node.right, (ast.Name, ast.Subscript)):
            yield node, scope.segment(node.left)


def drop_onehot(scope: Scope) -> Iterator[Edit]:
    """p[rows, y] -= 1 -> pass: the softmax's gradient without the one-hot of the labels."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub) and isinstance(node.target, ast.Subscript) \
                and isinstance(node.value, ast.Constant) and node.value.value == 1:
            yield node, "pass"


def flip_sign(scope: Scope) -> Iterator[Edit]:
    """-x -> x, p -= 1 -> p += 1, and a - b -> a + b in a backward section: a sign flipped."""
    start = scope.backward_start() or 0
    for node in ast.walk(scope.function):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            yield node, scope.segment(node.operand)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Sub, ast.Add)):
            op = "+=" if isinstance(node.op, ast.Sub) else "-="
            yield node, "%s %s %s" % (scope.segment(node.target), op, scope.segment(node.value))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and start and node.lineno >= start:
            yield node, "%s + %s" % (scope.segment(node.left), wrapped(scope, node.right))


def drop_reg_half(scope: Scope) -> Iterator[Edit]:
    """0.5 * reg -> reg: the penalty without its half (reg * ||W||^2 while the gradient says reg * W)."""
    for node in ast.walk(scope.function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for half, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(half, ast.Constant) and half.value == 0.5 and mentions(other, "reg"):
                    yield node, scope.segment(other)


OPERATORS: dict[str, Callable[[Scope], Iterator[Edit]]] = {
    op.__name__: op for op in (
        drop_transpose, add_transpose, swap_matmul_operands, swap_axis, toggle_keepdims, swap_cached_value,
        swap_upstream, drop_batch_division, drop_max_shift, relax_mask, drop_reg_term, swap_grad_keys,
        mean_for_sum, sum_for_mean, drop_accumulation, swap_layer_index, drop_mask, drop_bias, drop_onehot,
        flip_sign, drop_reg_half)
}


# -- applying them ----------------------------------------------------------------------
def offsets(text: str) -> list[int]:
    """The offset of each line's start (line 1 at index 1)."""
    starts, total = [0, 0], 0
    for line in text.splitlines(keepends=True):
        total += len(line.encode("utf-8"))
        starts.append(total)
    return starts


def splice(text: str, node: ast.AST, replacement: str) -> str:
    """text with node's source span replaced (ast offsets are UTF-8 byte columns)."""
    data = text.encode("utf-8")
    starts = offsets(text)
    start = starts[node.lineno] + node.col_offset  # type: ignore[attr-defined]
    end = starts[node.end_lineno] + node.end_col_offset  # type: ignore[attr-defined]
    return (data[:start] + replacement.encode("utf-8") + data[end:]).decode("utf-8")


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    """The module's top-level functions (the network's layers and its loss)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node


def mutations(text: str, operators: dict[str, Callable[[Scope], Iterator[Edit]]] | None = None) -> list[Mutation]:
    """Every mutation the operators make of the module source text: one per distinct mutated
    source that still parses, in source order within each operator."""
    tree = ast.parse(text)
    found: list[Mutation] = []
    seen = {text}
    for name, operator in (operators or OPERATORS).items():
        for function in functions(tree):
            scope = Scope(function, text)
            for node, replacement in operator(scope):
                source = splice(text, node, replacement)
                if source in seen:
                    continue
                try:
                    ast.parse(source)
                except SyntaxError:
                    continue
                seen.add(source)
                found.append(Mutation(name, function.name, node.lineno, scope.segment(node),  # type: ignore[attr-defined]
                                      replacement, source))
    return found
