"""Global Moran's I and LISA clusters: physicians per 1,000 people, 2018."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section
from geohra.maps import charts, static


def make(out: Path) -> list[Path]:
    import warnings

    gdf = cross_section(provinces_with("physicians-2018"), 2018)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Hainan is linked to its nearest neighbour (reported)
        w = geohra.spatial_weights(gdf, kind="queen", islands="nearest")
    col = "physicians_per_1000_pop"
    mi = geohra.moran(gdf, col, weights=w, permutations=999, rng=1)
    lisa = geohra.local_moran(gdf, col, weights=w, permutations=999, rng=1).to_frame()
    fig = static.lisa_map(
        gdf.join(lisa),
        "cluster",
        title=f"LISA clusters, 2018 (Moran's I = {mi.statistic:.3f}, p = {mi.pvalue_sim:.3f})",
        lang="en",
    )
    scatter = charts.moran_scatter(
        lisa["z"], lisa["lag"], clusters=lisa["cluster"], title="Moran scatter plot", lang="en"
    )
    return [save(fig, out, "04_lisa"), save(scatter, out, "04_moran_scatter")]


if __name__ == "__main__":
    make(Path("."))
