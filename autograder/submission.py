"""The student's module in a runner: the ``sub`` of ``autograder.student_module`` over the runner's socket.

The runner is a process forked from the warm zygote; this side decides when one is started, thrown away
(it held textbook code, it died) and swept, and bounds each request in time.
"""

from __future__ import annotations

import ast
import functools
import time
from typing import NoReturn

from autograder import hints
from autograder.runner import wire
from autograder.sandbox import GiB, Limits, Runner, RunnerDied, RunnerTimeout, WarmPool
from autograder.student_module import Remote, Run, StudentModule, SubmissionError

__all__ = ["Remote", "Run", "Submission", "SubmissionError", "defined_names"]


class Submission(StudentModule):
    """One student's module, loaded in a runner forked from the zygote; restarted on death."""

    def __init__(self, pool: WarmPool, source: bytes, filename: str, module: str, limits: Limits):
        super().__init__(module)
        self.pool = pool
        self.source = source
        self.filename = filename
        self.module = module
        self.limits = limits
        self.runner: Runner | None = None
        self.load_error: SubmissionError | None = None
        self.names: list[str] = []
        self._loaded_names: list[str] = []
        self.held: set[str] = set()  # names of textbook code the current runner was sent (see substitute)
        self._held_sources: dict[str, str] = {}  # each held name -> the source that defined it
        # Non-exercise kit code the runner holds from earlier checks, which the current check must hand over again,
        # the very same, for the runner to stay (see checking); and what the current check has handed over.
        self._suspect: dict[str, str] = {}
        self._given: list[dict[str, str]] = []
        self._fork_denials: int | None = None  # forks the pids cgroup had refused when this runner started
        self.deadline: float | None = None  # wall clock for the whole submission
        self._output = ""  # tail of what the student's code printed, in the runners read so far
        self._ended: list[Runner] = []  # ended runners whose output is not read yet

    # ------------------------------------------------------------ lifecycle

    def ensure(self) -> Runner:
        if self.load_error is not None:
            raise self.load_error
        if self.deadline is None:
            self.deadline = time.monotonic() + self.limits.submission_seconds
        if self.runner is None or self.runner.dead:
            self.close()
            self.generation += 1
            self.runner = self.pool.spawn(self.limits)
            self.held.clear()
            self._held_sources.clear()
            self._suspect = {}
            self._fork_denials = self.pool.zygote.cgroup.limit_hits()
            self._seeded = False
            self.dirty = False
            try:
                reply, _ = self.runner.request(
                    {"op": "load", "module": self.module, "filename": self.filename}, [self.source])
            except RunnerTimeout:
                self.load_error = SubmissionError(
                    f"importing your module did not finish within {self.limits.call_seconds:g} s: "
                    "move slow top-level code (training, plotting, input()) under `if __name__ == \"__main__\":`")
                raise self.load_error from None
            except RunnerDied:
                self.load_error = SubmissionError(
                    "your module ended the process while being imported (sys.exit/os._exit or a crash at top level): "
                    "keep top-level code to imports and definitions")
                raise self.load_error from None
            if not reply.get("ok"):
                self.load_error = SubmissionError(hints.import_failure(reply.get("error") or {}))
                raise self.load_error
            names = reply.get("names")
            self.names = [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
            self._loaded_names = list(self.names)
        return self.runner

    def checking(self, exercise: str, known: set[str]) -> None:
        """Before a check of ``exercise``: a runner that was ever sent the textbook version of it is thrown away.

        The module may have kept a reference to textbook code, to hand it back later as its own; so an
        exercise is never checked in a runner that held its textbook version, nor in one that held kit code
        under a name that is not an exercise (``known``), which might stand for anything, unless this check
        hands over that very code again: then nothing kept is worth more than what the check gives anyway.
        That is settled at the check's first request that is not a substitution (``_settle``).
        """
        self.exercise = exercise
        if exercise in self.held:
            self.close()
        held = self.held - known if self.runner is not None else set()
        self._suspect = {name: self._held_sources.get(name, "") for name in held}
        self._given = []

    def _settle(self) -> None:
        """The check has handed over what it gives; a runner holding other non-exercise code goes now, and what
        this check substituted is given to the fresh one."""
        given = {name: source for sources in self._given for name, source in _defined(sources).items()}
        stale = any(given.get(name) != source for name, source in self._suspect.items())
        self._suspect = {}
        if stale:
            self.close()
            for sources in self._given:
                self.substitute(sources, record=False)

    def unpatch(self) -> None:
        """Undo this test's substitutions and fake clock (cheaper than a fresh runner; see ``checking``)."""
        if self.dirty and self.runner is not None and not self.runner.dead:
            try:
                self.runner.request({"op": "unpatch"}, timeout=self.limits.call_seconds)
                self.names = [n for n in self._loaded_names]
            except (RunnerDied, RunnerTimeout):
                pass
        self.dirty = False

    def close(self) -> None:
        """End the current runner. What it printed is read later (``output``): its pipe closes only once the kernel
        has torn the process down (~5 ms), which the next check need not wait for."""
        if self.runner is not None:
            if not self.runner.dead:
                self.runner.kill()
            self._ended.append(self.runner)
        self.runner = None

    @property
    def output(self) -> str:
        """The tail of what the student's code printed, in every runner that has ended so far."""
        for runner in self._ended:
            if runner.output is not None:
                runner.output.thread.join(timeout=1)
                text = runner.output.text()
                if text:
                    self._output = (self._output + text)[-8192:]
        self._ended.clear()
        return self._output

    # ------------------------------------------------------------ the transport

    def _loaded(self) -> None:
        self.ensure()

    def substitute(self, sources: dict[str, str], *, record: bool = True) -> None:
        """Replace functions of the student's module, for this test only, by the given source.

        Used for exercises that build on earlier ones (``train`` calls ``sgd``): the earlier
        functions are swapped for the textbook's published versions so that one bug costs
        one exercise. Only public textbook code is ever sent, never the reference solution, and no check of
        an exercise ever runs in a runner that received that exercise's textbook version (see ``checking``).
        """
        self.ensure()  # the runner the code goes to, so that what it held is recorded against it
        # Before the request: even a failed substitution may have left code behind. Every name a source defines is
        # held, not only the one patched in: the module reaches the rest through that code's globals (the book's
        # train_ch3 brings its evaluate_accuracy along).
        defined = _defined(sources)
        self.held |= set(defined)
        self._held_sources.update(defined)
        if record:
            self._given.append(dict(sources))
        super().substitute(sources)
        self.names = sorted(set(self.names) | set(sources))

    def _exchange(self, header: dict, label: str, buffers: list[bytes]) -> tuple[dict, list]:
        if self._suspect and header.get("op") != "substitute":
            self._settle()
        runner = self.ensure()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SubmissionError(
                f"grading stopped before {label}: checking this submission took more than "
                f"{self.limits.submission_seconds:g} s in total (the limit per submission)")
        timeout = min(self.limits.call_seconds, left)
        try:
            return runner.request(self._seeded_header(header), buffers, timeout=timeout)
        except RunnerTimeout:
            self._observe("timeout")
            if timeout < self.limits.call_seconds:
                raise SubmissionError(
                    f"{label} was stopped: checking this submission took more than "
                    f"{self.limits.submission_seconds:g} s in total (the limit per submission)") from None
            raise SubmissionError(
                f"{label} did not return within {self.limits.call_seconds:g} s: look for an infinite loop "
                "(a `while` whose condition never changes, a generator that never stops)") from None
        except RunnerDied as e:
            self._observe("died")
            raise SubmissionError(f"the submission's process {e} during {label}") from None
        except wire.ProtocolError as e:
            self._observe("unreadable")
            runner.kill()
            raise SubmissionError(f"{label} sent back something the grader cannot read ({e})") from None

    def _fail_with(self, label: str, error: dict) -> NoReturn:
        if hints.is_out_of_memory(error):
            raise SubmissionError(
                f"{label} used more than {self.limits.memory_bytes / GiB:g} GiB of memory (the limit per "
                "submission): look for a huge tensor, e.g. an (n, n) result of broadcasting (n,) against (n, 1)")
        if hints.is_process_limit(error):
            raise SubmissionError(self._process_limit_message(label))
        super()._fail_with(label, error)

    def _process_limit_message(self, label: str) -> str:
        """EAGAIN names the process limit only where the pids cgroup counted a refused fork since this runner
        started; the same error also comes from non-blocking I/O, so elsewhere the message says both."""
        hits = self.pool.zygote.cgroup.limit_hits()
        if hits is not None and self._fork_denials is not None and hits > self._fork_denials:
            return (f"{label} started more processes than a submission may start ({self.limits.processes}): "
                    "the checks need no processes of your own; remove the os.fork/multiprocessing")
        return (f"{label} failed with 'Resource temporarily unavailable' (EAGAIN): either a fork beyond the "
                f"limit of {self.limits.processes} processes per submission (the checks need no processes of your "
                "own), or a read or write on a non-blocking file or socket with nothing ready")


def _defined(sources: dict[str, str]) -> dict[str, str]:
    """Each name the sources bind (the names patched in, and all each source defines) -> the source binding it."""
    out = {name: source for source in sources.values() for name in defined_names(source)}
    out.update(sources)
    return out


@functools.lru_cache(maxsize=256)
def defined_names(source: str) -> frozenset[str]:
    """The top-level names a source binds: its functions, classes and assignments (what its globals hold).
    Cached: every student of a batch is sent the same few sources, check after check."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return frozenset(names)
