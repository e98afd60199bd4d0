"""The runner: the only code that ever executes a submission.

It lives in a process forked from the warm zygote, imports the submission from the
source bytes the judge sends, and answers the judge's requests (call a function, call a
method on an object it kept, read an attribute, install a fake clock) with plain data.
It never decides anything: the judge compares. Whatever the submission does to this
process (monkeypatching torch, rewriting this module) only changes what it reports
about itself.
"""

from __future__ import annotations

import builtins
import collections.abc
import importlib.util
import os
import random
import socket
import sys
import time
import timeit
import traceback
import warnings
from typing import Any

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from autograder.runner import wire

MAX_ITEMS = 100_000


class Operations(TorchFunctionMode):
    """Counts the torch operations a call makes (functions and tensor methods alike), and whether it read
    tensors into Python: how a check tells a loop over elements from one tensor operation."""

    TO_PYTHON = frozenset({"tolist", "item", "numpy", "__array__", "__float__", "__int__", "__index__"})

    def __init__(self) -> None:
        TorchFunctionMode.__init__(self)
        self.count = 0
        self.to_python = False

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        self.count += 1
        if getattr(func, "__name__", "") in self.TO_PYTHON:
            self.to_python = True
        return func(*args, **(kwargs or {}))


class Runner:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.module = None
        self.filename = ""
        self.handles: dict[int, Any] = {}
        self.clock: list[float] | None = None
        self.undo: list[tuple[object, str, object]] = []  # (owner, name, original) to restore after a test

    # ------------------------------------------------------------ plumbing

    def serve(self) -> None:
        while True:
            try:
                header, buffers = wire.recv(self.sock)
            except EOFError:
                return
            reply, bufs = self.handle(header, buffers)
            for stream in (sys.stdout, sys.stderr):  # the judge keeps the tail of what was printed
                try:
                    stream.flush()
                except (OSError, ValueError, AttributeError):
                    pass
            try:
                wire.send(self.sock, reply, bufs)
            except (TypeError, ValueError) as e:
                wire.send(self.sock, {"ok": False, "error": {"type": "ValueError", "message": str(e), "where": []}})

    def handle(self, header: dict, buffers: list[bytes], *,
               reported: type[BaseException] = BaseException) -> tuple[dict, list[bytes]]:
        """One request's reply; whatever the student's code raised (``reported``) is the error it reports."""
        try:
            if "reseed" in header:  # a test's seed rides on its first request: one round trip less per test
                self.op_seed({"seed": header["reseed"]}, [])
            return getattr(self, "op_" + str(header.get("op")))(header, buffers)
        except reported as e:  # by default everything, including SystemExit: this process only answers
            return {"ok": False, "error": self.describe(e)}, []

    def describe(self, exc: BaseException) -> dict:
        frames = [
            [f.lineno, f.name, (f.line or "").strip()]
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename == self.filename
        ]
        # The top-level name (function or class) of the innermost frame in the student's file: whether a
        # NotImplementedError is the exercise's own stub or that of one it builds on.
        code = _innermost_code(exc.__traceback__, self.filename)
        raised_in = code.co_qualname.split(".")[0] if code is not None else ""
        if isinstance(exc, SyntaxError) and exc.filename == self.filename:
            frames.append([exc.lineno or 0, "<module>", (exc.text or "").strip()])
        try:
            message = str(exc)
        except Exception:  # noqa: BLE001 - a hostile __str__
            message = "<unprintable>"
        return {"type": type(exc).__name__, "message": message[:2000], "where": frames[-5:], "raised_in": raised_in}

    def encoder(self, refs: dict[int, int]) -> wire.Encoder:
        return wire.Encoder(refs=refs, to_handle=self.to_handle, describe_figure=describe_figure)

    def to_handle(self, enc: wire.Encoder, value: Any, depth: int) -> dict:
        """Objects that are not plain data: iterators are drained, others stay here."""
        if isinstance(value, collections.abc.Iterator):
            items = []
            for item in value:
                if len(items) >= MAX_ITEMS:
                    raise ValueError(f"the iterator yielded more than {MAX_ITEMS} items")
                items.append(item)
            return {"__iter__": {"type": type(value).__name__,
                                 "items": [enc.encode(v, depth + 1) for v in items]}}
        return self.keep(value)

    def keep(self, value: Any) -> dict:
        hid = len(self.handles) + 1
        self.handles[hid] = value
        try:
            text = repr(value)[:2000]
        except Exception:  # noqa: BLE001
            text = ""
        return {"__handle__": {"id": hid, "type": type(value).__name__, "text": text}}

    def decode(self, header: dict, buffers: list[bytes], key: str) -> tuple[Any, wire.Decoder]:
        dec = wire.Decoder(buffers, to_object=self.handles.__getitem__, annotate=False)
        return dec.decode(header.get(key)), dec

    def reply(self, refs: dict[int, int], **values: Any) -> tuple[dict, list[bytes]]:
        enc = self.encoder(refs)
        out = {"ok": True}
        for k, v in values.items():
            out[k] = enc.encode(v)
        return out, enc.buffers

    # ------------------------------------------------------------ operations

    def op_load(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        name = header["module"]
        # Absolute, as the import system records it in the module's code: errors are located by this name.
        self.filename = os.path.abspath(header["filename"])
        with open(self.filename, "wb") as f:
            f.write(buffers[0])
        spec = importlib.util.spec_from_file_location(name, self.filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        self.module = module
        names = sorted(n for n in vars(module) if not n.startswith("_"))
        return {"ok": True, "names": names}, []

    def op_seed(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        seed = int(header["seed"])
        random.seed(seed)
        np.random.seed(seed % 2**32)
        torch.manual_seed(seed)
        return {"ok": True}, []

    def target(self, header: dict, buffers: list[bytes]) -> Any:
        target = header.get("target")
        if isinstance(target, str):
            if not hasattr(self.module, target):
                raise LookupError(f"missing:{target}")
            obj = getattr(self.module, target)
        else:
            obj = self.handles[int(target)]
        method = header.get("method")
        return getattr(obj, method) if method else obj

    def op_call(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        fn = self.target(header, buffers)
        args, dec = self.decode(header, buffers, "args")
        kwargs, _ = self.decode(header, buffers, "kwargs")
        kwargs = kwargs or {}
        operations = Operations() if header.get("count_ops") else None
        if operations is None:
            result = fn(*args, **kwargs)
        else:
            with operations:
                result = fn(*args, **kwargs)
        if header.get("backward"):
            if not isinstance(result, torch.Tensor):
                raise TypeError(f"expected a tensor to call backward() on, got {type(result).__name__}")
            (result.sum() if result.numel() != 1 else result.reshape(())).backward()
        values = {"value": result}
        if header.get("report_args"):
            values["args"] = args
            values["kwargs"] = kwargs
        if operations is not None:
            values["operations"] = {"count": operations.count, "to_python": operations.to_python}
        return self.reply(dec.refs, **values)

    def op_new(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """Call, and keep the result in the runner (a constructor, a model factory)."""
        fn = self.target(header, buffers)
        args, dec = self.decode(header, buffers, "args")
        kwargs, _ = self.decode(header, buffers, "kwargs")
        obj = fn(*args, **(kwargs or {}))
        return {"ok": True, "value": self.keep(obj)}, []

    def op_getattr(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        obj = self.handles[int(header["target"])]
        return self.reply({}, value=getattr(obj, header["name"]))

    def op_state(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """A module's parameters and buffers, by name."""
        obj = self.handles[int(header["target"])]
        if not isinstance(obj, torch.nn.Module):
            raise TypeError(f"expected an nn.Module, got {type(obj).__name__}")
        state = {k: v.detach().clone() for k, v in obj.state_dict().items()}
        children = [type(m).__name__ for m in obj.children()]
        return self.reply({}, value={"state": state, "children": children, "training": obj.training})

    def op_iterate(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        obj = self.handles[int(header["target"])]
        return self.reply({}, value=iter(obj))

    def op_fake_clock(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """Replace every clock a Timer might read with one the judge advances."""
        self.clock = [float(header.get("start", 1000.0))]
        clock = self.clock

        def now() -> float:
            return clock[0]

        def now_ns() -> int:
            return int(clock[0] * 1e9)

        originals = {}
        for name in ("time", "perf_counter", "monotonic", "process_time", "thread_time"):
            originals[getattr(time, name)] = now
            self.patch(time, name, now)
        for name in ("time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns"):
            originals[getattr(time, name)] = now_ns
            self.patch(time, name, now_ns)
        originals[timeit.default_timer] = now
        self.patch(timeit, "default_timer", now)

        def advance(seconds: float) -> None:
            clock[0] += float(seconds)

        # For kit code a check substitutes (an addition that "takes" a known time): the student's own code gains
        # nothing by calling it, it only moves the clock of its own check.
        self.patch(time, "advance_fake_clock", advance)
        # `from time import perf_counter` at the top of the submission bound the real one.
        for key, value in list(vars(self.module).items()):
            try:
                if value in originals:
                    self.patch(self.module, key, originals[value])
            except TypeError:
                continue
        return {"ok": True}, []

    def patch(self, owner: object, name: str, value: object) -> None:
        self.undo.append((owner, name, getattr(owner, name, None)))
        setattr(owner, name, value)

    def op_substitute(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        # What the student's code printed is shown to them; a warning raised in the kit's textbook code (its
        # module is textbook_<name>) is not theirs.
        warnings.filterwarnings("ignore", module=r"textbook_")
        for name, source in header["sources"].items():
            namespace: dict[str, Any] = {"__name__": f"textbook_{name}"}
            exec(compile(source, f"<textbook {name}>", "exec"), namespace)
            self.patch(self.module, name, namespace[name])
        return {"ok": True}, []

    def op_unpatch(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """Undo substitutions and the fake clock, newest first, so the next test sees the real module."""
        while self.undo:
            owner, name, original = self.undo.pop()
            setattr(owner, name, original)
        return {"ok": True}, []

    def op_advance(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        self.clock[0] += float(header["dt"])
        return {"ok": True}, []


def _innermost_code(tb: Any, filename: str) -> Any:
    """The code object of the last traceback entry that lies in ``filename`` (None if none does)."""
    found = None
    while tb is not None:  # as long as the recursion limit allows: Python built this traceback itself
        if tb.tb_frame.f_code.co_filename == filename:
            found = tb.tb_frame.f_code
        tb = tb.tb_next
    return found


def describe_figure(value: Any) -> dict | None:
    """Plain description of a matplotlib Figure (or Axes): its size, and per axes lines, scatters, images, labels,
    legend and whether the axes are shown."""
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib.axes
    import matplotlib.collections
    import matplotlib.colors
    import matplotlib.figure
    import matplotlib.pyplot as plt

    if isinstance(value, matplotlib.axes.Axes):
        value = value.figure
    if not isinstance(value, matplotlib.figure.Figure):
        return None
    axes = []
    for ax in value.axes:
        lines = []
        for ln in ax.get_lines():
            lines.append({
                "x": np.asarray(ln.get_xdata(), dtype=np.float64),
                "y": np.asarray(ln.get_ydata(), dtype=np.float64),
                "label": str(ln.get_label()),
                "color": matplotlib.colors.to_hex(ln.get_color()),
                "linestyle": str(ln.get_linestyle()),
                "linewidth": float(ln.get_linewidth()),
            })
        scatters = [
            np.asarray(c.get_offsets(), dtype=np.float64)
            for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)
        ]
        legend = ax.get_legend()
        axes.append({
            "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(), "title": ax.get_title(),
            "lines": lines, "scatters": scatters,
            "images": [np.asarray(im.get_array(), dtype=np.float64) for im in ax.get_images()],
            "axis_visible": [ax.xaxis.get_visible(), ax.yaxis.get_visible()],
            "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else None,
            "grid": any(g.get_visible() for g in [*ax.get_xgridlines(), *ax.get_ygridlines()]),
        })
    size = [float(v) for v in value.get_size_inches()]
    plt.close(value)
    return {"axes": axes, "size": size}


def serve(sock: socket.socket) -> None:
    # Student code should see ordinary builtins and a plain interpreter.
    builtins.exit = sys.exit
    Runner(sock).serve()
