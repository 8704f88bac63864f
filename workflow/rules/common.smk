"""Configuration checks and helper functions shared by the rule files."""

import math
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

REPO = Path(workflow.basedir)
# Jobs (local, in conda environments or on a cluster) import the package from this checkout,
# whether or not it is installed.
sys.path.insert(0, str(REPO / "src"))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p
    )
)

from microcnn.batching import batch_ranges
from microcnn.classes import GrainSizeClasses
from microcnn.code_deps import script_code
from microcnn.config import ConfigError, read_config_file, validate_config
from microcnn.learning.model_files import (
    DEFAULT_MODEL,
    inference_path,
    inference_record_path,
    metadata_path,
)
from microcnn.resources import (
    generate_mem_mb,
    measure_mem_mb,
    predict_mem_mb,
    render_mem_mb,
    split_images,
    train_mem_mb,
)
from microcnn.scale import reference_pixel_size_um

# A --configfile is the whole configuration (the schema's defaults fill in the rest): config.yaml
# is read only when none is given, so that a user's file is not merged into it. Snakemake has
# already applied --configfile and --config to `config`; `configfile:` puts --config back on top.
if not workflow.config_settings.configfiles:
    # Read here first: Snakemake's own message for a YAML error names neither file nor line.
    try:
        read_config_file("config.yaml")
    except ConfigError as error:
        raise WorkflowError(str(error)) from None

    configfile: "config.yaml"


# Rejected here, before any job is planned; defaults are filled in at every level.
try:
    _validated = validate_config(config)
except ConfigError as error:
    raise WorkflowError(str(error)) from None
config.clear()
config.update(_validated)

CLASSES = list(config["classes"])
STYLES = list(config["image"]["styles"])
TRAIN_STYLES = [s for s in STYLES if s != config["training"]["held_out_style"]]
# The classes as bands of mean grain area (um^2) and the pixel size of the reference scale: a
# prediction's class follows from its area, at the image's pixel size.
GRAIN_SIZE_CLASSES = GrainSizeClasses.from_config(config).to_json()
REFERENCE_PIXEL_SIZE_UM = reference_pixel_size_um(config)
# The styles whose images each stage that reads the whole dataset reads (verify_dataset).
STAGE_STYLES = {"train": TRAIN_STYLES, "predict": STYLES}
# How every style is drawn (size, framing), without the list of styles, for the stages that do
# not depend on that list (records, plot_dataset). The render and measure jobs do: one job per
# batch draws (and one measures) every look, so adding or removing a look reruns every render
# and measure job, the other looks' images coming out byte for byte the same. The trade-off:
# one job per look reran only that look's jobs, but paid a Python start-up and a mesh load per
# look and batch (72 render and 36 check and measure jobs by default, instead of 8 and 8).
IMAGE_GEOMETRY = {k: v for k, v in config["image"].items() if k != "styles"}


def code(script):
    """Every package file that scripts/<script>.py runs, found from its imports (transitively),
    as inputs of the stage that runs it; editing a module reruns exactly the stages using it.
    """
    return script_code(REPO / "scripts" / f"{script}.py", REPO / "src")


def batches(cls):
    """Batch numbers of one class."""
    count = config["classes"][cls]["count"]
    return range(len(batch_ranges(count, config["generation"]["batch_size"])))


def batch_indices(wildcards):
    """[first, stop) image indices of one batch."""
    cls = wildcards.cls
    ranges = batch_ranges(
        config["classes"][cls]["count"], config["generation"]["batch_size"]
    )
    chosen = ranges[int(wildcards.batch)]
    return [chosen.start, chosen.stop]


def all_batches(patterns):
    """`patterns` (one, or a list taken in turn) filled in for every batch of every class."""
    if isinstance(patterns, str):
        patterns = [patterns]
    return [
        pattern.format(cls=c, batch=f"{b:04d}")
        for pattern in patterns
        for c in CLASSES
        for b in batches(c)
    ]


def of_styles(patterns, styles):
    """Of a render output's patterns (one per style, in the order of STYLES), those of
    `styles`."""
    return [patterns[STYLES.index(s)] for s in styles]


def all_images():
    """The image folders of every style, class and batch (the render rule's outputs)."""
    return all_batches(rules.render.output.images)


# Run times, from the benchmark files of a default run on 2 cores (results/benchmarks/): run
# time per image times 3 for slower nodes. generate: 4.4 s per 50 images (fast; MicroStructPy's
# path is about 10x slower); render: 19-29 s per 50 images in 9 looks; measure: 16-38 s per 50
# images in 9 looks (both on the 2 cores shared with other work, load 2-3); train: 87 s for
# 2,616 images (8 epochs); predict: 6.8 s.
# Memory (mem_mb) follows image size, grains per image and batch sizes: microcnn/resources.py,
# with the measured points behind each formula.
SECONDS_PER_IMAGE = {"generate": 0.1, "render": 0.15, "measure": 0.05}
if config["generation"]["generator"] == "microstructpy":
    SECONDS_PER_IMAGE["generate"] = 1.0
SPLIT_IMAGES = split_images(config)


def runtime_minutes(seconds):
    return max(5, math.ceil(3 * seconds / 60))


def batch_runtime(rule_name):
    """Minutes for one batch job of `rule_name` (render and measure: in every look)."""
    per_image = SECONDS_PER_IMAGE[rule_name]
    looks = 1 if rule_name == "generate" else len(STYLES)
    return lambda wc: runtime_minutes(
        per_image * looks * config["generation"]["batch_size"]
    )


def train_runtime(wildcards):
    # 4.2 ms per image and epoch on 2 cores with the compact network. `training.width` w
    # multiplies the convolutions' cost by up to w^2 (width 2: epochs 2.0 times as long).
    images = (SPLIT_IMAGES["fit"] + SPLIT_IMAGES["validation"]) * config["training"][
        "epochs"
    ]
    return max(15, runtime_minutes(0.005 * images * config["training"]["width"] ** 2))


def predict_runtime(wildcards):
    return runtime_minutes(0.02 * SPLIT_IMAGES["test"])
