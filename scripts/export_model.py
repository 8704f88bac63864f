"""Snakemake entry point: the trained model as a LiteRT artefact, for prediction without
TensorFlow."""

from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    from microcnn.learning.export import export_model

    record = export_model(smk.input.model, threads=smk.threads)
    print(f"largest difference from the Keras model: {record['max_difference_from_source']:.3g}")
