"""Snakemake entry point: train the CNN."""

from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    from microcnn.training import TrainingSettings, train

    settings = TrainingSettings.from_config(smk.params.training)
    train(
        smk.input.train,
        smk.params.classes,
        smk.params.height,
        smk.params.width,
        settings,
        smk.params.seed,
        smk.output.model,
        smk.output.history,
    )
