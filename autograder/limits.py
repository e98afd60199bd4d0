"""Per-runner resource limits: plain data, importable without torch (the grade CLI never loads it)."""

from __future__ import annotations

from dataclasses import dataclass

GiB = 1024**3


@dataclass(frozen=True)
class Limits:
    """Per-runner resource limits; the defaults leave torch ample room."""

    call_seconds: float = 10.0
    submission_seconds: float = 300.0  # wall clock for all of one submission's checks
    memory_bytes: int = 6 * GiB  # address space: torch alone maps ~1.5 GiB
    cpu_seconds: int = 300
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    processes: int = 256
