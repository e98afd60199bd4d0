"""The HTML pages: a student's feedback, the class report and the side-by-side view of similar code.

Each page is a template of ``autograder/templates`` (autoescaped); this module only gathers what
the templates show. A page is self-contained: plots are inline PNGs, the stylesheet is inline, and
the class page's one script (the table sort) is inline and pinned by hash in the page's
Content-Security-Policy; the other pages carry no script at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
import statistics
import time
from pathlib import Path

from markupsafe import Markup

from autograder.intake import student_id
from autograder.report import plots
from autograder.report.stats import (
    ENVIRONMENT,
    TIMEOUT_MARK,
    ClassStats,
    class_stats,
    grading_environment,
    normalise,
    versions,
    whole_failure,
)
from autograder.results import (
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    StudentResult,
    atomic_write,
    curve_summary,
    exercise_curves,
    read_results,
)
from autograder.similarity import Pair, Similarity
from autograder.similarity import read as read_similarity
from autograder.templates import asset, render

TOP_MESSAGES = 5  # failure messages shown per exercise
SLOWEST = 10  # submissions listed in the timing section
MESSAGE_CHARS = 600  # longest message shown on the class page (the feedback page shows it whole)
PALETTE = {"GREEN": plots.GREEN, "RED": plots.RED, "GREY": plots.GREY, "BLUE": plots.BLUE, "INK": plots.INK,
           "MUTED": plots.MUTED}
SORT_SCRIPT = "sort.js"  # sorts the students table on a header click


def feedback_name(student: str) -> str:
    """The feedback page's file name; never leaves ``feedback/`` whatever a results file says."""
    return f"{student_id(student)}.html"


def _pct(earned: float, total: float) -> float | None:
    return 100.0 * earned / total if total > 0 else None


def _csp(script: str | None) -> str:
    """No network, no plugins; the one script we ship runs, nothing else does."""
    if script is None:
        scripts = "'none'"
    else:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        scripts = f"'sha256-{digest}'"
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; "
            "base-uri 'none'; form-action 'none'")


def _page(template: str, title: str, stylesheet: str, script: str | None = None, **context: object) -> str:
    # The stylesheets and the script are the kit's own files, inlined as they are.
    css = render("base.css.j2", palette=PALETTE) + asset(stylesheet)
    return render(template, title=title, csp=_csp(script), css=Markup(css), script=Markup(script) if script else None,
                  palette=PALETTE, **context)


def _exercises(r: StudentResult, plot_curves: bool) -> list[dict]:
    """Per exercise, in assignment order, what the feedback shows of it."""
    scores = r.exercise_points()
    out = []
    for k, (name, tests) in enumerate(r.by_exercise().items()):
        curves = exercise_curves(tests)
        out.append({"k": k, "name": name, "tests": tests, "status": r.exercise_status(tests),
                    "score": scores[name], "total": sum(o.points for o in tests),
                    "adjustments": r.adjustments_of(name),
                    # A results file may be edited by hand: curve names are shown as text, never trusted.
                    "curves": [{"curve": c, "name": c.name, "ylabel": c.ylabel, "summary": curve_summary(c),
                                "plot": plots.loss_curve_plot(c) if plot_curves else None} for c in curves]})
    return out


def feedback_markdown(result: StudentResult) -> str:
    """``OUT/feedback/<student>.md``: what passed, what failed and why."""
    text = render("feedback.md.j2", r=result, exercises=_exercises(result, plot_curves=False))
    return text.rstrip() + "\n"


def feedback_html(result: StudentResult, kit_version: str = "") -> str:
    """One student's feedback: score, then each exercise with its checks and what to fix."""
    r = result
    exercises = _exercises(r, plot_curves=True)
    details = [f"graded in {r.seconds:.2f} s"]
    if r.seed:
        details.append(f"input seed {r.seed}")
    if r.source_sha256:
        details.append(f"file sha256 {r.source_sha256[:12]}")
    env = r.environment
    if env.get("kit"):  # what graded it, as recorded then; older results only know this environment's kit
        details.append(f"autograder {env['kit']}" + "".join(f", {label} {env[key]}" for label, key in ENVIRONMENT[1:]
                                                            if env.get(key)))
    elif kit_version:
        details.append(f"report by autograder {kit_version} (the grading did not record its version)")
    return _page("feedback.html.j2", f"{r.assignment}: feedback for {r.student}", "feedback.css", r=r,
                 pct=_pct(r.score, r.max_score), exercises=exercises, whole=whole_failure(r),
                 passed=sum(e["status"] == PASSED for e in exercises),
                 not_implemented=sum(e["status"] == NOT_IMPLEMENTED for e in exercises),
                 todo=[e for e in exercises if e["status"] == FAILED], details=details)


