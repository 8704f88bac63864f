"""Snakemake entry point: check that one batch's images (every look) are as rendered, then
measure the grain size of each."""

from microcnn.data.checksums import verify_images
from microcnn.measurement.measure import measure_records
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    verify_images(list(smk.input.checksums), list(smk.input.images))
    measure_records(list(smk.input.records), smk.output.measurements)
