"""Training speed with tf.data's autotuner on (the baseline) and off (today's make_dataset), in
one run: the same images, network, seed and epochs, the two set-ups taking turns, each run in a
process of its own (the autotuner's state lives in the process).

Reported per set-up: each run's training images/s per epoch from the second on (the first also
decodes and caches the PNGs), their median and lowest, CPU cores busy (process time over wall
time), and a digest of the final weights: equal digests mean the two set-ups trained the same
model. Ratios are today / baseline.

Run: python benchmarks/data_threads.py --train results/split/train.csv
     [--limit 1600] [--epochs 4] [--repeats 4] [--out data_threads.md]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

SETUPS = {"baseline": "autotuner on", "today": "autotuner off (make_dataset)"}
SEED = 42
THREADS = 2  # training.threads' default


def worker(train_manifest: str, limit: int, epochs: int, setup: str) -> dict:
    """One training run of `setup`; returns its epoch rates, cores busy and weights digest."""
    from PIL import Image

    from microcnn.data.manifest import read_manifest
    from microcnn.learning import architectures, tf_setup, training

    tf, keras = tf_setup.tf, tf_setup.keras
    tf_setup.configure(THREADS, SEED)
    rows = read_manifest(train_manifest)[:limit]
    with Image.open(rows[0].path) as first:  # the run's image size, whatever its config
        width, height = first.size
    ds = training.make_dataset(rows, height, width, 32, shuffle_seed=SEED, augment=True, zoom=True)
    if setup == "baseline":
        tuned = tf.data.Options()
        tuned.autotune.enabled = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = ds.with_options(tuned)
    model = architectures.build("compact", 3.0, "bfloat16")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=architectures.gaussian_nll)
    rates = []
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(ds, epochs=1, verbose=0, shuffle=False)
        rates.append(len(rows) / (time.perf_counter() - start))
    cores = (time.process_time() - cpu) / (time.perf_counter() - wall)
    digest = hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights())).hexdigest()
    return {"rates": rates[1:], "cores": cores, "weights": digest[:12]}


def run(args: argparse.Namespace) -> str:
    results: dict[str, list[dict]] = {name: [] for name in SETUPS}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for _ in range(args.repeats):
        for setup in SETUPS:
            command = [sys.executable, __file__, "--train", args.train, "--limit", str(args.limit),
                       "--epochs", str(args.epochs), "--worker", setup]  # fmt: skip
            out = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            results[setup].append(json.loads(out.stdout.strip().splitlines()[-1]))
    lines = [
        f"{args.limit} training images, {args.epochs} epochs (rates of epochs 2..{args.epochs}), "
        f"{args.repeats} runs per set-up, taking turns",
        "",
        "| set-up | runs' epoch rates (images/s) | median | lowest | cores | weights |",
        "|---|---|---:|---:|---:|---|",
    ]
    summary = {}
    for setup, runs in results.items():
        rates = [r for run_ in runs for r in run_["rates"]]
        summary[setup] = (statistics.median(rates), min(rates))
        per_run = "; ".join(", ".join(f"{r:.0f}" for r in run_["rates"]) for run_ in runs)
        cores = statistics.median(run_["cores"] for run_ in runs)
        digests = ", ".join(sorted({run_["weights"] for run_ in runs}))
        lines.append(
            f"| {SETUPS[setup]} | {per_run} | {summary[setup][0]:.0f} | {summary[setup][1]:.0f} "
            f"| {cores:.2f} | {digests} |"
        )
    median_ratio = summary["today"][0] / summary["baseline"][0]
    lowest_ratio = summary["today"][1] / summary["baseline"][1]
    lines += ["", f"today / baseline: median {median_ratio:.2f}x, lowest {lowest_ratio:.2f}x"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="a training manifest (split/train.csv)")
    parser.add_argument("--limit", type=int, default=1600, help="its first N images")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--out", type=Path, help="also write the table here")
    parser.add_argument("--worker", choices=sorted(SETUPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.train, args.limit, args.epochs, args.worker)))
        return
    table = run(args)
    print(table, end="")
    if args.out:
        args.out.write_text(table)


if __name__ == "__main__":
    main()
