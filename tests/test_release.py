"""Releases (autograder/release/): handouts that hold no solution and no hidden check and work on
their own, an nbgrader course graded by the real nbgrader, a Gradescope autograder, the same grade
for a module and for its notebooks, and byte-identical rebuilds."""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import notebooks
from autograder.assignments import Assignment, all_assignments
from autograder.catalog import exercise_points
from autograder.grade import grade
from autograder.notebooks import fill_notebook, notebook_to_source
from autograder.release import build_release, harness_modules, split_suite
from autograder.release.nbgrader import HARNESS_FILE, HIDDEN_FOLDER, suite_checks
from autograder.stubs import BEGIN, END, stub_for
from autograder.visibility import check_names
from tests.conftest import catalogue

NAMES = [a.name for a in all_assignments()]
MAIN = "linear_regression"  # the assignment the slower, end-to-end tests use
SANDBOX_HINT = ("the runner zygote could not import this copy of the kit: autograder/sandbox.py must put the "
                "judge's own package on the zygote's sys.path (it runs `python -I`), see the release report")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("release")
    build_release(dest)
    return dest


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["OMP_NUM_THREADS"] = "1"
    env.update(extra)
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = proc.stdout + proc.stderr
    if "zygote failed to start" in output and "No module named 'autograder'" in output:
        pytest.fail(f"{SANDBOX_HINT}\n{output[-2000:]}")
    return proc


def _unzip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            zf.extract(info, dest)
            mode = info.external_attr >> 16
            if mode:
                (dest / info.filename).chmod(stat.S_IMODE(mode))


# ---------------------------------------------------------------- no solution, no hidden check


def _norm(line: str) -> str:
    return " ".join(line.split())


def _solution_blocks(solution: str) -> list[list[str]]:
    blocks, current = [], None
    for line in solution.splitlines():
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END:
            blocks.append([_norm(x) for x in current if x.strip()])
            current = None
        elif current is not None:
            current.append(line)
    return [b for b in blocks if b]


def _texts(folder: Path, archive: Path) -> dict[str, str]:
    """Every text a student receives, by path: the folder's files and the zip's entries."""
    out = {}

    def add(name: str, data: bytes) -> None:
        if name.endswith(".ipynb"):
            nb = json.loads(data)
            out[name] = "\n".join("".join(c["source"]) for c in nb["cells"]) + "\n" + data.decode()
        else:
            out[name] = data.decode("utf-8", errors="replace")

    for path in sorted(folder.rglob("*")):
        if path.is_file():
            add(f"folder:{path.relative_to(folder)}", path.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            add(f"zip:{name}", zf.read(name))
    return out


def _hidden_names(assignment: Assignment) -> set[str]:
    def defs(folder: Path) -> set[str]:
        return {n.name for p in folder.glob("*.py") for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(n, ast.FunctionDef)}

    return {n for n in defs(assignment.suite(True)) if n.startswith("test")} - defs(assignment.suite(False))


def _tolerances(folder: Path) -> set[str]:
    found = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("rtol", "atol", "tol") and \
                    isinstance(node.value, ast.Constant):
                found.add(f"{node.arg}={node.value.value!r}")
    return found


MIN_ANSWER_LINE = 16  # characters: a shorter line (`return losses`, `import torch`) answers nothing alone


def _answer_lines(assignment: Assignment, blocks: list[list[str]]) -> set[str]:
    """Every line that answers a graded exercise: the solution's blocks and the book's version of each exercise
    (the grading suite's textbook), bar lines too short to answer anything on their own."""
    book = [line for source in (assignment.textbook or {}).values() for line in source.splitlines()]
    found = {_norm(x) for x in [*[x for b in blocks for x in b], *book] if x.strip()}
    return {x for x in found if len(x) >= MIN_ANSWER_LINE and not x.startswith(("import ", "from ", "def ", "class "))}


def assert_no_leak(texts: dict[str, str], assignment: Assignment) -> None:
    """No solution block or line, book's version of an exercise, hidden check name, hidden tolerance or hidden
    file in ``texts``. No exception: whatever a handout ships, it holds no answer to a graded exercise."""
    hidden_files = [p for m in split_suite(assignment).hidden for p in [split_suite(assignment).paths[m]]
                    if len(p.read_bytes()) > 80]
    hidden_digests = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in hidden_files}
    hidden_tolerances = _tolerances(assignment.suite(True)) - _tolerances(assignment.suite(False))
    names = _hidden_names(assignment)
    blocks = _solution_blocks(assignment.solution.read_text(encoding="utf-8"))
    answers = _answer_lines(assignment, blocks)
    assert blocks and names and answers
    for where, text in texts.items():
        path = where.split(":", 1)[1]
        assert not re.search(r"(^|/)(hidden|solutions)(/|$)", path), f"{where}: a hidden or solution path"
        digest = hashlib.sha256(text.encode()).hexdigest()
        assert digest not in hidden_digests, f"{where} is a copy of {hidden_digests.get(digest)}"
        lines = [_norm(x) for x in text.splitlines() if x.strip()]
        joined = "\n" + "\n".join(lines) + "\n"
        for block in blocks:
            if len(block) > 1:
                assert "\n" + "\n".join(block) + "\n" not in joined, f"{where} holds a solution block: {block}"
            else:
                assert block[0] not in lines, f"{where} holds the solution line {block[0]!r}"
        leaked = sorted(answers.intersection(lines))
        assert not leaked, f"{where} holds lines that answer graded exercises: {leaked}"
        for name in names:
            assert not re.search(rf"\b{name}\b", text), f"{where} names the hidden check {name}"
        for tolerance in hidden_tolerances:
            assert tolerance not in text.replace(" ", ""), f"{where} holds the hidden tolerance {tolerance}"


