"""The `microcnn` command: grain size of any image, by the trained network (`predict`) or by the
classical ASTM E112 measurement (`measure`), with the class that follows.

Exit codes: 0 every input answered, 1 some inputs failed (one line each on stderr, the others
answered), 2 a usage, config or model error (nothing done).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from microcnn.imaging.images import LEVELS
from microcnn.learning.model_files import (
    DEFAULT_MODEL,
    DEFAULT_VIEWS,
    RUNTIMES,
    VIEWS,
    ModelError,
    read_metadata,
)

# TensorFlow's own start-up lines (absl's note that it is not initialised, and "I"-level
# messages such as the oneDNN and CPU-instruction notices) and LiteRT's (its "INFO:" notes, e.g.
# that it created the XNNPACK delegate for the CPU) are printed by C++ code straight to file
# descriptor 2, whatever TF_CPP_MIN_LOG_LEVEL says; they are filtered out below. Set anyway,
# before TensorFlow is first imported, for the messages it does govern.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_STARTUP_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|I\d{4} [\d:.]+ +\d+ [\w.]+:\d+\]"
    r"|To enable the following instructions: .* rebuild TensorFlow"
    r"|INFO: (Created|Initialized) TensorFlow Lite)"
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


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _inputs(paths: Sequence[str]) -> tuple[list[Path], int]:
    """The image files to answer, and how many arguments failed already (named on stderr)."""
    from microcnn.imaging.images import find_images

    files, missing = find_images(list(paths))
    for path, reason in missing:
        _error(f"{path}: {reason}")
    return files, len(missing)


def _note_reference_scale(args: argparse.Namespace, reference_um: float) -> None:
    if args.pixel_size is None:
        print(
            f"note: no --pixel-size: classes decided at the reference pixel size "
            f"({reference_um:.4g} um per pixel); micrometres and G left empty",
            file=sys.stderr,
        )


def _write(args: argparse.Namespace, predictions, classes, extra=None) -> None:
    from microcnn.data.predictions import write_predictions

    if args.output:
        from microcnn.atomic import write_text

        buffer = io.StringIO()
        write_predictions(buffer, predictions, classes, extra=extra)
        write_text(args.output, buffer.getvalue())  # whole or not at all
    else:
        write_predictions(sys.stdout, predictions, classes, extra=extra)


def _finish(failed: int, total: int) -> int:
    if failed:
        print(f"{failed} of {total} inputs failed", file=sys.stderr)
    return 1 if failed else 0


def _usable_output(args: argparse.Namespace) -> bool:
    if args.output and (problem := output_problem(args.output)):
        _error(f"--output {args.output}: {problem}")
        return False
    return True


def _predict(args: argparse.Namespace) -> int:
    if not _usable_output(args):
        return 2
    try:
        with _quiet_startup():
            from microcnn.learning.predict import GrainSizeModel

            model = GrainSizeModel(args.model, runtime_name=args.runtime, views=args.views)
    except FileNotFoundError as exc:
        _error(f"cannot load model: {exc}")
        return 2
    except ModelError as exc:
        _error(str(exc))
        return 2
    if model.fallback_reason:
        print(
            f"note: running the Keras model (slower start-up): {model.fallback_reason}",
            file=sys.stderr,
        )
    files, failed = _inputs(args.paths)
    total = len(files) + failed
    _note_reference_scale(args, model.reference_pixel_size_um)

    def on_error(path: str, reason: str) -> None:
        nonlocal failed
        failed += 1
        _error(f"{path}: {reason}")

    narrow: list[str] = []
    # No --levels: the levels the model was trained on.
    stretched = None if args.levels is None else args.levels == "stretched"
    estimates = model.estimate_files(files, on_error, stretched=stretched, narrow=narrow)
    _note_narrow_levels(narrow, len(estimates))
    predictions = [model.classify(e, args.pixel_size) for e in estimates]
    _write(args, predictions, model.classes)
    return _finish(failed, total)


def _note_narrow_levels(narrow: list[str], answered: int) -> None:
    """One note for the images read as given whose levels span less than half of 0-255."""
    if narrow:
        print(
            f"note: {len(narrow)} of {answered} images use less than half of the 0-255 levels "
            f"(e.g. {narrow[0]}); dim or flat images are measured far off as given: "
            "--levels stretched maps each image's own levels to 0-255 first",
            file=sys.stderr,
        )


def _measure(args: argparse.Namespace) -> int:
    if not _usable_output(args):
        return 2
    try:
        from microcnn.classes import GrainSizeClasses

        meta = read_metadata(args.model)  # checked: the classes parse
        classes = GrainSizeClasses.from_json(meta["classes"])
        reference_um = float(meta["reference_pixel_size_um"])
    except (FileNotFoundError, ModelError) as exc:
        _error(f"cannot read the classes from the model's metadata: {exc}")
        return 2
    files, failed = _inputs(args.paths)
    total = len(files) + failed
    _note_reference_scale(args, reference_um)
    from microcnn.data.predictions import classify
    from microcnn.imaging.images import ImageError, load_image, narrow_levels
    from microcnn.measurement.grainsize import measure_image

    predictions, extra, narrow = [], {}, []
    known = args.pixel_size is not None
    pixel_size = args.pixel_size if known else reference_um
    stretched = args.levels == "stretched"
    for path in map(str, files):
        try:
            pixels = load_image(path, stretched)
            m = measure_image(pixels, pixel_size / 1000)
        except (ImageError, ValueError) as exc:
            failed += 1
            _error(f"{path}: {exc}")
            continue
        if m.intersections == 0 or not (m.mean_area_px > 0 and math.isfinite(m.mean_area_px)):
            failed += 1
            _error(f"{path}: no grain boundaries found")
            continue
        # The classical measurement carries no uncertainty of its own: its class is a hard
        # decision (probability 1) and its interval a point.
        predictions.append(
            classify(path, math.log10(m.mean_area_px), 0.0, classes, pixel_size, known)
        )
        if not stretched and narrow_levels(pixels):
            narrow.append(path)
        extra[path] = {
            "astm_g_intercept": f"{m.g_intercept:.3f}" if known else "",
            "mean_intercept_px": f"{m.mean_intercept_px:.4f}",
            "grains_equivalent": f"{m.grains_equivalent:.1f}",
        }
    _note_narrow_levels(narrow, len(predictions))
    _write(args, predictions, classes, extra)
    return _finish(failed, total)


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


def _positive(text: str) -> float:
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microcnn", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        (
            "predict",
            _predict,
            "Measure grain size with the trained network, at each image's native pixels (any "
            "size, never resized): estimated mean grain area in pixels with its uncertainty, "
            "the class and its probability.",
        ),
        (
            "measure",
            _measure,
            "Measure grain size the classical way (ASTM E112 planimetric and intercept) from "
            "each image's pixels, with the same columns as predict; the classes come from the "
            "model's metadata.",
        ),
    ):
        command = sub.add_parser(name, help=text.split(",")[0], description=text)
        command.add_argument("paths", nargs="+", metavar="PATH", help="image file or folder")
        command.add_argument(
            "--pixel-size",
            type=_positive,
            metavar="UM",
            help="micrometres per pixel of the images: adds areas in um^2 and ASTM G, and the "
            "class is decided at it (default: the reference pixel size is assumed)",
        )
        command.add_argument(
            "--levels",
            choices=LEVELS,
            # predict: as the network was trained (its model.json names the levels); the
            # classical measurement: as given, as the workflow's baseline measures.
            default=None if name == "predict" else LEVELS[0],
            help="as-given: the image's levels as they are; stretched: each image's own 0.1st "
            "and 99.9th percentile levels mapped to 0 and 255 first, for dim or flat images (no "
            "pixel moves). Default: "
            + (
                "as the model was trained (its model.json 'levels'; as-given if unnamed)"
                if name == "predict"
                else "as-given"
            ),
        )
        command.add_argument("--model", default=DEFAULT_MODEL, help=f"default: {DEFAULT_MODEL}")
        command.add_argument("--output", "-o", help="CSV file to write (default: stdout)")
        if name == "predict":
            command.add_argument(
                "--runtime",
                choices=RUNTIMES,
                default="auto",
                help="auto (default): LiteRT when the model's .tflite artefact is current (no "
                "TensorFlow, fast start-up), else Keras; litert or keras: only that one",
            )
            command.add_argument(
                "--views",
                type=int,
                choices=VIEWS,
                default=DEFAULT_VIEWS,
                help=f"views of each image measured and averaged: 1 as given, 2 and turned 180 "
                f"degrees, 4 and mirrored both ways (default: {DEFAULT_VIEWS}; each costs a "
                "network pass)",
            )
        command.set_defaults(func=func)
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
