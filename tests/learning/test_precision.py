"""Training precision: which arithmetic "auto" picks, from the CPU's flags and the devices."""

import pytest

from microcnn.learning.precision import PRECISIONS, cpu_flags, resolve, why

ZEN4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse avx2 avx512f avx512_bf16\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd bf16\nCPU implementer\t: 0x41\n"


def test_the_flags_are_read_from_cpuinfo(tmp_path):
    x86, arm = tmp_path / "x86", tmp_path / "arm"
    x86.write_text(ZEN4 + "\nprocessor\t: 1\nflags\t\t: fpu\n")  # the first processor counts
    arm.write_text(ARM)
    assert cpu_flags(x86) == {"fpu", "sse", "avx2", "avx512f", "avx512_bf16"}
    assert "bf16" in cpu_flags(arm)
    assert cpu_flags(tmp_path / "missing") == frozenset()  # not Linux: nothing known


@pytest.mark.parametrize(
    ("flags", "gpu", "expected"),
    [
        ({"avx2", "avx512f", "avx512_bf16"}, False, "bfloat16"),
        ({"avx2", "amx_bf16", "amx_tile"}, False, "bfloat16"),
        ({"avx2", "avx512f"}, False, "float32"),  # bfloat16 would be emulated: slower
        (set(), False, "float32"),
        ({"avx512_bf16"}, True, "float32"),  # a GPU: not measured, stays float32
    ],
)
def test_auto_takes_bfloat16_only_where_the_cpu_has_it(flags, gpu, expected):
    assert resolve("auto", flags, gpu) == expected


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_an_explicit_precision_is_kept(precision):
    assert resolve(precision, set(), gpu=False) == precision
    assert resolve(precision, {"avx512_bf16"}, gpu=True) == precision


def test_an_unknown_precision_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"'float16'.*\['auto', 'float32', 'bfloat16'\]"):
        resolve("float16", set(), gpu=False)
    assert PRECISIONS == ("auto", "float32", "bfloat16")


def test_the_log_line_says_why():
    assert why("auto", "bfloat16", False) == (
        "training precision: bfloat16 (auto: this CPU has native bfloat16)"
    )
    assert "no native bfloat16 on this CPU" in why("auto", "float32", False)
    assert "a GPU is in use" in why("auto", "float32", True)
    assert why("float32", "float32", False) == "training precision: float32 (training.precision)"
