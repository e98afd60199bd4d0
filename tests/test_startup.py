"""The `grade` process (local or as a Dask client) never imports torch: it only reads submissions, starts
judges and writes files, and a torch import would cost every batch ~1 s before the first judge starts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_grade_process_never_imports_torch():
    modules = ["autograder.cli", "autograder.grade"]
    if importlib.util.find_spec("distributed") is not None:
        modules.append("autograder.scaleout")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"{modules} imported {out.stdout.strip()}"


def test_zygotes_can_start_before_the_judges_import_torch():
    """autograder.shards starts every shard's zygote before it imports the judge (torch, pytest, matplotlib),
    so that the zygotes' imports overlap the judge's: what it needs for that must not import torch."""
    code = ("import sys\nimport autograder.shards, autograder.sandbox, autograder.assignments\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"the zygote launcher imported {out.stdout.strip()}"
