"""Small helpers for the workflow's `script:` entry points."""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def log_to(path: str | Path) -> Iterator[None]:
    """Send stdout, stderr, warnings and logging of the block to the rule's log file."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as log:
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = log
        handler = logging.StreamHandler(log)
        logging.getLogger().addHandler(handler)
        logging.captureWarnings(True)
        warnings.simplefilter("default")
        try:
            yield
        except BaseException:
            import traceback

            traceback.print_exc(file=log)
            raise
        finally:
            logging.getLogger().removeHandler(handler)
            sys.stdout, sys.stderr = old_out, old_err


def group_by_class(image_dirs: list[str]) -> dict[str, list[str]]:
    """PNG paths under results/images/<class>/batch-NNNN directories, grouped by class."""
    images: dict[str, list[str]] = {}
    for directory in image_dirs:
        path = Path(directory)
        images.setdefault(path.parent.name, []).extend(str(p) for p in sorted(path.glob("*.png")))
    return images
