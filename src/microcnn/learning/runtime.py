"""Run a trained network without TensorFlow: the LiteRT artefact (model.tflite) that the export
stage writes beside the .keras file, with LiteRT's interpreter (package ai-edge-litert).

Importing TensorFlow takes about 7 s; LiteRT about 0.2 s, and it runs this network at least as
fast. The .keras file stays the source of truth: the artefact is used only while the record
beside it (model.tflite.json) names the SHA-256 of the .keras file as it is now, so a model
retrained or replaced since is never answered by its predecessor's artefact. This module never
imports TensorFlow or Keras (tests/test_code_deps.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from microcnn.data.checksums import file_digest
from microcnn.learning.model_files import ModelError, inference_path, inference_record_path

# What the export stage records, and what is checked before an artefact is used.
RECORD_KEYS = ("source_sha256", "sha256")


def default_threads() -> int:
    """The cores this process may run on (a cluster job's allocation, not the whole node)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def read_record(model_path: str | Path) -> dict[str, Any]:
    """The record beside the artefact of the model at `model_path`, or ModelError naming it."""
    record_file = inference_record_path(model_path)
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        valid = isinstance(record, dict) and all(
            isinstance(record.get(k), str) and len(record[k]) == 64 for k in RECORD_KEYS
        )
    except (UnicodeDecodeError, json.JSONDecodeError):
        valid = False
    if not valid:
        raise ModelError(
            f"{record_file}: not the record the export stage writes (needs {', '.join(RECORD_KEYS)}"
            f"): remove it and {inference_path(model_path).name}, or export the model again"
        )
    return record


def why_not_current(model_path: str | Path) -> str | None:
    """None if the LiteRT artefact of the model at `model_path` can answer for it; otherwise
    why not (missing, made from another .keras, LiteRT not installed), for a note on stderr.

    An artefact that is current by its record but whose own bytes differ from the record is
    damaged: ModelError naming it, as for a damaged .keras file.
    """
    model_path = Path(model_path)
    artefact, record_file = inference_path(model_path), inference_record_path(model_path)
    if importlib.util.find_spec("ai_edge_litert") is None:
        return "LiteRT (the package ai-edge-litert) is not installed"
    if not artefact.is_file():
        return f"{artefact} not found"
    if not record_file.is_file():
        return f"{record_file} not found (which model the artefact was made from is not known)"
    record = read_record(model_path)
    if file_digest(model_path)[1] != record["source_sha256"]:
        return (
            f"{artefact} was made from another {model_path.name} (retrained or replaced since); "
            "export it again"
        )
    if file_digest(artefact)[1] != record["sha256"]:
        raise ModelError(
            f"{artefact}: its SHA-256 differs from the one recorded in {record_file.name} "
            "(corrupt, truncated or replaced): remove both files, or export the model again"
        )
    return None


class LiteRTNetwork:
    """The network in a .tflite artefact: raw outputs (batch, 2) for batches of uint8 RGB
    images of any one size (the interpreter is resized when the batch's shape changes)."""

    def __init__(self, artefact: str | Path, threads: int | None = None) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.path = Path(artefact)
        try:
            self._interpreter = Interpreter(
                model_path=str(self.path), num_threads=threads or default_threads()
            )
            (inputs,), (outputs,) = (
                self._interpreter.get_input_details(),
                self._interpreter.get_output_details(),
            )
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"{self.path}: cannot be loaded by LiteRT ({error})") from None
        if (
            inputs["dtype"] is not np.uint8
            or list(inputs["shape_signature"]) != [-1, -1, -1, 3]
            or list(outputs["shape_signature"]) != [-1, 2]
        ):
            raise ModelError(
                f"{self.path}: takes {list(inputs['shape_signature'])} "
                f"{np.dtype(inputs['dtype']).name} and gives {list(outputs['shape_signature'])}, "
                "not uint8 RGB images of any size to (mean, log sd): not made by the export stage"
            )
        self._input, self._output = inputs["index"], outputs["index"]
        self._shape: tuple[int, ...] | None = None
        # LiteRT sets up its CPU kernels (and says so on stderr) at the first allocation: done
        # here, so that it happens while the caller expects start-up noise.
        self._resize((1, 64, 64, 3))

    def _resize(self, shape: tuple[int, ...]) -> None:
        try:
            self._interpreter.resize_tensor_input(self._input, shape, strict=False)
            self._interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as error:
            raise ModelError(f"{self.path}: LiteRT cannot run it on {shape} ({error})") from None
        self._shape = shape

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """Raw network output (batch, 2) for a batch (n, height, width, 3) of uint8 images."""
        batch = np.ascontiguousarray(batch, dtype=np.uint8)
        if batch.shape != self._shape:
            self._resize(batch.shape)
        self._interpreter.set_tensor(self._input, batch)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output).copy()
