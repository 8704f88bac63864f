"""Snakemake entry point: the trained model's summary text and layer diagram."""

from pathlib import Path

from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    import keras

    from microcnn.architectures import describe, draw_diagram

    model = keras.models.load_model(smk.input.model)
    Path(smk.output.summary).write_text(describe(model) + "\n", encoding="utf-8")
    draw_diagram(model, smk.output.diagram)
