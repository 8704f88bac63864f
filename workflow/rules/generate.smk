rule generate:
    """MicroStructPy seeds, positions and Laguerre tessellation for one batch of one class."""
    input:
        code=code("generate", "seeding", "mesh_io", "fast_positioning", "laguerre"),
    output:
        meshes="results/meshes/{cls}/batch-{batch}.npz",
        records="results/meshes/{cls}/batch-{batch}.csv",
    log:
        "results/logs/generate/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/generate/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/geometry.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        spec=lambda wc: config["classes"][wc.cls],
        indices=batch_indices,
        seed=config["seed"],
        generation={k: v for k, v in config["generation"].items() if k != "batch_size"},
    script:
        "../../scripts/generate.py"


rule records:
    """Every image's generation record in one table."""
    input:
        records=all_batches("results/meshes/{cls}/batch-{batch}.csv"),
    output:
        records=report(
            "results/dataset/records.csv",
            category="Dataset",
            caption="../report/records.rst",
            labels={"table": "image records"},
        ),
    log:
        "results/logs/records.log",
    benchmark:
        "results/benchmarks/records.tsv"
    conda:
        "../../envs/geometry.yaml"
    script:
        "../../scripts/records.py"
