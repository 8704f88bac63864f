"""What the margin mask costs: training steps of the compact network with and without it.

Both networks train on the same batches of 32 random 432x288 images whose left third is pure
white (a margin), on 2 threads, float32; the two alternate for `--rounds` rounds of `--steps`
steps each (after warm-up steps), so that a slower stretch of the host hits both. Prints a
table: median milliseconds per image per step and the ratio to the network without the mask.

Run: python benchmarks/margin_mask.py [--rounds 3] [--steps 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from microcnn.imaging.margin import MARGIN_LEVEL
from microcnn.learning import tf_setup
from microcnn.learning.architectures import compact_cnn, gaussian_nll

BATCH = 32


def step_ms_per_image(model, images: np.ndarray, targets: np.ndarray, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(images, targets)
    return (time.perf_counter() - start) / steps / BATCH * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=15)
    args = parser.parse_args()
    tf_setup.configure(2, 0)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (BATCH, 288, 432, 3)).astype(np.float32)
    images[:, :, :144] = MARGIN_LEVEL
    targets = np.full((BATCH,), 3.0, dtype=np.float32)
    models = {"without the mask": compact_cnn(mask_margin=False), "with the mask": compact_cnn()}
    times: dict[str, list[float]] = {name: [] for name in models}
    for model in models.values():
        model.compile(optimizer="adam", loss=gaussian_nll)
        step_ms_per_image(model, images, targets, 3)  # warm-up: tracing and first allocations
    for _ in range(args.rounds):
        for name, model in models.items():
            times[name].append(step_ms_per_image(model, images, targets, args.steps))
    base = statistics.median(times["without the mask"])
    print("| network | training step, ms per image (median) | ratio |")
    print("| --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| compact, {name} | {median:.2f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
