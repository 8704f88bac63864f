"""Write output files atomically: to a temporary file beside the target, then rename.

An interrupted job therefore never leaves a half-written file that looks finished, and a rerun
starts from clean outputs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def replacing(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed onto `path` if the block succeeds.

    `suffix` keeps the extension for writers that insist on one (Keras wants ".keras").
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_csv(
    path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]]
) -> None:
    """A CSV file with `header`; rows are sequences or mappings keyed by the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[k] for k in header] if isinstance(row, Mapping) else row)
    write_text(path, buffer.getvalue())


def save_figure(figure: Any, path: str | Path, **savefig_kwargs: Any) -> None:
    """A matplotlib figure written atomically as PNG, without a Software tag, so that the same
    figure gives the same bytes from run to run."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None}, **savefig_kwargs)
    write_bytes(path, buffer.getvalue())
