"""The `microcnn` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from microcnn.learning.model_files import DEFAULT_MODEL


def _predict(args: argparse.Namespace) -> int:
    from microcnn.imaging.images import find_images

    files, missing = find_images(args.paths)
    failed = len(missing)
    for path, reason in missing:
        print(f"error: {path}: {reason}", file=sys.stderr)
    try:
        from microcnn.learning.predict import Classifier

        classifier = Classifier(args.model)
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"error: cannot load model: {exc}", file=sys.stderr)
        return 2

    def on_error(path: str, reason: str) -> None:
        nonlocal failed
        failed += 1
        print(f"error: {path}: {reason}", file=sys.stderr)

    def on_note(path: str, note: str) -> None:
        print(f"warning: {path}: {note}", file=sys.stderr)

    from microcnn.data.predictions import write_predictions

    predictions = classifier.predict_files(files, on_error, on_note)
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            write_predictions(out, predictions, classifier.class_names)
    else:
        write_predictions(sys.stdout, predictions, classifier.class_names)
    if failed:
        print(f"{failed} of {len(files) + len(missing)} inputs failed", file=sys.stderr)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microcnn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    predict = sub.add_parser(
        "predict",
        help="classify images by grain size",
        description="Classify image files (or folders, searched recursively) with a trained "
        "model. Writes CSV (path,label,probability,p_<class>...) to --output or stdout.",
    )
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image file or folder")
    predict.add_argument("--model", default=DEFAULT_MODEL, help=f"default: {DEFAULT_MODEL}")
    predict.add_argument("--output", "-o", help="CSV file to write (default: stdout)")
    predict.set_defaults(func=_predict)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