def write_feedback_html(out: Path, result: StudentResult, kit_version: str = "") -> Path:
    path = out / "feedback" / feedback_name(result.student)
    atomic_write(path, feedback_html(result, kit_version))
    return path


def _segments(code: str, slices: tuple[tuple[int, int], ...], cut: str = "") -> list[tuple[str, bool]]:
    """``code`` cut into (text, shared) runs at the shared slices; the line ``cut`` between two runs of the
    student's own code (see ``similarity.own_code``) shown as an ellipsis."""
    if cut:  # never shared (it is this student's alone), so always within one segment
        line = re.compile(rf"(?m)^{re.escape(cut)}$")
        return [(line.sub("\u22ef", text), shared) for text, shared in _segments(code, slices)]
    out, at = [], 0
    for start, end in sorted(slices):
        start, end = max(start, at), min(end, len(code))
        if start > at:
            out.append((code[at:start], False))
        if end > start:
            out.append((code[start:end], True))
            at = end
    if at < len(code):
        out.append((code[at:], False))
    return out


def similarity_page(assignment: str, pair: Pair, code_a: str, code_b: str, cuts: tuple[str, str] = ("", "")) -> str:
    """Two submissions' own code side by side, the code they share highlighted."""
    sides = [{"student": pair.a, "segments": _segments(code_a, pair.slices_a, cuts[0])},
             {"student": pair.b, "segments": _segments(code_b, pair.slices_b, cuts[1])}]
    return _page("similarity_pair.html.j2", f"{assignment}: similar code, {pair.a} and {pair.b}", "similarity.css",
                 assignment=assignment, pair=pair, sides=sides)


# ------------------------------------------------------------------------------------ the class page


def _cards(stats: ClassStats) -> list[tuple[str, str, bool]]:
    results = stats.results
    graded = [r for r in results if r.max_score > 0]
    pcts = [100.0 * r.score / r.max_score for r in graded]
    cards = [
        (f"{len(results)}", "submissions", False),
        (f"{statistics.mean(pcts):.0f}%" if pcts else "n/a", "mean score", False),
        (f"{statistics.median(pcts):.0f}%" if pcts else "n/a", "median score", False),
        (f"{sum(r.score >= r.max_score for r in graded)}", "full marks", False),
        (f"{sum(r.score <= 0 for r in results)}", "scored 0", False),
        (f"{len(stats.whole)}", "failed as a whole", bool(stats.whole)),
        (f"{sum(stats.timeouts.values())}", "timed-out checks", bool(stats.timeouts)),
    ]
    if stats.grader_errors:
        cards.append((f"{stats.grader_errors}", "checks the grader could not run", True))
    return cards


def _whole_groups(stats: ClassStats) -> list[list[StudentResult]]:
    """Submissions that failed as a whole, grouped by their reason (numbers aside), the largest group first."""
    groups: dict[str, list[StudentResult]] = {}
    for r in stats.results:
        if r.student in stats.whole:
            groups.setdefault(normalise(stats.whole[r.student]), []).append(r)
    return sorted(groups.values(), key=lambda m: (-len(m), m[0].student))


def _timing(stats: ClassStats) -> dict | None:
    seconds = sorted(r.seconds for r in stats.results)
    if not seconds:
        return None
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    timeouts = sum(stats.timeouts.values())
    summary = (f"median {statistics.median(seconds):.2f} s · 95th percentile {p95:.2f} s · "
               f"slowest {seconds[-1]:.2f} s · total {sum(seconds):.1f} s of judge time · "
               f"{timeouts} timed-out check{'s' * (timeouts != 1)} in {len(stats.timeouts)} submission"
               f"{'s' * (len(stats.timeouts) != 1)}")
    return {"summary": summary, "slowest": sorted(stats.results, key=lambda r: (-r.seconds, r.student))[:SLOWEST]}


