"""Where a trained model lives: the .keras file and the JSON beside it that names its classes and
input size. Light (no TensorFlow), so the Snakefile and the CLI can name these files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The workflow's train rule writes here, and `microcnn predict` reads it by default.
DEFAULT_MODEL = "results/model/model.keras"


def metadata_path(model_path: str | Path) -> Path:
    """The JSON file beside a model that names its classes and input size."""
    return Path(model_path).with_suffix(".json")


def read_metadata(model_path: str | Path) -> dict[str, Any]:
    """The metadata of the model at `model_path`, or FileNotFoundError naming what is missing."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise FileNotFoundError(f"model not found: {model_path}")
    meta_file = metadata_path(model_path)
    if not meta_file.is_file():
        raise FileNotFoundError(f"model metadata not found beside the model: {meta_file}")
    return json.loads(meta_file.read_text(encoding="utf-8"))
