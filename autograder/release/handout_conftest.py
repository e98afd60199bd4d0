"""Plain `pytest` in this folder runs the public checks on FILENAME (or on --module PATH).

The checks run as `python -m autograder check ASSIGNMENT` runs them: your code is imported in a
separate process and the checks compare what comes back. (Written into the handout by
`python -m autograder release` from the kit's autograder/release/handout_conftest.py.)
"""

import hashlib
import secrets
from pathlib import Path

import pytest

ASSIGNMENT = ""  # the release fills this line in
FILENAME = ""  # the release fills this line in
HERE = Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption("--module", default=None, help=f"the module to check (default: {FILENAME} in this folder)")
    parser.addoption("--seed", type=int, default=None, help="seed for the generated inputs (default: random)")


def pytest_configure(config):
    from autograder import handout_diagnosis
    from autograder.assignments import get
    from autograder.intake import check_source
    from autograder.plugin import GradingPlugin, RunConfig, StudentSpec

    path = Path(config.getoption("--module") or HERE / FILENAME)
    error = check_source(path) if path.is_file() else f"{path} does not exist"
    source = path.read_bytes() if not error else b""
    spec = StudentSpec(student=path.stem, source=source, error=error,
                       sha256=hashlib.sha256(source).hexdigest() if source else "")
    assignment = get(ASSIGNMENT)
    seed = config.getoption("--seed")
    run = RunConfig(seed=secrets.randbits(32) if seed is None else seed, hidden=False)
    if seed is None:  # a --seed of the student's own runs without causes: they were recorded under another
        handout_diagnosis.use_in(run, assignment)
    config.autograder_run = (path, run.seed)
    config.autograder_results = []
    config.pluginmanager.register(GradingPlugin(assignment, [spec], run, config.autograder_results.append),
                                  "autograder")


def pytest_report_header(config):
    path, seed = config.autograder_run
    return f"public checks of {ASSIGNMENT} on {path} (seed {seed}); the grading suite checks more"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    error = call.excinfo.value if call.excinfo else None
    if report.failed and isinstance(error, AssertionError):
        report.longrepr = str(error).split("\nassert ")[0]  # the message written for you, no traceback
        mark = item.get_closest_marker("exercise")
        builds_on = ", ".join(mark.kwargs.get("builds_on", ())) if mark else ""
        if builds_on:  # the book's versions are not in the handout: this check ran on yours
            report.longrepr += (f"\n(this check calls your own {builds_on}: if that fails its own check, "
                                "fix it first)")


def pytest_terminal_summary(terminalreporter, config):
    # A failed check's cause is established once the checks are done (autograder.diagnosis): shown here, after them.
    causes = [(o.name, o.message.split("\nCause", 1)[1]) for r in config.autograder_results for o in r.outcomes
              if "\nCause" in o.message]
    if causes:
        terminalreporter.section("causes, as grading names them")
        for name, cause in causes:
            terminalreporter.write_line(f"{name}\n  Cause{cause}")
