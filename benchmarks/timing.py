"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any


def cpu_ms_per_item(step: Callable[[Any], object], items: Sequence[Any], repeats: int) -> float:
    """Best-of-`repeats` process CPU time of `step` over `items`, in ms per item."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for item in items:
            step(item)
        best = min(best, time.process_time() - start)
    return 1000.0 * best / len(items)
