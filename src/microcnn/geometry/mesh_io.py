"""Store a batch of 2D MicroStructPy PolyMeshes in one .npz file and read it back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from microstructpy.meshing import PolyMesh

from microcnn.atomic import replacing


def _ragged(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    flat = np.array([v for r in rows for v in r], dtype=np.int64)
    return flat, np.concatenate([[0], np.cumsum(lengths)])


def save_meshes(path: str | Path, indices: list[int], meshes: list[PolyMesh]) -> None:
    """Write the meshes (image indices alongside) atomically to `path`."""
    arrays: dict[str, np.ndarray] = {"indices": np.asarray(indices, dtype=np.int64)}
    for k, mesh in enumerate(meshes):
        regions, offsets = _ragged(mesh.regions)
        arrays[f"{k}/points"] = np.asarray(mesh.points, dtype=np.float64)
        arrays[f"{k}/facets"] = np.asarray(mesh.facets, dtype=np.int64)
        arrays[f"{k}/regions"] = regions
        arrays[f"{k}/region_offsets"] = offsets
        arrays[f"{k}/seed_numbers"] = np.asarray(mesh.seed_numbers, dtype=np.int64)
        arrays[f"{k}/phase_numbers"] = np.asarray(mesh.phase_numbers, dtype=np.int64)
        arrays[f"{k}/facet_neighbors"] = np.asarray(mesh.facet_neighbors, dtype=np.int64)
        arrays[f"{k}/volumes"] = np.asarray(mesh.volumes, dtype=np.float64)
    with replacing(path) as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **arrays)


def load_meshes(path: str | Path) -> list[tuple[int, PolyMesh]]:
    """Read a batch written by `save_meshes` as (image index, PolyMesh) pairs."""
    out = []
    with np.load(path) as data:
        for k, index in enumerate(data["indices"].tolist()):
            flat, offsets = data[f"{k}/regions"], data[f"{k}/region_offsets"]
            regions = [flat[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
            mesh = PolyMesh(
                data[f"{k}/points"].tolist(),
                data[f"{k}/facets"].tolist(),
                regions,
                seed_numbers=data[f"{k}/seed_numbers"].tolist(),
                phase_numbers=data[f"{k}/phase_numbers"].tolist(),
                facet_neighbors=data[f"{k}/facet_neighbors"].tolist(),
                volumes=data[f"{k}/volumes"].tolist(),
            )
            out.append((index, mesh))
    return out
