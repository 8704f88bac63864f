"""Which package files a workflow script runs: its `microcnn` imports, followed transitively.

The workflow lists these files as a rule's inputs, so that editing a module reruns exactly the
stages whose code imports it (directly or through another module), and no list is kept by hand.
Imports are read from the source with `ast` (nothing is imported), including those made inside
functions, since the package imports heavy modules lazily.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "microcnn"


def imported_names(source_file: Path) -> set[str]:
    """Dotted names of every module (or attribute) imported anywhere in the file."""
    tree = ast.parse(source_file.read_text(encoding="utf-8"), filename=str(source_file))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from microcnn.x import y`: y may be a submodule or a name inside microcnn.x.
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _package_names(source_file: Path) -> set[str]:
    return {n for n in imported_names(source_file) if n.split(".")[0] == PACKAGE}


def _module_files(name: str, src: Path) -> list[Path]:
    """The files that importing `name` executes: every package __init__ on the way, then the
    module itself (if `name` is a module and not a name defined inside one)."""
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = src.joinpath(*parts[:depth])
        if (base / "__init__.py").is_file():
            files.append(base / "__init__.py")
        elif base.with_suffix(".py").is_file():
            files.append(base.with_suffix(".py"))
            break
        else:
            break
    return files


@cache
def module_closure(source_file: Path, src: Path) -> frozenset[Path]:
    """Every package file that `source_file` imports, directly or through other package files."""
    seen: set[Path] = set()
    todo = [source_file]
    while todo:
        current = todo.pop()
        for name in _package_names(current):
            for file in _module_files(name, src):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
    seen.discard(source_file)
    return frozenset(seen)


def script_code(script: str | Path, src: str | Path) -> list[str]:
    """The package files (sorted paths) that running `script` executes; `src` holds `microcnn/`."""
    return sorted(str(p) for p in module_closure(Path(script).resolve(), Path(src).resolve()))