@pytest.mark.parametrize("name", NAMES)
def test_handout_holds_no_solution_and_no_hidden_check(release, name):
    assignment = Assignment(name)
    texts = _texts(release / name, release / f"{name}.zip")
    assert f"folder:{name}.py" in texts and f"zip:{name}/{name}.ipynb" in texts
    assert_no_leak(texts, assignment)
    with zipfile.ZipFile(release / f"{name}.zip") as zf:
        assert all(n.startswith(f"{name}/") for n in zf.namelist())
        assert f"{name}/autograder/suites/{name}/public/test_public.py" in zf.namelist()
    assert not (release / name / "gradescope.zip").exists()


def test_leak_check_catches_leaks(release):
    """The check above is not vacuous: a solution body, a hidden name or a hidden file is caught."""
    assignment = Assignment(MAIN)
    texts = _texts(release / MAIN, release / f"{MAIN}.zip")
    hidden_test = sorted(assignment.suite(True).glob("test_*.py"))[0]
    leaks = {
        "solution": assignment.solution.read_text(encoding="utf-8"),
        "hidden name": f"# see {sorted(_hidden_names(assignment))[0]}\n",
        "hidden file": hidden_test.read_text(encoding="utf-8"),
        "book's version of an exercise": assignment.textbook["sgd"],
        "single solution line": "    theta = torch.linalg.lstsq(X, labels.reshape(-1, 1).double()).solution\n",
    }
    for what, text in leaks.items():
        with pytest.raises(AssertionError):
            assert_no_leak({**texts, "folder:extra.py": text}, assignment)
            pytest.fail(f"a leaked {what} was not caught")
    with pytest.raises(AssertionError, match="hidden or solution path"):
        assert_no_leak({**texts, f"zip:{MAIN}/autograder/suites/{MAIN}/hidden/x.py": ""}, assignment)


def test_handout_engine_lists_only_the_handout(release):
    code = ("import autograder, autograder.assignments as a; print(autograder.__file__); "
            f"print([x.name for x in a.all_assignments()]); print(a.get({MAIN!r}).exercises); "
            f"print(a.get({MAIN!r}).stub)")
    proc = subprocess.run([sys.executable, "-c", code],
                          cwd=release / MAIN, env=_env(PYTHONPATH=str(release / MAIN)), capture_output=True,
                          text=True, check=True)
    where, listed, exercises, stub = proc.stdout.splitlines()
    assert Path(where).is_relative_to(release / MAIN)
    assert listed == repr([MAIN])
    assert exercises == repr(Assignment(MAIN).exercises)
    assert Path(stub) == release / MAIN / f"{MAIN}.py"


# ---------------------------------------------------------------- the handout works on its own


