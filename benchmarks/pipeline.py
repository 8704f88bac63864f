"""The default pipeline end to end: wall time, jobs, training images/s, and `microcnn predict`'s
start-up and throughput, for this checkout beside an earlier revision, in one run.

Each revision is exported with `git archive` into a folder of its own under --workdir (a fresh
clone's files, no results) and run from scratch with `snakemake --cores N`, one after the other,
in the Python environment of this script. Read back from each run: the wall time, the number of
jobs and their summed run time (Snakemake's benchmark files), the training speed (the train
log's per-epoch lines; for a revision that predates them, Keras' per-epoch seconds, which
include validation), and then benchmarks/predict.py on the model and test images of today's
run. Ratios are today / before.

Run: python benchmarks/pipeline.py [--before REV] [--cores 2] [--workdir DIR] [--skip-before]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The train log's per-epoch line (learning/training.py RATE_LINE), and Keras' own epoch line.
RATE = re.compile(r"^epoch \d+: (\d+) training images in ([\d.]+) s", re.MULTILINE)
KERAS_EPOCH = re.compile(r"^\d+/\d+ - (\d+)s - ", re.MULTILINE)


@dataclass
class Run:
    revision: str
    wall_s: float
    jobs: int
    job_s: float
    train_rate: float
    train_rate_source: str


def export(revision: str, folder: Path) -> None:
    """The files of `revision` (as a fresh clone has them) in `folder`."""
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def training_rate(results: Path) -> tuple[float, str]:
    """Training images/s: the median over epochs 2.. of the train log's lines."""
    log = (results / "logs" / "train.log").read_text(encoding="utf-8")
    lines = RATE.findall(log)
    if lines:
        steady = lines[1:] or lines
        return statistics.median(int(n) / float(s) for n, s in steady), "training part"
    meta = json.loads((results / "model" / "model.json").read_text(encoding="utf-8"))
    seconds = [int(s) for s in KERAS_EPOCH.findall(log)]
    steady = seconds[1:] or seconds
    return meta["train_images"] / statistics.median(steady), "epoch with validation, 1 s steps"


def job_times(results: Path) -> tuple[int, float]:
    """Number of jobs and their summed wall seconds, from Snakemake's benchmark files."""
    total, jobs = 0.0, 0
    for tsv in (results / "benchmarks").rglob("*.tsv"):
        with open(tsv, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        jobs += 1
        total += float(rows[0]["s"])
    return jobs, total


def run_pipeline(revision: str, folder: Path, cores: int) -> Run:
    export(revision, folder)
    env = dict(os.environ, PYTHONPATH=str(folder / "src"))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{revision}: the pipeline failed:\n{done.stderr[-3000:]}")
    results = folder / "results"
    rate, source = training_rate(results)
    return Run(revision, wall, *job_times(results), rate, source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="b15e636", help="the revision to compare against")
    parser.add_argument("--today", default="HEAD", help="the revision measured as today's")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="where the runs go (default: a temp dir)")
    parser.add_argument("--skip-before", action="store_true", help="run today's only")
    parser.add_argument("--keep", action="store_true", help="keep the runs' folders")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="microcnn-pipeline-"))
    revisions = [args.today] if args.skip_before else [args.before, args.today]
    runs = []
    for name in revisions:
        folder = workdir / name.replace("/", "_")
        if folder.exists():
            shutil.rmtree(folder)
        print(f"running the default pipeline of {name} in {folder} ...", flush=True)
        runs.append(run_pipeline(name, folder, args.cores))
        print(f"  {runs[-1].wall_s:.0f} s", flush=True)

    print(f"\n{os.cpu_count()} cores on this machine; snakemake --cores {args.cores}.\n")
    print("| revision | pipeline wall | jobs | summed job time | training images/s |")
    print("|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {r.revision} | {r.wall_s / 60:.1f} min | {r.jobs} | {r.job_s / 60:.1f} min |"
            f" {r.train_rate:.0f} ({r.train_rate_source}) |"
        )
    if len(runs) == 2:
        before, today = runs
        print(
            f"\ntoday / before: wall {today.wall_s / before.wall_s:.2f}x, jobs"
            f" {today.jobs / before.jobs:.2f}x, training images/s"
            f" {today.train_rate / before.train_rate:.2f}x"
        )
    today_results = workdir / args.today.replace("/", "_") / "results"
    predict = REPO / "benchmarks" / "predict.py"
    if predict.is_file():
        print(f"\n`microcnn predict` on today's model and images ({predict.name}):\n", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(predict),
                "--model",
                str(today_results / "model" / "model.keras"),
                "--images",
                str(today_results / "images"),
            ],
            check=True,
        )
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
