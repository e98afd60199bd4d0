"""The report's plots, drawn with matplotlib's object API (``Figure`` and the Agg canvas, never pyplot),
as base64 PNGs to inline in a page."""

from __future__ import annotations

import base64
import io
import statistics
from functools import lru_cache

from autograder.report.stats import ClassStats
from autograder.results import FAILED, NOT_IMPLEMENTED, PASSED, Curve, StudentResult, status_label

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


DPI = 160  # PNG pixels per inch; shown at 100 CSS px per inch, so plots stay sharp on high-density screens


def png(fig, tight: bool = True) -> tuple[str, int]:
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
        return png(fig)


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
        title = curve.name if len(curve.name) <= 90 else curve.name[:89].rstrip() + "\u2026"
        ax.set_title(title, loc="left", fontsize=9.5)
        legend = None
        if any(line.get_visible() for line in self.lines.values()):
            # A fixed corner: "best" tries every placement against every point. Losses fall, so upper right
            # is usually clear.
            legend = ax.legend(frameon=False, fontsize=8.5, loc="upper right")
        try:
            return png(self.fig, tight=False)
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
        for label, colour, attr in ((status_label(PASSED), GREEN, "passed"), (status_label(FAILED), RED, "failed"),
                                    (status_label(NOT_IMPLEMENTED), GREY, "not_implemented"),
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
        return png(fig)
