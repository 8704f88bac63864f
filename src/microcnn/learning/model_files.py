"""Where a trained model lives: the .keras file, the JSON beside it that names its classes
(bands of grain size) and the reference pixel size, and the inference artefact made from it (a
LiteRT .tflite file with a JSON record of the .keras it came from). Light (no TensorFlow), so
the Snakefile and the CLI can name and check these files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from microcnn.classes import GrainSizeClasses

# The workflow's train rule writes here, and `microcnn predict` reads it by default.
DEFAULT_MODEL = "results/model/model.keras"
# What runs a model: LiteRT when its artefact is current, else Keras ("auto"), or one of them.
RUNTIMES = ("auto", "litert", "keras")
# How many views of an image a model measures and averages (learning/predict.py says which).
VIEWS = (1, 2, 4)
DEFAULT_VIEWS = 4


def metadata_path(model_path: str | Path) -> Path:
    """The JSON file beside a model that names its classes and reference pixel size."""
    return Path(model_path).with_suffix(".json")


def inference_path(model_path: str | Path) -> Path:
    """The LiteRT artefact beside a model (results/model/model.tflite for the default): the same
    network, run without TensorFlow (learning/export.py writes it, learning/runtime.py runs it)."""
    return Path(model_path).with_suffix(".tflite")


def inference_record_path(model_path: str | Path) -> Path:
    """The JSON beside the artefact that records the SHA-256 of the .keras it was made from and
    its own, so that an artefact of an older model is never used (model.tflite.json)."""
    artefact = inference_path(model_path)
    return artefact.with_name(artefact.name + ".json")


class ModelError(ValueError):
    """A model or its metadata that cannot be used; the message names the file."""


def _check_metadata(meta_file: Path, meta: Any) -> None:
    """ModelError unless `meta` holds the classes (two or more, with their boundaries) and a
    positive reference pixel size."""
    try:
        classes = GrainSizeClasses.from_json(meta["classes"])
        pixel_size = float(meta["reference_pixel_size_um"])
        valid = len(classes.names) >= 2 and pixel_size > 0
    except (KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise ModelError(
            f"{meta_file}: needs classes (names, boundaries_um2, bands_um2; two or more "
            "classes) and reference_pixel_size_um (positive), as the train stage writes them"
        )


def read_metadata(model_path: str | Path) -> dict[str, Any]:
    """The metadata of the model at `model_path`: FileNotFoundError naming what is missing, or
    ModelError naming the metadata file if it is not the JSON the train stage writes."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise FileNotFoundError(f"model not found: {model_path}")
    meta_file = metadata_path(model_path)
    if not meta_file.is_file():
        raise FileNotFoundError(f"model metadata not found beside the model: {meta_file}")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{meta_file}: not a text file") from None
    except json.JSONDecodeError as error:
        raise ModelError(
            f"{meta_file}: not valid JSON (line {error.lineno} column {error.colno}: {error.msg})"
        ) from None
    _check_metadata(meta_file, meta)
    return meta
