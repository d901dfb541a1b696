"""Entropy-weight composite index of eight 2013 health-resource indicators, with its weights."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section
from geohra.maps import static


def make(out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    gdf = cross_section(provinces_with("health-2013"), 2013)
    cols = [c for c in gdf.columns if c.endswith(("_per_10k_pop", "_per_10k_km2"))]
    res = geohra.entropy_weights(gdf, cols, scale=100)
    gdf["index"] = res.scores
    fig = static.choropleth(
        gdf, "index", k=5, title="Entropy-weight composite index, 2013", lang="en"
    )
    paths = [save(fig, out, "02_entropy_index_map")]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    res.weights.sort_values().plot.barh(ax=ax, color="#3b6ea5")
    ax.set_xlabel("entropy weight")
    ax.set_title("Indicator weights (entropy method)")
    paths.append(save(fig, out, "02_entropy_weights"))
    return paths


if __name__ == "__main__":
    make(Path("."))
