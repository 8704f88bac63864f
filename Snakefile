"""CNN_Microstructure: synthetic microstructures -> images -> split -> CNN -> predictions."""

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"


wildcard_constraints:
    cls="|".join(CLASSES),
    style="|".join(STYLES),
    batch=r"\d{4}",


localrules:
    all,
    records,
    plot_dataset,
    split,
    plot_loss,
    plot_samples,
    describe_model,
    baseline,
    evaluate,


include: "workflow/rules/generate.smk"
include: "workflow/rules/render.smk"
include: "workflow/rules/split.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/evaluate.smk"


rule all:
    default_target: True
    input:
        "results/dataset/records.csv",
        "results/dataset/grain_areas.png",
        "results/model/model.keras",
        "results/plots/loss.png",
        "results/model/diagram.png",
        "results/plots/samples.png",
        "results/predictions/test.csv",
        "results/predictions/metrics.json",
        "results/evaluation/summary.csv",
