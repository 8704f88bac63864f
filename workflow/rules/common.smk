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
from microcnn.code_deps import script_code
from microcnn.config import ConfigError, read_config_file, validate_config
from microcnn.learning.model_files import DEFAULT_MODEL, metadata_path

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
# How every style is drawn (size, framing), without the list of styles: adding or removing a
# style must not rerun the jobs of the other styles, which do not depend on that list.
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


def all_batches(pattern, styles=()):
    """`pattern` filled in for every batch of every class (and every style given)."""
    return [
        pattern.format(cls=c, batch=f"{b:04d}", style=s)
        for s in (styles or [None])
        for c in CLASSES
        for b in batches(c)
    ]


def all_images():
    """The image folders of every style, class and batch (the render rule's outputs)."""
    return all_batches(rules.render.output.images, STYLES)


# Resources, from the benchmark files of a default run on 2 cores (results/benchmarks/):
# peak memory plus headroom, and run time per image times 3 for slower nodes.
# generate: 171 MB, 4.4 s per 50 images (fast; MicroStructPy's path is about 10x slower);
# render: 180 MB, 7.1 s per 50 images; measure: 213 MB, 9.8 s per 300 images;
# train: 2.2 GB and 87 s for 2,616 cached images (8 epochs); predict: 0.9 GB, 6.8 s.
SECONDS_PER_IMAGE = {"generate": 0.1, "render": 0.15, "measure": 0.05}
if config["generation"]["generator"] == "microstructpy":
    SECONDS_PER_IMAGE["generate"] = 1.0


def runtime_minutes(seconds):
    return max(5, math.ceil(3 * seconds / 60))


def batch_runtime(rule_name):
    """Minutes for one batch job of `rule_name`."""
    per_image = SECONDS_PER_IMAGE[rule_name]
    return lambda wc: runtime_minutes(per_image * config["generation"]["batch_size"])


def measure_runtime(wildcards):
    return runtime_minutes(
        SECONDS_PER_IMAGE["measure"] * config["classes"][wildcards.cls]["count"]
    )


def n_images(share, styles):
    """Images of the train (share=train) or test (share=test) manifest."""
    split = config["split"]
    total = sum(c["count"] for c in config["classes"].values())
    return math.ceil(total * split[share] / (split["train"] + split["test"])) * len(
        styles
    )


def train_mem_mb(wildcards):
    # Decoded images are cached in memory (0.37 MB each at 432x288) up to 4 GiB.
    cached = min(n_images("train", TRAIN_STYLES) * 0.375, 4096)
    return math.ceil(1500 + 1.2 * cached)


def train_runtime(wildcards):
    # 4.2 ms per image and epoch on 2 cores with the compact network.
    images = n_images("train", TRAIN_STYLES) * config["training"]["epochs"]
    return max(15, runtime_minutes(0.005 * images))


def predict_runtime(wildcards):
    return runtime_minutes(0.02 * n_images("test", STYLES))
