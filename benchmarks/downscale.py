"""Native pixels: `microcnn predict` on 1024x768 renderings and on their 512x384 downscales.

Halving an image's width and height divides its grain areas in pixels by 4, so a network that
measures at native pixels must give areas in the ratio 4. Each microstructure is drawn at
1024x768 (the square at 0.77 of the height, as in the pipeline: 2.67x the reference scale,
just above the default training range of 0.5-2.5x) and downscaled with Pillow's Lanczos filter
(1.33x). Prints, per image pair, both estimated areas, their ratio and whether it is within
15 % of 4, then the count within and the median ratio.

Run: python benchmarks/downscale.py [--model results/model/model.keras] [--runtime auto]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from microcnn.geometry.generate import ClassSpec, GenerationSettings, generate_one
from microcnn.imaging.render import LOOKS, ImageSettings, Renderer, encode_png

# (class, mean diameter as a share of the square, seed): fine grains from 0.06 to 0.12 and one
# coarse microstructure, whose grains at 2.67x are larger than any the network trained on.
MICROSTRUCTURES = [
    ("fine", 0.06, 6),
    ("fine", 0.08, 3),
    ("fine", 0.10, 7),
    ("fine", 0.12, 4),
    ("coarse", 0.25, 5),
]
LOOK_NAMES = ("reference", "micrograph", "etched")
TOLERANCE = 0.15


def render_pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    pairs = []
    for name, diameter, seed in MICROSTRUCTURES:
        spec = ClassSpec(name, 1, (diameter, diameter), 0.25)
        mesh, _ = generate_one(spec, seed, 0, GenerationSettings())
        for look in LOOK_NAMES:
            pixels = Renderer(ImageSettings(1024, 768), style=LOOKS[look]).render(mesh, seed=seed)
            label = f"{look}, {name} d={diameter}"
            large = folder / f"{look}-{name}-{diameter}-1024x768.png"
            small = folder / f"{look}-{name}-{diameter}-512x384.png"
            large.write_bytes(encode_png(pixels))
            with Image.open(large) as image:
                image.convert("RGB").resize((512, 384), Image.Resampling.LANCZOS).save(small)
            pairs.append((label, large, small))
    return pairs


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
        areas = predicted_areas([p for _, *two in pairs for p in two], args.model, args.runtime)
        lines = ["| image | area at 1024x768 (px) | at 512x384 | ratio | within 15 % of 4 |",
                 "|---|---|---|---|---|"]  # fmt: skip
        ratios = []
        for label, large, small in pairs:
            a, b = areas[str(large)], areas[str(small)]
            ratios.append(a / b)
            ok = abs(a / b / 4 - 1) <= TOLERANCE
            lines.append(f"| {label} | {a:.0f} | {b:.0f} | {a / b:.2f} | {'yes' if ok else 'no'} |")
    within = sum(abs(r / 4 - 1) <= TOLERANCE for r in ratios)
    lines.append(
        f"\n{within} of {len(ratios)} pairs within 15 % of 4; median ratio "
        f"{statistics.median(ratios):.2f}; model {args.model}"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
