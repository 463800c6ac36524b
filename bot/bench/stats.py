"""Latency summaries: percentiles by nearest rank, and throughput."""

from __future__ import annotations

import math
import os
import resource
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Latency", "pin_to_one_core", "resident_memory_mb"]


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds per operation, and operations per second when run back to back on one core."""

    count: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    per_second: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        """Summarise the durations of ``seconds`` (each one operation)."""
        ordered = sorted(seconds)
        total = sum(ordered)

        def rank(share: float) -> float:
            return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000.0

        return cls(len(ordered), rank(0.50), rank(0.99), total / len(ordered) * 1000.0, len(ordered) / total)

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for the JSON report."""
        return {name: round(value, 4) if isinstance(value, float) else value for name, value in asdict(self).items()}


def pin_to_one_core() -> int | None:
    """Run this process on one CPU (the first it may use), so figures are per core; the CPU, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def resident_memory_mb() -> tuple[float, float]:
    """This process's resident memory now (VmRSS) and at its peak (ru_maxrss), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0, peak
    except OSError:
        pass
    return peak, peak
