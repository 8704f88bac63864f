rule split:
    """Train and test manifests, train:test per class, deterministic from the seed."""
    input:
        images=all_batches("results/images/{cls}/batch-{batch}"),
        code=code("split", "workflow_io"),
    output:
        train="results/split/train.csv",
        test="results/split/test.csv",
    log:
        "results/logs/split.log",
    benchmark:
        "results/benchmarks/split.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        classes=CLASSES,
        train_share=config["split"]["train"],
        test_share=config["split"]["test"],
        seed=config["seed"],
    script:
        "../../scripts/split.py"
