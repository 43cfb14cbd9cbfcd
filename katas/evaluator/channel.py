"""The evaluation channel: the only way values cross between the judge and the learner's code.

What it is for: framing and encoding the messages that katas.sandbox (the judge) and
katas.evaluator (the process that runs a learner's file) exchange over a pipe. A frame is
8 bytes of lengths, a JSON header and raw array bytes. Reading a frame executes nothing: the
header is a tree of plain values (None, booleans, numbers, strings, lists, tuples, dicts) and
arrays are numeric (bool, int, uint, float, complex) bytes whose dtype, shape and size are
checked against each other before one array is built. Anything else the learner's code
returned travels as its type name only (an "opaque" value), so the judge can say what it was
without ever holding it.
What it is not for: persistence, or trusting what arrives: the judge treats every reply as
the learner's word and validates it (ChannelError names what was wrong).
"""
from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import numpy as np

PREFIX = struct.Struct("!II")  # header length, total bytes of the arrays that follow
MAX_HEADER = 4 * 1024 * 1024  # bytes of JSON in one frame
MAX_ARRAYS = 64 * 1024 * 1024  # bytes of array data in one frame
MAX_NODES = 20000  # values in one encoded tree; past it the rest is opaque
MAX_DEPTH = 24  # nesting of one encoded tree; deeper values are opaque
MAX_TEXT = 2000  # characters kept of a string value
ARRAY_KINDS = "biufc"


class ChannelError(Exception):
    """A frame that is malformed, too large, or cut short; the message says which."""


class Closed(ChannelError):
    """The other end closed the pipe (the process ended)."""


class TimedOut(ChannelError):
    """No complete frame within the time allowed."""


# -- values -----------------------------------------------------------------------------

class Encoder:
    """Turns a value into (tree, arrays): a JSON-ready tree and the list of arrays it points to."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.nodes = 0

    def encode(self, value: object, depth: int = 0) -> dict[str, Any]:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            return opaque(value, "too large to send")
        if value is None:
            return {"t": "none"}
        if isinstance(value, (bool, np.bool_)) and not isinstance(value, np.ndarray):
            return {"t": "bool", "v": bool(value)}
        if isinstance(value, np.ndarray):
            array = np.asarray(value)
            if array.dtype.kind not in ARRAY_KINDS or array.dtype.hasobject:
                return opaque(value, "an array of dtype %s" % array.dtype)
            return {"t": "array", "i": self.add(array)}
        if isinstance(value, np.generic):
            array = np.asarray(value)
            if array.dtype.kind not in ARRAY_KINDS:
                return opaque(value)
            return {"t": "scalar", "i": self.add(array)}
        if isinstance(value, int):
            return {"t": "int", "v": value if abs(value) < 2 ** 63 else str(value)}
        if isinstance(value, float):
            return {"t": "float", "v": value if math.isfinite(value) else repr(value)}
        if isinstance(value, str):
            return {"t": "str", "v": value[:MAX_TEXT]}
        if isinstance(value, (tuple, list)):
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {"t": kind, "n": len(value), "items": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, Mapping):
            keys: list[dict[str, Any]] = []
            values: list[dict[str, Any]] = []
            for key in value:
                keys.append(self.encode(key, depth + 1))
                values.append(self.encode(value[key], depth + 1))
            return {"t": "dict", "keys": keys, "values": values}
        return opaque(value)

    def add(self, array: np.ndarray) -> int:
        self.arrays.append(array if array.flags.c_contiguous else array.copy(order="C"))
        return len(self.arrays) - 1


def opaque(value: Any, why: str = "") -> dict[str, Any]:
    """A value that does not travel: its type's name, and its float() when it has one."""
    node: dict[str, Any] = {"t": "opaque", "type": type(value).__name__[:100], "why": why}
    try:
        number = float(value)
    except Exception:  # noqa: BLE001 - whatever the object does, it is only described
        number = None
    if number is not None:
        node["float"] = number if math.isfinite(number) else repr(number)
    return node


def opaque_class(name: object, number: float | None) -> object:
    """An object whose type is named like the learner's value: describing it reads the same."""
    safe = "".join(c for c in str(name) if c.isalnum() or c == "_")[:100] or "object"
    body: dict[str, Callable[[Any], object]] = {"__repr__": lambda self: "<%s>" % safe}
    if number is not None:
        body["__float__"] = lambda self: float(number)
    return type(safe, (), body)()


