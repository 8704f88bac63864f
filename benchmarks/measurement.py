"""Time of the ASTM E112 measurement per image, by rendering style and class.

One process, the default classes, the same microstructures in every style; the best of five
runs of ``measure_image`` per image (the measure stage calls it once per image), then the
median over the images. Ratios are against the reference style's fine images, measured in the
same run.

Run: python benchmarks/measurement.py [--images 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import STYLES, ImageSettings, Renderer
from microcnn.measurement.grainsize import measure_image

CLASSES = {
    "coarse": ClassSpec("coarse", 1, (0.2, 0.34), 0.25),
    "fine": ClassSpec("fine", 1, (0.05, 0.11), 0.25),
}


def best_of(repeats: int, pixels, mm_per_px: float, box) -> float:
    """The shortest of `repeats` measurements of one image, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        measure_image(pixels, mm_per_px, box)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5, help="microstructures per class")
    args = parser.parse_args()
    meshes = {
        name: [generate_one(spec, 1, i, GenerationSettings())[0] for i in range(args.images)]
        for name, spec in CLASSES.items()
    }
    rows = []
    for style in STYLES.values():
        renderer = Renderer(ImageSettings(), style)
        mm_per_px, box = 1.0 / renderer.pixels_per_unit, renderer.domain_box
        for name, batch in meshes.items():
            times = [best_of(5, renderer.render(m), mm_per_px, box) for m in batch]
            rows.append((style.name, name, statistics.median(times)))
    baseline = next(t for s, c, t in rows if (s, c) == ("reference", "fine"))
    print("| style | class | ms per image | ratio to reference/fine |")
    print("| --- | --- | --- | --- |")
    for style, name, seconds in rows:
        print(f"| {style} | {name} | {1000 * seconds:.1f} | {seconds / baseline:.2f} |")


if __name__ == "__main__":
    main()
