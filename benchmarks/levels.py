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
from pathlib import Path

import numpy as np
from timing import cpu_ms_per_item

from microcnn.data.manifest import read_manifest
from microcnn.imaging.images import _level_bounds, _mapped, load_image, stretch_levels


def per_pixel(rgb: np.ndarray) -> np.ndarray:
    """The stretch as it was first written: every pixel through the float32 map."""
    bounds = _level_bounds(rgb)
    return rgb if bounds is None else _mapped(rgb.astype(np.float32), bounds)


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
    decode = cpu_ms_per_item(load_image, paths, args.repeats)
    baseline = cpu_ms_per_item(per_pixel, images, args.repeats)
    timed = {
        "decode the PNG (load_image), for scale": decode,
        "percentiles only (_level_bounds), shared": cpu_ms_per_item(
            _level_bounds, images, args.repeats
        ),
        "stretch, every pixel mapped (before)": baseline,
        "stretch, the 256 levels looked up (today)": cpu_ms_per_item(
            stretch_levels, images, args.repeats
        ),
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
