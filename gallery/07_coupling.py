"""Coupling coordination of population-based and area-based allocation, 2013 (revised C)."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section
from geohra.coupling import GRADES
from geohra.maps import static


def make(out: Path) -> list[Path]:
    gdf = cross_section(provinces_with("health-2013"), 2013)
    pop = [c for c in gdf.columns if c.endswith("_per_10k_pop")]
    area = [c for c in gdf.columns if c.endswith("_per_10k_km2")]
    gdf["U_population"] = geohra.entropy_weights(gdf, pop).scores
    gdf["U_area"] = geohra.entropy_weights(gdf, area).scores
    cc = geohra.coupling_coordination(gdf, ["U_population", "U_area"], method="revised").to_frame()
    order = [GRADES[k][0] for k in sorted(GRADES)]
    fig = static.grade_map(
        gdf.join(cc), "grade_en", order=order, title="Coupling coordination degree, 2013", lang="en"
    )
    return [save(fig, out, "07_coupling")]


if __name__ == "__main__":
    make(Path("."))
