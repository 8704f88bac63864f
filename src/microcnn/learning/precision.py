"""Training precision: bfloat16 arithmetic in the convolutions where the CPU does it natively.

With "bfloat16" the convolutional trunk computes in bfloat16 while the weights, the optimiser
and the grain-size head stay float32 (Keras' "mixed_bfloat16" policy for the trunk only); the
saved model is float32, so prediction and export are unchanged. On a CPU with native bfloat16
instructions (AVX512_BF16 or AMX) a training step of the compact network took 0.68-0.74x the
CPU time. At equal epochs the test figures came out a little worse than float32's; 28 bfloat16
epochs (the default) took about the time of 20 float32 ones and measured better at two seeds
(README, Speed: "bfloat16 training"). Elsewhere bfloat16 is emulated and slower, so "auto"
keeps float32 there and on a GPU, where it has not been measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

PRECISIONS = ("auto", "float32", "bfloat16")
# The Keras dtype policy of the convolutional trunk for each resolved precision.
TRUNK_POLICY = {"float32": "float32", "bfloat16": "mixed_bfloat16"}
# CPU flags (as Linux's /proc/cpuinfo spells them) of native bfloat16 arithmetic.
NATIVE_BFLOAT16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The first processor's feature flags; empty where the file does not exist (not Linux)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):  # x86 spells it flags, ARM Features
            return frozenset(value.split())
    return frozenset()


def resolve(precision: str, flags: Iterable[str], gpu: bool) -> str:
    """The arithmetic to train in, "float32" or "bfloat16": `precision` itself, or for "auto"
    bfloat16 on a CPU with native bfloat16 (`flags`) and no GPU, float32 otherwise."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; allowed: {list(PRECISIONS)}")
    if precision != "auto":
        return precision
    native = bool(NATIVE_BFLOAT16_FLAGS & set(flags))
    return "bfloat16" if native and not gpu else "float32"


def why(precision: str, resolved: str, gpu: bool) -> str:
    """One line for the training log: the precision used and, for "auto", why."""
    if precision != "auto":
        return f"training precision: {resolved} (training.precision)"
    if resolved == "bfloat16":
        reason = "this CPU has native bfloat16"
    else:
        reason = "a GPU is in use" if gpu else "no native bfloat16 on this CPU"
    return f"training precision: {resolved} (auto: {reason})"
