"""Shared fixtures: small meshes, a saved (untrained) model, the repository root."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fine_spec():
    from microcnn.generate import ClassSpec

    return ClassSpec("fine", 4, (0.08, 0.11), 0.25)


@pytest.fixture(scope="session")
def coarse_spec():
    from microcnn.generate import ClassSpec

    return ClassSpec("coarse", 4, (0.2, 0.34), 0.25)


@pytest.fixture(scope="module")
def seeded_tensorflow() -> None:
    """TensorFlow on 2 threads, seeded, with deterministic ops (as training runs it)."""
    from microcnn import tf_setup

    tf_setup.configure(2, seed=0)


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory) -> Path:
    """An untrained reference model saved as the workflow saves it, with its metadata."""
    from microcnn import tf_setup
    from microcnn.model import reference_cnn

    tf_setup.configure(2, seed=1)
    path = tmp_path_factory.mktemp("model") / "model.keras"
    reference_cnn(288, 432, 2).save(path)
    meta = {"class_names": ["coarse", "fine"], "height": 288, "width": 432}
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path


TINY = REPO / "tests" / "tiny" / "config.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]


def snakemake(
    workdir: Path, *args: str, config: Path = TINY, timeout: float = 900
) -> subprocess.CompletedProcess:
    """Run the workflow in `workdir` (a subprocess, killed after `timeout` seconds)."""
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), "--configfile", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_config(path: Path, **changes) -> Path:
    """The tiny config with dotted keys changed, written to `path`."""
    config = yaml.safe_load(TINY.read_text())
    for dotted, value in changes.items():
        node = config
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    path.write_text(yaml.safe_dump(config))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """The tiny config run locally once, through every stage."""
    workdir = tmp_path_factory.mktemp("tiny")
    result = snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir
