rule render:
    """One PNG per microstructure of a batch, in the reference look."""
    input:
        meshes="results/meshes/{cls}/batch-{batch}.npz",
        code=code("render", "mesh_io"),
    output:
        images=directory("results/images/{cls}/batch-{batch}"),
    log:
        "results/logs/render/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/render/{cls}/batch-{batch}.tsv"
    conda:
        "../../envs/geometry.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        image=config["image"],
    script:
        "../../scripts/render.py"


rule plot_samples:
    """A grid of sample images, one row per class."""
    input:
        images=all_batches("results/images/{cls}/batch-{batch}"),
        code=code("plots", "workflow_io"),
    output:
        plot=report(
            "results/plots/samples.png",
            category="Dataset",
            caption="../report/samples.rst",
            labels={"figure": "sample images"},
        ),
    log:
        "results/logs/plot_samples.log",
    benchmark:
        "results/benchmarks/plot_samples.tsv"
    conda:
        "../../envs/geometry.yaml"
    params:
        classes=CLASSES,
    script:
        "../../scripts/plot_samples.py"
