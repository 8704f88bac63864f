"""Configuration checks and helper functions shared by the rule files."""

from pathlib import Path

from snakemake.exceptions import WorkflowError

from microcnn.config import ConfigError, validate_config
from microcnn.generate import batch_ranges

REPO = Path(workflow.basedir)

# Rejected here, before any job is planned; defaults are filled in at every level.
try:
    _validated = validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
except ConfigError as error:
    raise WorkflowError(str(error)) from None
config.clear()
config.update(_validated)

CLASSES = list(config["classes"])


wildcard_constraints:
    cls="|".join(CLASSES),
    batch=r"\d{4}",


localrules:
    all,
    records,
    split,
    plot_loss,


def code(*modules):
    """Package modules a rule runs, as inputs: editing one reruns the rule."""
    return [str(REPO / "src" / "microcnn" / f"{m}.py") for m in modules]


def batches(cls):
    """Batch numbers of one class."""
    count = config["classes"][cls]["count"]
    return range(len(batch_ranges(count, config["generation"]["batch_size"])))


def batch_indices(wildcards):
    """[first, stop) image indices of one batch."""
    cls = wildcards.cls
    ranges = batch_ranges(config["classes"][cls]["count"], config["generation"]["batch_size"])
    chosen = ranges[int(wildcards.batch)]
    return [chosen.start, chosen.stop]


def all_batches(pattern):
    """`pattern` filled in for every batch of every class."""
    return [pattern.format(cls=c, batch=f"{b:04d}") for c in CLASSES for b in batches(c)]
