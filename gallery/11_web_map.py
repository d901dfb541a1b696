"""Interactive web map (works offline): GP registration rate, one layer per year."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with

from geohra.maps import web


def make(out: Path) -> list[Path]:
    gdf = provinces_with("gp-2012-2017")
    m = web.web_map(gdf, "gp_registration_rate_pct", time="year", offline=True)
    path = out / "11_web_map.html"
    out.mkdir(parents=True, exist_ok=True)
    web.save_web_map(m, path, offline=True)
    return [path]


if __name__ == "__main__":
    make(Path("."))
