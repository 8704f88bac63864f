rule split:
    """Train and test manifests, train:test per class, deterministic from the seed."""
    input:
        images=all_batches("results/images/{cls}/batch-{batch}"),
        code=code("split", "workflow_io"),
    output:
        train="results/split/train.csv",
        test="results/split/test.csv",
    params:
        classes=CLASSES,
        train_share=config["split"]["train"],
        test_share=config["split"]["test"],
        seed=config["seed"],
    log:
        "results/logs/split.log",
    benchmark:
        "results/benchmarks/split.tsv"
    script:
        "../../scripts/split.py"
