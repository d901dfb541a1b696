"""``geohra demo``: the full results section on the built-in real data.

Four real datasets ship with geohra (see ``geohra/data/SOURCES.md``):

1. health resources 2013 (31 provinces): entropy composite index of population-based and
   area-based allocation, their coupling coordination, Theil / Dagum by region,
   Moran / LISA, obstacle factors;
2. general practitioners 2012-2017 (a six-year panel): composite index by year, shared
   natural breaks for 2012 and 2017, Theil / Dagum / Moran by year, kernel-density
   dynamics and Markov transitions;
3. physicians 2018: population-weighted Gini and Theil, agglomeration degrees, spatial Gini;
4. the statistics bureau's 1998-1999 tables: beds and doctors per 1,000 people, with the
   real gaps of those tables (Xinjiang missing in 1998) reported, not hidden.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

import geohra
from geohra.report.config import Indicator, ReportConfig
from geohra.report.document import Figure, Progress, Report, Table
from geohra.report.pipeline import PanelContext, _save, analyse_panel, flatten_joined

HEALTH_2013 = ReportConfig(
    title="Health resources 2013",
    builtin="health-2013",
    indicators=tuple(
        [
            Indicator(f"{r}_per_10k_pop", "positive", "population")
            for r in (
                "health_care_institutions",
                "health_technical_personnel",
                "beds_health_care_institutions",
                "health_investment",
            )
        ]
        + [
            Indicator(f"{r}_per_10k_km2", "positive", "area")
            for r in (
                "health_care_institutions",
                "health_technical_personnel",
                "beds_health_care_institutions",
                "health_investment",
            )
        ]
    ),
    population="population_10k",
    per_capita=tuple(
        f"{r}_per_10k_pop"
        for r in (
            "health_care_institutions",
            "health_technical_personnel",
            "beds_health_care_institutions",
        )
    ),
    coupling=("population", "area"),
)

GP_PANEL = ReportConfig(
    title="General practitioners 2012-2017",
    builtin="gp-2012-2017",
    indicators=(
        Indicator("gp_registration_rate_pct"),
        Indicator("gp_share_of_practising_assistant_physicians_pct"),
    ),
    map_years=(2012, 2017),
)


def _panel_context(
    name: str, cfg: ReportConfig, boundaries, out: Path, progress: Progress, caught: list
):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        panel = geohra.load_demo(cfg.builtin)
        joined = geohra.join(boundaries, panel)
    caught.extend(f"{cfg.title}: {x.message}" for x in w)
    data, unit = flatten_joined(joined)
    return PanelContext(
        name, cfg.title, data, cfg, out, progress, unit=unit, label_col="name_en", prefix=True
    )


def _physicians(report: Report, boundaries, out: Path, progress: Progress) -> None:
    from geohra.maps import static

    sec = report.section(
        "Physicians 2018: population-weighted inequality and agglomeration",
        "Gini weighted by population (weighted mean absolute difference / (2 × mean)); "
        "Theil T weighted by population, T = Σ (Y_i/Y) ln((Y_i/Y)/(P_i/P)), natural log; "
        "health resource agglomeration degree HRAD = resource share / area share, population "
        "agglomeration degree PAD = population share / area share.",
    )
    with progress.step("physicians 2018"):
        panel = geohra.load_demo("physicians-2018")
        data, unit = flatten_joined(geohra.join(boundaries, panel))
        cs = data.set_index(unit)
        g_w = geohra.gini(cs, "physicians_per_1000_pop", population=cs["population_10k"])
        g_u = geohra.gini(cs, "physicians_per_1000_pop")
        theil = geohra.theil(cs, "physicians_total", population="population_10k", by="region3")
        agg = geohra.agglomeration(
            cs, "physicians_total", population="population_10k", area="area_km2"
        )
    summary = pd.DataFrame(
        {
            "value": [g_w, g_u, theil.total, theil.within, theil.between],
        },
        index=[
            "Gini, population-weighted",
            "Gini, unweighted (provinces equal)",
            "Theil T (population-weighted), total",
            "Theil T, within regions",
            "Theil T, between regions",
        ],
    )
    sec.items.append(
        Table("physicians_inequality", "Physicians per 1,000 people, 2018: inequality", summary)
    )
    sec.items.append(
        Table(
            "physicians_theil_groups", "Theil contributions by region (region3), 2018", theil.groups
        )
    )
    frame = agg.to_frame()
    frame.insert(0, "name", cs["name_en"].reindex(frame.index))
    sec.items.append(
        Table("physicians_agglomeration", "Agglomeration degrees of physicians, 2018", frame)
    )
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(cs, geometry="geometry", crs=data.crs)
    fig = static.choropleth(
        gdf, "physicians_per_1000_pop", k=5, title="Physicians per 1,000 people, 2018"
    )
    path = out / "figures" / "physicians_2018_map.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(fig, path)
    sec.items.append(
        Figure(
            "figures/physicians_2018_map.png", "Physicians per 1,000 people, 2018, natural breaks"
        )
    )
    try:
        with progress.step("spatial Gini"):
            with warnings.catch_warnings(record=True) as caught_w:
                warnings.simplefilter("always")
                w = geohra.spatial_weights(gdf, kind="queen", islands="nearest")
            for c in caught_w:
                sec.items.append(f"Spatial weights: {c.message}")
            sg = geohra.spatial_gini(
                gdf, "physicians_per_1000_pop", graph=w, permutations=999, rng=2024
            )
        sec.items.append(
            Table(
                "physicians_spatial_gini",
                "Spatial Gini decomposition (Rey & Smith 2013)",
                sg.summary(),
            )
        )
    except Exception as exc:  # report the reason instead of losing the whole report
        sec.items.append(f"Spatial Gini not computed: {exc}")


def _nbs_1998(report: Report, boundaries, out: Path, progress: Progress, caught: list) -> None:
    sec = report.section(
        "Statistics-bureau tables 1998-1999: beds and doctors per 1,000 people",
        "Rates = yearbook count (10,000) / year-end population (10,000) × 1,000. Xinjiang's 1998 "
        "health values are missing in the source and are left out of the 1998 statistics "
        "(nan_policy='omit'), not filled.",
    )
    with progress.step("1998-1999 yearbook tables"):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            panel = geohra.load_demo("nbs-1998-1999")
            data, unit = flatten_joined(geohra.join(boundaries, panel))
        caught.extend(f"NBS 1998-1999: {x.message}" for x in w)
        data["beds_per_1000"] = data["beds_health_institutions"] / data["population_yearend"] * 1000
        data["doctors_per_1000"] = data["doctors"] / data["population_yearend"] * 1000
        rows = []
        for year, part in data.groupby("year"):
            cs = part.set_index(unit)
            for col in ("beds_per_1000", "doctors_per_1000"):
                valid = cs[col].notna() & cs["population_yearend"].notna()
                if not valid.any():  # the 1999 table has no bed counts
                    continue
                dropped = sorted(cs.index[~valid])
                total = (cs[col] * cs["population_yearend"])[valid]
                t = geohra.theil(
                    cs[valid].assign(_total=total),
                    "_total",
                    population="population_yearend",
                    by="region3",
                )
                rows.append(
                    {
                        "year": year,
                        "indicator": col,
                        "units": int(valid.sum()),
                        "left out": ", ".join(cs.loc[dropped, "name_en"]) or "-",
                        "Gini (pop.-weighted)": geohra.gini(
                            cs[valid], col, population=cs.loc[valid, "population_yearend"]
                        ),
                        "Theil T": t.total,
                        "within": t.within,
                        "between": t.between,
                    }
                )
    sec.items.append(
        Table(
            "nbs_1998_1999_inequality",
            "Inequality of beds and doctors per 1,000 people",
            pd.DataFrame(rows).set_index(["year", "indicator"]),
        )
    )
    wide = data.pivot(index=unit, columns="year", values=["beds_per_1000", "doctors_per_1000"])
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    wide.insert(
        0, "name", data.drop_duplicates(unit).set_index(unit)["name_en"].reindex(wide.index)
    )
    sec.items.append(
        Table(
            "nbs_1998_1999_rates",
            "Beds and doctors per 1,000 people (– = missing in the source)",
            wide.round(3),
        )
    )


def _provenance(report: Report, caught: list) -> None:
    from geohra.io.datasets import demo_sources

    sec = report.section(
        "Data sources and caveats",
        "All numbers are transcribed from the published tables named below; nothing was invented, "
        "interpolated or corrected. Data problems found in the sources are listed, not hidden.",
    )
    sec.items.append(Table("sources", "Built-in datasets", demo_sources()))
    if caught:
        sec.items.append(
            Table(
                "data_warnings",
                "Warnings raised while reading the data",
                pd.DataFrame({"warning": sorted(set(caught))}),
            )
        )


def build_demo(out: Path, *, quiet: bool = False) -> list[Path]:
    progress = Progress(quiet=quiet)
    caught: list[str] = []
    report = Report(
        "geohra demo: equity of health resource allocation across China's provinces",
        intro=(
            f"geohra {geohra.__version__}. Real provincial statistics shipped with geohra (2013 health "
            "resources, general practitioners 2012-2017, physicians 2018, statistics-bureau tables "
            "1998-1999); every method of a typical results section, each table with its formula variant."
        ),
    )
    with progress.step("boundaries"):
        boundaries = geohra.load_boundaries("china-provinces")
    for name, cfg in (("health2013", HEALTH_2013), ("gp", GP_PANEL)):
        ctx = _panel_context(name, cfg, boundaries, out, progress, caught)
        analyse_panel(report, ctx)
    _physicians(report, boundaries, out, progress)
    _nbs_1998(report, boundaries, out, progress, caught)
    _provenance(report, caught)
    return report.write(out)


__all__ = ["build_demo", "HEALTH_2013", "GP_PANEL"]
