"""The wire format between the judge and a runner: JSON plus raw buffers, never pickle.

A message is ``[8-byte header length][JSON header][buffer 0][buffer 1]...``; the header
lists the buffer lengths. Tensors and arrays travel as ``{"__tensor__": {...}}`` records
whose bytes are one of the buffers. Both sides use this module, but only the judge's
``decode`` is a trust boundary: it accepts nothing but the plain types listed here and
rebuilds every tensor from bytes, so nothing a runner sends can carry behaviour.
"""

from __future__ import annotations

import json
import math
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

MAX_MESSAGE_BYTES = 512 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32

# Only these dtypes cross the wire; anything else is rejected by the judge.
DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "bool": torch.bool,
}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed plain-data message."""


@dataclass
class RemoteObject:
    """A reference to an object that stays in the runner (a Timer, a module, a loader)."""

    handle: int
    type_name: str
    text: str = ""

    def __repr__(self) -> str:
        return f"<{self.type_name} object in the submission>"


@dataclass
class Line:
    x: np.ndarray
    y: np.ndarray
    label: str
    color: str
    linestyle: str
    linewidth: float = 0.0


@dataclass
class Axes:
    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    lines: list[Line] = field(default_factory=list)
    scatters: list[np.ndarray] = field(default_factory=list)
    legend: list[str] | None = None
    grid: bool = False
    images: list[np.ndarray] = field(default_factory=list)  # what imshow drew, as arrays
    axis_visible: tuple[bool, bool] = (True, True)  # the x and the y axis


@dataclass
class FigureInfo:
    """What the judge can see of a matplotlib figure the submission returned."""

    axes: list[Axes]
    size: tuple[float, float] = (0.0, 0.0)  # width and height in inches


class Iterated(list):
    """The items of an iterable the submission returned (a generator, a DataLoader)."""

    type_name: str = ""


# ---------------------------------------------------------------- encoding


class Encoder:
    """Turns values into a JSON-able tree plus buffers.

    ``refs`` maps ``id(tensor)`` to a small integer so the judge can tell whether a
    tensor that comes back is the very object it sent (in-place updates).
    ``to_handle`` is called for objects that are not plain data (runner side only).
    """

    def __init__(self, refs: dict[int, int] | None = None, to_handle=None, describe_figure=None,
                 number_tensors: bool = False):
        self.buffers: list[bytes] = []
        self.refs = refs if refs is not None else {}
        self.number_tensors = number_tensors  # judge side: give every sent tensor a ref
        self.to_handle = to_handle
        self.describe_figure = describe_figure

    def tensor(self, t: torch.Tensor, with_grad: bool = True) -> dict:
        if self.number_tensors and with_grad and id(t) not in self.refs:
            self.refs[id(t)] = len(self.refs)
        base = t.detach()
        if base.dtype not in DTYPE_NAMES:
            base = base.to(torch.float64) if base.is_floating_point() or base.is_complex() else base.to(torch.int64)
            if base.is_complex():
                base = base.real
        base = base.cpu()
        # A fresh buffer: size-1 dims can leave strides that view() rejects even when "contiguous".
        flat = torch.empty(base.numel(), dtype=base.dtype).copy_(base.reshape(-1))
        self.buffers.append(flat.view(torch.uint8).numpy().tobytes() if base.numel() else b"")
        rec = {
            "dtype": DTYPE_NAMES[base.dtype],
            "shape": list(base.shape),
            "buf": len(self.buffers) - 1,
            "requires_grad": bool(t.requires_grad),
            "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
            "ref": self.refs.get(id(t)),
        }
        if with_grad and t.is_leaf and t.grad is not None:
            rec["grad"] = self.tensor(t.grad, with_grad=False)["__tensor__"]
        return {"__tensor__": rec}

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("the value is nested too deeply")
        if value is None:
            return None
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, str):
            return str(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return _float(float(value))
        if isinstance(value, torch.Tensor):
            return self.tensor(value)
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                return {"__list__": [self.encode(v, depth + 1) for v in value.tolist()], "np": True}
            return {"__ndarray__": self.tensor(torch.from_numpy(np.ascontiguousarray(value).copy()))["__tensor__"]}
        if isinstance(value, np.generic):
            return self.encode(value.item(), depth + 1)
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {"__dict__": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if self.describe_figure is not None:
            fig = self.describe_figure(value)
            if fig is not None:
                return {"__figure__": self.encode(fig, depth + 1)}
        if self.to_handle is None:
            raise TypeError(f"cannot send a {type(value).__name__}")
        return self.to_handle(self, value, depth)


def _float(x: float) -> Any:
    # JSON has no NaN/Infinity; tag them so both sides agree on one spelling.
    if math.isfinite(x):
        return x
    return {"__float__": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def pack(header: dict, buffers: list[bytes]) -> bytes:
    header = dict(header, buffers=[len(b) for b in buffers])
    head = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    return struct.pack("!Q", len(head)) + head + b"".join(buffers)


def send(sock: socket.socket, header: dict, buffers: list[bytes] = ()) -> None:
    sock.sendall(pack(header, list(buffers)))


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(min(n - len(chunks), 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks += chunk
    return bytes(chunks)


def recv(sock: socket.socket, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[dict, list[bytes]]:
    (head_len,) = struct.unpack("!Q", _recv_exact(sock, 8))
    header = _header(head_len, lambda: _recv_exact(sock, head_len))
    return header, [_recv_exact(sock, s) for s in _buffer_sizes(header, max_bytes)]


def unpack(data: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[dict, list[bytes]]:
    """``pack``'s inverse, for a message kept in a file: the same checks as ``recv``."""
    if len(data) < 8:
        raise ProtocolError("message shorter than its length prefix")
    (head_len,) = struct.unpack("!Q", data[:8])
    header = _header(head_len, lambda: data[8:8 + head_len])
    sizes = _buffer_sizes(header, max_bytes)
    if 8 + head_len + sum(sizes) != len(data):
        raise ProtocolError("message length does not match its header")
    buffers, at = [], 8 + head_len
    for size in sizes:
        buffers.append(data[at:at + size])
        at += size
    return header, buffers


