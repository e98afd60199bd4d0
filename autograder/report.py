"""The class report (``OUT/report.html``) and per-student HTML feedback (``OUT/feedback/<student>.html``).

Both are single self-contained files: plots are inline base64 PNGs, CSS is inline, the class page's
only script (the table sort) is inline and pinned by hash in the page's Content-Security-Policy, and
the feedback pages carry no script at all. Nothing is fetched from the network.

Everything taken from the results is HTML-escaped: student code controls part of the messages.
Plots use matplotlib's object API (``Figure`` + the Agg canvas), so writing a report never touches
pyplot or the caller's backend; the class page has two plots whatever the size of the class. A feedback page
has one plot per loss curve its convergence checks recorded (``autograder.checks.record_curve``), and the
versions and isolation shown are those each result recorded when it was graded.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from autograder.intake import student_id
from autograder.results import (
    ADJUSTED,
    ERROR,
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    Curve,
    StudentResult,
    atomic_write,
    curve_summary,
    exercise_curves,
    read_results,
)
from autograder.similarity import Pair, Similarity
from autograder.similarity import read as read_similarity
from autograder.templates import render

TIMEOUT_MARK = "did not return within"
TOP_MESSAGES = 5  # failure messages shown per exercise
SLOWEST = 10  # submissions listed in the timing section
MESSAGE_CHARS = 600  # longest message shown on the class page (the feedback page shows it whole)

# One palette for the plots and the pages.
GREEN, RED, GREY, BLUE, INK, MUTED = "#2f8f4e", "#c8463d", "#a3a9b1", "#3a6ea5", "#1f2933", "#616e7c"

PLOT_STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.edgecolor": "#9aa5b1",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e7eb",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "text.color": INK,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def esc(value: object) -> str:
    """HTML-escape anything (quotes too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def feedback_name(student: str) -> str:
    """The feedback page's file name; never leaves ``feedback/`` whatever a results file says."""
    return f"{student_id(student)}.html"


def _pct(earned: float, total: float) -> float | None:
    return 100.0 * earned / total if total > 0 else None


def _fmt_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def versions() -> dict[str, str]:
    """The kit's, torch's and Python's versions in this environment (torch is not imported just for this).
    Only a fallback for results that did not record what graded them."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for label, dist in (("kit", "d2l-linear-autograder"), ("torch", "torch")):
        try:
            found[label] = version(dist)
        except PackageNotFoundError:
            found[label] = "not installed"
    if "torch" in sys.modules:  # already imported: report exactly what is running
        found["torch"] = sys.modules["torch"].__version__
    found["python"] = platform.python_version()
    return found


ENVIRONMENT = (("autograder", "kit"), ("torch", "torch"), ("Python", "python"))


@dataclass
class Recorded:
    """One property of the grading environment over the class: each value the results recorded, with counts."""

    label: str
    counts: list[tuple[str, int]]  # most common first
    missing: int  # results that did not record it (written before it was recorded)
    fallback: str  # this environment's value, shown for those; "" when there is none to show

    def text(self) -> str:
        if not self.counts and not self.missing:
            return "n/a"
        if len(self.counts) == 1 and not self.missing:
            return self.counts[0][0]
        parts = [f"{value} \u00d7{n}" for value, n in self.counts]
        if self.missing:
            fallback = f"{self.fallback} in this environment" if self.fallback else "unknown"
            parts.append(f"{fallback} (not recorded in {self.missing} older result{'s' * (self.missing != 1)})")
        return ", ".join(parts)

    def short(self) -> str:
        """For the page's header line, when the class was graded alike."""
        if self.missing and self.fallback:
            return f"{self.fallback} (this environment; not recorded by the results)"
        return self.text()

    @property
    def mixed(self) -> bool:
        """The class was not all graded the same way (that includes what nobody recorded)."""
        return len(self.counts) + (self.missing > 0) > 1


def _recorded(label: str, values: list[str], fallback: str) -> Recorded:
    counts = Counter(v for v in values if v)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Recorded(label, ordered, sum(not v for v in values), fallback)


def grading_environment(results: list[StudentResult], current: dict[str, str] | None = None) -> list[Recorded]:
    """What graded the class, as each result recorded it (the judge wrote it when grading); this environment's
    versions stand in only for results too old to say. The isolation level has no such stand-in."""
    current = versions() if current is None else current
    found = [_recorded(label, [r.environment.get(key, "") for r in results], current.get(key, ""))
             for label, key in ENVIRONMENT]
    found.append(_recorded("isolation", [r.isolation for r in results], ""))
    return found


# ---------------------------------------------------------------------------------------------- statistics


def _normalise(message: str) -> str:
    """Group messages that differ only in numbers (values, line numbers, shapes)."""
    return re.sub(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", "#", " ".join(message.split()))


def whole_failure(result: StudentResult) -> str:
    """The one reason the whole submission failed (intake error, SyntaxError, import hang...), else ''."""
    if result.error:
        return result.error
    bad = [o for o in result.outcomes if o.status not in (PASSED, NOT_IMPLEMENTED)]
    if len(bad) < 2 or len(bad) != len(result.outcomes):
        return ""
    messages = {o.message.strip() for o in bad}
    return messages.pop() if len(messages) == 1 and "" not in messages else ""


@dataclass
class MessageGroup:
    example: str
    students: set[str] = field(default_factory=set)
    checks: Counter = field(default_factory=Counter)
    variants: set[str] = field(default_factory=set)


@dataclass
class ExerciseStats:
    name: str
    passed: int = 0
    failed: int = 0
    not_implemented: int = 0
    whole: int = 0  # students whose submission failed as a whole: counted apart, never as failing this exercise
    graded: int = 0  # students with at least one check of this exercise
    earned: float = 0.0
    points: float = 0.0
    messages: dict[str, MessageGroup] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.not_implemented + self.whole

    def top_messages(self) -> list[MessageGroup]:
        return sorted(self.messages.values(), key=lambda g: (-len(g.students), g.example))


@dataclass
class ClassStats:
    results: list[StudentResult]
    exercises: list[str]
    per_exercise: dict[str, ExerciseStats]
    timeouts: dict[str, int]  # student -> checks that timed out
    grader_errors: int  # checks the grader itself could not run
    whole: dict[str, str]  # student -> the one message every check of theirs failed with


def exercise_order(results: list[StudentResult]) -> list[str]:
    """The assignment's order (``StudentResult.exercises``), then anything seen only in outcomes."""
    order: dict[str, None] = {}
    for r in results:
        order.update(dict.fromkeys(r.exercises))
    for r in results:
        order.update(dict.fromkeys(o.exercise for o in r.outcomes))
    return list(order)


def class_stats(results: list[StudentResult]) -> ClassStats:
    exercises = exercise_order(results)
    per = {name: ExerciseStats(name) for name in exercises}
    timeouts: dict[str, int] = {}
    whole: dict[str, str] = {}
    grader_errors = 0
    for r in results:
        reason = whole_failure(r)
        if reason:
            whole[r.student] = reason
        count = sum(TIMEOUT_MARK in o.message for o in r.outcomes)
        if count:
            timeouts[r.student] = count
        grader_errors += sum(o.status == ERROR for o in r.outcomes)
        groups = r.by_exercise()
        for name in exercises:
            stats, tests = per[name], groups.get(name, [])
            status = r.exercise_status(tests)
            if tests:
                stats.graded += 1
            stats.earned += sum(o.earned for o in tests)
            stats.points += sum(o.points for o in tests)
            if reason:
                stats.whole += 1
            elif status == PASSED:
                stats.passed += 1
            elif status == NOT_IMPLEMENTED:
                stats.not_implemented += 1
            else:
                stats.failed += 1
            for o in tests:
                if o.status in (PASSED, NOT_IMPLEMENTED) or reason:
                    continue
                text = o.message.strip() or "(no message)"
                group = stats.messages.setdefault(_normalise(text), MessageGroup(example=text))
                group.students.add(r.student)
                group.checks[o.name.split(": ", 1)[-1]] += 1
                group.variants.add(text)
    return ClassStats(results, exercises, per, timeouts, grader_errors, whole)


# ---------------------------------------------------------------------------------------------- plots


DPI = 160  # PNG pixels per inch; shown at 100 CSS px per inch, so plots stay sharp on high-density screens


def _png(fig, tight: bool = True) -> tuple[str, int]:
    """The figure as base64 PNG, and the width in CSS pixels to show it at.

    ``tight`` crops to the drawn content, at the price of drawing twice: per-student plots, drawn once per
    submission, set their margins instead.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    # zlib level 3 instead of 6: a tenth of a feedback plot's time, for files about 10% larger.
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 3},
                **(dict(bbox_inches="tight", pad_inches=0.12) if tight else {}))
    data = buf.getvalue()
    width = int.from_bytes(data[16:20], "big")  # the PNG header's IHDR width
    return base64.b64encode(data).decode("ascii"), round(width * 100 / DPI)


def _img(plot: tuple[str, int], alt: str) -> str:
    data, width = plot
    return f'<img class="plot" alt="{esc(alt)}" width="{width}" src="data:image/png;base64,{data}">'


def score_histogram(results: list[StudentResult]) -> tuple[str, int] | None:
    """The distribution of scores: points when everyone had the same maximum, else percent."""
    import matplotlib
    from matplotlib.figure import Figure

    graded = [r for r in results if r.max_score > 0]
    if not graded:
        return None
    maxima = {r.max_score for r in graded}
    if len(maxima) == 1:
        top = maxima.pop()
        values = [r.score for r in graded]
        xlabel = f"score (points out of {top:g})"
    else:
        top = 100.0
        values = [100.0 * r.score / r.max_score for r in graded]
        xlabel = "score (% of the maximum; the maxima differ)"
    if top == int(top) and top <= 40 and all(v == int(v) for v in values):
        edges = [k - 0.5 for k in range(int(top) + 2)]  # one bar per point
    else:
        edges = [top * k / 20 for k in range(21)]
    counts = [0] * (len(edges) - 1)
    for v in values:
        k = next((i for i in range(len(counts)) if v < edges[i + 1]), len(counts) - 1)
        counts[k] += 1
    with matplotlib.rc_context(PLOT_STYLE):
        fig = Figure(figsize=(9.6, 3.4))
        ax = fig.add_subplot()
        lefts, widths = edges[:-1], [b - a for a, b in zip(edges, edges[1:])]
        colours = [GREEN if b >= top and a < top + 1e-9 <= b else BLUE for a, b in zip(lefts, edges[1:])]
        bars = ax.bar(lefts, counts, width=[w * 0.86 for w in widths], align="edge", color=colours)
        for bar, count in zip(bars, counts):
            if count:
                ax.annotate(f"{count}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=8.5, color=INK)
        median = statistics.median(values)
        ax.plot([median], [0], marker="^", markersize=9, color=INK, clip_on=False, zorder=5,
                transform=ax.get_xaxis_transform())
        ax.set_xlim(edges[0] - 0.2, edges[-1] + 0.2)
        ax.set_ylim(0, max(counts) * 1.18 + 0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("students")
        unit = f"/{top:g}" if xlabel.startswith("score (points") else "%"
        ax.set_title(f"Score distribution: {len(graded)} students, median {median:g}{unit} (\u25b2)", loc="left")
        return _png(fig)


def _spans_decades(values: list[float]) -> bool:
    positive = [v for v in values if v > 0]
    return len(positive) == len(values) and len(values) > 1 and max(positive) >= 100 * min(positive)


class _CurveCanvas:
    """One figure, axes and pair of lines, redrawn for every curve of this process.

    Building a figure costs about a third of a feedback plot; a judge draws one or more per student,
    so it builds them once and only updates data, scale and texts.
    """

    STYLES = {"reference": dict(color=GREY, linewidth=5, alpha=0.55, solid_capstyle="round", zorder=2),
              "student": dict(color=BLUE, linewidth=1.8, zorder=3)}
    LABELS = {"reference": "reference solution", "student": "your code"}

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        self.fig = Figure(figsize=(6.6, 2.7))
        FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot()
        # The reference is a wide pale band under the student's line: where they agree, both stay visible.
        self.lines = {which: self.ax.plot([], [], **style)[0] for which, style in self.STYLES.items()}
        self.ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.ax.set_xlabel("epoch")
        self.fig.subplots_adjust(left=0.13, right=0.98, top=0.86, bottom=0.19)

    def draw(self, curve: Curve) -> tuple[str, int]:
        from matplotlib.ticker import FuncFormatter, NullLocator

        ax = self.ax
        ax.set_yscale("linear")  # back to the default locators and formatters
        drawn = []
        for which, line in self.lines.items():
            values = getattr(curve, which)
            points = [(x, v) for x, v in zip(curve.epochs(which), values) if v is not None]
            drawn += [v for _, v in points]
            line.set_data([x for x, _ in points], [v for _, v in points])
            line.set_visible(bool(points))
            label = self.LABELS[which]
            final = curve.final(which)
            if final is not None:
                label += f" (last {final:.3g})"
            line.set_label(label if points else "_hidden")
            if which == "student":
                line.set_marker("o" if len(points) <= 40 else "None")
                line.set_markersize(3.5)
        ax.relim()
        ax.autoscale_view()
        if _spans_decades(drawn):
            ax.set_yscale("log")
            # Plain "1e-06" labels: the default mathtext ones cost most of a plot's drawing time.
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_locator(NullLocator())  # unlabelled minor ticks: a third of the drawing time
        notes = []
        bad = sum(v is None for v in curve.student)
        if bad:
            total = len(curve.student)
            note = (f"{bad} of your {total} values are not finite numbers: not drawn" if bad < total
                    else "none of your values is a finite number")
            notes.append(ax.text(0.99, 0.96, note, transform=ax.transAxes, ha="right", va="top", fontsize=8.5,
                                 color=RED))
        ax.set_ylabel(curve.ylabel)
        ax.set_title(_clip(curve.name, 90), loc="left", fontsize=9.5)
        legend = None
        if any(line.get_visible() for line in self.lines.values()):
            # A fixed corner: "best" tries every placement against every point. Losses fall, so upper right
            # is usually clear.
            legend = ax.legend(frameon=False, fontsize=8.5, loc="upper right")
        try:
            return _png(self.fig, tight=False)
        finally:
            for artist in notes:
                artist.remove()
            if legend is not None:
                legend.remove()


_curve_canvas: _CurveCanvas | None = None


@lru_cache(maxsize=256)  # classes share curves (everyone right on the lecture's data): draw each once
def loss_curve_plot(curve: Curve) -> tuple[str, int]:
    """The student's curve against the reference's: log scale when the values span decades."""
    import matplotlib

    global _curve_canvas
    with matplotlib.rc_context(PLOT_STYLE):
        if all(v is None for v in curve.student + curve.reference):
            return _CurveCanvas().draw(curve)  # no data to autoscale to: a new axes' default limits
        if _curve_canvas is None:
            _curve_canvas = _CurveCanvas()
        return _curve_canvas.draw(curve)


def pass_rate_chart(stats: ClassStats) -> tuple[str, int] | None:
    """Per exercise, in assignment order: students passed / failed / not implemented, with the pass rate."""
    import matplotlib
    from matplotlib.figure import Figure

    rows = [stats.per_exercise[name] for name in stats.exercises]
    if not rows or not stats.results:
        return None
    n = len(stats.results)
    with matplotlib.rc_context(PLOT_STYLE):
        fig = Figure(figsize=(9.6, 1.0 + 0.3 * len(rows)))
        ax = fig.add_subplot()
        y = list(range(len(rows)))
        left = [0.0] * len(rows)
        for label, colour, attr in (("passed", GREEN, "passed"), ("failed", RED, "failed"),
                                    ("not implemented", GREY, "not_implemented"),
                                    ("failed as a whole (listed apart)", INK, "whole")):
            widths = [100.0 * getattr(s, attr) / n for s in rows]
            bars = ax.barh(y, widths, left=left, height=0.68, color=colour, label=label)
            for bar, s, w in zip(bars, rows, widths):
                if w >= 7:
                    ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, f"{getattr(s, attr)}",
                            ha="center", va="center", fontsize=8, color="white", fontweight="bold")
            left = [a + b for a, b in zip(left, widths)]
        for k, s in enumerate(rows):
            ax.text(101.5, k, f"{100.0 * s.passed / n:.0f}%  ({s.passed}/{n})", va="center", fontsize=8.5)
        ax.set_yticks(y, [s.name for s in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        ax.set_title("Students passing each exercise (all its checks)", loc="left", pad=22)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, frameon=False, fontsize=8.5,
                  handlelength=1.2, borderaxespad=0.2)
        return _png(fig)


# ---------------------------------------------------------------------------------------------- pages

CSS = """
:root { --green: %(GREEN)s; --red: %(RED)s; --grey: %(GREY)s; --blue: %(BLUE)s; --ink: %(INK)s; --muted: %(MUTED)s;
        --line: #e4e7eb; --soft: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--soft); }
main { max-width: 1120px; margin: 0 auto; padding: 28px 28px 60px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0; }
.sub { color: var(--muted); margin: 0 0 18px; }
thead th { vertical-align: bottom; }
.card { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(118px, 1fr)); gap: 12px; }
.stat { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.stat b { display: block; font-size: 24px; line-height: 1.2; }
.stat span { color: var(--muted); font-size: 13px; }
.stat.warn b { color: var(--red); }
img.plot { display: block; max-width: 100%%; height: auto; margin: 4px auto; }
.plots { display: grid; gap: 12px; }
table { border-collapse: collapse; width: 100%%; background: white; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.msg { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
       font-size: 12.5px; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12.5px; font-weight: 600;
         color: white; white-space: nowrap; }
.passed { background: var(--green); } .failed { background: var(--red); } .notimpl { background: var(--grey); }
.bar { height: 10px; border-radius: 5px; background: var(--line); overflow: hidden; }
.bar > div { height: 100%%; background: var(--green); }
.banner { border-left: 5px solid var(--red); background: #fdf0ef; padding: 10px 14px; border-radius: 6px;
          margin: 12px 0; }
.banner.adjusted { border-left-color: var(--blue); background: #eef4fb; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
a { color: var(--blue); }
"""

CLASS_CSS = """
.ex-head { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
.ex-head .rate { color: var(--muted); font-size: 13.5px; }
.ex-ok { color: var(--green); font-size: 13.5px; }
td.count { width: 5.5em; text-align: right; font-weight: 600; font-variant-numeric: tabular-nums; }
td.checks { width: 30%%; font-size: 13px; color: var(--muted); }
table.env { width: auto; }
table.env th { color: var(--ink); padding-right: 24px; }
table.env td.warn { color: var(--red); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; }
table.students th { cursor: pointer; user-select: none; position: sticky; top: 0; background: white;
                    border-bottom: 2px solid var(--line); }
table.students th:hover { color: var(--ink); }
table.students th.ex { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 8px 4px;
                       font-size: 12px; max-height: 150px; }
table.students th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.students th[aria-sort="descending"]::after { content: " \\25BC"; }
table.students td.cell { text-align: center; padding: 3px 2px; font-size: 12px; font-weight: 700; color: white;
                         width: 26px; border: 1px solid white; }
table.students tbody tr:hover td:not(.cell) { background: #f0f4f8; }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px;
               margin: 0 4px 0 12px; }
"""

FEEDBACK_CSS = """
main { max-width: 860px; }
.score { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.score .big { font-size: 40px; font-weight: 700; line-height: 1; }
.score .grow { flex: 1; min-width: 220px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 12px; }
.chips a { text-decoration: none; }
.exercise { scroll-margin-top: 12px; }
.exercise .head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; }
.exercise .pts { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.checks { list-style: none; padding: 0; margin: 10px 0 0; }
ul.checks li { padding: 6px 0 6px 28px; position: relative; border-top: 1px solid var(--line); }
ul.checks li::before { position: absolute; left: 4px; top: 5px; font-weight: 700; }
ul.checks li.ok::before { content: "\\2713"; color: var(--green); }
ul.checks li.bad::before { content: "\\2717"; color: var(--red); }
figure.curve { margin: 12px 0 0; padding-top: 8px; border-top: 1px solid var(--line); }
figure.curve img.plot { margin: 0; }
figure.curve figcaption { color: var(--muted); font-size: 13px; }
.hint { margin-top: 6px; background: #fdf6e7; border-left: 4px solid #e0a526; padding: 8px 12px; border-radius: 4px; }
"""

# Sorts the students table on a header click: numbers by data-sort, text otherwise; click again to reverse.
SORT_JS = """
(function () {
  var table = document.getElementById("students");
  if (!table) return;
  var heads = table.tHead.rows[0].cells;
  function key(row, i, numeric) {
    var cell = row.cells[i], v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.setAttribute("title", "sort by this column");
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).map(function (r, n) { return [key(r, i, numeric), n, r]; });
      rows.sort(function (a, b) {
        var c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r[2]); });
    });
  });
  table.setAttribute("data-sortable", "ready");
})();
""".strip()


def _csp(script: str | None) -> str:
    """No network, no plugins; the one script we ship runs, nothing else does."""
    if script is None:
        scripts = "'none'"
    else:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        scripts = f"'sha256-{digest}'"
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; "
            "base-uri 'none'; form-action 'none'")


def _css(extra_css: str) -> Markup:
    palette = {"GREEN": GREEN, "RED": RED, "GREY": GREY, "BLUE": BLUE, "INK": INK, "MUTED": MUTED}
    return Markup((CSS % palette) + (extra_css % {}))  # the kit's own stylesheet


def _page(title: str, body: str, extra_css: str, script: str | None = None) -> str:
    # body: markup built here with esc() around everything not the kit's own
    return render("page.html.j2", title=title, csp=_csp(script), css=_css(extra_css), body=Markup(body),
                  script=Markup(script) if script else None)


def _badge_label(status: str) -> str:
    return {PASSED: "passed", NOT_IMPLEMENTED: "not implemented"}.get(status, "needs work")


def _status_badge(status: str, label: str | None = None) -> str:
    cls = {PASSED: "passed", NOT_IMPLEMENTED: "notimpl"}.get(status, "failed")
    return f'<span class="badge {cls}">{esc(_badge_label(status) if label is None else label)}</span>'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _assignments(results: list[StudentResult]) -> str:
    names = list(dict.fromkeys(r.assignment for r in results))
    return ", ".join(names) or "no assignment"


# ------------------------------------------------------------------------------------ per-student page


def feedback_html(result: StudentResult, kit_version: str = "") -> str:
    """One student's feedback: score, then each exercise with its checks and what to fix."""
    r = result
    pct = _pct(r.score, r.max_score)
    groups = r.by_exercise()
    statuses = {name: r.exercise_status(tests) for name, tests in groups.items()}
    counts = Counter(statuses.values())
    whole = whole_failure(r)
    todo = [(k, name) for k, name in enumerate(groups) if statuses[name] == FAILED]
    todo_links = ", ".join(f'<a href="#ex-{k}"><code>{esc(name)}</code></a>' for k, name in todo)
    parts = [
        f"<h1>{esc(r.assignment)}: your feedback</h1>",
        f'<p class="sub">for <b>{esc(r.student)}</b></p>',
        '<div class="card"><div class="score">',
        f'<div><div class="big">{r.score:g} <span class="muted" style="font-size:24px">/ {r.max_score:g}</span>'
        f'</div><div class="muted small">points</div></div>',
        '<div class="grow">',
        f'<div class="bar" role="img" aria-label="{esc(_fmt_pct(pct))} of the points">'
        f'<div style="width:{0 if pct is None else pct:.1f}%"></div></div>',
        f'<p class="small" style="margin:8px 0 0">{counts[PASSED]} of {len(groups)} exercises passed'
        f'{f", {counts[NOT_IMPLEMENTED]} not implemented yet" if counts[NOT_IMPLEMENTED] else ""}'
        f'{f"; needs work: {todo_links}" if todo and not whole else ""}.</p>',
        "</div></div>",
    ]
    if groups:
        chips = "".join(
            f'<a href="#ex-{k}" title="{esc(_badge_label(statuses[name]))}">{_status_badge(statuses[name], name)}</a>'
            for k, name in enumerate(groups))
        parts.append(f'<div class="chips">{chips}</div>')
    parts.append("</div>")
    if r.note:
        parts.append(f'<div class="banner"><b>Your id is {esc(r.student)}:</b> {esc(r.note)}</div>')
    if r.error:
        parts.append(f'<div class="banner"><b>Your submission could not be graded:</b> {esc(r.error)}</div>')
    elif whole:
        parts.append('<div class="banner"><b>Every check failed for the same reason; fix this first:</b>'
                     f'<div class="msg" style="margin-top:6px">{esc(_clip(whole, 5000))}</div></div>')
    if r.max_score <= 0 and not r.error:
        parts.append('<div class="banner">No checks were run for this submission.</div>')
    scores = r.exercise_points()
    for k, (name, tests) in enumerate(groups.items()):
        status = statuses[name]
        total = sum(o.points for o in tests)
        parts.append(f'<section class="card exercise" id="ex-{k}"><div class="head">'
                     f"<h3><code>{esc(name)}</code> {_status_badge(status)}</h3>"
                     f'<span class="pts">{scores[name]:g} / {total:g} points</span></div>')
        for a in r.adjustments_of(name):
            who = "".join(f", {x}" for x in (a.by, a.when) if x)
            parts.append(f'<div class="banner adjusted"><b>{esc(a.shown())} point{"s" * (abs(a.delta) != 1)}, '
                         f'{esc(ADJUSTED)}</b>{esc(who)}'
                         f'{f"<div class=msg>{esc(_clip(a.comment, 5000))}</div>" if a.comment else ""}</div>')
        if not tests:
            parts.append('<p class="muted small">No checks of this exercise were run.</p>')
        elif status == NOT_IMPLEMENTED:
            parts.append('<p class="small">Not implemented yet: replace the <code>raise NotImplementedError</code> '
                         "with your code, then run the self-check again.</p>")
        else:
            parts.append('<ul class="checks">')
            for o in tests:
                ok = o.status == PASSED
                item = (f'<li class="{"ok" if ok else "bad"}">{esc(o.name.split(": ", 1)[-1])} '
                        f'<span class="muted small">({o.earned:g}/{o.points:g})</span>')
                if not ok and o.message and o.message.strip() != whole:
                    item += f'<div class="hint msg">{esc(_clip(o.message, 5000))}</div>'
                parts.append(item + "</li>")
            parts.append("</ul>")
            for curve in exercise_curves(tests):
                alt = f"Loss curve of {curve.name}: your values against the reference solution's"
                parts.append(f'<figure class="curve">{_img(loss_curve_plot(curve), alt)}'
                             f"<figcaption>Yours: {esc(curve_summary(curve))}.</figcaption></figure>")
        parts.append("</section>")
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
    parts.append(f"<footer>{esc(' · '.join(details))}</footer>")
    return _page(f"{r.assignment}: feedback for {r.student}", "\n".join(parts), FEEDBACK_CSS)


def write_feedback_html(out: Path, result: StudentResult, kit_version: str = "") -> Path:
    path = out / "feedback" / feedback_name(result.student)
    atomic_write(path, feedback_html(result, kit_version))
    return path


# ------------------------------------------------------------------------------------ class page


def _summary_cards(stats: ClassStats) -> str:
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
    return '<div class="cards">' + "".join(
        f'<div class="stat{" warn" if warn else ""}"><b>{esc(value)}</b><span>{esc(label)}</span></div>'
        for value, label, warn in cards) + "</div>"


def _failures_section(stats: ClassStats) -> str:
    n = len(stats.results)
    parts = ["<h2>Where the class struggled</h2>",
             '<p class="muted small">Per exercise, the most common failure messages; messages that differ only in '
             "numbers are counted together. Counts are students."
             + (f" Submissions that failed as a whole ({len(stats.whole)}) are listed once, below, not here."
                if stats.whole else "") + "</p>"]
    for name in stats.exercises:
        s = stats.per_exercise[name]
        rate = f"{s.passed}/{n} passed ({_fmt_pct(_pct(s.passed, n))})"
        if s.not_implemented:
            rate += f" · {s.not_implemented} not implemented"
        if s.whole:
            rate += f" · {s.whole} failed as a whole"
        head = f'<div class="ex-head"><h3><code>{esc(name)}</code></h3><span class="rate">{esc(rate)}</span>'
        groups = s.top_messages()
        if not groups:
            ok = "no other failures" if s.failed else "no failures"
            parts.append(f'<div class="card">{head}<span class="ex-ok">{ok}</span></div></div>')
            continue
        rows = []
        for g in groups[:TOP_MESSAGES]:
            checks = ", ".join(f"{c} (\u00d7{k})" if k > 1 else c for c, k in g.checks.most_common(3))
            if len(g.checks) > 3:
                checks += f", +{len(g.checks) - 3} more"
            variants = f'<div class="muted small">{len(g.variants)} variants; one shown</div>' \
                if len(g.variants) > 1 else ""
            rows.append(f'<tr><td class="count">{len(g.students)}</td>'
                        f'<td><div class="msg">{esc(_clip(g.example, MESSAGE_CHARS))}</div>{variants}</td>'
                        f'<td class="checks">{esc(checks)}</td></tr>')
        more = len(groups) - TOP_MESSAGES
        extra = f'<p class="muted small">and {more} other message{"s" * (more > 1)}</p>' if more > 0 else ""
        parts.append(f'<div class="card">{head}</div><table><thead><tr><th class="num">students</th>'
                     f'<th>message</th><th>checks</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
                     f"{extra}</div>")
    return "\n".join(parts)


def _whole_section(stats: ClassStats) -> str:
    """Submissions that failed as a whole: could not be graded, or every check failed with one message."""
    if not stats.whole:
        return ""
    groups: dict[str, list[StudentResult]] = {}
    for r in stats.results:
        if r.student in stats.whole:
            groups.setdefault(_normalise(stats.whole[r.student]), []).append(r)
    rows = []
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0].student)):
        links = ", ".join(f'<a href="feedback/{esc(quote(feedback_name(r.student)))}">{esc(r.student)}</a>'
                          for r in members)
        kind = "could not be graded" if members[0].error else "every check failed with"
        rows.append(f'<tr><td class="count">{len(members)}</td><td><div class="muted small">{kind}</div>'
                    f'<div class="msg">{esc(_clip(stats.whole[members[0].student], MESSAGE_CHARS))}</div></td>'
                    f'<td class="checks">{links}</td></tr>')
    return ("<h2>Submissions that failed as a whole</h2><div class=\"card\"><table><thead><tr>"
            '<th class="num">students</th><th>reason</th><th>who</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _timing_section(stats: ClassStats) -> str:
    results = stats.results
    seconds = sorted(r.seconds for r in results)
    if not seconds:
        return ""
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    summary = (f"median {statistics.median(seconds):.2f} s · 95th percentile {p95:.2f} s · "
               f"slowest {seconds[-1]:.2f} s · total {sum(seconds):.1f} s of judge time")
    timeouts = sum(stats.timeouts.values())
    summary += f" · {timeouts} timed-out check{'s' * (timeouts != 1)} in {len(stats.timeouts)} submission" \
               f"{'s' * (len(stats.timeouts) != 1)}"
    slowest = sorted(results, key=lambda r: (-r.seconds, r.student))[:SLOWEST]
    rows = "".join(
        f'<tr><td><a href="feedback/{esc(quote(feedback_name(r.student)))}">{esc(r.student)}</a></td>'
        f'<td class="num">{r.seconds:.2f}</td><td class="num">{stats.timeouts.get(r.student, 0)}</td>'
        f'<td class="num">{r.score:g} / {r.max_score:g}</td></tr>' for r in slowest)
    return (f'<h2>Timing</h2><div class="card"><p class="small" style="margin-top:0">{esc(summary)}. '
            f'A timeout is a call that ran past the per-call limit (message &ldquo;{esc(TIMEOUT_MARK)}&rdquo;).</p>'
            f'<table><thead><tr><th>slowest submissions</th><th class="num">seconds</th>'
            f'<th class="num">timeouts</th><th class="num">score</th></tr></thead><tbody>{rows}</tbody></table></div>')


def _students_table(stats: ClassStats) -> str:
    cls = {PASSED: ("passed", "\u2713"), NOT_IMPLEMENTED: ("notimpl", "\u2013")}
    heads = ['<th data-type="text">student</th>', '<th class="num" data-type="num">score</th>',
             '<th class="num" data-type="num">%</th>']
    heads += [f'<th class="ex" data-type="num" title="{esc(name)}">{esc(name)}</th>' for name in stats.exercises]
    heads += ['<th class="num" data-type="num">seconds</th>', '<th class="num" data-type="num">timeouts</th>',
              '<th data-type="text">note</th>']
    rows = []
    for r in sorted(stats.results, key=lambda r: r.student):
        pct = _pct(r.score, r.max_score)
        groups = r.by_exercise()
        scores = r.exercise_points()
        cells = []
        for name in stats.exercises:
            tests = groups.get(name, [])
            status = r.exercise_status(tests)
            earned, total = scores.get(name, 0.0), sum(o.points for o in tests)
            kind, mark = cls.get(status, ("failed", "\u2717"))
            frac = earned / total if total else -1
            adjusted = f" ({ADJUSTED.split(' by ')[0]})" if r.adjustments_of(name) else ""
            cells.append(f'<td class="cell {kind}" data-sort="{frac:.4f}" title="{esc(name)}: {earned:g}/{total:g} '
                         f'{esc(_badge_label(status))}{adjusted}">{mark}{"*" if adjusted else ""}</td>')
        link = f'<a href="feedback/{esc(quote(feedback_name(r.student)))}">{esc(r.student)}</a>'
        note = esc(_clip(r.error, 80)) if r.error else ""
        if r.adjustments:
            note += esc(("; " if note else "") + "adjusted: " + ", ".join(f"{a.exercise} {a.shown()}"
                                                                          for a in r.adjustments))
        rows.append(f'<tr><td>{link}</td><td class="num" data-sort="{r.score:g}">{r.score:g} / {r.max_score:g}</td>'
                    f'<td class="num" data-sort="{-1 if pct is None else pct:.3f}">{_fmt_pct(pct)}</td>'
                    f'{"".join(cells)}<td class="num">{r.seconds:.2f}</td>'
                    f'<td class="num">{stats.timeouts.get(r.student, 0)}</td><td class="small">{note}</td></tr>')
    legend = ('<p class="legend muted small">Click a column header to sort. '
              f'<span style="background:{GREEN}"></span>passed<span style="background:{RED}"></span>needs work'
              f'<span style="background:{GREY}"></span>not implemented; * adjusted by hand. '
              "Names link to each student's feedback.</p>")
    return (f"<h2>Students</h2>{legend}<div class=\"scroll\"><table class=\"students\" id=\"students\">"
            f"<thead><tr>{''.join(heads)}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>")


WARN = ' class="warn"'


def _environment_section(environment: list[Recorded]) -> str:
    rows = "".join(f'<tr><th>{esc(e.label)}</th><td{WARN * e.mixed}>{esc(e.text())}</td></tr>' for e in environment)
    mixed = [e.label for e in environment if e.mixed]
    note = (f'<p class="banner small">Not all results were graded alike ({esc(", ".join(mixed))}): '
            "regrade with <code>--force</code> to grade everyone the same way.</p>" if mixed else "")
    return (f'<h2>Grading environment</h2><div class="card">{note}<p class="muted small" style="margin-top:0">'
            "As the judge recorded it in each result when grading; counts are results.</p>"
            f'<table class="env">{rows}</table></div>')


SIMILARITY_CSS = """
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .sides { grid-template-columns: 1fr; } }
pre.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; line-height: 1.45;
           white-space: pre-wrap; word-break: break-word; margin: 0; }
mark { background: #ffe08a; color: inherit; }
"""


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
    return render("similarity_pair.html.j2", title=f"{assignment}: similar code, {pair.a} and {pair.b}",
                  csp=_csp(None), css=_css(SIMILARITY_CSS), script=None, assignment=assignment, pair=pair,
                  sides=sides)


def report_html(results: list[StudentResult], kit: dict[str, str] | None = None,
                similarity: Similarity | None = None) -> str:
    environment = {e.label: e for e in grading_environment(results, kit)}
    stats = class_stats(results)
    title = f"{_assignments(results)}: class report"
    seeds = sorted({r.seed for r in results})
    seed_text = ", ".join(map(str, seeds[:5])) + (f" (+{len(seeds) - 5} more)" if len(seeds) > 5 else "")
    if any(e.mixed for e in environment.values()):
        graded_with = "versions or isolation differ between results (see Grading environment)"
    else:
        graded_with = (f"isolation: {environment['isolation'].short()} · "
                       + ", ".join(f"{label} {environment[label].short()}" for label, _ in ENVIRONMENT))
    meta = (f"{len(results)} submission{'s' * (len(results) != 1)} · input seed: {seed_text or 'n/a'} · "
            f"{graded_with} · report written {time.strftime('%Y-%m-%d %H:%M')}")
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="sub">{esc(meta)}</p>']
    if not results:
        parts.append('<div class="card">No results yet: <code>results/*.json</code> is empty. '
                     "Grade a class first (<code>python -m autograder grade ...</code>).</div>")
        return _page(title, "\n".join(parts), CLASS_CSS)
    parts.append(_summary_cards(stats))
    hist, rates = score_histogram(results), pass_rate_chart(stats)
    plots = []
    if hist is not None:
        plots.append(f'<div class="card">{_img(hist, "Score distribution: histogram of the scores")}</div>')
    else:
        plots.append('<div class="card muted">No submission had any points to earn (maximum score 0).</div>')
    if rates is not None:
        plots.append(f'<div class="card">{_img(rates, "Pass rates: students passing each exercise")}</div>')
    parts.append(f'<h2>Overview</h2><div class="plots">{"".join(plots)}</div>')
    parts.append(_failures_section(stats))
    parts.append(_whole_section(stats))
    parts.append(_timing_section(stats))
    parts.append(_environment_section(list(environment.values())))
    parts.append(render("similarity_section.html.j2", similarity=similarity))
    parts.append(_students_table(stats))
    parts.append(f"<footer>{esc(meta)}. Versions and isolation are those each result recorded when it was graded"
                 f"{'' if not any(e.missing for e in environment.values()) else ' (older results: see above)'}."
                 "</footer>")
    return _page(title, "\n".join(p for p in parts if p), CLASS_CSS, SORT_JS)


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


if __name__ == "__main__":  # python -m autograder.report OUT
    started = time.perf_counter()
    written = write_report(Path(sys.argv[1]))
    print(f"wrote {written} in {time.perf_counter() - started:.2f} s")
