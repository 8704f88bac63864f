"""Random seeds derived from (global seed, purpose, class, index).

Every image draws its randomness from a seed that depends only on its own identity, so the
dataset does not change with batch size, job order or the number of cores.
"""

from __future__ import annotations

import zlib

import numpy as np


def _name_key(name: str) -> int:
    # crc32 is stable across processes and Python versions, unlike hash().
    return zlib.crc32(name.encode("utf-8"))


def derive_seed(global_seed: int, *keys: str | int) -> int:
    """A 32-bit seed from the global seed and any mix of names and integers."""
    entropy = [int(global_seed)] + [_name_key(k) if isinstance(k, str) else int(k) for k in keys]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint32)[0])


def image_seed(global_seed: int, class_name: str, index: int, attempt: int = 0) -> int:
    """The seed of image `index` of class `class_name` (attempt > 0: a retry after a failure)."""
    return derive_seed(global_seed, "image", class_name, index, attempt)


def random_generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)
