"""Configuration checks and helper functions shared by the rule files."""

import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

REPO = Path(workflow.basedir)
# Jobs (local, in conda environments or on a cluster) import the package from this checkout,
# whether or not it is installed.
sys.path.insert(0, str(REPO / "src"))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p
    )
)

from microcnn.config import ConfigError, validate_config
from microcnn.batching import batch_ranges

# Rejected here, before any job is planned; defaults are filled in at every level.
try:
    _validated = validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
except ConfigError as error:
    raise WorkflowError(str(error)) from None
config.clear()
config.update(_validated)

CLASSES = list(config["classes"])
STYLES = list(config["image"]["styles"])
TRAIN_STYLES = [s for s in STYLES if s != config["training"]["held_out_style"]]


def code(*modules):
    """Package modules that a job runs, listed as its inputs so that editing one reruns it."""
    return [str(REPO / "src" / "microcnn" / f"{m}.py") for m in modules]


def batches(cls):
    """Batch numbers of one class."""
    count = config["classes"][cls]["count"]
    return range(len(batch_ranges(count, config["generation"]["batch_size"])))


def batch_indices(wildcards):
    """[first, stop) image indices of one batch."""
    cls = wildcards.cls
    ranges = batch_ranges(
        config["classes"][cls]["count"], config["generation"]["batch_size"]
    )
    chosen = ranges[int(wildcards.batch)]
    return [chosen.start, chosen.stop]


def all_batches(pattern, styles=()):
    """`pattern` filled in for every batch of every class (and every style given)."""
    return [
        pattern.format(cls=c, batch=f"{b:04d}", style=s)
        for s in (styles or [None])
        for c in CLASSES
        for b in batches(c)
    ]


def all_images():
    """The image folders of every style, class and batch."""
    return all_batches("results/images/{style}/{cls}/batch-{batch}", STYLES)
