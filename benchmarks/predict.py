"""`microcnn predict` on Keras against LiteRT: start-up on one image, images/s after start-up.

Everything is measured in this one run, the two runtimes alternating, so that a busy machine
slows both alike:

- one image: the wall time of `microcnn predict` as a fresh process (`--runtime keras` and
  `--runtime litert`), median of `--repeats`;
- images/s after start-up: a fresh process per measurement loads the model (not timed), then
  times `estimate_files` and `classify` (what the command does after start-up) over `--count`
  PNGs, median of `--repeats`; with the CPU time of the process (all threads) per image, which
  a machine busy with other work inflates far less than the wall time; each image measured in
  `--views` views (default: predict's), and on LiteRT also in 1 view, the baseline of a row
  that says what the views cost;
- where the time goes on the fast path: the same images only decoded (imaging/images.
  read_images, one thread and all threads), and the LiteRT network alone on already decoded
  batches of 64 (all threads).

The PNGs are spread evenly over the sorted images of `--images` (repeated if there are fewer).

Run: python benchmarks/predict.py --model results/model/model.keras --images results/images
     [--count 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from microcnn.learning.model_files import DEFAULT_VIEWS, VIEWS

RUNTIMES = ("keras", "litert")
ONE_VIEW = "litert-1-view"  # worker mode: LiteRT, each image measured as given only


def pick_images(folder: Path, count: int) -> list[Path]:
    """`count` PNGs spread evenly over the sorted PNGs under `folder`, repeated if need be."""
    found = sorted(folder.rglob("*.png"))
    if not found:
        raise SystemExit(f"no PNG images under {folder}")
    return [
        found[(k * len(found)) // count if count <= len(found) else k % len(found)]
        for k in range(count)
    ]


def one_image_seconds(model: str, image: Path, runtime: str) -> float:
    """Wall time of `microcnn predict` on one image, as a fresh process."""
    command = [sys.executable, "-m", "microcnn.cli", "predict", str(image), "--model", model]
    command += ["--runtime", runtime, "--pixel-size", "1"]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"microcnn predict failed: {result.stderr.strip()}")
    return seconds


def worker(
    model: str, runtime: str, paths_file: str, threads: int | None, views: int
) -> dict[str, float]:
    """In a fresh process: load the model (not timed), then time the images."""
    from microcnn.learning.predict import GrainSizeModel

    paths = Path(paths_file).read_text().splitlines()
    grain_model = GrainSizeModel(model, threads=threads, runtime_name=runtime, views=views)
    assert grain_model.runtime_used == runtime
    grain_model.estimate_files(paths[:8], print)  # first allocations, caches
    start, cpu = time.perf_counter(), time.process_time()
    estimates = grain_model.estimate_files(paths, print)
    for estimate in estimates:
        grain_model.classify(estimate, 1.0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"images_per_s": len(estimates) / seconds, "cpu_ms": 1000 * cpu / len(estimates)}


def parts(model: str, paths: list[str], threads: int) -> dict[str, float]:
    """Decoding alone (one thread, `threads` threads) and the LiteRT network alone, images/s."""
    import numpy as np

    from microcnn.imaging.images import read_images
    from microcnn.learning.model_files import inference_path
    from microcnn.learning.runtime import LiteRTNetwork

    result = {}
    for n in sorted({1, threads}):
        start, cpu = time.perf_counter(), time.process_time()
        decoded = [pixels for _, pixels in read_images(paths, n)]
        result[f"decode_{n}"] = len(paths) / (time.perf_counter() - start)
        result[f"decode_{n}_cpu_ms"] = 1000 * (time.process_time() - cpu) / len(paths)
    network = LiteRTNetwork(inference_path(model), threads)
    same = [p for p in decoded if getattr(p, "shape", None) == decoded[0].shape]
    batches = [np.stack(same[k : k + 64]) for k in range(0, len(same), 64)]
    network(batches[0])
    start, cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        network(batch)
    result["network"] = len(same) / (time.perf_counter() - start)
    result["network_cpu_ms"] = 1000 * (time.process_time() - cpu) / len(same)
    return result


def run_worker(args: argparse.Namespace, mode: str, paths_file: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--model", args.model, "--images", args.images]
    command += ["--worker", mode, "--paths", paths_file, "--views", str(args.views)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise SystemExit(f"worker {mode} failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="results/model/model.keras")
    parser.add_argument("--images", default="results/images", help="folder of PNGs (searched)")
    parser.add_argument("--count", type=int, default=1000, help="images for the images/s")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, help="default: every core this process may use")
    parser.add_argument(
        "--views", type=int, choices=VIEWS, default=DEFAULT_VIEWS, help="views per image"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        paths = Path(args.paths).read_text().splitlines()
        threads = args.threads or len(os.sched_getaffinity(0))
        if args.worker == "parts":
            print(json.dumps(parts(args.model, paths, threads)))
        elif args.worker == ONE_VIEW:
            print(json.dumps(worker(args.model, "litert", args.paths, args.threads, 1)))
        else:
            result = worker(args.model, args.worker, args.paths, args.threads, args.views)
            print(json.dumps(result))
        return

    load_before = os.getloadavg()[0]
    images = pick_images(Path(args.images), args.count)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(map(str, images)) + "\n")
    try:
        one: dict[str, list[float]] = {r: [] for r in RUNTIMES}
        rate: dict[str, list[dict[str, float]]] = {r: [] for r in (*RUNTIMES, ONE_VIEW)}
        split: list[dict[str, float]] = []
        for _ in range(args.repeats):
            for runtime in RUNTIMES:
                one[runtime].append(one_image_seconds(args.model, images[0], runtime))
            for runtime in (*RUNTIMES, ONE_VIEW):
                rate[runtime].append(run_worker(args, runtime, handle.name))
            split.append(run_worker(args, "parts", handle.name))
    finally:
        os.unlink(handle.name)

    seconds = {r: statistics.median(v) for r, v in one.items()}
    per_s = {r: statistics.median(m["images_per_s"] for m in v) for r, v in rate.items()}
    cpu_ms = {r: statistics.median(m["cpu_ms"] for m in v) for r, v in rate.items()}
    threads = args.threads or len(os.sched_getaffinity(0))
    print(
        f"{os.cpu_count()} cores (os.cpu_count()), {threads} threads, {args.count} PNGs from "
        f"{args.images}, {args.views} view(s) per image, median of {args.repeats}; load average "
        f"(1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after\n"
    )
    print("| measure | Keras | LiteRT | LiteRT / Keras |")
    print("| --- | --- | --- | --- |")
    print(
        f"| `microcnn predict` on 1 image, wall s | {seconds['keras']:.2f} | "
        f"{seconds['litert']:.2f} | {seconds['litert'] / seconds['keras']:.2f} |"
    )
    print(
        f"| images/s on {args.count} PNGs after start-up | {per_s['keras']:.0f} | "
        f"{per_s['litert']:.0f} | {per_s['litert'] / per_s['keras']:.2f} |"
    )
    print(
        f"| CPU ms per image after start-up (all threads) | {cpu_ms['keras']:.2f} | "
        f"{cpu_ms['litert']:.2f} | {cpu_ms['litert'] / cpu_ms['keras']:.2f} |"
    )
    print(
        f"\nLiteRT, {args.views} view(s) per image against 1: {per_s['litert']:.0f} against "
        f"{per_s[ONE_VIEW]:.0f} images/s ({per_s['litert'] / per_s[ONE_VIEW]:.2f}), "
        f"{cpu_ms['litert']:.2f} against {cpu_ms[ONE_VIEW]:.2f} CPU ms per image "
        f"({cpu_ms['litert'] / cpu_ms[ONE_VIEW]:.2f})."
    )
    print("\nWhere the time goes on the LiteRT path (median):\n")
    print("| part | images/s | CPU ms per image |")
    print("| --- | --- | --- |")
    for key in [k for k in split[0] if not k.endswith("_cpu_ms")]:
        name = (
            f"decoding only, {key.split('_')[1]} thread(s)"
            if key.startswith("decode")
            else f"LiteRT network only, batches of 64, {threads} threads"
        )
        rate_ = statistics.median(s[key] for s in split)
        cpu = statistics.median(s[f"{key}_cpu_ms"] for s in split)
        print(f"| {name} | {rate_:.0f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