def _header(head_len: int, read) -> dict:
    if head_len > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {head_len} bytes is too large")
    try:
        header = json.loads(read())
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    return header


def _buffer_sizes(header: dict, max_bytes: int) -> list[int]:
    sizes = header.get("buffers", [])
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes):
        raise ProtocolError("bad buffer list")
    if sum(sizes) > max_bytes:
        raise ProtocolError(f"message of {sum(sizes)} bytes is larger than the limit of {max_bytes}")
    return sizes


# ---------------------------------------------------------------- decoding


class Decoder:
    """Rebuilds plain values from a header tree and buffers; rejects anything else."""

    def __init__(self, buffers: list[bytes], to_object=None, annotate: bool = True):
        self.buffers = buffers
        self.to_object = to_object  # runner side: handle -> live object
        self.annotate = annotate  # judge side: keep wire metadata on the tensors
        self.refs: dict[int, int] = {}  # id(decoded tensor) -> the ref the sender gave it
        self.keep_alive: list[torch.Tensor] = []

    def tensor(self, rec: Any) -> torch.Tensor:
        if not isinstance(rec, dict):
            raise ProtocolError("tensor record is not an object")
        name = rec.get("dtype")
        dtype = DTYPES.get(name) if isinstance(name, str) else None
        shape = rec.get("shape")
        buf = rec.get("buf")
        if dtype is None:
            raise ProtocolError(f"dtype {rec.get('dtype')!r} is not allowed")
        if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape) or len(shape) > 16:
            raise ProtocolError("bad tensor shape")
        if type(buf) is not int or not 0 <= buf < len(self.buffers):
            raise ProtocolError("bad buffer index")
        data = self.buffers[buf]
        itemsize = torch.empty((), dtype=dtype).element_size()
        numel = math.prod(shape)
        if numel * itemsize != len(data):
            raise ProtocolError("tensor bytes do not match its shape")
        flat = torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else torch.empty(0, dtype=torch.uint8)
        t = flat.view(dtype).reshape(shape).clone()
        if rec.get("requires_grad") is True and t.is_floating_point():
            t.requires_grad_(True)
        grad = rec.get("grad")
        if grad is not None:
            g = self.tensor(grad)
            if g.shape == t.shape and t.requires_grad:
                t.grad = g.to(t.dtype)
            elif self.annotate:
                t.sent_grad = g
        ref = rec.get("ref") if type(rec.get("ref")) is int else None
        if ref is not None:
            self.refs[id(t)] = ref
            self.keep_alive.append(t)
        if self.annotate:
            t.ref = ref
            grad_fn = rec.get("grad_fn")
            t.grad_fn_name = grad_fn if isinstance(grad_fn, str) else None
        return t

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH + 8:
            raise ProtocolError("value nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.decode(v, depth + 1) for v in node]
        if type(node) is not dict or len(node) == 0:
            raise ProtocolError(f"unexpected {type(node).__name__} in message")
        key = next(iter(node))
        body = node[key]
        if key == "__float__":
            if body not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(body)
        if key == "__tensor__":
            return self.tensor(body)
        if key == "__ndarray__":
            t = self.tensor(body)
            return t.detach().numpy() if t.dtype != torch.bfloat16 else t.float().numpy()
        if key == "__tuple__":
            return tuple(self._list(body, depth))
        if key == "__list__":
            return self._list(body, depth)
        if key == "__dict__":
            items = self._list(body, depth)
            out = {}
            for item in items:
                if not isinstance(item, list) or len(item) != 2:
                    raise ProtocolError("bad dict item")
                k, v = item
                if not isinstance(k, str | int | float | bool | tuple) and k is not None:
                    raise ProtocolError("bad dict key")
                try:
                    out[k] = v
                except TypeError:  # a tuple holding a list: not a key
                    raise ProtocolError("bad dict key") from None
            return out
        if key == "__iter__":
            items = Iterated(self._list(body.get("items") if isinstance(body, dict) else None, depth))
            items.type_name = str(body.get("type", ""))[:200]
            return items
        if key == "__handle__":
            if not isinstance(body, dict) or type(body.get("id")) is not int:
                raise ProtocolError("bad handle")
            if self.to_object is not None:
                return self.to_object(body["id"])
            return RemoteObject(body["id"], str(body.get("type", "object"))[:200], str(body.get("text", ""))[:2000])
        if key == "__figure__":
            return _figure(self.decode(body, depth + 1))
        raise ProtocolError(f"unknown tag {key!r}")

    def _list(self, body: Any, depth: int) -> list:
        if type(body) is not list:
            raise ProtocolError("expected a list")
        return [self.decode(v, depth + 1) for v in body]


def _as_str(x: Any) -> str:
    return x if isinstance(x, str) else ""


def _as_float(x: Any) -> float:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) else 0.0