def _students(stats: ClassStats) -> list[dict]:
    rows = []
    for r in sorted(stats.results, key=lambda r: r.student):
        groups, scores = r.by_exercise(), r.exercise_points()
        cells = []
        for name in stats.exercises:
            tests = groups.get(name, [])
            total = sum(o.points for o in tests)
            earned = scores.get(name, 0.0)
            cells.append({"name": name, "status": r.exercise_status(tests), "earned": earned, "total": total,
                          "fraction": earned / total if total else -1, "adjusted": bool(r.adjustments_of(name))})
        note = r.error[:79].rstrip() + "\u2026" if len(r.error) > 80 else r.error
        if r.adjustments:
            note += ("; " if note else "") + "adjusted: " + ", ".join(f"{a.exercise} {a.shown()}"
                                                                     for a in r.adjustments)
        rows.append({"r": r, "pct": _pct(r.score, r.max_score), "cells": cells, "note": note})
    return rows


def _assignments(results: list[StudentResult]) -> str:
    return ", ".join(dict.fromkeys(r.assignment for r in results)) or "no assignment"


def report_html(results: list[StudentResult], kit: dict[str, str] | None = None,
                similarity: Similarity | None = None) -> str:
    environment = grading_environment(results, kit)
    by_label = {e.label: e for e in environment}
    stats = class_stats(results)
    title = f"{_assignments(results)}: class report"
    seeds = sorted({r.seed for r in results})
    seed_text = ", ".join(map(str, seeds[:5])) + (f" (+{len(seeds) - 5} more)" if len(seeds) > 5 else "")
    if any(e.mixed for e in environment):
        graded_with = "versions or isolation differ between results (see Grading environment)"
    else:
        graded_with = (f"isolation: {by_label['isolation'].short()} · "
                       + ", ".join(f"{label} {by_label[label].short()}" for label, _ in ENVIRONMENT))
    meta = (f"{len(results)} submission{'s' * (len(results) != 1)} · input seed: {seed_text or 'n/a'} · "
            f"{graded_with} · report written {time.strftime('%Y-%m-%d %H:%M')}")
    context: dict[str, object] = {"stats": stats, "meta": meta, "environment": environment,
                                  "similarity": similarity, "TOP_MESSAGES": TOP_MESSAGES,
                                  "MESSAGE_CHARS": MESSAGE_CHARS, "TIMEOUT_MARK": TIMEOUT_MARK}
    if results:
        context.update(cards=_cards(stats), histogram=plots.score_histogram(results),
                       rates=plots.pass_rate_chart(stats), whole_groups=_whole_groups(stats), timing=_timing(stats),
                       students=_students(stats))
    script = asset(SORT_SCRIPT).strip() if results else None
    return _page("report.html.j2", title, "class.css", script, **context)


def feedback_is_stale(out: Path, student: str) -> bool:
    """Whether ``OUT/feedback/<student>.html`` is missing or older than the student's result."""
    try:
        page = (out / "feedback" / feedback_name(student)).stat().st_mtime_ns
    except OSError:
        return True
    try:
        return page < (out / "results" / f"{student}.json").stat().st_mtime_ns
    except OSError:
        return False


def write_report(out: Path, results: list[StudentResult] | None = None, kit: dict[str, str] | None = None,
                 feedback: str = "all") -> Path:
    """Write ``OUT/report.html`` and ``OUT/feedback/<student>.html`` from ``OUT/results/*.json``
    (or from ``results``, e.g. exactly the batch just graded). ``kit``: this environment's versions, shown only
    for results too old to have recorded what graded them (default: looked up). ``feedback``: ``"all"``
    rebuilds every student's page; ``"stale"`` only those missing or older than their result (``grade``: the
    judges write each page as they grade, so this only finishes what an interrupted run left)."""
    out = Path(out)
    results = read_results(out) if results is None else sorted(results, key=lambda r: r.student)
    kit = versions() if kit is None else kit
    for r in results:
        if feedback == "all" or feedback_is_stale(out, r.student):
            write_feedback_html(out, r, kit["kit"])
    path = out / "report.html"
    atomic_write(path, report_html(results, kit, read_similarity(out)))
    return path
