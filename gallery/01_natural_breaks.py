"""Exact Fisher-Jenks natural breaks: physicians per 1,000 people, 2018."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section
from geohra.maps import static


def make(out: Path) -> list[Path]:
    gdf = cross_section(provinces_with("physicians-2018"), 2018)
    cls = geohra.classify(gdf["physicians_per_1000_pop"], scheme="fisher_jenks", k=5)
    fig = static.choropleth(
        gdf,
        "physicians_per_1000_pop",
        classification=cls,
        legend_counts=True,
        title=f"Physicians per 1,000 people, 2018 (natural breaks, GVF {cls.gvf:.2f})",
        lang="en",
    )
    return [save(fig, out, "01_natural_breaks")]


if __name__ == "__main__":
    make(Path("."))
