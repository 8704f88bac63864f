"""Decoding the rendered PNGs: RGB PNGs (as before) beside grey PNGs for the grey looks (today),
per look, in one run.

For every look under --images, --count of its PNGs are read into memory, re-encoded both ways
(imaging/render.encode_png with and without the grey path, at the look's zlib level), written to
a temporary folder and read back with imaging/images.load_image, which returns the RGB array
that training, measurement and prediction use. Reported: CPU ms per image (one thread, best of
--repeats), the bytes per image, and the ratio today / before. The pixels read back are checked
to be equal both ways.

Run: python benchmarks/decoding.py --images results/images [--count 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image
from timing import cpu_ms_per_item

from microcnn.imaging.images import load_image
from microcnn.imaging.render import LOOKS, encode_png, is_grey, png_bytes, png_level


def rgb_png(pixels: np.ndarray, level: int | None) -> bytes:
    """The PNG that encode_png wrote before grey images were written as grey."""
    return png_bytes(Image.fromarray(pixels, mode="RGB"), level)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, required=True, help="a run's results/images")
    parser.add_argument("--count", type=int, default=100, help="images per look")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("| look | grey? | RGB PNG ms | today's PNG ms | today / before | RGB kB | today's kB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for look_dir in sorted(p for p in args.images.iterdir() if p.is_dir()):
            if look_dir.name not in LOOKS:
                raise SystemExit(f"{look_dir}: not a look's folder (looks: {', '.join(LOOKS)})")
            look = LOOKS[look_dir.name]
            level = png_level(look)
            sources = sorted(look_dir.rglob("*.png"))[: args.count]
            if not sources:
                continue
            pixels = [load_image(p) for p in sources]
            greys = sum(is_grey(p) for p in pixels)
            grey = "yes" if greys == len(pixels) else "some" if greys else "no"
            timings, sizes = [], []
            for name, encode in (("before", rgb_png), ("today", encode_png)):
                folder = Path(scratch) / look_dir.name / name
                folder.mkdir(parents=True)
                paths = []
                for k, image in enumerate(pixels):
                    path = folder / f"{k:05d}.png"
                    path.write_bytes(encode(image, level))
                    paths.append(path)
                assert all(
                    np.array_equal(load_image(q), p) for q, p in zip(paths, pixels, strict=True)
                )
                timings.append(cpu_ms_per_item(load_image, paths, args.repeats))
                sizes.append(sum(p.stat().st_size for p in paths) / len(paths) / 1000)
            print(
                f"| {look_dir.name} | {grey} | {timings[0]:.2f} |"
                f" {timings[1]:.2f} | {timings[1] / timings[0]:.2f} | {sizes[0]:.0f} |"
                f" {sizes[1]:.0f} |"
            )


if __name__ == "__main__":
    main()
