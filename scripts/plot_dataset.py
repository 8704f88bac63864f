"""Snakemake entry point: grain-size histograms of the dataset."""

from microcnn.data.plots import plot_dataset
from microcnn.imaging.settings import ImageSettings
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    settings = ImageSettings.from_config(smk.params.image)
    plot_dataset(smk.input.records, smk.output.areas, smk.output.counts, settings.domain_pixels)
