"""Snakemake entry point: split the microstructures train:test per class."""

from microcnn.data.split import split_dataset
from microcnn.workflow_io import group_images, log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    split_dataset(
        group_images(list(smk.input.images)),
        smk.params.classes,
        smk.params.train_styles,
        smk.params.train_share,
        smk.params.test_share,
        smk.params.seed,
        smk.output.train,
        smk.output.test,
    )
