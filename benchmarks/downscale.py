"""Native pixels: `microcnn predict` on 1024x768 renderings and on their 512x384 downscales.

Halving an image's width and height divides its grain areas in pixels by 4, so a network that
measures at native pixels must give areas in the ratio 4. Each microstructure is drawn at
1024x768 at two scales, the square centred: at 2.67x the reference scale (the square at 0.77 of
the height, as in the pipeline's framing; above the default training range of 0.5-2.5x) and at
1.8x (inside it, as is its downscale's 0.9x), and downscaled with Pillow's Lanczos filter.
Prints, per image pair, the true mean grain area at 1024x768 (E112 planimetric, from the
cells, as the pipeline's truth), both estimated areas with their signed error in G numbers
against the truth (positive: area estimated larger; the truth at 512x384 is a quarter of the
large one's), their ratio and whether it is within 15 % of 4, then per scale the count within
and the median ratio. The signed errors tell which of the two sizes a miss comes from; a last
column measures the 1024x768 image cropped to the square (the same grains, no white margin),
which tells a miss of the margin's from one of the grains'.

Run: python benchmarks/downscale.py [--model results/model/model.keras] [--runtime auto]
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from microcnn.classes import G_PER_DECADE
from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import LOOKS, ImageSettings, Renderer, cell_polygons, encode_png
from microcnn.imaging.view import View, truth

# (class, mean diameter as a share of the square, seed): fine grains from 0.06 to 0.12 and one
# coarse microstructure (about 18,400 px per grain at 1024x768: the top of the trained areas,
# reached in training only by views that the square overflows).
MICROSTRUCTURES = [
    ("fine", 0.06, 6),
    ("fine", 0.08, 3),
    ("fine", 0.10, 7),
    ("fine", 0.12, 4),
    ("coarse", 0.25, 5),
]
LOOK_NAMES = ("reference", "micrograph", "etched")
TOLERANCE = 0.15
# Scales of the 1024x768 images relative to the reference (the square's 222 px at 432x288):
# the pipeline's framing at 1024x768, and one whose downscale (half of it) is trained on too.
REFERENCE_SIDE_PX = ImageSettings().domain_pixels
SCALES = (ImageSettings(1024, 768).domain_pixels / REFERENCE_SIDE_PX, 1.8)


def render_pairs(folder: Path) -> list[tuple[float, str, float, Path, Path, Path]]:
    """(scale, label, true mean grain area at 1024x768 in px, large image, small image, large
    image cropped to the square) per pair."""
    pairs = []
    settings = ImageSettings(1024, 768)
    for name, diameter, seed in MICROSTRUCTURES:
        spec = ClassSpec(name, 1, (diameter, diameter), 0.25)
        mesh, _ = generate_one(spec, seed, 0, GenerationSettings())
        polygons = cell_polygons(mesh)
        for scale in SCALES:
            view = View.centred(1024, 768, scale * REFERENCE_SIDE_PX)
            true_area = truth(polygons, view).mean_grain_area_px
            for look in LOOK_NAMES:
                pixels = Renderer(settings, style=LOOKS[look]).render_polygons(polygons, seed, view)
                label = f"{look}, {name} d={diameter}"
                stem = f"{look}-{name}-{diameter}-{scale:.2f}x"
                large, small = folder / f"{stem}-1024x768.png", folder / f"{stem}-512x384.png"
                crop = folder / f"{stem}-square.png"
                large.write_bytes(encode_png(pixels))
                with Image.open(large) as image:
                    image.convert("RGB").resize((512, 384), Image.Resampling.LANCZOS).save(small)
                row0, row1, col0, col1 = view.box
                crop.write_bytes(encode_png(pixels[row0:row1, col0:col1]))
                pairs.append((scale, label, true_area, large, small, crop))
    return pairs


def signed_dg(estimate: float, true_area: float) -> str:
    return f"{G_PER_DECADE * math.log10(estimate / true_area):+.2f}"


def predicted_areas(paths: list[Path], model: Path, runtime: str) -> dict[str, float]:
    """The CLI's estimated mean grain area (px) per image, as a user would get it."""
    command = [sys.executable, "-m", "microcnn.cli", "predict", "--model", str(model),
               "--runtime", runtime, *map(str, paths)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = csv.DictReader(done.stdout.splitlines())
    return {row["path"]: float(row["mean_grain_area_px"]) for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("results/model/model.keras"))
    parser.add_argument("--runtime", default="auto", choices=["auto", "litert", "keras"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pairs = render_pairs(Path(tmp))
        images = [path for *_, large, small, crop in pairs for path in (large, small, crop)]
        areas = predicted_areas(images, args.model, args.runtime)
    lines = [
        "| scale at 1024x768 | image | true area at 1024x768 (px) | estimated (signed dG) | at "
        "512x384 (signed dG) | ratio | within 15 % of 4 | the square cropped (signed dG) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios: dict[float, list[float]] = {scale: [] for scale in SCALES}
    for scale, label, true_area, large, small, crop in pairs:
        a, b, c = areas[str(large)], areas[str(small)], areas[str(crop)]
        ratios[scale].append(a / b)
        ok = "yes" if abs(a / b / 4 - 1) <= TOLERANCE else "no"
        lines.append(
            f"| {scale:.2f}x | {label} | {true_area:.0f} | {a:.0f} ({signed_dg(a, true_area)}) | "
            f"{b:.0f} ({signed_dg(b, true_area / 4)}) | {a / b:.2f} | {ok} | "
            f"{c:.0f} ({signed_dg(c, true_area)}) |"
        )
    lines.append("")
    for scale, values in ratios.items():
        within = sum(abs(r / 4 - 1) <= TOLERANCE for r in values)
        lines.append(
            f"at {scale:.2f}x (512x384: {scale / 2:.2f}x): {within} of {len(values)} pairs within "
            f"15 % of 4; median ratio {statistics.median(values):.2f}"
        )
    lines.append(f"model {args.model}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
