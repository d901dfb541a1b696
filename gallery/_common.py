"""Shared helpers for the gallery scripts (not an example itself)."""

from __future__ import annotations

from pathlib import Path

import geohra


def save(fig, out: Path, name: str) -> Path:
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=130, bbox_inches="tight")
    plt.close(fig)
    return path


def provinces_with(dataset: str):
    """The built-in province boundaries joined to one built-in dataset (long GeoDataFrame)."""
    return geohra.join(geohra.load_boundaries("china-provinces"), geohra.load_demo(dataset))
