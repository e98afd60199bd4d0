"""The notebook's code behind the kit's `sub` API (in-kernel, for nbgrader): the kernel as a transport.

Served to the notebook's kernel as ``autograder.submission`` by ``kit_checks.py``. The API is the kit's own
(``autograder.student_module``); here its requests go to the runner's operations (autograder/runner/server.py)
in this process, through the real wire format instead of a socket. Only nbgrader uses it; the kit's judge
never runs student code in its own process.
"""

import hashlib
import importlib
import inspect
import time
import timeit
import types

import torch

from autograder.diagnosis import Diagnosis, with_causes
from autograder.mistakes import Variant
from autograder.runner import server, wire
from autograder.student_module import Remote, Run, StudentModule, SubmissionError

__all__ = ["Remote", "Run", "Submission", "SubmissionError", "load_mistakes", "load_reference", "run_check"]
CLOCKS = ("time", "perf_counter", "monotonic", "process_time", "thread_time",
          "time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns")
_reference = {}
_mistakes = {}  # name -> (Variant, source): the course side's catalogue, loaded when nbgrader grades


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


class Submission(StudentModule):
    """The notebook's code, with the API of the kit's `sub` fixture."""

    where = "the notebook"

    def __init__(self, namespace, assignment):
        super().__init__(assignment)
        self.namespace = namespace
        self.runner = server.Runner(None)
        self.runner.module = _Namespace(namespace)
        self.runner.filename = "<notebook>"
        self.substituted = set()
        self.output = ""

    @property
    def names(self):
        return sorted(n for n in self.namespace if not n.startswith("_"))

    def substitute(self, sources):
        self.substituted.update(sources)
        super().substitute(sources)

    def _missing(self, name):
        return (f"`{name}` is missing from the notebook: define it (and run its cell) with the name and signature "
                "given in the assignment")

    def _exchange(self, header, label, buffers):
        # Exceptions only: an interrupt or exit from the notebook stops the cell, as it would without the kit.
        reply, bufs = self.runner.handle(*_through_the_wire(self._seeded_header(header), buffers),
                                         reported=Exception)
        return _through_the_wire(reply, bufs)


def load_reference(name, source):
    module = types.ModuleType(f"reference_{name}")
    exec(compile(source, f"<reference {name}>", "exec", dont_inherit=True), module.__dict__)
    _reference["ref"] = module


def load_mistakes(entries):
    """The catalogued mistakes (name, exercise, cause, and the reference's source with the mistake in it)."""
    _mistakes.clear()
    for e in entries:
        _mistakes[e["name"]] = (Variant(e["name"], (), e["exercise"], e["cause"]), e["source"])


def _seed(*parts):
    return int.from_bytes(hashlib.sha256(":".join(("0", "notebook", *parts)).encode()).digest()[:7], "big")


def _exercise(home, name):
    """The exercise a suite module's check is marked with (the kernel's plugin, or pytest's mark)."""
    check = getattr(home, name, None)
    if hasattr(check, "exercise"):
        return check.exercise
    marks = [m for m in getattr(check, "pytestmark", []) if getattr(m, "name", "") == "exercise"]
    return marks[0].args[0] if marks else ""


def run_check(test, module, namespace, assignment=""):
    """Run a check with its suite module's names on the notebook's code (``namespace``: the notebook's names).

    When it fails and the course side's catalogue is loaded, the check runs again on each catalogued mistake of
    its exercise, in this kernel, on the same inputs: where one read exactly what the notebook's code gave, the
    message names its cause, as grading does (``autograder.diagnosis``).
    """
    home = importlib.import_module(module)
    test = types.FunctionType(test.__code__, home.__dict__, test.__name__, test.__defaults__, test.__closure__)
    exercise = _exercise(home, test.__name__)
    observed = []
    try:
        _run(test, namespace, assignment, exercise, observed)
    except AssertionError as e:
        causes = _causes(test, assignment, exercise, observed) if _mistakes else []
        if causes:
            raise AssertionError(with_causes(str(e), causes)) from None
        raise


def _causes(test, assignment, exercise, observed):
    def replay(mistake):
        namespace = {"__name__": f"mistake_{mistake.name}"}
        theirs = []
        try:
            exec(compile(_mistakes[mistake.name][1], f"<mistake {mistake.name}>", "exec", dont_inherit=True),
                 namespace)
            _run(test, namespace, assignment, exercise, theirs)
        except AssertionError:
            return theirs
        except Exception:  # noqa: BLE001  (a replay that cannot finish establishes nothing)
            return None
        return None  # the mistake passes this check: it is not what failed it

    diagnosis = Diagnosis([variant for variant, _ in _mistakes.values()])
    return diagnosis.causes(test.__name__, exercise, observed, replay)


def _run(test, namespace, assignment, exercise, observed):
    sub = Submission(namespace, assignment)
    sub.exercise = exercise  # that exercise's own error causes come first
    sub.observed = observed
    seed = _seed(test.__name__)
    clocks = {name: getattr(time, name) for name in CLOCKS if hasattr(time, name)}
    default_timer = timeit.default_timer
    saved = dict(namespace)
    try:
        sub.reseed(_seed(test.__name__, "runner"))  # apart from the inputs' seed: replaying it predicts nothing
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
