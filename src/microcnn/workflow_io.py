"""Small helpers for the workflow's `script:` entry points."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path


class StageError(RuntimeError):
    """A failure whose message says what went wrong and what to do about it: a stage reports it
    as one line (in its log and on stderr) without a traceback, and exits with status 1."""


@contextlib.contextmanager
def log_to(path: str | Path) -> Iterator[None]:
    """Send everything the block prints to the job's log file.

    Redirects the file descriptors 1 and 2, not only sys.stdout/sys.stderr, so that what C++
    libraries (TensorFlow, Qhull) print lands in the log too, and Python warnings and logging.
    A StageError becomes one line in the log and on stderr, and exit status 1.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "w", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = log
        handler = logging.StreamHandler(log)
        logging.getLogger().addHandler(handler)
        logging.captureWarnings(True)
        warnings.simplefilter("default")
        failure = None
        try:
            yield
        except StageError as error:
            failure = error
            print(f"error: {error}", file=log)
        except BaseException:
            traceback.print_exc(file=log)
            raise
        finally:
            log.flush()
            logging.getLogger().removeHandler(handler)
            sys.stdout, sys.stderr = old_out, old_err
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
    if failure is not None:
        print(f"error: {failure}", file=sys.stderr)
        raise SystemExit(1)
