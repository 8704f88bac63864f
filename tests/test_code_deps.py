"""Code dependencies read from imports, and the import rules that keep the stages apart."""

from pathlib import Path

import pytest

from microcnn.code_deps import imported_names, module_closure, script_code

from .helpers import REPO, SRC

SRC_ROOT = SRC.parent
MODULES = sorted(p for p in SRC.rglob("*.py"))


def _relative(paths) -> set[str]:
    return {str(Path(p).relative_to(SRC)) for p in paths}


def test_closure_follows_imports_through_modules_and_lazy_imports():
    # scripts/train.py imports learning.training, which imports the architectures (and the
    # meaning of their outputs, the least image side and the precision), the margin's level
    # (not the renderer), the levels stretch of imaging.images (as prediction reads images),
    # the manifest, the split's counting rule, tf_setup and rng; model_files comes through
    # training.
    files = _relative(script_code(REPO / "scripts" / "train.py", SRC_ROOT))
    assert {
        "learning/training.py",
        "learning/architectures.py",
        "learning/outputs.py",
        "learning/input_size.py",
        "learning/precision.py",
        "learning/tf_setup.py",
        "imaging/margin.py",
        "imaging/images.py",
        "imaging/__init__.py",
        "learning/model_files.py",
        "data/manifest.py",
        "classes.py",
        "data/split.py",
        "rng.py",
        "atomic.py",
        "workflow_io.py",
        "__init__.py",
        "learning/__init__.py",
        "data/__init__.py",
    } == files


def test_closure_of_a_file_with_a_lazy_import(tmp_path):
    source = tmp_path / "job.py"
    source.write_text("def run():\n    from microcnn.geometry.laguerre import rectangle_limits\n")
    assert _relative(module_closure(source, SRC_ROOT)) == {
        "__init__.py",
        "geometry/__init__.py",
        "geometry/laguerre.py",
    }


def _heavy(module: Path) -> set[str]:
    """Top-level names of the libraries that `module` loads, through package imports too."""
    files = {module} | set(module_closure(module, SRC_ROOT))
    return {name.split(".")[0] for f in files for name in imported_names(f)}


@pytest.mark.parametrize("subpackage", ["geometry", "imaging", "measurement"])
def test_geometry_imaging_measurement_never_import_tensorflow(subpackage):
    for module in (SRC / subpackage).glob("*.py"):
        assert not {"tensorflow", "keras"} & _heavy(module), module


def test_learning_never_imports_microstructpy():
    for module in (SRC / "learning").glob("*.py"):
        assert "microstructpy" not in _heavy(module), module


@pytest.mark.parametrize(
    "light",
    [
        "config.py",
        "batching.py",
        "code_deps.py",
        "classes.py",
        "scale.py",
        "learning/model_files.py",
        "learning/input_size.py",
        "resources.py",
    ],
)
def test_what_the_snakefile_imports_is_light(light):
    heavy = {"tensorflow", "keras", "microstructpy", "matplotlib", "sklearn", "scipy"}
    assert not heavy & _heavy(SRC / light)


@pytest.mark.parametrize(
    "light", ["learning/runtime.py", "learning/outputs.py", "imaging/images.py"]
)
def test_the_fast_prediction_path_is_light(light):
    """What `microcnn predict` runs when the LiteRT artefact is current: no TensorFlow, Keras,
    scikit-learn or matplotlib, even in imports made inside functions (tests/test_cli.py checks
    the modules a run of the command loads)."""
    heavy = {"tensorflow", "keras", "sklearn", "matplotlib", "scipy", "microstructpy"}
    assert not heavy & _heavy(SRC / light)


def test_every_module_runs_in_some_stage_or_the_cli():
    used = set()
    for entry in [*sorted((REPO / "scripts").glob("*.py")), SRC / "cli.py"]:
        used |= _relative(script_code(entry, SRC_ROOT))
    # The CLI and what the Snakefile imports.
    used |= {"cli.py", "code_deps.py", "config.py", "batching.py", "resources.py"}
    used |= {"learning/input_size.py"}
    assert _relative(MODULES) == used
