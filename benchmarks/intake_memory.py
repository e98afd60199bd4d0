"""The grade process's memory while intake reads hostile uploads: peak RSS above its own baseline.

    python -m benchmarks.intake_memory [--bomb-mib 1536]

Each upload sits next to an honest classmate in its own folder, and each folder is read by
``find_submissions`` in a fresh process, which reports its peak RSS before and after. The
baseline is the same process with only the honest classmate, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from autograder.assignments import Assignment
from tests.uploads import lying_bomb, make_zip, notebook

ASSIGNMENT = Assignment("linear_regression")
NAME = ASSIGNMENT.filename

def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(folder: Path) -> None:
    """One measurement, in a fresh process: its resident memory, and its peak while intake reads ``folder``."""
    from autograder.intake import find_submissions

    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current resident size
    before = _peak_kib()
    started = time.perf_counter()
    found = find_submissions(folder, ASSIGNMENT.name)
    print(json.dumps({"before_kib": before, "after_kib": _peak_kib(), "seconds": time.perf_counter() - started,
                      "rows": len(found), "errors": {f.origin: f.error for f in found if f.error}}))


def uploads(bomb_mib: int) -> dict[str, bytes]:
    reference = ASSIGNMENT.solution.read_bytes()
    made = {"honest only": b""}
    for method, label in ((zipfile.ZIP_DEFLATED, "deflate"), (zipfile.ZIP_BZIP2, "bzip2"),
                          (zipfile.ZIP_LZMA, "lzma")):
        made[f"{label} bomb, {bomb_mib} MiB claiming 200 B.zip"] = lying_bomb(NAME, method, bomb_mib << 20)
    made["40 MB notebook.ipynb"] = notebook([reference.decode(), "x = 1\n" * (7 << 20)])
    made["40 MB module.py"] = b"x = 1\n" * (7 << 20)
    made["40,000 members, long names.zip"] = make_zip({f"{'d' * 200}{i}.py": b"" for i in range(40_000)},
                                                     zipfile.ZIP_STORED)
    # The most entries a zip under the upload limit can list: zipfile holds one ZipInfo each.
    made["200,000 members, short names.zip"] = make_zip({f"{i}": b"" for i in range(200_000)}, zipfile.ZIP_STORED)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mib", type=int, default=1536)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, data) in enumerate(uploads(args.bomb_mib).items()):
            folder = Path(tmp) / f"case{k}"
            folder.mkdir()
            (folder / "honest.py").write_bytes(ASSIGNMENT.solution.read_bytes())
            if data:
                (folder / f"upload{Path(label).suffix}").write_bytes(data)
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "benchmarks.intake_memory", "--child", str(folder)], check=True,
                                 capture_output=True, text=True).stdout
            report = json.loads(out)
            rows.append((label, len(data), report, time.perf_counter() - started))
    base = rows[0][2]["after_kib"] - rows[0][2]["before_kib"]
    print(f"{'upload':44} {'size':>10} {'peak above baseline':>20} {'intake s':>9}  verdict")
    for label, size, report, _ in rows:
        grown = (report["after_kib"] - report["before_kib"] - base) / 1024
        verdict = next(iter(report["errors"].values()), "graded")[:70]
        print(f"{label:44} {size / 1024:>8.1f} K {grown:>17.1f} MiB {report['seconds']:>9.2f}  {verdict}")


if __name__ == "__main__":
    main()
