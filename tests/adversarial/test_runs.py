"""Whole runs: configs at the edges of the schema run to the end; an image changed after a run
stops a forced retrain before the old model is touched, naming the image and the fix."""

from __future__ import annotations

import pytest
import yaml

from ..helpers import copy_run, read_csv, snakemake

pytestmark = pytest.mark.slow

EDGES = {
    # The smallest image and class counts, one image per job, batch 1, square (90-degree turns),
    # integers written as floats.
    "smallest": {
        "seed": 0,
        "classes": {
            "coarse": {"count": 3.0, "mean_diameter": [0.3, 0.5]},
            "fine": {"count": 3, "mean_diameter": [0.13, 0.2]},
        },
        "generation": {"batch_size": 1},
        "image": {
            "width": 32.0,
            "height": 32,
            "domain_fraction": 1.0,
            "magnification": [1.0, 1.0],
            "styles": ["reference"],
        },
        "training": {"epochs": 1.0, "batch_size": 1},
    },
    # Spread 0 and 1.5, split 1:3, half of training held out, a held-out style, no early
    # stopping, no augmentation, one thread, the largest seed, a vanishing learning rate halved
    # on plateaus.
    "split and spread": {
        "seed": 4294967295,
        "classes": {
            "equal": {"count": 6, "mean_diameter": [0.2, 0.3], "spread": 0},
            "wide": {"count": 6, "mean_diameter": [0.15, 0.2], "spread": 1.5},
        },
        "generation": {"batch_size": 1000},
        "image": {
            "width": 64,
            "height": 48,
            "magnification": [1.2, 2.5],
            "styles": ["grey", "outline"],
        },
        "split": {"train": 1, "test": 3},
        "training": {
            "validation_fraction": 0.5,
            "held_out_style": "outline",
            "early_stopping_patience": 0,
            "min_delta": 0,
            "augment": False,
            "threads": 1,
            "epochs": 2,
            "learning_rate": 1.0e-8,
            "schedule": "plateau",
        },
    },
    # The reference network on the smallest image the schema allows, MicroStructPy's generator
    # with one attempt per seed (most seeds dropped) and no overlap, a batch larger than the data:
    # MicroStructPy's generator through every stage (its default settings: tests/geometry).
    "reference at the smallest image": {
        "classes": {
            "coarse": {"count": 3, "mean_diameter": [0.3, 0.4]},
            "fine": {"count": 3, "mean_diameter": [0.15, 0.2]},
        },
        "generation": {"generator": "microstructpy", "max_attempts": 1, "rtol": 0},
        "image": {
            "width": 32,
            "height": 32,
            "domain_fraction": 1.0,
            "magnification": [1.0, 2.0],
            "styles": ["thick", "sem"],
        },
        "training": {"architecture": "reference", "epochs": 1, "batch_size": 1024},
    },
    # The widest, flattest image, three classes (one of a single grain), full overlap allowed,
    # a domain of a nanometre.
    "wide strip, three classes": {
        "classes": {
            "a": {"count": 3, "mean_diameter": [0.5, 1.0]},
            "b": {"count": 3, "mean_diameter": [0.25, 0.4]},
            "c": {"count": 3, "mean_diameter": [0.13, 0.2]},
        },
        "generation": {"rtol": 1},
        "image": {
            "width": 4096,
            "height": 32,
            "domain_fraction": 1.0,
            "magnification": [1.0, 1.0],
            "styles": ["micrograph"],
        },
        "measurement": {"domain_mm": 1.0e-6},
        "training": {"epochs": 1},
    },
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_configs_at_the_edges_of_the_schema_run_to_the_end(tmp_path, name):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(EDGES[name]))
    run = tmp_path / "run"
    result = snakemake(run, "--cores", "2", config=config)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    # Every image asked for was made (with MicroStructPy's generator too, seeds dropped or not).
    records = read_csv(run / "results/dataset/records.csv")
    assert len(records) == sum(int(c["count"]) for c in EDGES[name]["classes"].values())
    test = read_csv(run / "results/split/test.csv")
    predictions = read_csv(run / "results/predictions/test.csv")
    assert [r["path"] for r in predictions] == [r["path"] for r in test]
    assert {r["drawn_label"] for r in predictions} == set(EDGES[name]["classes"])
    summary = read_csv(run / "results/evaluation/summary.csv")
    assert {r["estimator"] for r in summary} == {"CNN", "E112 measurement"}


def test_a_changed_image_stops_a_forced_retrain_and_keeps_the_model(tiny_run, tmp_path):
    run = tmp_path / "run"
    copy_run(tiny_run, run)
    model = run / "results/model/model.keras"
    before = model.read_bytes()
    image = run / "results/images/micrograph/fine/batch-0001/fine-00005.png"
    rendered = image.read_bytes()
    image.write_bytes(rendered[: len(rendered) // 2])

    result = snakemake(run, "--cores", "2", "--forcerun", "train")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    relative = "results/images/micrograph/fine/batch-0001/fine-00005.png"
    assert f"{relative}: {len(rendered) // 2} bytes, {len(rendered)} when rendered" in output
    fix = "snakemake --cores N --forcerun results/images/micrograph/fine/batch-0001"
    assert fix in output
    assert "Traceback" not in output
    assert model.read_bytes() == before

    # The suggested command renders the batch again, byte for byte.
    target = "results/images/micrograph/fine/batch-0001"
    result = snakemake(run, "--cores", "2", "--forcerun", target, "--", target)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert image.read_bytes() == rendered


def test_a_changed_image_stops_the_measure_job_of_its_batch(tiny_run, tmp_path):
    run = tmp_path / "run"
    copy_run(tiny_run, run)
    relative = "results/images/reference/coarse/batch-0000/coarse-00002.png"
    rendered = (run / relative).read_bytes()
    (run / relative).write_bytes(b"")

    target = "results/grainsize/coarse/batch-0000.csv"
    result = snakemake(run, "--cores", "2", "--forcerun", target, "--", target)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{relative}: 0 bytes, {len(rendered)} when rendered" in output
    assert "--forcerun results/images/reference/coarse/batch-0000" in output
    assert "Traceback" not in output
