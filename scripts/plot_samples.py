"""Snakemake entry point: a grid of sample images per class and style."""

from microcnn.imaging.samples import plot_samples
from microcnn.workflow_io import group_images, log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    plot_samples(
        group_images(list(smk.input.images)),
        smk.params.classes,
        smk.params.styles,
        smk.output.plot,
    )
