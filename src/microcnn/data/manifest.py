"""Manifests: the CSV lists of images (path, label, style) that the split writes and training,
prediction and the baseline read."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from microcnn.atomic import write_csv

MANIFEST_FIELDS = ["path", "label", "style"]


class ManifestRow(NamedTuple):
    path: str
    label: str
    style: str


def microstructure_id(path: str) -> str:
    """The microstructure an image shows (its file stem, e.g. fine-00012), whatever its style."""
    return Path(path).stem


def write_manifest(path: str | Path, rows: Iterable[ManifestRow]) -> None:
    write_csv(path, MANIFEST_FIELDS, rows)


def read_manifest(path: str | Path) -> list[ManifestRow]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            ManifestRow(row["path"], row["label"], row.get("style") or "")
            for row in csv.DictReader(handle)
        ]
