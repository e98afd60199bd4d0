"""The kit's front door: nox -s grade | tests | check | lint | release."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"  # pip, not uv: uv ignores the local CPU wheel of torch==2.13.0

ROOT = Path(__file__).parent


def install(session: nox.Session, *extra: str, extras: str = "") -> None:
    session.install("torch==2.13.0")  # pinned here and in pyproject: anything else pulls a multi-GB CUDA build
    session.install("-e", f".[{extras}]" if extras else ".", *extra)


@nox.session
def tests(session: nox.Session) -> None:
    """The kit's own test suite (nbgrader: the release tests run the real `nbgrader autograde`; Dask: scale-out)."""
    install(session, "rich", "nbgrader", "hypothesis", "markdown-it-py", "ruff", extras="scale")
    run_lint(session)  # in this venv: CI installs everything once, and a red lint stops the run before the long tests
    session.run("python", "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", *session.posargs,
                env={"OMP_NUM_THREADS": "1"})


@nox.session
def grade(session: nox.Session) -> None:
    """Grade submissions. Default: the bundled sample classes in samples/ into out/<assignment>/.

    With arguments they pass through: nox -s grade -- ASSIGNMENT SUBMISSIONS --out OUT [--workers N]
    """
    install(session, "rich")
    if session.posargs:
        session.run("python", "-m", "autograder", "grade", *session.posargs)
        return
    for folder in sorted((ROOT / "samples").iterdir()):
        if folder.is_dir():
            session.run("python", "-m", "autograder", "grade", folder.name, str(folder),
                        "--out", str(ROOT / "out" / folder.name))
    session.log(f"Grades, results and feedback are in {ROOT / 'out'}/<assignment>/")


@nox.session
def check(session: nox.Session) -> None:
    """Student self-check: nox -s check -- ASSIGNMENT [PATH] (default: linear_regression's stub)."""
    install(session)
    session.run("python", "-m", "autograder", "check", *(session.posargs or ["linear_regression"]),
                success_codes=[0, 1])


@nox.session
def release(session: nox.Session) -> None:
    """Handouts, nbgrader course and Gradescope zips into release/: nox -s release -- [ASSIGNMENT ...]."""
    install(session)
    session.run("python", "-m", "autograder", "release", *session.posargs, "--out", str(ROOT / "release"))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff; the stubs must match the solutions they are generated from; every assignment must validate."""
    install(session, "ruff")
    run_lint(session)


def run_lint(session: nox.Session) -> None:
    session.run("ruff", "check", ".")
    session.run("python", "-m", "autograder", "stubs", "--check")
    session.run("python", "-m", "autograder", "validate")  # marks, coverage of each exercise, points tables