@pytest.mark.slow
def test_handout_self_check_and_plain_pytest(release, tmp_path):
    _unzip(release / f"{MAIN}.zip", tmp_path)
    folder = tmp_path / MAIN
    env = _env(PYTHONPATH=str(folder))
    where = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"], cwd=folder,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(folder), f"the handout used {where}, not its own engine"
    exercises = Assignment(MAIN).exercises

    stub = _run([sys.executable, "-m", "autograder", "check", MAIN], folder, env)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert stub.stdout.count("not implemented yet") >= len(exercises) and " passed " not in stub.stdout
    tests = _run([sys.executable, "-m", "pytest", "-q"], folder, env)
    assert tests.returncode == 1 and f"{len(exercises)} failed" in tests.stdout, tests.stdout + tests.stderr
    assert "not implemented yet" in tests.stdout and "Traceback" not in tests.stdout

    # The cause grading names, named before submitting; and none where the code is no catalogued mistake.
    reference = Assignment(MAIN).solution.read_text(encoding="utf-8")
    step = "            param -= lr * param.grad / batch_size\n"
    cause = next(v.cause for v in catalogue(MAIN)[0] if v.name == "sgd_no_division_by_batch_size")
    for wrong, named in (("            param -= lr * param.grad\n", True),
                         ("            param -= 3 * lr * param.grad / batch_size\n", False)):
        (folder / "mine.py").write_text(reference.replace(step, wrong))
        mine = _run([sys.executable, "-m", "autograder", "check", MAIN, "mine.py"], folder, env)
        assert mine.returncode == 1 and "  sgd " in mine.stdout and "FAILED" in mine.stdout, mine.stdout + mine.stderr
        assert (cause in mine.stdout) is named and ("Cause" in mine.stdout) is named, mine.stdout
    plain = _run([sys.executable, "-m", "pytest", "-q", "--module", "mine.py"], folder, env)  # the last: 3 *
    assert "Cause" not in plain.stdout, plain.stdout
    (folder / "mine.py").write_text(reference.replace(step, "            param -= lr * param.grad\n"))
    plain = _run([sys.executable, "-m", "pytest", "-q", "--module", "mine.py"], folder, env)
    assert plain.returncode == 1 and cause in plain.stdout and "Traceback" not in plain.stdout, plain.stdout

    shutil.copy(Assignment(MAIN).solution, folder / f"{MAIN}.py")
    ref = _run([sys.executable, "-m", "autograder", "check", MAIN], folder, env)
    assert ref.returncode == 0, ref.stdout + ref.stderr
    assert f"{len(exercises)} of {len(exercises)} exercises pass" in ref.stdout
    tests = _run([sys.executable, "-m", "pytest", "-q"], folder, env)
    assert tests.returncode == 0 and f"{len(exercises)} passed" in tests.stdout, tests.stdout + tests.stderr


# Per assignment: a catalogued mistake (in an exercise others build on, where checks build on others); an exercise
# others reach, left as a stub (where its body starts in the reference: a NotImplementedError goes before it).
SELF_CHECKED = {
    "linear_regression": ("sgd_forgets_zero_grad", "sgd", "    with torch.no_grad():\n"),
    "gradient_descent": ("forward_adds", "forward", "    return x * w\n"),
    "linear_regression_concise": ("linear_net_default_init", "linear_net", "    net = nn.Sequential("),
    "logistic_regression": ("sigmoid_exp_over_one_plus_exp", "LogisticRegressionModel", "        super().__init__()"),
    "softmax_regression": ("softmax_overflows", "concise_net", "    model = nn.Sequential("),
}
ROW = re.compile(r"^  (\S+) +(passed|not implemented yet|FAILED|waiting on [\w, ]+?) +\d+(\.\d+)?/")


def _self_check_table(folder: Path, name: str, module: str) -> tuple[dict[str, str], str]:
    proc = _run([sys.executable, "-m", "autograder", "check", name, module], folder, _env(PYTHONPATH=str(folder)))
    table = {m.group(1): m.group(2) for m in map(ROW.match, proc.stdout.splitlines()) if m}
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return table, proc.stdout


def _checks_building_on(name: str) -> dict[str, set[str]]:
    """exercise -> what its public checks build on, read from the public checks' markers."""
    found: dict[str, set[str]] = {}
    for path in Assignment(name).suite(False).glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "exercise":
                deps = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "builds_on"), ())
                found.setdefault(ast.literal_eval(node.args[0]), set()).update(deps)
    return found


def test_what_a_check_builds_on_is_an_exercise_the_grading_side_has_the_books_version_of():
    for name in NAMES:
        assignment = Assignment(name)
        for exercise, deps in _checks_building_on(name).items():
            assert exercise in assignment.exercises and exercise not in deps, (name, exercise)
            assert deps <= set(assignment.exercises) & set(assignment.textbook or {}), (name, exercise, deps)


def test_every_assignment_is_tried_below():
    assert set(SELF_CHECKED) == set(NAMES)
    assert all(SELF_CHECKED[n][1] for n in NAMES if any(_checks_building_on(n).values()))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SELF_CHECKED))
