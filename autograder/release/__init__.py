"""Releases for students and platforms, all made from the same sources (the solution and the suites).

``build_release(dest)`` writes, per assignment ``<name>``:

- ``<name>/`` and ``<name>.zip``: the student handout. The stub (generated from the solution),
  the same exercise as a notebook, the README, and the public checks with the engine they need
  (a copy of this package without hidden suites, without suite modules only hidden checks use,
  without this module), runnable as ``python -m autograder check <name> [PATH]`` or plain
  ``pytest`` in the folder. Never the reference solution, never a hidden check.
- ``nbgrader/source/<name>/``: an nbgrader assignment (``<name>.ipynb`` with solution cells and
  test cells, plus ``kit_checks.py``, the in-kernel harness that runs the kit's checks) in an
  nbgrader course (``nbgrader/nbgrader_config.py``). A hidden check's cell holds only a call;
  the hidden checks, the reference they compare with and the suite modules only they use are in
  ``nbgrader/kit_hidden/<name>/``, on the course side: nbgrader releases ``source/`` and shows
  test cells in feedback, never that folder. Public checks are 0-point cells (feedback, as in
  the kit), so an nbgrader grade equals the kit's.
- ``gradescope/<name>.zip``: a Gradescope autograder (``setup.sh``, ``run_autograder`` and the
  kit with this assignment's full suite and solution). Instructor material: it holds the
  solution, so it is kept out of the handout folder.

One module per platform: ``handout.py``, ``nbgrader.py`` (with ``kernel_submission.py``, the
in-kernel stand-in nbgrader needs), ``gradescope.py``; ``files.py`` holds what they share.
Everything is deterministic: the same sources give byte-identical files (fixed zip timestamps
and modes, sorted entries, stable notebook cell ids).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from autograder.assignments import Assignment, all_assignments
from autograder.release.files import ReleaseError, split_suite, write_files, zip_bytes
from autograder.release.gradescope import gradescope_files
from autograder.release.handout import handout_files
from autograder.release.nbgrader import HIDDEN_FOLDER, course_config, harness_modules, nbgrader_files

__all__ = ["ReleaseError", "build_release", "harness_modules", "split_suite"]


RELEASE_README = """# Releases (made by `python -m autograder release`; do not edit, rebuild)

| for | what | where |
| --- | --- | --- |
| students | handout: stub, notebook, README, public checks | `<assignment>/`, `<assignment>.zip` |
| nbgrader courses | course folder: `nbgrader_config.py`, `source/<assignment>/`, `kit_hidden/` (instructors only) \
| `nbgrader/` |
| Gradescope | autograder zip (holds the solution and hidden checks: instructors only) | `gradescope/<assignment>.zip` |

Assignments: {names}.
"""


def build_release(dest: Path = Path("release"), names: list[str] | None = None, *,
                  gradescope_visibility: str = "") -> list[Path]:
    """Write the releases of ``names`` (default: every assignment) into ``dest``; return what was made.

    Returns the top-level artifacts: per assignment the handout folder and zip, the nbgrader
    source folder and the Gradescope zip, then the nbgrader config. Outputs of earlier builds
    for the same assignments are replaced; nothing else in ``dest`` is touched.
    """
    known = [a.name for a in all_assignments()]
    names = list(known if names is None else names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ReleaseError(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(known)}")
    dest.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for name in names:
        assignment = Assignment(name)
        handout = handout_files(assignment)
        _replace(dest / name)
        write_files(dest / name, handout)
        (dest / f"{name}.zip").write_bytes(zip_bytes(handout, prefix=name))
        _replace(dest / "nbgrader" / "source" / name)
        _replace(dest / "nbgrader" / HIDDEN_FOLDER / name)
        write_files(dest / "nbgrader", nbgrader_files(assignment))
        (dest / "gradescope").mkdir(exist_ok=True)
        (dest / "gradescope" / f"{name}.zip").write_bytes(zip_bytes(gradescope_files(assignment,
                                                                                    gradescope_visibility)))
        made += [dest / name, dest / f"{name}.zip", dest / "nbgrader" / "source" / name,
                 dest / "gradescope" / f"{name}.zip"]
    (dest / "nbgrader" / "nbgrader_config.py").write_bytes(course_config())
    released = sorted({p.stem for p in dest.glob("*.zip")} & set(known))
    (dest / "README.md").write_text(RELEASE_README.format(names=", ".join(released)), encoding="utf-8")
    return made + [dest / "nbgrader" / "nbgrader_config.py"]


def _replace(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.release", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment")
    parser.add_argument("--out", default="release", help="where to write (default: release/)")
    args = parser.parse_args(argv)
    try:
        made = build_release(Path(args.out), args.assignments or None)
    except ReleaseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
