"""The class report (``OUT/report.html``), per-student feedback (``OUT/feedback/<student>.html`` and ``.md``)
and the side-by-side pages of similar code, from the results.

One module per job: ``stats`` (the class in figures), ``plots`` (matplotlib's object API, never
pyplot, so writing a report never touches the caller's backend), ``pages`` (what each page shows);
the pages themselves, their stylesheets and script are the templates in ``autograder/templates``.
"""

from autograder.report.pages import (
    feedback_html,
    feedback_is_stale,
    feedback_markdown,
    feedback_name,
    report_html,
    similarity_page,
    write_feedback_html,
    write_report,
)
from autograder.report.plots import loss_curve_plot, pass_rate_chart, score_histogram
from autograder.report.stats import class_stats, grading_environment, versions, whole_failure

__all__ = ["class_stats", "feedback_html", "feedback_is_stale", "feedback_markdown", "feedback_name",
           "grading_environment", "loss_curve_plot", "pass_rate_chart", "report_html", "score_histogram",
           "similarity_page", "versions", "whole_failure", "write_feedback_html", "write_report"]