def test_handout_self_check_judges_one_exercise_at_a_time(release, name, tmp_path):
    """Without the book's code in the handout, the self-check still gives each exercise its own verdict:
    passed on the reference, not implemented yet on the stub, FAILED with its cause for a catalogued mistake
    (what builds on it waits on it, and nothing else fails), and waiting on a dependency left as a stub."""
    _unzip(release / f"{name}.zip", tmp_path)
    folder = tmp_path / name
    assignment = Assignment(name)
    exercises = assignment.exercises
    reference = assignment.solution.read_text(encoding="utf-8")
    mistake_name, stubbed, first_line = SELF_CHECKED[name]
    mistake = next(v for v in catalogue(name)[0] if v.name == mistake_name)
    broken = mistake.exercise
    building_on = _checks_building_on(name)
    assert stubbed is None or any(broken in deps for deps in building_on.values())

    table, _ = _self_check_table(folder, name, f"{name}.py")
    assert table == {e: "not implemented yet" for e in exercises}
    (folder / "reference.py").write_text(reference)
    table, _ = _self_check_table(folder, name, "reference.py")
    assert table == {e: "passed" for e in exercises}

    (folder / "mistake.py").write_text(mistake.source(reference))
    table, text = _self_check_table(folder, name, "mistake.py")
    assert table[broken] == "FAILED" and "Traceback" not in text, text
    assert mistake.cause in text, f"the handout's self-check did not name the cause grading names:\n{text}"
    assert all(table[e] in ("passed", f"waiting on {broken}") for e in exercises if e != broken), text

    if stubbed is None:
        return
    # An exercise others reach left as a stub, everything else implemented: the stub is the only thing to do.
    dependents = {e for e, deps in building_on.items() if stubbed in deps}
    body_start = reference.index(first_line, re.search(rf"^(def|class) {stubbed}\b", reference, re.M).start())
    indent = first_line[: len(first_line) - len(first_line.lstrip())]
    partial = reference[:body_start] + f"{indent}raise NotImplementedError\n" + reference[body_start:]
    (folder / "partial.py").write_text(partial)
    table, text = _self_check_table(folder, name, "partial.py")
    assert table[stubbed] == "not implemented yet", text
    waiting = {e for e, label in table.items() if label == f"waiting on {stubbed}"}
    assert waiting and waiting <= dependents, text  # a check may build on it without reaching it (the book's way)
    assert all(label == "passed" for e, label in table.items() if e != stubbed and e not in waiting), text


# ---------------------------------------------------------------- notebooks


def _notebook(*cells: dict) -> bytes:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_notebook_to_source_contract():
    test_cell = {"cell_type": "code", "source": "assert f() == 1\n",
                 "metadata": {"nbgrader": {"grade": True, "solution": False, "points": 1}}}
    data = _notebook(
        {"cell_type": "markdown", "source": "# title", "metadata": {}},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import math\n", "!pip install torch\n"],
         "metadata": {}},
        {"cell_type": "code", "source": "%%bash\necho hi\n", "metadata": {}},
        {"cell_type": "code", "source": "def f():\n    %time x = 1\n    return 1\n", "metadata": {}},
        {"cell_type": "code", "source": "", "metadata": {}},
        {"cell_type": "raw", "source": "raw", "metadata": {}},
        test_cell,
        {"cell_type": "code", "source": "y = f()", "metadata": {"nbgrader": {"grade": True, "solution": True}}},
    )
    source = notebook_to_source(data)
    assert source == "import math\n\n\ndef f():\n    pass\n    return 1\n\n\ny = f()\n"
    ast.parse(source)
    assert notebook_to_source(b"\xef\xbb\xbf" + _notebook()) == ""
    for bad, message in [(b"def f(): pass", "not valid JSON"), (b"\xff\xfe", "not UTF-8"),
                         (b'{"a": 1}', "no cells"), (b"[]", "no cells"),
                         (b'{"worksheets": [], "nbformat": 3}', "nbformat 3"),
                         (json.dumps({"cells": [{"cell_type": "code", "source": 3}]}).encode(), "source")]:
        with pytest.raises(ValueError, match=message):
            notebook_to_source(bad)


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_valid_and_round_trip(release, name):
    assignment = Assignment(name)
    handout = (release / name / f"{name}.ipynb").read_bytes()
    course = (release / "nbgrader" / "source" / name / f"{name}.ipynb").read_bytes()
    nbformat = pytest.importorskip("nbformat") if name == MAIN else None
    if nbformat:
        for data in (handout, course):
            nbformat.validate(nbformat.reads(data.decode(), as_version=4))
    stub = stub_for(assignment.solution)
    # The handout notebook's code is the stub's code; filled in, it is the reference's.
    assert _defs(notebook_to_source(handout)) == _defs(stub)
    solution = assignment.solution.read_text(encoding="utf-8")
    assert _defs(notebook_to_source(fill_notebook(handout, solution))) == _defs(notebooks.strip_markers(solution))
    assert _defs(notebook_to_source(fill_notebook(course, solution))) == _defs(notebooks.strip_markers(solution))
    assert "check_notebook" in notebook_to_source(handout)  # the self-check cell, guarded by __main__


def _defs(source: str) -> list[str]:
    tree = ast.parse(source)
    return [ast.dump(n) for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Import |
                                                         ast.ImportFrom)]


