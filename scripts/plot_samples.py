"""Snakemake entry point: a grid of sample images per class."""

from microcnn.plots import plot_samples
from microcnn.workflow_io import group_by_class, log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    images = group_by_class(list(smk.input.images))
    plot_samples({c: images[c] for c in smk.params.classes}, smk.output.plot)
