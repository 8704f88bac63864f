rule render:
    """One PNG per microstructure of a batch, in the reference look."""
    input:
        meshes="results/meshes/{cls}/batch-{batch}.npz",
        code=code("render", "mesh_io"),
    output:
        images=directory("results/images/{cls}/batch-{batch}"),
    params:
        image=config["image"],
    log:
        "results/logs/render/{cls}/batch-{batch}.log",
    benchmark:
        "results/benchmarks/render/{cls}/batch-{batch}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    script:
        "../../scripts/render.py"
