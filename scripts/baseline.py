"""Snakemake entry point: the classical measurement's classes for the test images."""

from microcnn.classes import GrainSizeClasses
from microcnn.measurement.baseline import run_baseline
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    run_baseline(
        list(smk.input.measurements),
        smk.input.train,
        smk.input.test,
        GrainSizeClasses.from_json(smk.params.classes),
        smk.output.predictions,
        smk.output.summary,
    )
