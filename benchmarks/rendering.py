"""Time of rendering one image, per look, class and magnification, against the reference look.

One process, the default classes, the same microstructures and views in every look. Per image:
drawing (`Renderer.render_polygons`), PNG encoding (at the level the render stage writes the
look with), and the render stage's per-image total (cell outlines, drawing, PNG, truth; no file
writing). The best of `--repeats` runs per image, then the median over the images. Ratios are
the total against the reference look's at the same class and magnification, in the same run.

Then a render job as the workflow runs it: a fresh Python process rendering `--job-images`
microstructures of each class with `render_batch` (imports, magnifications drawn from the
default range, files written), the best of two wall times, against the reference look's.

Run: python benchmarks/rendering.py [--images 3] [--repeats 3] [--job-images 50]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.geometry.mesh_io import save_meshes
from microcnn.imaging.render import (
    LOOKS,
    ImageSettings,
    Renderer,
    cell_polygons,
    encode_png,
    png_level,
)
from microcnn.imaging.view import View, truth

CLASSES = {
    "fine": ClassSpec("fine", 1, (0.05, 0.11), 0.25),
    "coarse": ClassSpec("coarse", 1, (0.2, 0.34), 0.25),
}
MAGNIFICATIONS = (1.0, 2.5)


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The shortest of `repeats` runs of `work`, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def per_image(renderer: Renderer, level: int | None, mesh, seed: int, view: View) -> None:
    """The render stage's work for one image, without writing the file."""
    polygons = cell_polygons(mesh)
    encode_png(renderer.render_polygons(polygons, seed, view), level)
    truth(polygons, view)


def time_look(renderer: Renderer, batch: list, view: View, repeats: int) -> tuple[float, ...]:
    """Median over the images of the best draw, PNG and per-image times, in milliseconds."""
    level = png_level(renderer.style)
    draw, png, total = [], [], []
    for seed, mesh in enumerate(batch):
        polygons = cell_polygons(mesh)
        pixels = renderer.render_polygons(polygons, seed, view)
        draw.append(best_of(repeats, partial(renderer.render_polygons, polygons, seed, view)))
        png.append(best_of(repeats, partial(encode_png, pixels, level)))
        total.append(best_of(repeats, partial(per_image, renderer, level, mesh, seed, view)))
    return tuple(1000 * statistics.median(t) for t in (draw, png, total))


JOB = """
import sys
from microcnn.geometry.mesh_io import load_meshes
from microcnn.imaging.render import LOOKS, ImageSettings, render_batch
look, folder = sys.argv[1], sys.argv[2]
for cls in ("fine", "coarse"):
    meshes = load_meshes(f"{folder}/{cls}.npz")
    render_batch(meshes, cls, f"{folder}/{look}/{cls}", ImageSettings(magnification=(0.5, 2.5)),
                 LOOKS[look], 42, 1.0, f"{folder}/{look}/{cls}.csv")
"""


def time_jobs(meshes: dict[str, list], count: int) -> None:
    """Wall time (best of 2) of a fresh process rendering `count` microstructures per class,
    per look."""
    with tempfile.TemporaryDirectory() as folder:
        for name, spec in CLASSES.items():
            batch = meshes[name] + [
                generate_one(spec, 1, i, GenerationSettings())[0]
                for i in range(len(meshes[name]), count)
            ]
            save_meshes(f"{folder}/{name}.npz", list(range(count)), batch[:count])

        def job(look: str) -> None:
            subprocess.run([sys.executable, "-c", JOB, look, folder], check=True)

        job("reference")  # warm-up: the first start-up reads every library from disk
        seconds = {look: best_of(2, partial(job, look)) for look in LOOKS}
    print(f"\n| look | render job, {count} fine + {count} coarse images, s | ratio to reference |")
    print("| --- | --- | --- |")
    for look, t in seconds.items():
        print(f"| {look} | {t:.2f} | {t / seconds['reference']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=3, help="microstructures per class")
    parser.add_argument("--repeats", type=int, default=3, help="runs per image (best kept)")
    parser.add_argument("--job-images", type=int, default=50, help="per class; 0: no job")
    args = parser.parse_args()
    settings = ImageSettings()
    meshes = {
        name: [generate_one(spec, 1, i, GenerationSettings())[0] for i in range(args.images)]
        for name, spec in CLASSES.items()
    }
    rows = []
    for name, batch in meshes.items():
        for magnification in MAGNIFICATIONS:
            view = View.centred(432, 288, settings.domain_pixels * magnification)
            for look_name, look in LOOKS.items():
                times = time_look(Renderer(settings, look), batch, view, args.repeats)
                rows.append((name, magnification, look_name, *times))
    reference = {(c, m): t for c, m, look, _, _, t in rows if look == "reference"}
    print("| class | magnification | look | draw ms | PNG ms | per image ms | ratio to reference |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for cls, magnification, look, draw, png, total in rows:
        ratio = total / reference[cls, magnification]
        print(
            f"| {cls} | {magnification:g}x | {look} | {draw:.1f} | {png:.1f} | {total:.1f} "
            f"| {ratio:.2f} |"
        )
    if args.job_images:
        time_jobs(meshes, args.job_images)


if __name__ == "__main__":
    main()
