"""The notebook's code behind the API of the kit's `sub` fixture (in-kernel, for nbgrader).

Served to the notebook's kernel as ``autograder.submission`` by ``kit_checks.py``: the same API
(Submission, Remote, Run, SubmissionError), driving the runner's own operations
(autograder/runner/server.py) in this process through the real wire format instead of a socket.
Only nbgrader uses it; the kit's judge never runs student code in its own process.
"""

import hashlib
import importlib
import inspect
import time
import timeit
import types

import torch

from autograder.runner import server, wire

CLOCKS = ("time", "perf_counter", "monotonic", "process_time", "thread_time",
          "time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns")
_reference = {}


class SubmissionError(AssertionError):
    """The notebook's code failed or is missing; the message says so."""

    def __init__(self, message, *, not_implemented=False):
        super().__init__(message)
        self.not_implemented = not_implemented


class _Bytes:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def recv(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def _through_the_wire(header, buffers):
    """What the other end of the kit's socket would receive."""
    return wire.recv(_Bytes(wire.pack(header, list(buffers))))


class _Namespace:
    """The notebook's namespace, seen as the student's module."""

    def __init__(self, namespace):
        self.__dict__ = namespace


class Run:
    def __init__(self, value, args=None, kwargs=None, sent_refs=None):
        self.value, self.args, self.kwargs, self.sent_refs = value, args or [], kwargs or {}, sent_refs or {}

    def is_same_object(self, after, sent):
        ref = getattr(after, "ref", None)
        return ref is not None and ref == self.sent_refs.get(id(sent))


class Remote:
    """An object kept on the notebook's side (a Timer, an nn.Module)."""

    def __init__(self, sub, obj, label):
        self.sub, self.obj, self.label = sub, obj, label

    @property
    def type_name(self):
        return self.obj.type_name

    def call(self, method, *args, **kwargs):
        return self.sub._call({"target": self._target(), "method": method}, f"{self.label}.{method}",
                              args, kwargs).value

    def run(self, method, *args, backward=False, **kwargs):
        header = {"target": self._target()}
        if method:
            header["method"] = method
        return self.sub._call(header, f"{self.label}.{method}" if method else self.label, args, kwargs,
                              backward=backward, report_args=True)

    def __call__(self, *args, **kwargs):
        return self.sub._call({"target": self._target()}, self.label, args, kwargs).value

    def get(self, name):
        header, bufs = self.sub._request({"op": "getattr", "target": self._target(), "name": name},
                                         f"{self.label}.{name}")
        return wire.Decoder(bufs).decode(header.get("value"))

    def state(self):
        header, bufs = self.sub._request({"op": "state", "target": self._target()}, self.label)
        return wire.Decoder(bufs).decode(header.get("value"))

    def items(self):
        header, bufs = self.sub._request({"op": "iterate", "target": self._target()}, f"iterating {self.label}")
        return wire.Decoder(bufs).decode(header.get("value"))

    def _target(self):
        return self.obj.handle

    def _wire(self):
        return {"__handle__": {"id": self._target()}}


def _remote_to_wire(enc, value, depth):
    if isinstance(value, Remote):
        return value._wire()
    raise TypeError(f"cannot send a {type(value).__name__} to the submission")


class Submission:
    """The notebook's code, with the API of the kit's `sub` fixture."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.runner = server.Runner(None)
        self.runner.module = _Namespace(namespace)
        self.runner.filename = "<notebook>"
        self.substituted = set()
        self.dirty = False
        self.output = ""

    @property
    def names(self):
        return sorted(n for n in self.namespace if not n.startswith("_"))

    def has(self, name):
        return name in self.namespace and not name.startswith("_")

    def reseed(self, seed):
        self._request({"op": "seed", "seed": seed}, "seeding")

    def call(self, name, *args, **kwargs):
        return self._call({"target": name}, name, args, kwargs).value

    def run(self, name, *args, backward=False, **kwargs):
        return self._call({"target": name}, name, args, kwargs, backward=backward, report_args=True)

    def new(self, name, *args, **kwargs):
        reply, bufs, _ = self._send_call({"op": "new", "target": name}, name, args, kwargs)
        return Remote(self, wire.Decoder(bufs).decode(reply.get("value")), name)

    def hold(self, value, label):
        if not isinstance(value, wire.RemoteObject):
            raise SubmissionError(f"{label} came back as {type(value).__name__}, where an object was expected")
        return Remote(self, value, label)

    def fake_clock(self, start=1000.0):
        self._request({"op": "fake_clock", "start": start}, "installing the test clock")
        self.dirty = True

    def advance_clock(self, seconds):
        self._request({"op": "advance", "dt": seconds}, "advancing the test clock")

    def substitute(self, sources):
        self.substituted.update(sources)
        self._request({"op": "substitute", "sources": sources}, "substituting textbook helpers")
        self.dirty = True

    def _call(self, header, label, args, kwargs, *, backward=False, report_args=False):
        header = dict(header, op="call", backward=backward, report_args=report_args)
        reply, bufs, refs = self._send_call(header, label, args, kwargs)
        dec = wire.Decoder(bufs)
        return Run(dec.decode(reply.get("value")), dec.decode(reply.get("args", [])) or [],
                   dec.decode(reply.get("kwargs", {"__dict__": []})) or {}, refs)

    def _send_call(self, header, label, args, kwargs):
        enc = wire.Encoder(number_tensors=True, to_handle=_remote_to_wire)
        header = dict(header, args=enc.encode(list(args)), kwargs=enc.encode(dict(kwargs)))
        target = header.get("target")
        if isinstance(target, str) and not self.has(target):
            raise SubmissionError(f"`{target}` is missing from the notebook: define it (and run its cell) with the "
                                  "name and signature given in the assignment")
        reply, bufs = self._request(header, label, enc.buffers)
        return reply, bufs, enc.refs

    def _request(self, header, label, buffers=()):
        header, buffers = _through_the_wire(header, buffers)
        try:
            reply, bufs = getattr(self.runner, "op_" + header["op"])(header, buffers)
        except Exception as e:  # the notebook's code failed: the check fails with its error
            raise SubmissionError(f"{label} raised {type(e).__name__}: {e}",
                                  not_implemented=isinstance(e, NotImplementedError)) from e
        return _through_the_wire(reply, bufs)


def load_reference(name, source):
    module = types.ModuleType(f"reference_{name}")
    exec(compile(source, f"<reference {name}>", "exec", dont_inherit=True), module.__dict__)
    _reference["ref"] = module


def _seed(test):
    return int.from_bytes(hashlib.sha256(f"0:notebook:{test}".encode()).digest()[:7], "big")


def run_check(test, module, namespace):
    """Run a check with its suite module's names on the notebook's code (``namespace``: the notebook's names)."""
    home = importlib.import_module(module)
    test = types.FunctionType(test.__code__, home.__dict__, test.__name__, test.__defaults__, test.__closure__)
    sub = Submission(namespace)
    seed = _seed(test.__name__)
    clocks = {name: getattr(time, name) for name in CLOCKS if hasattr(time, name)}
    default_timer = timeit.default_timer
    saved = dict(namespace)
    try:
        sub.reseed(seed)
        fixtures = {}
        for param in inspect.signature(test).parameters:
            if param == "sub":
                fixtures[param] = sub
            elif param == "rng":
                fixtures[param] = torch.Generator().manual_seed(seed)
            elif param == "ref":
                if "ref" not in _reference:
                    raise RuntimeError("the reference is not loaded: run the notebook from the top")
                fixtures[param] = _reference["ref"]
            else:
                raise TypeError(f"{test.__name__} asks for {param!r}, which this harness does not provide")
        test(**fixtures)
    finally:
        for name, clock in clocks.items():
            setattr(time, name, clock)
        timeit.default_timer = default_timer
        real = list(clocks.values()) + [default_timer]
        for name in sub.substituted | {k for k, v in saved.items() if any(v is c for c in real)}:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)
