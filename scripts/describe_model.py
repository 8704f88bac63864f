"""Snakemake entry point: the trained model's summary text and layer diagram."""

from microcnn.atomic import write_text
from microcnn.workflow_io import log_to

smk = snakemake  # noqa: F821 (injected by Snakemake)
with log_to(smk.log[0]):
    from microcnn.learning.architectures import load
    from microcnn.learning.diagram import describe, draw_diagram

    model = load(smk.input.model)
    write_text(smk.output.summary, describe(model) + "\n")
    draw_diagram(model, smk.output.diagram)