@pytest.mark.parametrize("name", NAMES)
def test_nbgrader_points_are_the_kits(release, name):
    nb = json.loads((release / "nbgrader" / "source" / name / f"{name}.ipynb").read_bytes())
    graded = [c["metadata"]["nbgrader"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids))
    assert sum(g["points"] for g in graded) == pytest.approx(sum(exercise_points(Assignment(name)).values()))
    hidden = [c for c in nb["cells"] if "check_hidden(" in "".join(c["source"])]
    assert len(hidden) == sum(1 for g in graded if g["points"] > 0)


def _simulate_nbgrader(notebook: Path) -> tuple[float, float, list[str]]:
    """Execute a notebook's code cells in order in one fresh process, as nbgrader's kernel does."""
    script = r"""
import json, os, sys
nb = json.load(open(sys.argv[1]))
os.chdir(os.path.dirname(os.path.abspath(sys.argv[1]))); sys.path.insert(0, os.getcwd())
ns, score, total, failed = {"__name__": "__main__"}, 0.0, 0.0, []
for cell in nb["cells"]:
    if cell["cell_type"] != "code":
        continue
    meta = cell["metadata"].get("nbgrader", {})
    try:
        exec(compile("".join(cell["source"]), cell["id"], "exec"), ns)
        ok = True
    except Exception as e:
        ok = False
        failed.append(f"{cell['id']}: {type(e).__name__}: {str(e)[:300]}")
    if meta.get("grade"):
        total += meta["points"]
        score += meta["points"] if ok else 0.0
print(json.dumps([score, total, failed]))
"""
    course_side = notebook.parents[2] / HIDDEN_FOLDER
    proc = subprocess.run([sys.executable, "-c", script, str(notebook)], capture_output=True, text=True,
                          env=_env(PYTHONPATH="", KIT_HIDDEN_CHECKS=str(course_side)), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    score, total, failed = json.loads(proc.stdout.strip().splitlines()[-1])
    return score, total, failed


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_nbgrader_source_notebook_passes_its_own_tests(release, name):
    """Without nbgrader: the source notebook (the reference in its solution cells) passes every test cell,
    run in order in one process as nbgrader's kernel runs them (the harness serves its own copy of the kit)."""
    folder = release / "nbgrader" / "source" / name
    score, total, failed = _simulate_nbgrader(folder / f"{name}.ipynb")
    assert not failed and score == total > 0, "\n".join(failed)


# A student's cell that draws each plotting exercise, as they would try it in Jupyter.
TRY_PLOTS = {
    "linear_regression": {"plot_normals": "fig = plot_normals()"},
    "gradient_descent": {"plot_cost": "fig = plot_cost([0.0, 1.0, 2.0], [4.0, 1.0, 0.0])"},
    "linear_regression_concise": {
        "plot_fit": "X = torch.linspace(-1, 1, 20).reshape(-1, 1)\nfig = plot_fit(linear_net(1), X, X**3)"},
    "logistic_regression": {"plot_probability": "fig = plot_probability(LogisticRegressionModel())"},
    "softmax_regression": {"show_images": "fig = show_images(torch.rand(2, 28, 28), 1, 2, titles=['a', 'b'])"},
}


def _plot_exercises(assignment: Assignment) -> set[str]:
    tree = ast.parse(assignment.solution.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.returns is not None
            and ast.unparse(n.returns).split(".")[-1] == "Figure"}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_handout_notebook_draws_its_plots_inline(release, name, tmp_path):
    """Executed in a Jupyter kernel (nbclient), the filled handout notebook shows each plot as an image: the
    backend is the kernel's (inline), not one the student's module forces; grading sets its own (Agg)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    assignment = Assignment(name)
    assert set(TRY_PLOTS[name]) == _plot_exercises(assignment)
    folder = tmp_path / name
    shutil.copytree(release / name, folder)
    filled = fill_notebook((folder / f"{name}.ipynb").read_bytes(), assignment.solution.read_text(encoding="utf-8"))
    nb = nbformat.reads(filled.decode(), as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.get("id") == "self-check":
            continue  # it reads the saved notebook; not what this test is about
        cells.append(cell)
        if cell.get("id") in TRY_PLOTS[name]:
            cells.append(nbformat.v4.new_code_cell(TRY_PLOTS[name][cell["id"]], id=f"try-{cell['id']}"))
    nb.cells = cells
    env = {k: v for k, v in _env().items() if k != "MPLBACKEND"}
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    for exercise in TRY_PLOTS[name]:
        outputs = next(c for c in nb.cells if c.get("id") == f"try-{exercise}").outputs
        kinds = [o.get("output_type") for o in outputs]
        assert any("image/png" in o.get("data", {}) for o in outputs), (exercise, kinds, outputs)


# ---------------------------------------------------------------- the real nbgrader


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _feedback_text(page: str) -> str:
    """What a student reads on an nbgrader feedback page: its text, without markup (code is split in spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
def test_real_nbgrader_grades_like_the_kit_and_its_feedback_holds_no_solution(release, tmp_path):
    """The whole nbgrader flow, as an instructor runs it: generate_assignment, autograde, generate_feedback,
    release_feedback. Scores are the kit's, no checksum warning fires, and nothing a student receives, the
    released notebook or any feedback page, holds a line of the solution that the student did not write."""
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install nbgrader)")
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(release / "nbgrader", course)
    _nbgrader(course, "generate_assignment", MAIN, "--force")
    released = course / "release" / MAIN / f"{MAIN}.ipynb"
    assignment = Assignment(MAIN)
    texts = {f"folder:{p.name}": p.read_text(encoding="utf-8") for p in released.parent.iterdir()}
    texts[f"folder:{released.name}"] = "\n".join(
        "".join(c["source"]) for c in json.loads(released.read_bytes())["cells"])
    assert_no_leak(texts, assignment)

    solution = assignment.solution.read_text(encoding="utf-8")
    mistake = next(m for m in catalogue(MAIN)[0] if m.exercise == "sgd")
    sources = {"filled": solution, "untouched": None, "mistaken": mistake.source(solution)}
    notebooks_by_student = {}
    for student, source in sources.items():
        data = released.read_bytes() if source is None else fill_notebook(released.read_bytes(), source)
        folder = course / "submitted" / student / MAIN
        folder.mkdir(parents=True)
        (folder / f"{MAIN}.ipynb").write_bytes(data)
        # What `nbgrader submit` and `collect` leave next to a submission (release_feedback files by the secret).
        (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
        notebooks_by_student[student] = data
    proc = _nbgrader(course, "autograde", MAIN)
    assert "has changed" not in proc.stdout + proc.stderr  # no cell differs from the source: no checksum warning

    kit = tmp_path / "kit"
    kit.mkdir()
    for student, source in sources.items():
        (kit / f"{student}.py").write_text(source or stub_for(assignment.solution), encoding="utf-8")
    kit_scores = {r.student: r.score for r in grade(assignment, kit, tmp_path / "out", workers=2, quiet=True).results}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="d2l-linear-networks") as gb:
        scores = {s: gb.find_submission(MAIN, s).score for s in sources}
        filled = gb.find_submission(MAIN, "filled")
        assert filled.max_score == pytest.approx(sum(exercise_points(assignment).values()))
        assert filled.score == filled.max_score, [
            (g.name, g.score) for nb in filled.notebooks for g in nb.grades if g.score != g.max_score]
    assert scores == pytest.approx(kit_scores)
    assert scores["untouched"] == 0 < scores["mistaken"] < scores["filled"]

    _nbgrader(course, "generate_feedback", MAIN)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange is shared by the course's users
    _nbgrader(course, "release_feedback", MAIN, f"--Exchange.root={exchange}")
    pages = sorted(exchange.rglob("*.html"))
    assert len(pages) == len(sources), pages
    for student, data in notebooks_by_student.items():
        page = (course / "feedback" / student / MAIN / f"{MAIN}.html").read_text(encoding="utf-8")
        assert any(p.read_text(encoding="utf-8") == page for p in pages)  # the page released is this page
        text = _feedback_text(page)
        assert "check_hidden(" in text and ("CheckFailed" in text) == (student != "filled")
        # The cause grading names, named in the kernel too (the course side's catalogue), and only where it is so.
        assert (f"Cause: {mistake.cause}" in text) == (student == "mistaken"), (student, text[-3000:])
        # What the student wrote comes back to them; nothing else of the solution may.
        own = {_norm(x) for x in notebook_to_source(data).splitlines() if x.strip()}
        lines = [x for x in text.splitlines() if _norm(x) not in own]
        assert_no_leak({f"feedback:{student}/{MAIN}.html": "\n".join(lines)}, assignment)


@pytest.mark.slow
def test_nbgrader_hidden_check_cell_needs_the_course_side(release, tmp_path):
    """In a student's copy a hidden check only says when it runs; where nbgrader grades, it cannot pass unseen."""
    folder = release / "nbgrader" / "source" / MAIN
    call = "import kit_checks; kit_checks.check_hidden('sgd', 1)"
    home = tmp_path / "home"
    grading = tmp_path / "autograded" / "someone" / MAIN
    for where in (home, grading):
        shutil.copytree(folder, where)
    env = _env(PYTHONPATH="")
    env.pop("KIT_HIDDEN_CHECKS", None)
    at_home = _run([sys.executable, "-c", call], home, env)
    assert at_home.returncode == 0 and "it runs when your instructor grades" in at_home.stdout, at_home.stderr
    unset = _run([sys.executable, "-c", call], grading, env)
    assert unset.returncode != 0 and "KIT_HIDDEN_CHECKS is not set" in unset.stderr
    wrong = _run([sys.executable, "-c", call], home, {**env, "KIT_HIDDEN_CHECKS": str(tmp_path)})
    assert wrong.returncode != 0 and "holds no hidden checks" in wrong.stderr


def test_nbgrader_course_keeps_the_hidden_side_out_of_what_nbgrader_copies(release):
    """``source/<assignment>/`` is what generate_assignment copies to students, and its test cells are what
    feedback shows: no solution and no hidden check there. The course side has them, and the config
    points the kernel at it."""
    course = release / "nbgrader"
    for name in NAMES:
        assignment = Assignment(name)
        source = course / "source" / name
        notebook = json.loads((source / f"{name}.ipynb").read_bytes())
        kept = [c for c in notebook["cells"] if not c["metadata"].get("nbgrader", {}).get("solution")]
        texts = {f"folder:{name}.ipynb": "\n".join("".join(c["source"]) for c in kept),
                 f"folder:{HARNESS_FILE}": (source / HARNESS_FILE).read_text(encoding="utf-8")}
        assert sorted(p.name for p in source.iterdir()) == sorted([f"{name}.ipynb", HARNESS_FILE])
        assert_no_leak(texts, assignment)
        side = course / HIDDEN_FOLDER / name
        assert (side / "reference.py").read_text(encoding="utf-8") == notebooks.strip_markers(
            assignment.solution.read_text(encoding="utf-8"))
        table = json.loads((side / "checks.json").read_text(encoding="utf-8"))
        named = [(m, n) for checks in table.values() for m, n in checks]
        assert {n for _, n in named} == check_names([assignment.suite(True)])
        assert len(set(named)) == len(named) == len(suite_checks(assignment, True))
        calls = [c for c in notebook["cells"] if "check_hidden(" in "".join(c["source"])]
        assert len(calls) == sum(len(v) for v in table.values())
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f'os.environ["KIT_HIDDEN_CHECKS"] = str(Path(__file__).resolve().parent / "{HIDDEN_FOLDER}")' in config


# ---------------------------------------------------------------- Gradescope


def _validate_gradescope(data: dict) -> None:
    assert isinstance(data["score"], int | float) and not isinstance(data["score"], bool)
    assert isinstance(data["tests"], list) and data["tests"]
    for t in data["tests"]:
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], int | float) and isinstance(t["max_score"], int | float)
        assert 0 <= t["score"] <= t["max_score"]
        assert isinstance(t["output"], str)
        assert t["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))


@pytest.mark.slow
def test_gradescope_autograder(release, tmp_path):
    root = tmp_path / "autograder"
    _unzip(release / "gradescope" / f"{MAIN}.zip", root / "source")
    source = root / "source"
    for script in ("setup.sh", "run_autograder"):
        assert os.access(source / script, os.X_OK), f"{script} is not executable"
    setup = (source / "setup.sh").read_text()
    assert '"torch==2.13.0"' in setup and "pip install -e" in setup
    subprocess.run(["bash", "-n", str(source / "setup.sh")], check=True)
    assert (source / "solutions" / f"{MAIN}.py").is_file()
    assert sorted(p.name for p in (source / "autograder" / "suites").iterdir() if p.is_dir()) == [MAIN]

    assignment = Assignment(MAIN)
    kit_max = sum(exercise_points(assignment).values())
    handout_nb = (release / MAIN / f"{MAIN}.ipynb").read_bytes()
    cases = [
        ("reference", {f"{MAIN}.py": assignment.solution.read_bytes()}, kit_max),
        ("stub", {f"{MAIN}.py": stub_for(assignment.solution).encode()}, 0),
        ("notebook", {f"work/{MAIN}.ipynb": fill_notebook(handout_nb, assignment.solution.read_text())}, kit_max),
    ]
    for label, files, expected in cases:
        shutil.rmtree(root / "submission", ignore_errors=True)
        shutil.rmtree(root / "results", ignore_errors=True)
        for rel, data in files.items():
            (root / "submission" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "submission" / rel).write_bytes(data)
        proc = _run([sys.executable, str(source / "run_autograder")], tmp_path, _env(AUTOGRADER_ROOT=str(root)))
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        data = json.loads((root / "results" / "results.json").read_text())
        _validate_gradescope(data)
        assert data["score"] == pytest.approx(expected), (label, proc.stdout[-3000:])
        statuses = {t["status"] for t, h in zip(data["tests"], data["extra_data"]["hidden"]) if not h}
        assert statuses == ({"passed"} if expected else {"failed"}), (label, statuses)
        assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(kit_max)
        _assert_visibility(data, assignment, "visible", "after_published")
        assert "checks are shown once your instructor publishes the grades" in data["output"]

    # The instructor's choice, as release writes it: hidden checks after the due date, one of them never.
    one_check = sorted(check_names([assignment.suite(True)]))[0]
    (source / "visibility.json").write_text(json.dumps({"public": "visible", "hidden": "after_due_date",
                                                        "checks": {one_check: "hidden"}}))
    proc = _run([sys.executable, str(source / "run_autograder")], tmp_path, _env(AUTOGRADER_ROOT=str(root)))
    data = json.loads((root / "results" / "results.json").read_text())
    _assert_visibility(data, assignment, "visible", "after_due_date", {one_check: "hidden"})
    assert "checks are shown after the due date" in data["output"] and "1 check is not shown to you" in data["output"]


def _assert_visibility(data: dict, assignment: Assignment, public: str, hidden: str,
                       checks: dict[str, str] | None = None) -> None:
    """Each test's visibility is the configured one, and tests come by exercise, in assignment order."""
    names, flags = data["extra_data"]["tests"], data["extra_data"]["hidden"]
    expected = [(checks or {}).get(n, hidden if h else public) for n, h in zip(names, flags)]
    assert [t["visibility"] for t in data["tests"]] == expected
    assert any(flags)  # grading runs the hidden suite: its checks are what Gradescope holds back
    # The public checks ride along for 0 points, so students see at once what the self-check would say.
    public = [t for t, h in zip(data["tests"], flags) if not h]
    assert {n for n, h in zip(names, flags) if not h} == check_names([assignment.suite(False)])
    assert all(t["max_score"] == 0 == t["score"] for t in public)
    order = [assignment.exercises.index(t["tags"][0]) for t in data["tests"]]
    assert order == sorted(order)


# ---------------------------------------------------------------- one submission, three forms, one grade


@pytest.mark.slow
def test_module_and_notebooks_get_the_same_grade(release, tmp_path):
    assignment = Assignment(MAIN)
    solution = assignment.solution.read_text(encoding="utf-8")
    handout_nb = (release / MAIN / f"{MAIN}.ipynb").read_bytes()
    course_nb = (release / "nbgrader" / "source" / MAIN / f"{MAIN}.ipynb").read_bytes()
    mistakes, _ = catalogue(MAIN)
    picked = {}
    for m in mistakes:  # one mistake per exercise, three exercises
        picked.setdefault(m.exercise, m)
    versions = {"reference": solution, "stub": stub_for(assignment.solution)}
    versions.update({m.name: m.source(solution) for m in list(picked.values())[:3]})
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, source in versions.items():
        (folder / f"{name}__py.py").write_text(source, encoding="utf-8")
        for form, nb in (("handout", handout_nb), ("nbgrader", course_nb)):
            # Submitted as notebooks: intake turns them into modules, as it does for a class.
            (folder / f"{name}__{form}.ipynb").write_bytes(fill_notebook(nb, source))
    batch = grade(assignment, folder, tmp_path / "out", workers=2, seed=12345, quiet=True)
    results = {r.student: r for r in batch.results}
    for name in versions:
        points = {form: results[f"{name}__{form}"].exercise_points() for form in ("py", "handout", "nbgrader")}
        assert points["py"] == points["handout"] == points["nbgrader"], (name, points)
    assert results["reference__py"].score == results["reference__py"].max_score > 0
    assert results["stub__py"].score == 0
    for name in versions:
        if name not in ("reference", "stub"):
            assert 0 < results[f"{name}__nbgrader"].score < results["reference__py"].max_score


# ---------------------------------------------------------------- reproducible


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_release_is_byte_identical_when_rebuilt(tmp_path):
    build_release(tmp_path / "first")
    build_release(tmp_path / "again")
    again = tmp_path / "again"
    first, second = _tree(tmp_path / "first"), _tree(again)
    assert sorted(first) == sorted(second)
    for rel in first:
        assert first[rel] == second[rel], f"{rel} differs between two builds"
    with zipfile.ZipFile(again / f"{MAIN}.zip") as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_harness_public_part_holds_no_hidden_module(release):
    for name in NAMES:
        public, hidden = harness_modules(Assignment(name))
        assert not any(".hidden" in m for m in public), name
        kit_checks = (release / "nbgrader" / "source" / name / "kit_checks.py").read_text()
        for module in hidden:
            if hidden[module][0].strip():
                assert repr(module) not in kit_checks, (name, module)
