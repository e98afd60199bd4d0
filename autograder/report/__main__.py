"""``python -m autograder.report OUT``: rebuild the report and the HTML feedback of a graded folder."""

import sys
import time
from pathlib import Path

from autograder.report import write_report

started = time.perf_counter()
written = write_report(Path(sys.argv[1]))
print(f"wrote {written} in {time.perf_counter() - started:.2f} s")
