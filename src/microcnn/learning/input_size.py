"""The smallest image each network can measure, worked out from its layers without Keras, so
that config validation (which the Snakefile runs) can reject a too-small image before any job.

The networks take any image size, but below this side their last feature map is empty and the
specimen average has nothing to average. tests/learning/test_architectures.py checks the
feature map at the minimum and one pixel below.
"""

from __future__ import annotations


def _reference_min_side() -> int:
    # Four times a "same" 3x3 convolution, then 2x2 max pooling (halving, floor): a 1-pixel
    # feature map needs 2**4 pixels.
    return 2**4


def _compact_min_side() -> int:
    # A 4x4 stride-4 convolution without padding, a "same" 3x3 stride-2 convolution (ceil of
    # half), then two "same" 3x3 convolutions each followed by 2x2 max pooling (floor of half):
    # the stride-2 map must be 4 wide, so the patch grid 7, and a 7-wide grid needs
    # 4 * (7 - 1) + 4 = 28 pixels.
    grid = 2 * 2**2 - 1
    return 4 * (grid - 1) + 4


# Height and width alike, in pixels; a key for every network in architectures.ARCHITECTURES.
MIN_SIDE: dict[str, int] = {
    "reference": _reference_min_side(),
    "compact": _compact_min_side(),
}
