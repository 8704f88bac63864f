"""Time of the ASTM E112 measurement per image, by look and class.

One process, the default classes, the same microstructures in every look, drawn at the
reference view; the best of `--repeats` runs of ``measure_image`` per image (the measure stage
calls it once per image), then the median over the images. Ratios are against the reference
look's fine images, measured in the same run.

Then the step that was a quarter of the measure stage's time: the largest channel difference
per pixel (`boundary_mask`'s colour-step test, twice per image), by NumPy's ``max(axis=2)``
against ``grainsize._channel_max``, on one 432x288 image, in the same run.

Run: python benchmarks/measurement.py [--images 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
from functools import partial

import numpy as np

# Run as a script, this folder is on the path: the rendering benchmark's timer, not a copy.
from rendering import best_of

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import LOOKS, ImageSettings, Renderer, cell_polygons
from microcnn.imaging.view import View
from microcnn.measurement.grainsize import _channel_max, load_rgb, measure_image

CLASSES = {
    "fine": ClassSpec("fine", 1, (0.05, 0.11), 0.25),
    "coarse": ClassSpec("coarse", 1, (0.2, 0.34), 0.25),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5, help="microstructures per class")
    parser.add_argument("--repeats", type=int, default=3, help="runs per image (best kept)")
    args = parser.parse_args()
    settings = ImageSettings()
    view = View.centred(settings.width, settings.height, settings.domain_pixels)
    mm_per_px = 1.0 / settings.domain_pixels  # the unit square is 1 mm
    meshes = {
        name: [generate_one(spec, 1, i, GenerationSettings())[0] for i in range(args.images)]
        for name, spec in CLASSES.items()
    }
    rows = []
    for look_name, look in LOOKS.items():
        renderer = Renderer(settings, look)
        for name, batch in meshes.items():
            times = []
            for seed, mesh in enumerate(batch):
                pixels = renderer.render_polygons(cell_polygons(mesh), seed, view)
                work = partial(measure_image, pixels, mm_per_px, view.box)
                times.append(best_of(args.repeats, work))
            rows.append((look_name, name, statistics.median(times)))
    baseline = next(t for s, c, t in rows if (s, c) == ("reference", "fine"))
    print("| look | class | ms per image | ratio to reference/fine |")
    print("| --- | --- | --- | --- |")
    for look_name, name, seconds in rows:
        print(f"| {look_name} | {name} | {1000 * seconds:.1f} | {seconds / baseline:.2f} |")

    rgb = load_rgb(Renderer(settings, LOOKS["etched"]).render(meshes["fine"][0], 0, view))
    steps = np.abs(rgb[1:] - rgb[:-1])
    assert np.array_equal(steps.max(axis=2), _channel_max(steps))
    numpy_max = best_of(20, partial(steps.max, axis=2))
    ours = best_of(20, partial(_channel_max, steps))
    print("\n| largest channel step per pixel, 432x288 | ms | ratio to max(axis=2) |")
    print("| --- | --- | --- |")
    print(f"| numpy max(axis=2) | {1000 * numpy_max:.2f} | 1.00 |")
    print(f"| _channel_max | {1000 * ours:.2f} | {ours / numpy_max:.2f} |")


if __name__ == "__main__":
    main()
