"""Stretching an image's levels (imaging/images.stretch_levels, training.levels "stretched"):
each pixel mapped in float32 (before) against the map of the 256 levels looked up (today), in
one run, beside the PNG decoding that precedes it.

--count images of a manifest are read into memory; reported per way: CPU ms per image (one
thread, best of --repeats) and the ratio to the per-pixel map. The two ways' bytes are checked
to be equal on every image, as is the stretch of the bounds alone (np.percentile) that both share.

Run: python benchmarks/levels.py [--manifest results/split/test.csv] [--count 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from microcnn.data.manifest import read_manifest
from microcnn.imaging.images import _level_bounds, _mapped, load_image, stretch_levels


def per_pixel(rgb: np.ndarray) -> np.ndarray:
    """The stretch as it was first written: every pixel through the float32 map."""
    bounds = _level_bounds(rgb)
    return rgb if bounds is None else _mapped(rgb.astype(np.float32), bounds)


def cpu_ms(step: Callable[[np.ndarray], object], images: list[np.ndarray], repeats: int) -> float:
    """Best-of-`repeats` process CPU time of `step` over `images`, per image."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for image in images:
            step(image)
        best = min(best, time.process_time() - start)
    return best / len(images) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("results/split/test.csv"))
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    rows = read_manifest(args.manifest)
    paths = [row.path for row in rows[:: max(1, len(rows) // args.count)][: args.count]]
    images = [load_image(path) for path in paths]
    for image in images:
        if not np.array_equal(per_pixel(image), stretch_levels(image)):
            raise SystemExit("the two ways differ: not the same stretch")
    decode = cpu_ms(load_image, paths, args.repeats)  # type: ignore[arg-type]
    baseline = cpu_ms(per_pixel, images, args.repeats)
    timed = {
        "decode the PNG (load_image), for scale": decode,
        "percentiles only (_level_bounds), shared": cpu_ms(_level_bounds, images, args.repeats),
        "stretch, every pixel mapped (before)": baseline,
        "stretch, the 256 levels looked up (today)": cpu_ms(stretch_levels, images, args.repeats),
    }
    shape = "x".join(map(str, images[0].shape[1::-1]))
    print(f"{len(images)} images ({shape} first), CPU ms per image, best of {args.repeats}")
    print("| step | ms per image | ratio to every pixel mapped |")
    print("| --- | --- | --- |")
    for name, ms in timed.items():
        print(f"| {name} | {ms:.2f} | {ms / baseline:.2f} |")
    print("bytes: the same both ways on every image")


if __name__ == "__main__":
    main()
