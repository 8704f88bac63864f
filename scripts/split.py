"""Snakemake entry point: split the microstructures train:test per class."""

from microcnn.data.manifest import read_image_records
from microcnn.data.split import split_dataset
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    split_dataset(
        read_image_records(list(smk.input.records)),
        smk.params.classes,
        smk.params.train_styles,
        smk.params.train_share,
        smk.params.test_share,
        smk.params.seed,
        smk.output.train,
        smk.output.test,
    )
