"""Snakemake entry point: train the CNN."""

import dataclasses

from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    from microcnn.classes import GrainSizeClasses
    from microcnn.learning.training import TrainingSettings, train

    # TensorFlow uses the cores the job was given (a cluster profile may raise them).
    settings = dataclasses.replace(
        TrainingSettings.from_config(smk.params.training), threads=smk.threads
    )
    train(
        smk.input.train,
        GrainSizeClasses.from_json(smk.params.classes),
        smk.params.height,
        smk.params.width,
        settings,
        smk.params.seed,
        smk.output.model,
        smk.output.history,
        smk.params.reference_pixel_size_um,
    )
