"""Native pixels: `microcnn predict` on 1024x768 renderings and on their 512x384 downscales.

Halving an image's width and height divides its grain areas in pixels by 4, so a network that
measures at native pixels must give areas in the ratio 4. Each microstructure is drawn at
1024x768 (the square at 0.77 of the height, as in the pipeline: 2.67x the reference scale,
just above the default training range of 0.5-2.5x) and downscaled with Pillow's Lanczos filter
(1.33x). Prints, per image pair, the true mean grain area at 1024x768 (E112 planimetric, from
the cells, as the pipeline's truth), both estimated areas with their signed error in G numbers
against the truth (positive: area estimated larger; the truth at 512x384 is a quarter of the
large one's), their ratio and whether it is within 15 % of 4, then the count within and the
median ratio. The signed errors tell which of the two sizes a miss comes from.

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
from microcnn.imaging.view import truth

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


def render_pairs(folder: Path) -> list[tuple[str, float, Path, Path]]:
    """(label, true mean grain area at 1024x768 in px, large image, small image) per pair."""
    pairs = []
    settings = ImageSettings(1024, 768)
    for name, diameter, seed in MICROSTRUCTURES:
        spec = ClassSpec(name, 1, (diameter, diameter), 0.25)
        mesh, _ = generate_one(spec, seed, 0, GenerationSettings())
        true_area = truth(cell_polygons(mesh), settings.reference_view).mean_grain_area_px
        for look in LOOK_NAMES:
            pixels = Renderer(settings, style=LOOKS[look]).render(mesh, seed=seed)
            label = f"{look}, {name} d={diameter}"
            large = folder / f"{look}-{name}-{diameter}-1024x768.png"
            small = folder / f"{look}-{name}-{diameter}-512x384.png"
            large.write_bytes(encode_png(pixels))
            with Image.open(large) as image:
                image.convert("RGB").resize((512, 384), Image.Resampling.LANCZOS).save(small)
            pairs.append((label, true_area, large, small))
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
        areas = predicted_areas([p for *_, a, b in pairs for p in (a, b)], args.model, args.runtime)
        lines = [
            "| image | true area at 1024x768 (px) | estimated (signed dG) | at 512x384 "
            "(signed dG) | ratio | within 15 % of 4 |",
            "|---|---|---|---|---|---|",
        ]
        ratios = []
        for label, true_area, large, small in pairs:
            a, b = areas[str(large)], areas[str(small)]
            ratios.append(a / b)
            ok = "yes" if abs(a / b / 4 - 1) <= TOLERANCE else "no"
            lines.append(
                f"| {label} | {true_area:.0f} | {a:.0f} ({signed_dg(a, true_area)}) | {b:.0f} "
                f"({signed_dg(b, true_area / 4)}) | {a / b:.2f} | {ok} |"
            )
    within = sum(abs(r / 4 - 1) <= TOLERANCE for r in ratios)
    lines.append(
        f"\n{within} of {len(ratios)} pairs within 15 % of 4; median ratio "
        f"{statistics.median(ratios):.2f}; model {args.model}"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
