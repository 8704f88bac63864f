"""Shared fixtures: small meshes, a saved (untrained) model, the repository root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
