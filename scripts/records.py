"""Snakemake entry point: gather every batch's image records into one dataset table."""

from microcnn.data.records import merge_records
from microcnn.imaging.settings import ImageSettings
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    settings = ImageSettings.from_config(smk.params.image)
    merge_records(list(smk.input.records), smk.output.records, settings.domain_pixels)
