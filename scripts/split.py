"""Snakemake entry point: split the images train:test per class."""

from microcnn.split import split_dataset
from microcnn.workflow_io import group_by_class, log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    images = group_by_class(list(smk.input.images))
    split_dataset(
        {name: images.get(name, []) for name in smk.params.classes},
        smk.params.train_share,
        smk.params.test_share,
        smk.params.seed,
        smk.output.train,
        smk.output.test,
    )
