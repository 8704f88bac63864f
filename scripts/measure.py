"""Snakemake entry point: measure the grain size of one class's images in one style."""

from microcnn.measurement.measure import measure_records
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    measure_records(list(smk.input.records), smk.output.measurements)
