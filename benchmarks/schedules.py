"""Learning-rate schedules side by side: the training stage as the pipeline runs it
(``training.train``: validation hold-out, early stopping, best epoch kept) under each schedule
and epoch count, on one finished run's manifests, scored on its test images.

Reported per set-up: training wall seconds, the kept epoch, and on the test manifest per look:
median and 90th-percentile |dG|, median signed dG, class accuracy, and the share of true areas
inside the predicted 90 % interval. A training seed other than the run's (--training-seed)
changes only TensorFlow's seed (weights, shuffling, augmentation), not the data or the split.

Run from a finished run's folder (its manifests name images relative to it):
    python benchmarks/schedules.py --set-ups cosine:25 plateau:25 cosine:12 [--training-seed 2]
        [--config config.yaml] [--out schedules.md] [--keep models/]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from microcnn.classes import G_PER_DECADE, GrainSizeClasses
from microcnn.config import load_config
from microcnn.data.manifest import read_manifest
from microcnn.data.predictions import Z90, classify, shown_label
from microcnn.learning import architectures, training
from microcnn.learning.outputs import split_output

INFER_BATCH = 64
# Each schedule at its own starting rate: cosine's default, and plateau's before cosine was.
RATES = {"cosine": 2e-3, "plateau": 1e-3}


def scores(model_path: Path, test_manifest: Path, classes: GrainSizeClasses, size) -> dict:
    """Per look (and "all"): p50 and p90 of |dG|, median dG, accuracy, 90 % coverage."""
    model = architectures.load(model_path)
    rows = read_manifest(test_manifest)
    batches = training.make_dataset(rows, *size, INFER_BATCH)
    mean, sd = split_output(
        np.concatenate([np.asarray(model.predict_on_batch(x)) for x, _ in batches])
    )
    truth = training.targets(rows)
    dg = G_PER_DECADE * (truth - mean)  # positive: grains estimated too small
    correct = np.array(
        [
            classify(r.path, float(m), float(s), classes, r.pixel_size_um).label
            == shown_label(r, classes)
            for r, m, s in zip(rows, mean, sd, strict=True)
        ]
    )
    inside = np.abs(truth - mean) < Z90 * sd
    looks = np.array([r.style for r in rows])
    out = {}
    for look in ["all", *dict.fromkeys(looks)]:
        sel = np.ones(len(rows), bool) if look == "all" else looks == look
        a = np.abs(dg[sel])
        out[look] = (
            np.median(a),
            np.percentile(a, 90),
            np.median(dg[sel]),
            correct[sel].mean(),
            inside[sel].mean(),
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-ups", nargs="+", default=["cosine:25", "plateau:25"],
                        help="schedule:epochs, each trained in turn")  # fmt: skip
    parser.add_argument("--config", type=Path, default=Path("config.yaml"))
    parser.add_argument("--train", type=Path, default=Path("results/split/train.csv"))
    parser.add_argument("--test", type=Path, default=Path("results/split/test.csv"))
    parser.add_argument("--training-seed", type=int,
                        help="replicate N: another TensorFlow seed (0: the run's)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--keep", type=Path,
                        help="keep each set-up's model here, in a folder named after it "
                        "(for benchmarks/downscale.py --runtime keras)")  # fmt: skip
    args = parser.parse_args()

    config = load_config(args.config)
    classes = GrainSizeClasses.from_config(config)
    size = (config["image"]["height"], config["image"]["width"])
    base = training.TrainingSettings.from_config(config["training"])
    lines = []
    for setup in args.set_ups:
        schedule, epochs = setup.split(":")
        rate = RATES[schedule]
        settings = dataclasses.replace(
            base, schedule=schedule, epochs=int(epochs), learning_rate=rate
        )
        with tempfile.TemporaryDirectory() as tmp:
            model = Path(tmp) / "model.keras"
            start = time.perf_counter()
            meta = training.train(args.train, classes, *size, settings, config["seed"], model,
                                  Path(tmp) / "history.csv", 1.0,
                                  replicate=args.training_seed or 0)  # fmt: skip
            seconds = time.perf_counter() - start
            result = scores(model, args.test, classes, size)
            if args.keep:
                shutil.copytree(tmp, args.keep / setup.replace(":", "-"), dirs_exist_ok=True)
        head = f"{schedule} from {rate:g}, {epochs} epochs"
        lines.append(f"{head}: {seconds:.0f} s, kept epoch {meta['best_epoch']}")
        table = ["| look | p50 / p90 abs dG | median dG | accuracy | 90 % coverage |",
                 "|---|---|---|---|---|"]  # fmt: skip
        table += [
            f"| {look} | {p50:.3f} / {p90:.3f} | {bias:+.3f} | {acc:.3f} | {cover:.3f} |"
            for look, (p50, p90, bias, acc, cover) in result.items()
        ]
        lines += [*table, ""]
        print("\n".join(lines[-len(table) - 2 :]), flush=True)
    seed = f", training seed {args.training_seed}" if args.training_seed is not None else ""
    lines.append(f"seed {config['seed']}{seed}; {os.cpu_count()} cores.")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
