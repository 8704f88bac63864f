rule predict:
    """Predictions for every test image, accuracy and confusion matrix."""
    input:
        model=rules.train.output.model,
        metadata=rules.train.output.metadata,
        artefact=rules.export_model.output.artefact,
        record=rules.export_model.output.record,
        test=rules.split.output.test,
        images=all_images(),
        verified=rules.verify_dataset.output.verified.format(stage="predict"),
        code=code("predict"),
    output:
        predictions=report(
            "results/predictions/test.csv",
            category="Evaluation",
            caption="../report/predictions.rst",
            labels={"table": "test predictions"},
        ),
        metrics=report(
            "results/predictions/metrics.json",
            category="Evaluation",
            caption="../report/metrics.rst",
            labels={"table": "test metrics"},
        ),
    log:
        "results/logs/predict.log",
    benchmark:
        "results/benchmarks/predict.tsv"
    conda:
        "../../envs/learning.yaml"
    threads: config["training"]["threads"]
    resources:
        mem_mb=predict_mem_mb(config),
        runtime=predict_runtime,
    params:
        views=config["prediction"]["views"],
    script:
        "../../scripts/predict.py"
