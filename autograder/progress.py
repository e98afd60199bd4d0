"""Progress while grading: a rich bar on a terminal, one plain line per submission otherwise."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.results import StudentResult


def result_event(result: StudentResult) -> dict:
    """What a progress display learns about one graded student (a judge sends it as one JSON line)."""
    return {"student": result.student, "score": result.score, "max_score": result.max_score,
            "seconds": round(result.seconds, 3),
            "timeouts": sum("did not return within" in o.message for o in result.outcomes)}


class Progress:
    def __init__(self, total: int, *, quiet: bool = False):
        self.total = total
        self.done = self.failed = self.timeouts = 0
        self.quiet = quiet
        self.bar = None
        if not quiet and sys.stderr.isatty():
            try:
                from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
                from rich.progress import Progress as Bar
            except ImportError:
                return
            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.fields[counts]}"), TimeRemainingColumn(), transient=False)
            self.task = self.bar.add_task("grading", total=total, counts="")
            self.bar.start()

    def say(self, text: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.console.print(text)
        else:
            print(text, file=sys.stderr, flush=True)

    def update(self, event: dict) -> None:
        self.done += 1
        self.failed += event.get("score", 0) < event.get("max_score", 0)
        self.timeouts += bool(event.get("timeouts"))
        counts = f"graded {self.done}, not full marks {self.failed}, with timeouts {self.timeouts}"
        if self.bar is not None:
            self.bar.update(self.task, advance=1, counts=counts)
        elif not self.quiet:
            print(f"[{self.done}/{self.total}] {event['student']}: {event['score']:g}/{event['max_score']:g} "
                  f"({event['seconds']:.2f} s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