def _as_list(x: Any) -> list:
    return x if isinstance(x, list) else []


def _as_array(x: Any) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x.astype(np.float64, copy=False)
    return np.asarray([], dtype=np.float64)


def _figure(desc: Any) -> FigureInfo:
    """Build a FigureInfo from the plain dict a runner sent, ignoring anything malformed."""
    axes = []
    for ax in _as_list(desc.get("axes")) if isinstance(desc, dict) else []:
        if not isinstance(ax, dict):
            continue
        lines = [
            Line(_as_array(ln.get("x")), _as_array(ln.get("y")), _as_str(ln.get("label")),
                 _as_str(ln.get("color")), _as_str(ln.get("linestyle")), _as_float(ln.get("linewidth")))
            for ln in _as_list(ax.get("lines")) if isinstance(ln, dict)
        ]
        legend = ax.get("legend")
        axes.append(Axes(
            xlabel=_as_str(ax.get("xlabel")),
            ylabel=_as_str(ax.get("ylabel")),
            title=_as_str(ax.get("title")),
            lines=lines,
            scatters=[_as_array(s) for s in _as_list(ax.get("scatters"))],
            legend=[_as_str(t) for t in legend] if isinstance(legend, list) else None,
            grid=ax.get("grid") is True,
            images=[_as_array(m) for m in _as_list(ax.get("images")) if isinstance(m, np.ndarray)],
            axis_visible=_two_flags(ax.get("axis_visible")),
        ))
    size = desc.get("size") if isinstance(desc, dict) else None
    size = (_as_float(size[0]), _as_float(size[1])) if isinstance(size, list) and len(size) == 2 else (0.0, 0.0)
    return FigureInfo(axes, size)


def _two_flags(x: Any) -> tuple[bool, bool]:
    return (x[0] is True, x[1] is True) if isinstance(x, list) and len(x) == 2 else (True, True)
