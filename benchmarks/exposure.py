"""Exposure: `microcnn predict` on test images whose levels were changed, read as given and
stretched (`--levels`).

A change of brightness, contrast or gamma moves no pixel and leaves grain size as it was, so a
network that measures grain size must answer a changed image as the image. From a finished
run's test manifest, --per-class images of each class in every look (the first ones) are
written again with their levels changed: x0.5 (dim), x0.25, x0.25 + 100 (flat, mid-grey),
x0.5 + 128 (washed out) and gamma 0.5 and 2 (not linear: a stretch cannot undo them), and
measured with the run's model as a user would measure them, once with `--levels as-given` and
once with `--levels stretched`. Printed per change and way of reading: the median and largest
|dG| from the truth (G numbers; the truth is the image's own, its levels do not change it), and
the median |dG| from the unchanged image read the same way.

Run from a finished run's folder:
    python benchmarks/exposure.py [--model results/model/model.keras] [--per-class 2]
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from microcnn.classes import G_PER_DECADE
from microcnn.data.manifest import ManifestRow, read_manifest
from microcnn.imaging.images import LEVELS

CHANGES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "as rendered": lambda x: x,
    "x0.5": lambda x: x * 0.5,
    "x0.25": lambda x: x * 0.25,
    "x0.25 + 100": lambda x: x * 0.25 + 100,
    "x0.5 + 128": lambda x: x * 0.5 + 128,
    "gamma 0.5": lambda x: 255 * (x / 255) ** 0.5,
    "gamma 2": lambda x: 255 * (x / 255) ** 2,
}


def chosen(rows: list[ManifestRow], per_class: int) -> list[ManifestRow]:
    """The first `per_class` test images of each class in every look."""
    picked = []
    for look in sorted({r.style for r in rows}):
        for label in sorted({r.label for r in rows}):
            picked += [r for r in rows if r.style == look and r.label == label][:per_class]
    return picked


def changed_images(rows: list[ManifestRow], folder: Path) -> dict[tuple[int, str], Path]:
    """Each image written with each change of CHANGES, by (row index, change)."""
    files = {}
    for i, row in enumerate(rows):
        with Image.open(row.path) as image:
            levels = np.asarray(image.convert("RGB")).astype(np.float64)
        for name, change in CHANGES.items():
            path = folder / f"{i:03d}-{name.replace(' ', '')}.png"
            Image.fromarray(np.clip(np.rint(change(levels)), 0, 255).astype(np.uint8)).save(path)
            files[(i, name)] = path
    return files


def predicted_log_areas(paths: list[Path], model: Path, levels: str) -> dict[str, float]:
    """log10 of the CLI's estimated mean grain area (px) per image."""
    command = [sys.executable, "-m", "microcnn.cli", "predict", "--model", str(model),
               "--levels", levels, *map(str, paths)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = csv.DictReader(done.stdout.splitlines())
    return {row["path"]: math.log10(float(row["mean_grain_area_px"])) for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("results/model/model.keras"))
    parser.add_argument("--manifest", type=Path, default=Path("results/split/test.csv"))
    parser.add_argument("--per-class", type=int, default=2)
    args = parser.parse_args()
    rows = chosen(read_manifest(args.manifest), args.per_class)
    truth = np.log10([row.mean_grain_area_px for row in rows])
    lines = [
        "| read | " + " | ".join(CHANGES) + " |",
        "| --- |" + " --- |" * len(CHANGES),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        files = changed_images(rows, Path(tmp))
        for levels in LEVELS:
            found = predicted_log_areas(list(files.values()), args.model, levels)
            unchanged = np.array([found[str(files[(i, "as rendered")])] for i in range(len(rows))])
            cells = []
            for name in CHANGES:
                estimate = np.array([found[str(files[(i, name)])] for i in range(len(rows))])
                from_truth = list(G_PER_DECADE * np.abs(estimate - truth))
                moved = list(G_PER_DECADE * np.abs(estimate - unchanged))
                cells.append(
                    f"{statistics.median(from_truth):.2f} / {max(from_truth):.2f} "
                    f"({statistics.median(moved):.2f})"
                )
            lines.append(f"| {levels} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"{len(rows)} test images ({args.per_class} per class and look); per change: median / "
        "largest |dG| from the truth (median |dG| from the image as rendered, read the same way)",
        f"model {args.model}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
