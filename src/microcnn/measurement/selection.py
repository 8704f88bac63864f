"""Which images the measure stage measures: every test image, and every image of a share of
the training microstructures.

The classical measurement is scored on the test images; on training images it only serves to
estimate its spread (`baseline`), and a root-mean-square over a thousand images is as good as
one over six thousand. Measuring a fifth of the training microstructures instead of all of them
took the measure stage's work down to about a third (README, Speed).
"""

from __future__ import annotations

from collections.abc import Sequence

from microcnn.data.manifest import ManifestRow, microstructure_id
from microcnn.data.split import sample_microstructures


def sampled_microstructures(
    train: Sequence[ManifestRow], train_fraction: float, seed: int
) -> set[str]:
    """`train_fraction` of each class's training microstructures (at least one), drawn from
    the seed: whole microstructures, so every look of a chosen one is measured."""
    return sample_microstructures(
        train, lambda n: min(n, max(1, round(train_fraction * n))), "measure", seed
    )


def images_to_measure(
    train: Sequence[ManifestRow], test: Sequence[ManifestRow], train_fraction: float, seed: int
) -> set[str]:
    """Paths of every test image and of every training image of the sampled microstructures."""
    sampled = sampled_microstructures(train, train_fraction, seed)
    return {r.path for r in test} | {r.path for r in train if microstructure_id(r.path) in sampled}
