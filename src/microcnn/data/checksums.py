"""Size and SHA-256 of every rendered image, recorded when it is written and checked before a
stage reads the images again: a file changed after a finished run (truncated by a full disk,
edited, half-copied back) stops the run with its name instead of failing inside TensorFlow.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from microcnn.atomic import write_csv
from microcnn.workflow_io import StageError

CHECKSUM_FIELDS = ["path", "bytes", "sha256"]


class ImagesChangedError(StageError):
    """Images differ from what was rendered; the message names each and how to redo them."""


def file_digest(path: str | Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 (hex) of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def record_checksums(paths: Iterable[str | Path], out_path: str | Path) -> None:
    """A CSV row (path, bytes, sha256) per file, in path order."""
    rows = []
    for path in sorted(map(str, paths)):
        size, sha = file_digest(path)
        rows.append([path, size, sha])
    write_csv(out_path, CHECKSUM_FIELDS, rows)


def _difference(path: str, size: int, sha: str) -> str | None:
    """How the file at `path` differs from the recorded size and hash, or None."""
    try:
        actual_size, actual_sha = file_digest(path)
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"unreadable ({error.strerror})"
    if actual_size != size:
        return f"{actual_size} bytes, {size} when rendered"
    if actual_sha != sha:
        return "same size, different content (SHA-256) than when rendered"
    return None


def changed_files(checksum_files: Sequence[str | Path]) -> dict[str, list[str]]:
    """Per checksum file, the lines `path: how it changed` of every image that changed."""
    changed: dict[str, list[str]] = {}
    for file in checksum_files:
        with open(file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                problem = _difference(row["path"], int(row["bytes"]), row["sha256"])
                if problem:
                    changed.setdefault(str(file), []).append(f"{row['path']}: {problem}")
    return changed


def verify_images(checksum_files: Sequence[str | Path], batch_dirs: Sequence[str]) -> int:
    """Check every image recorded in `checksum_files` (one per render job, in the order of the
    `batch_dirs` those jobs wrote); raise ImagesChangedError naming each changed image and the
    command that renders its batch again. Returns the number of images checked."""
    changed = changed_files(checksum_files)
    if changed:
        lines = [line for file in checksum_files for line in changed.get(str(file), [])]
        redo = [d for f, d in zip(checksum_files, batch_dirs, strict=True) if str(f) in changed]
        raise ImagesChangedError(
            f"{len(lines)} image(s) changed since they were rendered:\n  "
            + "\n  ".join(lines)
            + "\nrender them again (byte-identical) with: snakemake --cores N --forcerun "
            + " ".join(redo)
        )
    total = 0
    for file in checksum_files:
        with open(file, newline="", encoding="utf-8") as handle:
            total += sum(1 for _ in csv.DictReader(handle))
    return total
