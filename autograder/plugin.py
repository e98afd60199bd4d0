"""The pytest plugin that turns the grading suites into a judge for many submissions.

One pytest session grades a whole batch: every test that asks for ``sub`` is
parametrized over the students at session scope, so pytest runs all tests of one
student, tears that student's runner down, then moves on. Suite tests get:

- ``sub``: the student's module (``autograder.submission.Submission``), reseeded per test;
- ``ref``: the reference solution, imported here in the judge (trusted code only);
- ``rng``: a ``torch.Generator`` seeded per (run seed, test) for the inputs: every student of a batch is
  checked on the same inputs, as with a written test.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import torch

from autograder.assignments import Assignment
from autograder.checks import CheckFailed, recording_curves
from autograder.diagnosis import Diagnosis, Observed, with_causes
from autograder.mistakes import Variant, catalogue
from autograder.results import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, Curve, StudentResult, TestOutcome
from autograder.sandbox import Limits, WarmPool
from autograder.stubs import still_stubs
from autograder.submission import Submission, SubmissionError


def exercise(name: str, points: float = 1.0, builds_on: tuple[str, ...] = ()) -> pytest.MarkDecorator:
    """Mark a check as part of exercise ``name``, worth ``points``.

    ``builds_on`` names the exercises whose functions the check's calls reach (``loss`` calls ``forward``).
    Where the suite has the book's version of them (grading), the runner is given it for this check, so one
    bug costs one exercise. A handout does not ship the book's code, so there the check runs on the student's
    own versions, and a failure while one of them fails too is reported as waiting on it (``waiting_on``).
    """
    return pytest.mark.exercise(name, points=points, builds_on=tuple(builds_on))


@dataclass
class StudentSpec:
    student: str
    source: bytes = b""
    error: str = ""  # set when intake found no usable module: every check fails with it
    sha256: str = ""
    note: str = ""  # why the id is not simply the upload's name


@dataclass
class RunConfig:
    seed: int = 0
    limits: Limits = field(default_factory=Limits)
    hidden: bool = True
    isolation: str = "rlimits"
    # With the hidden suite, also run the public checks, for 0 points: what students may see at once
    # (Gradescope's `visible` tests), judged as grading judges them.
    self_checks: bool = False
    # Where the causes come from: None, the catalogue (replayed live); else a diagnosis whose replays are all known,
    # as a handout ships them (autograder.handout_diagnosis), since a handout has no catalogue to replay.
    diagnosis: Diagnosis | None = None
    # Give checks that build on other exercises the book's versions where the suite has them (grading); False runs
    # them on the module's own versions, as a handout does.
    textbook: bool = True
    # Replay every catalogued mistake on every check, failed or not: how a release records a handout's diagnosis.
    replay_every_check: bool = False


CURVES = pytest.StashKey[list[Curve]]()
OWN_VERSIONS = pytest.StashKey[list[str]]()  # exercises a check builds on that ran on the student's own code


def judge_environment() -> dict[str, str]:
    """The versions that grade, read here in the judge: a runner (student code) is never asked."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        kit = version("d2l-linear-autograder")
    except PackageNotFoundError:  # run from a checkout or a handout without installing
        kit = "unknown (not installed)"
    return {"kit": kit, "torch": torch.__version__, "python": platform.python_version()}


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:7], "big")


