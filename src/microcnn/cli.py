"""The `microcnn` command.

Exit codes: 0 every input answered, 1 some inputs failed (each named on stderr), 2 a usage,
config or model error (nothing predicted).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from microcnn.learning.model_files import DEFAULT_MODEL

# TensorFlow's own start-up lines (absl's note that it is not initialised, and "I"-level
# messages such as the oneDNN and CPU-instruction notices) are printed by C++ code straight to
# file descriptor 2, whatever TF_CPP_MIN_LOG_LEVEL says; they are filtered out below. Set
# anyway, before TensorFlow is first imported, for the messages it does govern.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_STARTUP_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|I\d{4} [\d:.]+ +\d+ [\w.]+:\d+\]"
    r"|To enable the following instructions: .* rebuild TensorFlow)"
)


@contextlib.contextmanager
def _quiet_startup() -> Iterator[None]:
    """Run the block with file descriptor 2 captured; pass on every line but TensorFlow's
    start-up notices, so its warnings and errors are still seen."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            for line in capture.read().decode("utf-8", "replace").splitlines():
                if line.strip() and not _STARTUP_NOISE.match(line):
                    print(line, file=sys.stderr)


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def output_problem(output: str) -> str | None:
    """Why the CSV cannot be written to `output`, checked before any work, or None."""
    path = Path(output)
    if path.is_dir():
        return "is a folder; give a file name"
    folder = path.parent
    if not folder.is_dir():
        return f"folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"folder {folder} is not writable"
    return None


def _load_classifier(model: str):  # -> Classifier (imports TensorFlow)
    """The classifier, with TensorFlow's start-up notices kept off stderr."""
    with _quiet_startup():
        from microcnn.learning.predict import Classifier

        return Classifier(model)


def _predict(args: argparse.Namespace) -> int:
    from microcnn.imaging.images import find_images
    from microcnn.learning.model_files import ModelError

    if args.output and (problem := output_problem(args.output)):
        _error(f"--output {args.output}: {problem}")
        return 2
    files, missing = find_images(args.paths)
    try:
        classifier = _load_classifier(args.model)
    except FileNotFoundError as exc:
        _error(f"cannot load model: {exc}")
        return 2
    except ModelError as exc:
        _error(str(exc))
        return 2
    failed = len(missing)
    for path, reason in missing:
        _error(f"{path}: {reason}")

    def on_error(path: str, reason: str) -> None:
        nonlocal failed
        failed += 1
        _error(f"{path}: {reason}")

    def on_note(path: str, note: str) -> None:
        print(f"warning: {path}: {note}", file=sys.stderr)

    from microcnn.data.predictions import write_predictions

    predictions = classifier.predict_files(files, on_error, on_note)
    if args.output:
        from microcnn.atomic import write_text

        buffer = io.StringIO()
        write_predictions(buffer, predictions, classifier.class_names)
        write_text(args.output, buffer.getvalue())  # whole or not at all
    else:
        write_predictions(sys.stdout, predictions, classifier.class_names)
    if failed:
        print(f"{failed} of {len(files) + len(missing)} inputs failed", file=sys.stderr)
    return 1 if failed else 0


def _check_config(args: argparse.Namespace) -> int:
    from microcnn.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    images = sum(c["count"] for c in config["classes"].values()) * len(config["image"]["styles"])
    print(f"{args.config}: valid ({len(config['classes'])} classes, {images} images)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microcnn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    predict = sub.add_parser(
        "predict",
        help="classify images by grain size",
        description="Classify image files (or folders, searched recursively) with a trained "
        "model. Writes CSV (path,label,probability,p_<class>...) to --output or stdout. "
        "Exit status: 0 all answered, 1 some inputs failed, 2 usage or model error.",
    )
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image file or folder")
    predict.add_argument("--model", default=DEFAULT_MODEL, help=f"default: {DEFAULT_MODEL}")
    predict.add_argument("--output", "-o", help="CSV file to write (default: stdout)")
    predict.set_defaults(func=_predict)
    check = sub.add_parser(
        "check-config",
        help="validate a config file as the workflow does",
        description="Check a config file (YAML syntax, then every key) as the workflow does "
        "before any job, naming the file and line or the key. Exit status: 0 valid, 2 not.",
    )
    check.add_argument("config", metavar="CONFIG", help="a YAML config file")
    check.set_defaults(func=_check_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