class Decoder:
    """Rebuilds a value from (tree, arrays), validating every node."""

    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays
        self.nodes = 0

    def decode(self, node: object, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > 2 * MAX_NODES or depth > MAX_DEPTH + 1:
            raise ChannelError("a reply nests too deep or holds too many values")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise ChannelError("a value in a reply is not a tagged object")
        kind = node["t"]
        if kind == "none":
            return None
        if kind == "bool":
            return bool(node.get("v"))
        if kind == "int":
            value = node.get("v")
            return int(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else bad(node)
        if kind == "float":
            return number(node.get("v"))
        if kind == "str":
            value = node.get("v")
            return value if isinstance(value, str) else bad(node)
        if kind in ("array", "scalar"):
            index = node.get("i")
            if not isinstance(index, int) or not 0 <= index < len(self.arrays):
                raise ChannelError("a reply points to an array it does not hold")
            array = self.arrays[index]
            return array[()] if kind == "scalar" else array
        if kind in ("tuple", "list"):
            items = node.get("items")
            if not isinstance(items, list):
                bad(node)
            decoded = [self.decode(item, depth + 1) for item in items]
            return tuple(decoded) if kind == "tuple" else decoded
        if kind == "dict":
            keys, values = node.get("keys"), node.get("values")
            if not isinstance(keys, list) or not isinstance(values, list) or len(keys) != len(values):
                bad(node)
            out: dict[Any, Any] = {}
            for key, value in zip(keys, values):
                key = self.decode(key, depth + 1)
                if isinstance(key, np.ndarray) or isinstance(key, (list, dict)):
                    key = repr(key)
                out[key] = self.decode(value, depth + 1)
            return out
        if kind == "opaque":
            value = node.get("float")
            return opaque_class(node.get("type", "object"), None if value is None else number(value))
        raise ChannelError("a reply holds a value of unknown kind %r" % kind[:40])


def bad(node: dict[str, Any]) -> NoReturn:
    raise ChannelError("a value in a reply is malformed (%s)" % str(node.get("t"))[:40])


def number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ChannelError("a number in a reply is not a number")
    try:
        return float(value)
    except ValueError:
        raise ChannelError("a number in a reply is not a number")


# -- frames -----------------------------------------------------------------------------

NOTHING = object()


def pack(message: dict[str, Any], value: object = NOTHING) -> bytes:
    """One frame: message (a JSON-ready dict) with value, if given, encoded under "value"."""
    encoder = Encoder()
    if value is not NOTHING:
        message = dict(message, value=encoder.encode(value))
    arrays = encoder.arrays
    message = dict(message, arrays=[[a.dtype.str, list(a.shape), a.nbytes] for a in arrays])
    header = json.dumps(message, allow_nan=False, default=str).encode("utf-8")
    data = b"".join(a.tobytes() for a in arrays)
    return PREFIX.pack(len(header), len(data)) + header + data


def unpack(header_bytes: bytes, data: bytes) -> tuple[dict[str, Any], Any]:
    """(message, value) from a frame's two parts; ChannelError when anything does not fit."""
    try:
        message = json.loads(header_bytes.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ChannelError("a reply's header is not JSON (%s)" % type(exc).__name__)
    if not isinstance(message, dict):
        raise ChannelError("a reply's header is not an object")
    specs = message.get("arrays", [])
    if not isinstance(specs, list):
        raise ChannelError("a reply's array list is malformed")
    arrays: list[np.ndarray] = []
    offset = 0
    for spec in specs:
        arrays.append(read_array(spec, data, offset))
        offset += spec[2]
    if offset != len(data):
        raise ChannelError("a reply carries %d bytes of arrays but describes %d" % (len(data), offset))
    value = Decoder(arrays).decode(message["value"]) if "value" in message else None
    return message, value


def read_array(spec: object, data: bytes, offset: int) -> np.ndarray:
    if not (isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str) and isinstance(spec[1], list)
            and isinstance(spec[2], int) and not isinstance(spec[2], bool)):
        raise ChannelError("an array description in a reply is malformed")
    try:
        dtype = np.dtype(spec[0])
    except (TypeError, ValueError):
        raise ChannelError("an array in a reply has an unknown dtype")
    if dtype.kind not in ARRAY_KINDS or dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise ChannelError("an array in a reply has dtype %s, not a plain numeric one" % dtype)
    shape = spec[1]
    if len(shape) > 32 or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape):
        raise ChannelError("an array in a reply has a malformed shape")
    size = dtype.itemsize
    for n in shape:
        size *= n
    if size != spec[2] or offset + size > len(data):
        raise ChannelError("an array in a reply does not match its dtype and shape")
    return np.frombuffer(data, dtype=dtype, count=size // dtype.itemsize if dtype.itemsize else 0,
                         offset=offset).reshape(shape).copy()


def send(fd: int, message: dict[str, Any], value: object = NOTHING, deadline: float | None = None) -> None:
    """Write one frame to fd; with a deadline (time.monotonic), TimedOut when it cannot finish."""
    write_frame(fd, pack(message, value), deadline)


def write_frame(fd: int, frame: bytes | memoryview, deadline: float | None = None) -> None:
    """Write a packed frame to fd, within the deadline when one is given."""
    frame = memoryview(frame)
    while frame:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise TimedOut("the evaluator did not take a request in time")
        try:
            written = os.write(fd, frame[:65536])
        except (BrokenPipeError, OSError) as exc:
            raise Closed("the pipe is closed (%s)" % exc)
        frame = frame[written:]


def read_exactly(fd: int, count: int, deadline: float | None) -> bytes:
    chunks, left = [], count
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimedOut("no reply in time")
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except OSError as exc:
            raise Closed("the pipe is closed (%s)" % exc)
        if not chunk:
            raise Closed("the other end closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None) -> tuple[dict[str, Any], Any]:
    """Read one frame from fd: (message, value). Closed, TimedOut or ChannelError otherwise."""
    header_size, data_size = PREFIX.unpack(read_exactly(fd, PREFIX.size, deadline))
    if header_size > MAX_HEADER or data_size > MAX_ARRAYS:
        raise ChannelError("a reply is too large (%d + %d bytes)" % (header_size, data_size))
    header = read_exactly(fd, header_size, deadline)
    data = read_exactly(fd, data_size, deadline)
    return unpack(header, data)
