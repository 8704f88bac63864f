"""How images are grouped into jobs (kept free of heavy imports: the Snakefile uses it)."""

from __future__ import annotations


def batch_ranges(count: int, batch_size: int) -> list[range]:
    """Image indices of each batch: consecutive runs of `batch_size` (the last may be shorter)."""
    return [range(s, min(count, s + batch_size)) for s in range(0, count, batch_size)]
