"""``geohra qgis sample DIR``: two small real layers to try the QGIS algorithms on.

- ``provinces.gpkg``: the 31 provinces with 2013 health-resource indicators per 10,000
  people (``beds``, ``staff``, ``inst``, ``invest``) and population (``pop``, 10,000s);
- ``gp_panel.gpkg``: a long panel, one feature per province and year 2012-2017, with the
  general-practitioner registration rate (``gp_rate``) and share (``gp_share``), in %.

Both have ``adcode`` (unit ID), ``name_en`` and ``region3``. Existing files are kept
unless ``force``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

HEALTH = {
    "beds_health_care_institutions_per_10k_pop": "beds",
    "health_technical_personnel_per_10k_pop": "staff",
    "health_care_institutions_per_10k_pop": "inst",
    "health_investment_per_10k_pop": "invest",
    "population_10k": "pop",
}
GP = {
    "gp_registration_rate_pct": "gp_rate",
    "gp_share_of_practising_assistant_physicians_pct": "gp_share",
}
FILES = ("provinces.gpkg", "gp_panel.gpkg")


def write_samples(folder: str | Path, *, force: bool = False) -> list[Path]:
    import geopandas as gpd

    import geohra

    folder = Path(folder)
    paths = [folder / name for name in FILES]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise FileExistsError(
            f"geohra qgis sample: {', '.join(existing)} already exist(s); choose another folder "
            "or pass --force to replace them."
        )
    folder.mkdir(parents=True, exist_ok=True)
    bounds = geohra.load_boundaries("china-provinces")[["name_en", "region3", "geometry"]]
    with warnings.catch_warnings():  # the demo data's documented quality notes
        warnings.simplefilter("ignore")
        health = geohra.load_demo("health-2013")
        gp = geohra.load_demo("gp-2012-2017")
    health = health.set_index("adcode")[list(HEALTH)].rename(columns=HEALTH)
    provinces = bounds.join(health, how="inner").rename_axis("adcode").reset_index()
    panel = gp.rename(columns=GP).merge(bounds, left_on="adcode", right_index=True)
    for path, frame in zip(
        paths, (provinces, gpd.GeoDataFrame(panel, crs=bounds.crs)), strict=True
    ):
        if path.exists():
            path.unlink()
        frame.to_file(path, driver="GPKG", layer=path.stem)
    return paths