class GradingPlugin:
    def __init__(self, assignment: Assignment, students: list[StudentSpec], config: RunConfig,
                 on_result: Callable[[StudentResult], None], pool: WarmPool | None = None):
        self.assignment = assignment
        self.students = {s.student: s for s in students}
        self.order = [s.student for s in students]
        self.config = config
        self.on_result = on_result
        self.shared_pool = pool  # a long-lived caller (a Dask worker) keeps its warm pool across batches
        self.results: dict[str, StudentResult] = {}
        self.started: dict[str, float] = {}
        self.collected: list[pytest.Item] = []
        self.setup_errors: list[str] = []  # the grader's own failures, for the instructor
        self.environment = judge_environment()
        # The suites' causes of failures; only where the catalogue is (a handout's self-check has none).
        self.diagnosis = config.diagnosis or Diagnosis(catalogue(assignment.name)[0])
        self.pool_in_use: WarmPool | None = None
        self.undiagnosed: list[_Failure] = []  # the current student's failed checks, diagnosed once they are done

    # ------------------------------------------------------------ collection

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "sub" in metafunc.fixturenames:
            metafunc.parametrize("student", self.order, indirect=True, scope="session", ids=self.order)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # Group by student (stable within a student) so each runner is set up once; within a student, checks that
        # substitute textbook code come last, so that few of them are followed by a check of what they sent
        # (which needs a fresh runner: Submission.checking).
        position = {name: i for i, name in enumerate(self.order)}
        items.sort(key=lambda item: (position.get(_student_of(item), -1), _substitutes(item)))
        self.collected = list(items)

    # ------------------------------------------------------------ fixtures

    @pytest.fixture(scope="session")
    def pool(self):
        if self.shared_pool is not None:
            yield self.shared_pool
            return
        pool = WarmPool(self.config.isolation, self.assignment.uses_optimizer,
                        processes=self.config.limits.processes)  # direct pytest use: no pool given
        yield pool
        pool.close()

    @pytest.fixture(scope="session")
    def ref(self):
        return self.assignment.load_reference()

    @pytest.fixture(scope="session")
    def student(self, request: pytest.FixtureRequest, pool: WarmPool):
        self.pool_in_use = pool
        spec = self.students[request.param]
        self.started[spec.student] = time.perf_counter()
        # The pool's level is the one in force (a long-lived caller's shared pool may differ from the config).
        self.results[spec.student] = StudentResult(
            student=spec.student, assignment=self.assignment.name, exercises=self.assignment.exercises,
            seed=self.config.seed, isolation=pool.isolation, source_sha256=spec.sha256, error=spec.error,
            note=spec.note, environment=dict(self.environment))
        sub = Submission(pool, spec.source, self.assignment.filename, self.assignment.name, self.config.limits)
        if spec.error:
            sub.load_error = SubmissionError(spec.error)
        yield sub
        sub.close()
        pool.sweep()
        # Only now, with nothing of the student's left running, does reference code (the catalogue's mistakes) go
        # into a runner; the sweep after it empties /tmp before the next student's runner starts.
        if self.diagnose_failures():
            pool.sweep()
        self.results[spec.student].output = sub.output
        if sub.load_error is not None and not spec.error:
            self.results[spec.student].error = str(sub.load_error)
        self.finish(spec.student)

    @pytest.fixture
    def sub(self, student: Submission, request: pytest.FixtureRequest):
        own_versions = self._prepare(student, request.node)
        if own_versions:
            request.node.stash[OWN_VERSIONS] = own_versions
        student.observed = []
        yield student
        student.observed = None
        student.unpatch()  # a fake clock or substitutions: undone before the next test

    def _prepare(self, sub: Submission, item: pytest.Item) -> list[str]:
        """Make ``sub`` ready for the check ``item``; returns the exercises it builds on that run on its own code."""
        # Derived apart from the inputs' seed (``rng``): replaying the runner's generators predicts nothing.
        sub.reseed(derive_seed(self.config.seed, item.originalname, "runner"))
        mark = item.get_closest_marker("exercise")
        sub.checking(mark.args[0] if mark else "?", set(self.assignment.exercises))
        builds_on = list(mark.kwargs.get("builds_on", ())) if mark else []
        textbook = self.assignment.textbook if self.config.textbook else None
        if builds_on and textbook is not None:
            sub.substitute({name: textbook[name] for name in builds_on})
            return []
        return builds_on

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> torch.Generator:
        return torch.Generator().manual_seed(self._seed(request.node))

    def _seed(self, item: pytest.Item) -> int:
        # Not the student: the same inputs for everyone is fairer (no one draws the hard case alone), the same
        # code gets the same score under any name, and a judge computes each reference curve once per batch.
        return derive_seed(self.config.seed, item.originalname)

    # ------------------------------------------------------------ outcomes

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        # Curves are kept whatever the outcome: a failing convergence check is when the plot helps most.
        with recording_curves() as curves:
            yield
        item.stash[CURVES] = list(curves)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if report.when == "setup" and report.outcome != "passed" and len(self.setup_errors) < 3:
            self.setup_errors.append(report.longreprtext[-2000:])
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            student = _student_of(item)
            if student in self.results:
                self.results[student].outcomes.append(self.outcome(item, call, report))

    def outcome(self, item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> TestOutcome:
        mark = item.get_closest_marker("exercise")
        name, points = (mark.args[0], float(mark.kwargs.get("points", 1.0))) if mark else ("?", 0.0)
        doc = (item.function.__doc__ or item.originalname).strip().splitlines()[0].rstrip(".")
        hidden = "hidden" in item.path.parts
        if not hidden and self.config.hidden:
            points = 0.0  # a self-check run alongside grading: feedback, never points
        base = dict(test=item.originalname, name=f"{name}: {doc}", exercise=name, points=points, hidden=hidden,
                    curves=item.stash.get(CURVES, []) if report.when == "call" else [],
                    builds_on=item.stash.get(OWN_VERSIONS, []))
        if report.passed:
            passed = TestOutcome(**base, earned=points, status=PASSED)
            return self._to_diagnose(passed, item, None) if self.config.replay_every_check else passed
        exc = call.excinfo.value if call.excinfo else None
        if isinstance(exc, SubmissionError):
            if exc.not_implemented:
                return TestOutcome(**base, earned=0.0, status=NOT_IMPLEMENTED, message=str(exc),
                                   raised_in=exc.raised_in)
            return self._to_diagnose(TestOutcome(**base, earned=0.0, status=FAILED, message=str(exc),
                                                 raised_in=exc.raised_in), item, exc)
        if isinstance(exc, CheckFailed):
            return self._to_diagnose(TestOutcome(**base, earned=0.0, status=FAILED, message=str(exc)), item, exc)
        if isinstance(exc, AssertionError):
            return TestOutcome(**base, earned=0.0, status=FAILED, message=str(exc).split("\nassert ")[0])
        # A bug in the suite, or a value the suite did not foresee: fail the check, but say so.
        what = f"{type(exc).__name__}: {exc}" if exc else report.longreprtext[-500:]
        return TestOutcome(**base, earned=0.0, status=ERROR,
                           message=f"the grader could not check this ({what}); please tell your instructor")

    # ------------------------------------------------------------ diagnosis

    def _to_diagnose(self, outcome: TestOutcome, item: pytest.Item, failure: CheckFailed | SubmissionError | None
                     ) -> TestOutcome:
        """Keep what the check read, to diagnose the failure once the student's runner is gone (diagnose_failures)."""
        sub = item.funcargs.get("sub")
        observed = getattr(sub, "observed", None)
        # A module that does not load is no catalogued mistake (each is one exercise's change, and loads): whatever
        # a replay reads, its cause is not established.
        loads = isinstance(sub, Submission) and sub.load_error is None
        if loads and observed is not None and self.diagnosis.by_exercise.get(outcome.exercise):
            fixtures = {k: v for k, v in item.funcargs.items() if k not in ("sub", "rng", "student")}
            self.undiagnosed.append(_Failure(outcome, item, failure, list(observed), fixtures))
        return outcome

    def diagnose_failures(self) -> bool:
        """Where the cause of a catalogued mistake that reads on a failed check exactly as the student's code did is
        established (autograder.diagnosis), the feedback becomes what differs and that cause, in place of the check's
        own hint; elsewhere the check's message stays as it is. Returns whether any mistake was run."""
        ran = False
        for f in self.undiagnosed:
            check = check_key(f.item)

            def replay(mistake: Variant, f: _Failure = f) -> Observed | None:
                nonlocal ran
                ran = True
                return self._replay(f.item, f.fixtures, mistake)

            causes = self.diagnosis.causes(check, f.outcome.exercise, f.observed, replay)
            if causes and f.failure is not None:
                f.outcome.message = with_causes(f.failure.fact, causes)
        self.undiagnosed = []
        return ran

    def _replay(self, item: pytest.Item, fixtures: dict, mistake: Variant) -> Observed | None:
        """What the check ``item`` reads from the reference with ``mistake`` in it; None where it passes the check.

        Trusted code (the catalogue's), but run in a runner like a student's: the judge's own clock, random state,
        warning filters and modules stay untouched."""
        sub = Submission(self.pool_in_use, mistake.source(self._reference_source()).encode(), self.assignment.filename,
                         self.assignment.name, self.config.limits)
        try:
            self._prepare(sub, item)
            sub.observed = []
            kwargs = {}
            for param in inspect.signature(item.function).parameters:
                kwargs[param] = (sub if param == "sub" else torch.Generator().manual_seed(self._seed(item))
                                 if param == "rng" else fixtures[param])
            with recording_curves():
                try:
                    item.function(**kwargs)
                except AssertionError:  # CheckFailed, SubmissionError: the mistake fails this check
                    return list(sub.observed) if sub.load_error is None else None
                # The check itself could not judge the mistake's value: nothing to compare with.
                except Exception:  # noqa: BLE001
                    return None
            return None
        except SubmissionError:  # the mistake's module did not load or could not be prepared
            return None
        finally:
            sub.close()

    @functools.cache  # noqa: B019 - one plugin per batch
    def _reference_source(self) -> str:
        return self.assignment.solution.read_text(encoding="utf-8")

    def finish(self, student: str) -> None:
        result = self.results[student]
        if any(o.builds_on for o in result.outcomes):  # only then does it matter (StudentResult.waiting_on)
            stubs = still_stubs(self.students[student].source)  # one parse of the source, in the judge
            result.stubs = [e for e in result.exercises if e in stubs]
        result.seconds = time.perf_counter() - self.started[student]
        self.on_result(result)


@dataclass
class _Failure:
    """A failed check of the current student, waiting for its diagnosis."""

    outcome: TestOutcome
    item: pytest.Item
    failure: CheckFailed | SubmissionError | None  # None: a check that passed, replayed to record (replay_every_check)
    observed: Observed
    fixtures: dict  # the check's other fixtures (ref), kept: pytest drops item.funcargs after the test


def check_key(item: pytest.Item) -> str:
    """A check's name wherever its suite is installed (the kit, a handout): its module and function."""
    return f"{item.module.__name__}::{item.originalname}"


@functools.cache
def _function_substitutes(function) -> bool:
    try:
        return "sub.substitute(" in inspect.getsource(function)
    except (OSError, TypeError):
        return False


def _substitutes(item) -> bool:
    mark = item.get_closest_marker("exercise")
    if mark is not None and mark.kwargs.get("builds_on"):
        return True
    function = getattr(item, "function", None)
    return function is not None and _function_substitutes(function)


def _student_of(item) -> str:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("student", "") if callspec else ""
