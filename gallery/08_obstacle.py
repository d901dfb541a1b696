"""Obstacle degree: which indicators hold each province back most (2013, entropy weights)."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section


def make(out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    gdf = cross_section(provinces_with("health-2013"), 2013)
    cols = [c for c in gdf.columns if c.endswith("_per_10k_pop")]
    ew = geohra.entropy_weights(gdf, cols)
    ob = geohra.obstacle_degree(ew)
    deg = ob.degrees.copy()
    deg.index = gdf.loc[deg.index, "name_en"]
    deg.columns = [c.replace("_per_10k_pop", "").replace("_", " ") for c in deg.columns]
    deg = deg.sort_values(deg.columns[0])
    fig, ax = plt.subplots(figsize=(7.5, 8))
    deg.plot.barh(stacked=True, ax=ax, width=0.8, colormap="tab10")
    ax.set_xlabel("obstacle degree (%)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    return [save(fig, out, "08_obstacle")]


if __name__ == "__main__":
    make(Path("."))
