"""The class report (OUT/report.html) and per-student HTML feedback, on the bundled sample class."""

from __future__ import annotations

import copy
import html
import json
import random
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.assignments import ROOT, Assignment
from autograder.catalog import exercise_points
from autograder.checks import record_curve, recording_curves
from autograder.grade import grade
from autograder.report import write_report
from autograder.results import FAILED, MAX_CURVE_POINTS, PASSED, Curve, StudentResult, read_results

SAMPLES = ROOT / "samples" / "linear_regression"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    grade(Assignment("linear_regression"), SAMPLES, out, workers=2, quiet=True)
    write_report(out)
    return out


class Page(HTMLParser):
    """What the tests look at: links, image sources, and the students table as rows of cells."""

    def __init__(self, text: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.headers: list[str] = []
        self.rows: list[list[dict]] = []
        self._in_table = self._in_head = False
        self._cell: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])
        if tag == "table" and a.get("id") == "students":
            self._in_table = True
        elif self._in_table and tag == "thead":
            self._in_head = True
        elif self._in_table and tag == "tr" and not self._in_head:
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._cell = {"class": a.get("class", ""), "title": a.get("title", ""), "text": ""}

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            if self._in_head:
                self.headers.append(self._cell["text"].strip())
            else:
                self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def table(out: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The students table: exercises in column order, and per student {column: text or cell class}."""
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    exercises = page.headers[3:-3]
    rows = {}
    for cells in page.rows:
        student = cells[0]["text"].strip()
        row = {"score": cells[1]["text"].strip()}
        for name, cell in zip(exercises, cells[3:]):
            row[name] = next(k for k in ("passed", "failed", "notimpl") if k in cell["class"].split())
        rows[student] = row
    return exercises, rows


# ---------------------------------------------------------------------------------------------- structure


@pytest.mark.slow
def test_report_lists_every_student_with_a_feedback_page(graded):
    text = (graded / "report.html").read_text(encoding="utf-8")
    students = [r.student for r in read_results(graded)]
    assert len(students) == 7
    page = Page(text)
    for student in students:
        assert f">{student}</a>" in text
        assert f"feedback/{student}.html" in page.hrefs
        assert (graded / "feedback" / f"{student}.html").is_file()
        assert (graded / "feedback" / f"{student}.md").is_file()  # the markdown stays beside it
    for href in page.hrefs:  # every link resolves to a file we wrote, or an anchor on the page
        assert href.startswith("#") or (graded / href).is_file(), href


def test_report_shows_the_sample_class_distribution(graded):
    exercises, rows = table(graded)
    assert exercises == Assignment("linear_regression").exercises  # assignment order
    assert set(rows) == {"ada_lovelace", "alan_turing", "barbara_liskov", "edsger_dijkstra", "grace_hopper",
                         "john_von_neumann", "katherine_johnson"}

    def failing(student: str) -> set[str]:
        return {e for e in exercises if rows[student][e] != "passed"}

    full = f"{sum(exercise_points(Assignment('linear_regression')).values()):g}"
    for student in ("ada_lovelace", "alan_turing"):
        assert rows[student]["score"] == f"{full} / {full}"
        assert failing(student) == set()
    assert rows["barbara_liskov"]["score"] == f"0 / {full}"
    assert {rows["barbara_liskov"][e] for e in exercises} == {"notimpl"}
    assert failing("grace_hopper") == {"sgd"}
    assert failing("katherine_johnson") == {"squared_loss"}
    assert failing("john_von_neumann") == {"sgd", "data_iter"}

    barbara = (graded / "feedback" / "barbara_liskov.html").read_text(encoding="utf-8")
    assert "not implemented yet" in barbara.lower()
    grace = (graded / "feedback" / "grace_hopper.html").read_text(encoding="utf-8")
    assert "needs work" in grace and full in grace


def test_report_has_the_class_sections(graded):
    text = (graded / "report.html").read_text(encoding="utf-8")
    for needle in ("Score distribution", "students passing each exercise", "Where the class struggled", "Timing",
                   "timed-out", "isolation: ", "autograder 0.", "torch 2.", 'id="students"'):
        assert needle in text, needle
    assert text.count("data:image/png;base64,") == 2  # two plots for the class, however large
    # the most common failure of sgd in this class is named, with its count
    sgd = text[text.index("<code>sgd</code></h3>"):]
    sgd = sgd[: sgd.index("</table>")]
    assert re.search(r'class="count">[12]<', sgd)


def test_pages_are_self_contained(graded):
    pages = [graded / "report.html", *sorted((graded / "feedback").glob("*.html"))]
    assert len(pages) == 8
    similar = sorted((graded / "similarity").glob("*.html"))
    assert similar  # the samples are copies of the reference with a mistake or two
    for path in pages + similar:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
        assert "<link" not in text and "@import" not in text and "url(" not in text, path
        page = Page(text)
        assert all(src.startswith("data:image/png;base64,") for src in page.srcs), path
        assert "Content-Security-Policy" in text and "default-src 'none'" in html.unescape(text), path
        assert "<script" not in text or path.name == "report.html", path
    assert "<script" not in (graded / "feedback" / "grace_hopper.html").read_text(encoding="utf-8")


def _result_json(graded: Path, student: str) -> dict:
    return json.loads((graded / "results" / f"{student}.json").read_text(encoding="utf-8"))


def test_hostile_messages_and_names_are_escaped(graded, tmp_path):
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    data = _result_json(graded, "grace_hopper")
    failed = next(i for i, s in enumerate(data["extra_data"]["statuses"]) if s == FAILED)
    data["tests"][failed]["output"] = f'{HOSTILE} <img src=x onerror="alert(2)"> & "quotes"'
    data["tests"][failed]["extra_data"] = {"curves": [  # an edited results file: curves are read defensively
        {"name": HOSTILE, "ylabel": HOSTILE, "student": [1.0, "2", None, float("inf"), -1, True, {"x": 1}, 0.5],
         "reference": [1.0, 0.5], "student_length": -3, "reference_length": 10**12},
        "junk", {"student": "x", "reference": []}]}
    (out / "results" / "grace_hopper.json").write_text(json.dumps(data))
    evil = copy.deepcopy(data)
    evil["extra_data"]["student"] = "../../<b>evil</b>"
    evil["extra_data"]["error"] = HOSTILE
    (out / "results" / "evil.json").write_text(json.dumps(evil))

    write_report(out)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert written == ["feedback/b_evil__b.html", "feedback/grace_hopper.html", "report.html"]  # nothing escaped
    for path in (out / "report.html", out / "feedback" / "grace_hopper.html", out / "feedback" / "b_evil__b.html"):
        text = path.read_text(encoding="utf-8")
        assert HOSTILE not in text and "<img src=x" not in text and "<b>evil" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
    grace = next(r for r in read_results(out) if r.student == "grace_hopper")
    [curve] = grace.outcomes[failed].curves
    assert curve.student == (1.0, None, None, None, -1.0, None, None, 0.5) and curve.student_length == 8
    assert curve.reference_length == 2
    # this one and train's own
    assert (out / "feedback" / "grace_hopper.html").read_text(encoding="utf-8").count('<figure class="curve">') == 2
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;evil&lt;/b&gt;" in report
    # Escaped (markupsafe writes a quote as &#34;), and shown as the text it was.
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &amp; &#34;quotes&#34;" in report
    assert '<img src=x onerror="alert(2)"> & "quotes"' in html.unescape(report)


# ---------------------------------------------------------------------------------------------- what graded


def test_results_record_what_graded_them(graded):
    import platform

    import torch

    for r in read_results(graded):
        assert r.environment == {"kit": "0.1.0", "torch": torch.__version__, "python": platform.python_version()}
        assert r.isolation in ("namespaces", "rlimits")
    data = _result_json(graded, "grace_hopper")
    assert StudentResult.from_gradescope(data).to_gradescope() == data  # curves and versions round-trip


def test_the_report_shows_the_recorded_versions_not_its_own(graded, tmp_path):
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    for k, student in enumerate(("ada_lovelace", "grace_hopper", "john_von_neumann")):
        data = _result_json(graded, student)
        data["extra_data"]["versions"]["torch"] = "1.99.0+test" if k else "1.98.7+test"
        data["extra_data"]["isolation"] = "rlimits"
        (out / "results" / f"{student}.json").write_text(json.dumps(data))
    text = write_report(out).read_text(encoding="utf-8")
    env = text[text.index("<h2>Grading environment</h2>"):]
    env = env[: env.index("</table>")]
    assert "1.99.0+test \u00d72, 1.98.7+test \u00d71" in env  # each value, most common first, with counts
    assert "rlimits" in env and "namespaces" not in env
    assert "in this environment" not in env and "regrade with" in env
    assert "1.98.7+test" in (out / "feedback" / "ada_lovelace.html").read_text(encoding="utf-8")

    # A result from before versions were recorded: this environment's stand in, and say so.
    data = _result_json(graded, "alan_turing")
    del data["extra_data"]["versions"], data["extra_data"]["isolation"]
    shutil.rmtree(out / "results")
    (out / "results").mkdir()
    (out / "results" / "alan_turing.json").write_text(json.dumps(data))
    text = write_report(out, kit={"kit": "7.7.7", "torch": "7.8.9", "python": "3.99.0"}).read_text(encoding="utf-8")
    assert "torch 7.8.9 (this environment; not recorded by the results)" in text
    assert "isolation: unknown" in text
    feedback = (out / "feedback" / "alan_turing.html").read_text(encoding="utf-8")
    assert "report by autograder 7.7.7 (the grading did not record its version)" in feedback


# ---------------------------------------------------------------------------------------------- loss curves


def test_record_curve_keeps_only_real_numbers():
    import numpy as np
    import torch

    record_curve("outside a check", [1.0], [1.0])  # no check running: nothing to attach it to, no error
    with recording_curves() as curves:
        record_curve("not returned", "losses", [1.0, 0.5])
        record_curve("empty", [], [1.0])
        record_curve("no numbers at all", ["0.5", None, [1.0]], [1.0])
        record_curve("mixed", [2.0, "1e3", float("nan"), float("inf"), 10**400, True, torch.tensor(0.25),
                               np.float32(0.125), torch.ones(2), None, 1 / 3], torch.tensor([2.0, 1.0]))
        record_curve("long", list(range(5000)), np.arange(3, dtype=np.float64))
    assert [c.name for c in curves] == ["mixed", "long"]
    mixed, long = curves
    assert mixed.student == (2.0, None, None, None, None, None, 0.25, 0.125, None, None, 0.333333)
    assert mixed.reference == (2.0, 1.0) and mixed.student_length == 11
    assert len(long.student) == MAX_CURVE_POINTS and long.student_length == 5000
    assert long.student[0] == 0 and long.student[-1] == 4999  # first and last epochs kept
    assert long.epochs("student")[:3] == [1, 6, 11] and long.epochs("student")[-1] == 5000
    for c in curves:
        assert Curve.from_json(json.loads(json.dumps(c.to_json()))) == c


def test_loss_curve_plots_do_not_depend_on_what_was_drawn_before():
    """The canvas is reused between students: no scale, marker, note or legend may carry over."""
    from autograder import report

    curves = [
        Curve("log scale", (0.6, 0.06, 0.0006, 5e-5), (0.5, 0.05, 0.0005, 5e-5), 4, 4),
        Curve("linear scale", (0.7, 0.6, 0.55, 0.5), (0.69, 0.6, 0.52, 0.49), 4, 4, "BCE loss"),
        Curve("not finite", (0.6, None, None, 5e-5), (0.5, 0.05, 0.0005, 5e-5), 4, 4),
        Curve("nothing of the student's to draw", (None, None), (0.5, 0.05), 2, 2),
        Curve("nothing at all to draw, so no legend", (None, None), (None,), 2, 1),
        Curve("no markers past 40 points", tuple(0.9**i for i in range(60)), tuple(0.8**i for i in range(60)),
              60, 60, "cost"),
    ]
    fresh = {}
    for c in curves:
        report._curve_canvas = None  # a new figure for each: the baseline
        report.loss_curve_plot.cache_clear()
        fresh[c.name] = report.loss_curve_plot(c)
    for c in curves + curves[::-1]:
        report.loss_curve_plot.cache_clear()
        assert report.loss_curve_plot(c) == fresh[c.name], f"{c.name} drew differently after other curves"
    report.loss_curve_plot.cache_clear()


def test_feedback_plots_the_loss_curve_of_a_convergence_check(graded):
    import base64

    data = _result_json(graded, "john_von_neumann")
    tests = [t for t in data["tests"] if "extra_data" in t]
    assert [t["tags"] for t in tests] == [["train"]]  # in Gradescope's per-test extra_data
    curve = tests[0]["extra_data"]["curves"][0]
    assert curve["student_length"] == curve["reference_length"] == 4 and len(curve["student"]) == 4
    assert all(isinstance(v, float) and v > 0 for v in curve["student"] + curve["reference"])
    assert "`loss` curve for `train(" in (graded / "feedback" / "john_von_neumann.md").read_text(encoding="utf-8")

    text = (graded / "feedback" / "john_von_neumann.html").read_text(encoding="utf-8")
    train = text[text.index("<code>train</code>"):]
    assert train.count('<figure class="curve">') == 1 and "reference solution" in train
    src = Page(train).srcs[0]
    png = graded / "curve.png"
    png.write_bytes(base64.b64decode(src.split(",", 1)[1]))
    assert distinct_colours(png) > 50  # axes, text and two lines, not an empty frame
    barbara = (graded / "feedback" / "barbara_liskov.html").read_text(encoding="utf-8")
    assert "curve" not in barbara.split("<main>")[1]  # nothing returned, nothing plotted

    before = text
    write_report(graded)
    assert (graded / "feedback" / "john_von_neumann.html").read_text(encoding="utf-8") == before  # same bytes


def test_edge_cases_render(graded, tmp_path):
    empty = tmp_path / "empty"
    report = write_report(empty)
    assert "No results yet" in report.read_text(encoding="utf-8")

    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    intake = StudentResult(student="no_module", assignment="linear_regression",
                           exercises=Assignment("linear_regression").exercises,
                           error="no linear_regression.py found in your submission")
    (out / "results" / "no_module.json").write_text(json.dumps(intake.to_gradescope()))
    text = write_report(out).read_text(encoding="utf-8")  # one student, no checks at all: max_score 0
    assert "no_module" in text and "n/a" in text and "maximum score 0" in text
    feedback = (out / "feedback" / "no_module.html").read_text(encoding="utf-8")
    assert "could not be graded" in feedback and "no linear_regression.py found" in feedback

    only = write_report(out, [intake]).read_text(encoding="utf-8")  # an explicit batch: the files are not read
    assert "1 submission " in only

    shutil.copy(graded / "results" / "grace_hopper.json", out / "results")
    text = write_report(out).read_text(encoding="utf-8")
    assert "Submissions that failed as a whole" in text and text.count("data:image/png;base64,") == 2


def synthetic_class(graded: Path, out: Path, n: int = 500) -> None:
    """n results made from the sample class's, with failures, timeouts and numbers sprinkled in."""
    rng = random.Random(7)
    base = [_result_json(graded, s) for s in ("ada_lovelace", "grace_hopper", "john_von_neumann", "barbara_liskov",
                                              "edsger_dijkstra", "katherine_johnson")]
    (out / "results").mkdir(parents=True)
    for k in range(n):
        data = copy.deepcopy(rng.choice(base))
        data["extra_data"]["student"] = f"student_{k:03d}"
        data["execution_time"] = round(rng.uniform(0.2, 12.0), 3)
        for i, status in enumerate(data["extra_data"]["statuses"]):
            if status == PASSED and rng.random() < 0.05:
                data["extra_data"]["statuses"][i] = FAILED
                data["tests"][i]["score"] = 0.0
                data["tests"][i]["output"] = rng.choice([
                    f"got {rng.random():.4f}, expected {rng.random():.4f}: check the sign",
                    "train did not return within 10 s: look for an infinite loop",
                    "the shape is wrong: reshape y to y_hat's shape"])
        data["score"] = sum(t["score"] for t in data["tests"])
        (out / "results" / f"student_{k:03d}.json").write_text(json.dumps(data))


def test_a_class_of_500_renders_in_a_few_seconds(graded, tmp_path):
    out = tmp_path / "big"
    synthetic_class(graded, out)
    started = time.perf_counter()
    write_report(out)
    seconds = time.perf_counter() - started
    print(f"report for 500 students: {seconds:.2f} s")
    assert seconds < 10
    assert len(list((out / "feedback").glob("*.html"))) == 500
    text = (out / "report.html").read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 2
    assert len(Page(text).rows) == 500
    assert re.search(r"<b>\d+</b><span>timed-out checks</span>", text)


# ---------------------------------------------------------------------------------------------- browser


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not installed: apt-get install chromium")


def run_chromium(url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def console(proc: subprocess.CompletedProcess) -> list[str]:
    """What the page said on its console: errors, CSP violations, anything (our pages say nothing)."""
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def distinct_colours(png: Path) -> int:
    import numpy as np
    from matplotlib import image

    pixels = (image.imread(png)[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


@pytest.mark.slow
@pytest.mark.parametrize("page", ["report.html", "feedback/john_von_neumann.html",
                                  "similarity/ada_lovelace--alan_turing.html"])
def test_pages_render_in_a_browser(graded, tmp_path, page):
    shot = graded / "screenshots" / (Path(page).stem + ".png")
    shot.parent.mkdir(exist_ok=True)
    proc = run_chromium((graded / page).as_uri(), tmp_path / "profile", f"--screenshot={shot}",
                        "--window-size=1200,2000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    print(f"screenshot: {shot}")
    assert shot.is_file() and shot.stat().st_size > 20_000
    assert distinct_colours(shot) > 100  # text, plots and badges, not a blank page
    assert console(proc) == []


def test_the_students_table_sorts(graded, tmp_path):
    proc = run_chromium((graded / "report.html").as_uri(), tmp_path / "profile", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'data-sortable="ready"' in proc.stdout  # the inline script ran (the CSP hash matches)
    assert console(proc) == []

    # Click "score" (then click again) in a copy with a test script; the copy drops the CSP pinning our script.
    text = (graded / "report.html").read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    click = ('<script>var h = document.querySelectorAll("#students thead th")[1]; h.click(); '
             'document.body.setAttribute("data-asc", Array.from(document.querySelectorAll("#students tbody tr"))'
             '.map(function (r) { return r.cells[0].textContent.trim(); }).join(",")); h.click();</script>')
    clicked = graded / "report_sort_test.html"
    clicked.write_text(text.replace("</body>", click + "</body>"), encoding="utf-8")
    try:
        proc = run_chromium(clicked.as_uri(), tmp_path / "profile", "--dump-dom")
    finally:
        clicked.unlink()
    assert console(proc) == []
    ascending = re.search(r'data-asc="([^"]*)"', proc.stdout).group(1).split(",")
    scores = {r.student: r.score for r in read_results(graded)}
    assert [scores[s] for s in ascending] == sorted(scores.values())
    assert ascending[:2] == ["barbara_liskov", "edsger_dijkstra"]  # ties keep the table's (name) order
    page = Page(proc.stdout)
    descending = [row[0]["text"].strip() for row in page.rows]
    assert [scores[s] for s in descending] == sorted(scores.values(), reverse=True)
    assert 'aria-sort="descending"' in proc.stdout


@pytest.fixture(scope="module")
def stuck(tmp_path_factory) -> Path:
    """One student whose train never updates w and b (whatever the seed, its losses stay flat: checks fail)."""
    folder = tmp_path_factory.mktemp("stuck")
    solution = Assignment("linear_regression").solution.read_text(encoding="utf-8")
    changed = solution.replace("sgd([w, b], lr, batch_size)", "w.grad = b.grad = None")
    assert changed != solution
    (folder / "subs").mkdir()
    (folder / "subs" / "stuck.py").write_text(changed, encoding="utf-8")
    grade(Assignment("linear_regression"), folder / "subs", folder / "out", workers=1, quiet=True)
    return folder / "out"


def test_a_failing_convergence_check_gets_its_plot(stuck, tmp_path):
    [result] = read_results(stuck)
    [check] = [o for o in result.outcomes if o.curves]
    assert check.exercise == "train" and check.status == FAILED and "do not decrease" in check.message
    [curve] = check.curves
    assert curve.student[-1] > 100 * curve.reference[-1]
    markdown = (stuck / "feedback" / "stuck.md").read_text(encoding="utf-8")
    assert f"final loss {curve.student[-1]:.4g} after 4 epochs" in markdown

    # Only the plot left visible: what the browser drew there is the plot, not the rest of the page.
    page = (stuck / "feedback" / "stuck.html").read_text(encoding="utf-8")
    assert page.count('<figure class="curve">') == 1
    only = ("<style>body * { visibility: hidden; } figure.curve, figure.curve * { visibility: visible; } "
            "figure.curve { position: fixed; top: 0; left: 0; margin: 0; background: white; }</style></head>")
    copy = stuck / "feedback" / "stuck_plot_only.html"
    copy.write_text(page.replace("</head>", only), encoding="utf-8")
    shot = tmp_path / "plot.png"
    try:
        proc = run_chromium(copy.as_uri(), tmp_path / "profile", f"--screenshot={shot}", "--window-size=800,400")
    finally:
        copy.unlink()
    assert proc.returncode == 0 and console(proc) == [], proc.stderr[-2000:]
    assert distinct_colours(shot) > 50  # lines, ticks and labels; a blank or broken image is one or two colours


def test_not_implemented_page_renders(graded, tmp_path):
    """A page with no hint at all (barbara: nothing implemented) still renders cleanly."""
    shot = graded / "screenshots" / "barbara_liskov.png"
    shot.parent.mkdir(exist_ok=True)
    proc = run_chromium((graded / "feedback" / "barbara_liskov.html").as_uri(), tmp_path / "profile",
                        f"--screenshot={shot}", "--window-size=1000,1200")
    assert proc.returncode == 0 and console(proc) == []
    assert distinct_colours(shot) > 50


def test_a_submission_that_failed_as_a_whole_is_counted_apart_from_each_exercise():
    from autograder.report import class_stats, pass_rate_chart
    from autograder.results import TestOutcome as Outcome
    from tests.test_overrides import LR, result

    broken = result("edsger", failing=tuple(LR.exercises))
    broken.outcomes = [Outcome(o.test, o.name, o.exercise, o.points, 0.0, FAILED, "SyntaxError (line 98)")
                       for o in broken.outcomes]
    stats = class_stats([result("ada"), result("grace", failing=("sgd",)), broken])
    assert stats.whole == {"edsger": "SyntaxError (line 98)"}
    sgd, linreg = stats.per_exercise["sgd"], stats.per_exercise["linreg"]
    assert (sgd.passed, sgd.failed, sgd.whole) == (1, 1, 1)  # grace failed it; edsger is counted apart
    assert (linreg.passed, linreg.failed, linreg.whole) == (2, 0, 1)
    assert pass_rate_chart(stats) is not None


def test_one_vocabulary_of_statuses_in_every_output():
    from autograder.report import feedback_html, report_html
    from autograder.results import NOT_IMPLEMENTED, status_label
    from autograder.results import TestOutcome as Outcome
    from tests.test_overrides import result

    r = result("ada", failing=("sgd",))
    first = next(o for o in r.outcomes if o.exercise == "Timer")
    r.outcomes[r.outcomes.index(first)] = Outcome(first.test, first.name, "Timer", first.points, 0.0, NOT_IMPLEMENTED)
    labels = {s: status_label(s) for s in (PASSED, FAILED, NOT_IMPLEMENTED)}
    assert labels == {PASSED: "passed", FAILED: "needs work", NOT_IMPLEMENTED: "not implemented yet"}
    markdown, page = r.feedback_markdown(), html.unescape(feedback_html(r))
    report = html.unescape(report_html([r], {"kit": "0", "torch": "0", "python": "0"}))
    for label in labels.values():
        assert label in markdown and label in page and label in report, label
    assert "## `Timer`: 0 / 3 (not implemented yet)" in markdown and "## `sgd`: 0 / 4 (needs work)" in markdown
    assert 'title="not implemented yet"' in feedback_html(r) and 'title="sgd: 0/4 needs work"' in report_html([r])
