"""Kernel-density dynamics of the GP registration rate, 2012-2017: curves and 3-D surface."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import save

import geohra
from geohra.maps import charts


def make(out: Path) -> list[Path]:
    panel = geohra.load_demo("gp-2012-2017").set_index("adcode")
    k = geohra.kde(panel, "gp_registration_rate_pct", time="year")
    return [
        save(charts.kde_curves(k.densities, title="Kernel density by year"), out, "05_kde_curves"),
        save(
            charts.kde_surface(k.densities, title="Kernel density: year x value"),
            out,
            "05_kde_surface",
        ),
    ]


if __name__ == "__main__":
    make(Path("."))
