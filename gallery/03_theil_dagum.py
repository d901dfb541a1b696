"""Theil T and Dagum Gini decompositions by East / Central / West, GP registration rate 2012-2017."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

import geohra
from geohra.maps import charts


def make(out: Path) -> list[Path]:
    panel = provinces_with("gp-2012-2017").set_index("adcode")
    col = "gp_registration_rate_pct"
    theil = geohra.per_year(geohra.theil, panel, col, by="region3", time="year")
    dagum = geohra.per_year(geohra.dagum_gini, panel, col, by="region3", time="year")
    return [
        save(
            charts.decomposition_bars(theil, title="Theil T: within and between regions"),
            out,
            "03_theil",
        ),
        save(charts.decomposition_bars(dagum, title="Dagum Gini: contributions"), out, "03_dagum"),
    ]


if __name__ == "__main__":
    make(Path("."))
