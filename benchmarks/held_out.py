"""Leave one family out: for each randomised look family, train the pipeline's model on every
other look and measure the family it never saw, beside the run's own model (trained on it).

A family leaves training with the families built on it (`Family.base`): `etched` leaves with
`twinned` (etched plus twins), so no etched grains are trained on at all; `twinned` leaves alone,
so what it tests is twins never seen. Everything else is the run's: images, split, validation
hold-out, training settings and seed (--training-seed: another TensorFlow seed), and the test
images are measured as the workflow's predict stage measures them (`evaluate_manifest`, with
`prediction.views` views unless --views says otherwise).

Reported per family: the CNN never trained on it (median and 90th-percentile |dG|, class
accuracy), the run's model on the same images (results/predictions/metrics.json), the classical
E112 measurement on them (results/evaluation/summary.csv), the CNN's figures on all test images,
and whether the family passes: accuracy at least 0.95 and median |dG| at most 0.4.

Run from a finished run's folder (its manifests name images relative to it):
    python benchmarks/held_out.py [--families etched contrast] [--training-seed 2]
        [--views 4] [--config config.yaml] [--out held_out.md] [--keep models/]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from microcnn.classes import GrainSizeClasses
from microcnn.config import load_config
from microcnn.data.manifest import read_manifest, write_manifest
from microcnn.imaging.looks import FAMILIES
from microcnn.learning import training
from microcnn.learning.predict import evaluate_manifest
from microcnn.scale import reference_pixel_size_um

# What a family never trained on must reach to pass.
PASS_ACCURACY = 0.95
PASS_MEDIAN_DG = 0.4


def left_out(family: str, styles: list[str]) -> list[str]:
    """The styles that leave training with `family`: itself and, among `styles`, every family
    built on it (directly or through another)."""
    out = [family]
    for name in styles:
        base = FAMILIES[name].base if name in FAMILIES else None
        while base is not None:
            if base.name == family:
                out.append(name)
                break
            base = base.base
    return out


def _figures(metrics: dict, look: str) -> tuple[float, float, float]:
    scored = metrics if look == "all" else metrics["per_style"][look]
    return scored["median_abs_dG"], scored["p90_abs_dG"], scored["accuracy"]


def _e112_cells(summary: Path) -> dict[str, str]:
    """The classical measurement's figures per look, over all magnifications, as table cells."""
    cells = {}
    with summary.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["magnification"], row["estimator"]) == ("all", "E112 measurement"):
                figures = (row["median_abs_dG"], row["p90_abs_dG"], row["accuracy"])
                cells[row["look"]] = _cell(*map(float, figures))
    return cells


def _cell(median: float, p90: float, accuracy: float) -> str:
    return f"{median:.3f} / {p90:.3f}, {accuracy:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+",
                        help="families to leave out in turn (default: every family in "
                        "image.styles)")  # fmt: skip
    parser.add_argument("--config", type=Path, default=Path("config.yaml"))
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--views", type=int, help="views per image (default: prediction.views)")
    parser.add_argument("--training-seed", type=int,
                        help="replicate N: another TensorFlow seed (0: the run's)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--keep", type=Path,
                        help="keep each model and its predictions here, in a folder per "
                        "family")  # fmt: skip
    args = parser.parse_args()

    config = load_config(args.config)
    styles = list(config["image"]["styles"])
    families = args.families or [s for s in styles if s in FAMILIES]
    unknown = [f for f in families if f not in FAMILIES or f not in styles]
    if unknown:
        parser.error(f"not a family of this run's image.styles: {', '.join(unknown)}")
    views = args.views or config["prediction"]["views"]
    classes = GrainSizeClasses.from_config(config)
    image = config["image"]
    reference_um = reference_pixel_size_um(config)
    # The training settings but held_out_style (not among them: the split applies it).
    settings = training.TrainingSettings.from_config(config["training"])
    run_metrics = json.loads((args.results / "predictions/metrics.json").read_text())
    e112 = _e112_cells(args.results / "evaluation/summary.csv")
    train_rows = read_manifest(args.results / "split/train.csv")
    test_manifest = args.results / "split/test.csv"

    lines = [
        "| left out of training | CNN never trained on it: median / p90 abs dG, accuracy "
        "| the run's CNN (trained on it) | E112 on it | CNN on all test images | passes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for family in families:
        out = left_out(family, styles)
        kept = [r for r in train_rows if r.style not in out]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_manifest(folder / "train.csv", kept)
            model = folder / "model.keras"
            start = time.perf_counter()
            training.train(folder / "train.csv", classes, image["height"], image["width"],
                           settings, config["seed"], model, folder / "history.csv",
                           reference_um, replicate=args.training_seed or 0)  # fmt: skip
            seconds = time.perf_counter() - start
            metrics = evaluate_manifest(
                model, test_manifest, folder / "test.csv", folder / "metrics.json",
                threads=settings.threads, views=views,
            )  # fmt: skip
            if args.keep:
                shutil.copytree(folder, args.keep / family, dirs_exist_ok=True)
        median, p90, accuracy = _figures(metrics, family)
        passes = accuracy >= PASS_ACCURACY and median <= PASS_MEDIAN_DG
        lines.append(
            f"| {' + '.join(out)} ({len(kept)} of {len(train_rows)} images, {seconds:.0f} s) "
            f"| {_cell(median, p90, accuracy)} | {_cell(*_figures(run_metrics, family))} "
            f"| {e112.get(family, '-')} | {_cell(*_figures(metrics, 'all'))} "
            f"| {'yes' if passes else 'no'} |"
        )
        print(lines[-1], flush=True)
    seed = f", training seed {args.training_seed}" if args.training_seed is not None else ""
    lines.append("")
    lines.append(
        f"seed {config['seed']}{seed}; {views} views per image; images: of the run's training "
        f"manifest (validation hold-out included), those trained on; passes: accuracy >= "
        f"{PASS_ACCURACY}, median |dG| <= {PASS_MEDIAN_DG}; {os.cpu_count()} cores."
    )
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
