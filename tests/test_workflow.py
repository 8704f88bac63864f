"""End to end: the tiny config through every Snakemake stage, reruns, bad configs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from microcnn.classes import GrainSizeClasses
from microcnn.config import load_config
from microcnn.data.predictions import columns

from .helpers import SRC, TINY, edited, planned_jobs, read_csv, snakemake, write_config

pytestmark = pytest.mark.slow


STYLES = ("reference", "micrograph")


def test_images_are_432x288_pngs(tiny_run):
    for style in STYLES:
        for cls in ("coarse", "fine"):
            pngs = sorted((tiny_run / "results/images" / style / cls).glob("batch-*/*.png"))
            assert [p.name for p in pngs] == [f"{cls}-{i:05d}.png" for i in range(7)]
            for png in pngs:
                # The reference look is blue; the micrograph look grey, written as grey PNGs.
                mode = "RGB" if style == "reference" else "L"
                with Image.open(png) as image:
                    assert (image.format, image.size, image.mode) == ("PNG", (432, 288), mode)


def test_records_cover_every_image(tiny_run):
    rows = read_csv(tiny_run / "results" / "dataset" / "records.csv")
    assert sorted((r["class"], int(r["index"])) for r in rows) == sorted(
        (c, i) for c in ("coarse", "fine") for i in range(7)
    )
    assert all(
        float(r["mean_equivalent_diameter_px"])
        == pytest.approx(float(r["mean_equivalent_diameter"]) * 0.77 * 288, rel=1e-3)
        for r in rows
    )
    coarse = [int(r["grains_placed"]) for r in rows if r["class"] == "coarse"]
    fine = [int(r["grains_placed"]) for r in rows if r["class"] == "fine"]
    assert max(coarse) < min(fine)


def test_split_is_six_to_one_per_class(tiny_run):
    train = read_csv(tiny_run / "results" / "split" / "train.csv")
    test = read_csv(tiny_run / "results" / "split" / "test.csv")
    for cls in ("coarse", "fine"):
        for style in STYLES:
            assert sum(r["label"] == cls and r["style"] == style for r in train) == 6
            assert sum(r["label"] == cls and r["style"] == style for r in test) == 1
    stem = lambda path: Path(path).stem  # noqa: E731
    assert not {stem(r["path"]) for r in train} & {stem(r["path"]) for r in test}
    assert all((tiny_run / r["path"]).is_file() for r in train + test)


def test_model_history_and_plot(tiny_run):
    from microcnn.learning.architectures import load

    model = load(tiny_run / "results" / "model" / "model.keras")
    assert model.input_shape == (None, None, None, 3)  # any image size
    assert model.output_shape == (None, 2)  # mean and log sd of log10 area
    meta = json.loads((tiny_run / "results" / "model" / "model.json").read_text())
    assert meta["classes"]["names"] == ["fine", "coarse"]
    assert meta["reference_pixel_size_um"] == pytest.approx(1000 / (0.77 * 288))
    history = read_csv(tiny_run / "results" / "model" / "history.csv")
    assert [int(r["epoch"]) for r in history] == [1, 2]
    assert {"loss", "val_loss", "log10_area_error", "val_log10_area_error"} <= set(history[0])
    with Image.open(tiny_run / "results" / "plots" / "loss.png") as plot:
        assert plot.format == "PNG" and plot.size[0] > 500


def test_predictions_and_metrics(tiny_run):
    rows = read_csv(tiny_run / "results" / "predictions" / "test.csv")
    test = read_csv(tiny_run / "results" / "split" / "test.csv")
    assert [r["path"] for r in rows] == [r["path"] for r in test]
    assert list(rows[0]) == columns(["fine", "coarse"], with_truth=True)
    assert [r["drawn_label"] for r in rows] == [r["label"] for r in test]
    classes = GrainSizeClasses.from_config(load_config(TINY))
    for row, truth in zip(rows, test, strict=True):
        shown = float(truth["mean_grain_area_px"]) * float(truth["pixel_size_um"]) ** 2
        assert row["true_label"] == classes.label(shown)
        assert row["true_mean_grain_area_px"] == truth["mean_grain_area_px"]
        # Each image's class and G at its own pixel size.
        assert row["pixel_size_um"] == truth["pixel_size_um"] and row["astm_g"]
    metrics = json.loads((tiny_run / "results" / "predictions" / "metrics.json").read_text())
    correct = sum(r["label"] == r["true_label"] for r in rows)
    assert metrics["accuracy"] == pytest.approx(correct / len(rows))
    assert sum(map(sum, metrics["confusion_matrix"])) == len(rows) == metrics["n_images"]
    assert set(metrics["per_style"]) == set(STYLES)
    assert sum(m["n_images"] for m in metrics["per_style"].values()) == len(rows)
    assert metrics["median_abs_dG"] >= 0 and metrics["p90_abs_dG"] >= metrics["median_abs_dG"]
    assert metrics["views"] == 4  # prediction.views' default


def test_evaluation_compares_cnn_and_baseline_per_style(tiny_run):
    rows = read_csv(tiny_run / "results" / "evaluation" / "summary.csv")
    pairs = {(r["look"], r["magnification"], r["estimator"]) for r in rows}
    for style in ("all", *STYLES):
        assert {(style, "all", "CNN"), (style, "all", "E112 measurement")} <= pairs
    for name in ("confusion.png", "roc.png", "misclassified.png", "scatter.png", "reliability.png"):
        with Image.open(tiny_run / "results" / "evaluation" / name) as image:
            assert image.format == "PNG"
    # One table per batch: every test image, and every look of one of the six training
    # microstructures (measurement.train_fraction 0.2 of six, rounded).
    measured = [
        row
        for batch in ("0000", "0001")
        for row in read_csv(tiny_run / f"results/grainsize/fine/batch-{batch}.csv")
    ]
    assert all(float(r["astm_g"]) > 0 for r in measured)
    split = {
        part: [r for r in read_csv(tiny_run / f"results/split/{part}.csv") if r["label"] == "fine"]
        for part in ("train", "test")
    }
    paths = {r["path"] for r in measured}
    assert {r["path"] for r in split["test"]} <= paths
    trained = [r for r in split["train"] if r["path"] in paths]
    assert len(trained) == len(STYLES) == len(paths) - len(split["test"])
    assert len({Path(r["path"]).stem for r in trained}) == 1


def test_report_holds_the_plots_and_tables(tiny_run, tmp_path):
    report = tmp_path / "report.html"
    result = snakemake(tiny_run, "--report", str(report))
    assert result.returncode == 0, result.stderr[-2000:]
    html = report.read_text()
    for name in (
        "samples.png",
        "grain_areas.png",
        "grains_per_image.png",
        "loss.png",
        "diagram.png",
        "summary.txt",
        "confusion.png",
        "roc.png",
        "misclassified.png",
        "scatter.png",
        "reliability.png",
        "summary.csv",
        "records.csv",
    ):
        assert name in html, name
    # The captions are rendered with the config values behind each result.
    assert "Held-out style: None" in html
    # The front page: what the run made and the headline scores, read from the summary table.
    assert "What this run made" in html and "reference, micrograph" in html
    summary = read_csv(tiny_run / "results/evaluation/summary.csv")
    cnn_all = next(
        r
        for r in summary
        if (r["look"], r["magnification"], r["estimator"]) == ("all", "all", "CNN")
    )
    assert f"<td>{cnn_all['median_abs_dG']}</td>" in html


def test_second_run_has_nothing_to_do(tiny_run):
    result = snakemake(tiny_run, "--cores", "2", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Nothing to be done" in result.stdout + result.stderr


def test_changing_one_class_reruns_only_that_class(tiny_run, tmp_path):
    config = write_config(tmp_path / "config.yaml", **{"classes.fine.mean_diameter": [0.07, 0.1]})
    result = snakemake(tiny_run, "--cores", "2", "--dry-run", config=config)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout + result.stderr
    assert "results/meshes/fine/batch-0000.npz" in out
    assert "output: results/meshes/coarse/" not in out
    assert "output: results/images/coarse/" not in out
    counts = planned_jobs(result)
    # The fine batches only: 2 to generate and 2 to render (every look in each). Every batch
    # is measured again (4 jobs): the measure jobs read the split, which is made again, and
    # measure its test images, which may change with it.
    assert counts["generate"] == 2 and counts["render"] == 2 and counts["measure"] == 4
    for rule in ("split", "train", "plot_loss", "predict", "baseline", "evaluate"):
        assert counts[rule] == 1


# What a dry run plans after one package module is edited (tiny config: 2 classes x 2 batches,
# 2 styles): the stages whose scripts import the module, and every stage downstream of them.
# One render and one measure job per batch, each for every style. Every stage that reads images
# checks them first (each measure job itself, verify_dataset before train and before predict).
AFTER_TRAIN = {
    "verify_dataset": 2,
    "train": 1,
    "export_model": 1,
    "plot_loss": 1,
    "describe_model": 1,
    "predict": 1,
    "evaluate": 1,
}
AFTER_PREDICT = {"verify_dataset": 1, "predict": 1, "evaluate": 1}
AFTER_EXPORT = {"export_model": 1, **AFTER_PREDICT}
EVERYTHING = {
    "generate": 4,
    "records": 1,
    "plot_dataset": 1,
    "render": 4,
    "plot_samples": 1,
    "split": 1,
    "measure": 4,
    "baseline": 1,
    **AFTER_TRAIN,
}
RERUN_AFTER_EDIT = {
    "geometry/laguerre.py": EVERYTHING,
    "rng.py": EVERYTHING,
    # The records and the dataset plot need the image settings only, not the renderer.
    "imaging/render.py": {
        k: v for k, v in EVERYTHING.items() if k not in ("generate", "records", "plot_dataset")
    },
    "imaging/settings.py": {k: v for k, v in EVERYTHING.items() if k != "generate"},
    # The sample grid draws afresh from the meshes: it reads no rendered image.
    "data/checksums.py": {
        k: v
        for k, v in EVERYTHING.items()
        if k not in ("generate", "records", "plot_dataset", "plot_samples")
    },
    "imaging/samples.py": {"plot_samples": 1},
    "data/records.py": {"records": 1, "plot_dataset": 1},
    "data/plots.py": {"plot_dataset": 1},
    # The measure jobs read the split: they measure its test images and a training sample.
    "data/split.py": {"split": 1, "measure": 4, "baseline": 1, **AFTER_TRAIN},
    "measurement/grainsize.py": {"measure": 4, "baseline": 1, "evaluate": 1},
    "measurement/selection.py": {"measure": 4, "baseline": 1, "evaluate": 1},
    "measurement/baseline.py": {"baseline": 1, "evaluate": 1},
    "learning/architectures.py": AFTER_TRAIN,
    "learning/history.py": {"plot_loss": 1},
    "learning/diagram.py": {"describe_model": 1},
    "learning/predict.py": AFTER_PREDICT,
    # The conversion is a stage of its own: changing it does not retrain.
    "learning/export.py": AFTER_EXPORT,
    "learning/runtime.py": AFTER_EXPORT,
    # Training reads its images' levels as prediction does (training.levels).
    "imaging/images.py": AFTER_TRAIN,
    "evaluation/figures.py": {"evaluate": 1},
    "evaluation/scores.py": AFTER_PREDICT,
}


@pytest.mark.parametrize("module", sorted(RERUN_AFTER_EDIT))
def test_editing_a_module_reruns_exactly_the_stages_using_it(tiny_run, module):
    with edited(SRC / module):
        result = snakemake(tiny_run, "--cores", "2", "--dry-run", lock=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert planned_jobs(result) == {**RERUN_AFTER_EDIT[module], "all": 1}


def test_same_config_same_results_whatever_the_batching(tiny_run, tmp_path):
    other = tmp_path / "other"
    config = write_config(tmp_path / "config.yaml", **{"generation.batch_size": 5})
    # Other generation batches, the same threads for TensorFlow: its sums over an image split
    # by thread, so another thread count moves the 6th decimal of the history. Only the stages
    # compared below (the plots, model diagram and evaluation are not).
    compared = ["results/model/history.csv", "results/predictions/metrics.json"]
    result = snakemake(other, "--cores", "2", *compared, config=config)
    assert result.returncode == 0, result.stderr[-4000:]
    for style in STYLES:
        for cls in ("coarse", "fine"):
            first, second = (
                {
                    p.name: p.read_bytes()
                    for p in (run / "results/images" / style / cls).rglob("*.png")
                }
                for run in (tiny_run, other)
            )
            assert len(first) == 7 and first == second
    for name in ("train.csv", "test.csv"):
        # Same images, same split; the paths differ only in the batch folder.
        strip = lambda rows: [(r["path"].rsplit("/", 1)[1], r["label"]) for r in rows]  # noqa: E731
        assert strip(read_csv(tiny_run / "results/split" / name)) == strip(
            read_csv(other / "results/split" / name)
        )
    # Same images in the same order: seeded, deterministic training gives the same numbers.
    for name in compared:
        assert (tiny_run / name).read_text() == (other / name).read_text()


def test_bad_config_is_rejected_before_any_job(tmp_path):
    config = write_config(tmp_path / "bad.yaml", **{"training.architecture": "vgg"})
    result = snakemake(tmp_path, "--cores", "1", config=config)
    assert result.returncode != 0
    assert "config key 'training.architecture': 'vgg' is not one of ['compact', 'reference']" in (
        result.stderr + result.stdout
    )
    assert not (tmp_path / "results").exists()
