"""Snakemake entry point: predict the test images and score them."""

from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    from microcnn.learning.predict import evaluate_manifest

    evaluate_manifest(
        smk.input.model,
        smk.input.test,
        smk.output.predictions,
        smk.output.metrics,
        threads=smk.threads,
        views=smk.params.views,
    )
