"""The demo's own sections (physicians 2018, the 1998-1999 yearbook tables, data sources),
in the report's language; :mod:`geohra.report.demo` runs them after the two panels."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

import geohra
from geohra.io.datasets import DEMOS, demo_sources
from geohra.report import i18n
from geohra.report.document import Figure, Progress, Report, Table
from geohra.report.pipeline import _save, flatten_joined


def _names(data: pd.DataFrame, lang: str) -> str:
    """The column of unit names in the report's language."""
    return "short_zh" if lang == "zh" and "short_zh" in data.columns else "name_en"


def _headers(columns, lang: str) -> dict:
    return {c: i18n.tr(f"h_{c}", lang) for c in columns}


def physicians(report: Report, boundaries, out: Path, progress: Progress) -> None:
    """Population-weighted Gini and Theil, agglomeration degrees and the spatial Gini, 2018."""
    lang = report.lang

    def t(key, **kw):
        return i18n.tr(key, lang, **kw)

    sec = report.section(t("sec_physicians"), t("m_physicians"))
    with progress.step(t("sec_physicians")):
        panel = geohra.load_demo("physicians-2018")
        data, unit = flatten_joined(geohra.join(boundaries, panel))
        cs = data.set_index(unit)
        names = cs[_names(cs, lang)]
        col = "physicians_per_1000_pop"
        g_w = geohra.gini(cs, col, population=cs["population_10k"])
        g_u = geohra.gini(cs, col)
        theil = geohra.theil(cs, "physicians_total", population="population_10k", by="region3")
        agg = geohra.agglomeration(
            cs, "physicians_total", population="population_10k", area="area_km2"
        )
    rows = ["gini_weighted", "gini_unweighted", "theil_total", "theil_within", "theil_between"]
    summary = pd.DataFrame(
        {"value": [g_w, g_u, theil.total, theil.within, theil.between]},
        index=pd.Index([t(f"r_{r}") for r in rows], name="statistic"),
    )
    sec.items.append(
        Table(
            "physicians_inequality",
            t("tab_phys_inequality"),
            summary,
            headers=_headers(["statistic", "value"], lang),
        )
    )
    keep = ["n_units", "resource_share", "population_share", "theil", "weighted_theil"]
    groups = theil.groups[keep + ["contribution_pct", "within_pct"]].copy()
    order = i18n.region_order("region3", groups.index)
    groups = groups.loc[order]
    groups.index = pd.Index([i18n.region(r, lang) for r in order], name="region")
    sec.items.append(
        Table(
            "physicians_theil_groups",
            t("tab_phys_theil", scheme=i18n.scheme("region3", lang)),
            groups,
            headers=_headers(["region", *groups.columns], lang),
        )
    )
    # the inputs (physicians, population, area) are in the dataset: the table shows the degrees
    frame = agg.to_frame().drop(columns=["resource", "population", "area"])
    frame.index = pd.Index(names.reindex(frame.index), name="name")
    sec.items.append(
        Table(
            "physicians_agglomeration",
            t("tab_phys_agglomeration"),
            frame,
            headers=_headers(["name", *frame.columns], lang),
        )
    )
    import geopandas as gpd

    from geohra.maps import static

    gdf = gpd.GeoDataFrame(cs, geometry="geometry", crs=data.crs)
    legend = DEMOS["physicians-2018"].text("labels", lang)[col]
    fig = static.choropleth(
        gdf, col, k=5, title=t("map_physicians"), legend_title=legend, lang=lang
    )
    path = out / "figures" / "physicians_2018_map.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(fig, path)
    sec.items.append(Figure("figures/physicians_2018_map.png", t("fig_physicians")))
    try:
        with progress.step(t("step_spatial_gini")):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                w = geohra.spatial_weights(gdf, kind="queen", islands="nearest")
            sec.items.extend(_island_notes(caught, cs, lang))
            sg = geohra.spatial_gini(gdf, col, graph=w, permutations=999, rng=2024)
        sec.items.append(_spatial_gini_table(sg, lang))
    except Exception as exc:  # report the reason instead of losing the whole report
        sec.items.append(t("spatial_gini_failed", error=exc))


_ISLAND = re.compile(r"\((\d{6})\) -> [^()]*\((\d{6})\) \((\d+) km\)")


def _island_notes(caught, cs: pd.DataFrame, lang: str) -> list[str]:
    """The islands linked to their nearest unit, named in the report's language."""
    notes = []
    names = cs[_names(cs, lang)]
    for c in caught:
        pairs = _ISLAND.findall(str(c.message))
        if not pairs:
            notes.append(str(c.message))  # an unexpected warning is shown as raised
            continue
        arrow = [f"{names.get(a, a)} → {names.get(b, b)}（{km}公里）" for a, b, km in pairs]
        if lang != "zh":
            arrow = [f"{names.get(a, a)} → {names.get(b, b)} ({km} km)" for a, b, km in pairs]
        notes.append(i18n.tr("islands_linked", lang, pairs=i18n.join_list(arrow, lang)))
    return notes


def _spatial_gini_table(sg, lang: str) -> Table:
    s = sg.summary().iloc[0]
    rows = {
        "total": "r_sg_total",
        "neighbours": "r_sg_neighbours",
        "non_neighbours": "r_sg_non_neighbours",
        "non_neighbour_share": "r_sg_share",
        "polarization": "r_sg_polarization",
        "z": "r_sg_z",
        "pvalue": "r_sg_pvalue",
        "pvalue_normal": "r_sg_pvalue_normal",
    }
    n = int(s["permutations"])
    frame = pd.DataFrame(
        {"value": [float(s[k]) for k in rows]},
        index=pd.Index([i18n.tr(v, lang, n=n) for v in rows.values()], name="statistic"),
    )
    return Table(
        "physicians_spatial_gini",
        i18n.tr("tab_spatial_gini", lang),
        frame,
        note=i18n.tr("n_spatial_gini", lang, variant=s["variant"]),
        decimals={"value": 4},
        headers=_headers(["statistic", "value"], lang),
    )


def nbs_1998(report: Report, boundaries, progress: Progress, caught: list) -> None:
    """Gini and Theil of beds and doctors per 1,000 population from the 1998-1999 yearbooks."""
    lang = report.lang
    with progress.step(i18n.tr("step_nbs", lang)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            panel = geohra.load_demo("nbs-1998-1999")
            data, unit = flatten_joined(geohra.join(boundaries, panel))
        caught.extend(("nbs-1998-1999", x.message) for x in w)
        label = _names(data, lang)
        data["beds_per_1000"] = data["beds_health_institutions"] / data["population_yearend"] * 1000
        data["doctors_per_1000"] = data["doctors"] / data["population_yearend"] * 1000
        rows, missing = [], set()
        for year, part in data.groupby("year"):
            cs = part.set_index(unit)
            for col in ("beds_per_1000", "doctors_per_1000"):
                valid = cs[col].notna() & cs["population_yearend"].notna()
                if not valid.any():  # the 1999 table has no bed counts
                    continue
                dropped = sorted(cs.index[~valid])
                missing.update(cs.loc[dropped, label])
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
                        "indicator": i18n.tr(col, lang),
                        "units": int(valid.sum()),
                        "left_out": i18n.join_list(cs.loc[dropped, label], lang) or "–",
                        "gini": geohra.gini(
                            cs[valid], col, population=cs.loc[valid, "population_yearend"]
                        ),
                        "theil_t": t.total,
                        "within": t.within,
                        "between": t.between,
                    }
                )
    sec = report.section(
        i18n.tr("sec_nbs", lang),
        i18n.tr("m_nbs", lang, missing=i18n.join_list(sorted(missing), lang)),
    )
    table = pd.DataFrame(rows).set_index(["year", "indicator"])
    sec.items.append(
        Table(
            "nbs_1998_1999_inequality",
            i18n.tr("tab_nbs_inequality", lang),
            table,
            headers=_headers(["year", "indicator", *table.columns], lang),
        )
    )
    wide = data.pivot(index=unit, columns="year", values=["beds_per_1000", "doctors_per_1000"])
    wide = wide.loc[:, wide.notna().any()]  # 1999 has no beds: no empty column
    headers = {
        f"{a}_{b}": i18n.tr("rate_year", lang, rate=i18n.tr(a, lang), year=b)
        for a, b in wide.columns
    }
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    wide.insert(0, "name", data.drop_duplicates(unit).set_index(unit)[label].reindex(wide.index))
    headers |= {"name": i18n.tr("h_name", lang), unit: i18n.header("adcode", lang)}
    sec.items.append(
        Table(
            "nbs_1998_1999_rates",
            i18n.tr("tab_nbs_rates", lang),
            wide.round(3),
            headers=headers,
            decimals={c: 3 for c in wide.columns if c != "name"},
        )
    )


_IDENTICAL = re.compile(
    r"column '(\w+)' has identical values in years (\d+) and (\d+) for every unit \((\d+) units\)"
)
_MISSING = re.compile(r"'(\w+)' (\d{4}): ([\d, ]+)")


def _warning_text(dataset: str, message, lang: str, names: pd.Series) -> str:
    """A data warning in the report's language (one the demo does not know is shown as raised)."""
    text = str(message)
    demo = DEMOS[dataset]
    labels = demo.text("labels", lang)
    same = _IDENTICAL.search(text)
    if same:
        col, y0, y1, n = same.groups()
        return i18n.tr("w_identical", lang, column=labels.get(col, col), y0=y0, y1=y1, n=n)
    gaps = _MISSING.findall(text) if "missing values" in text else []
    if gaps:
        items = [
            i18n.tr("rate_year", lang, rate=labels.get(col, col), year=year)
            + i18n.colon(lang)
            + i18n.join_list([names.get(c.strip(), c.strip()) for c in codes.split(",")], lang)
            for col, year, codes in gaps
        ]
        return i18n.tr("w_missing", lang, items=("；" if lang == "zh" else "; ").join(items))
    return text


def provenance(report: Report, caught: list, boundaries) -> None:
    """The shipped datasets with their sources and caveats, and the warnings raised reading them."""
    lang = report.lang
    sec = report.section(i18n.tr("sec_sources", lang), i18n.tr("m_sources", lang))
    src = demo_sources(lang).reset_index().rename(columns={"name": "key", "title": "dataset"})
    src = src.set_index("dataset")[["key", "years", "source", "doi", "file"]]
    src["doi"] = src["doi"].replace("", "–")
    sec.items.append(
        Table(
            "sources",
            i18n.tr("tab_sources", lang),
            src,
            headers=_headers(["dataset", *src.columns], lang),
        )
    )
    # one row per caveat: long texts read better in a two-column table than in one cell
    caveats = pd.DataFrame(
        [(d.text("title", lang), c) for d in DEMOS.values() for c in d.text("caveats", lang)],
        columns=["dataset", "caveats"],
    ).set_index("dataset")
    sec.items.append(
        Table(
            "caveats",
            i18n.tr("tab_caveats", lang),
            caveats,
            headers=_headers(["dataset", "caveats"], lang),
        )
    )
    if caught:
        names = boundaries[_names(boundaries, lang)]
        rows = {(DEMOS[d].text("title", lang), _warning_text(d, m, lang, names)) for d, m in caught}
        frame = pd.DataFrame(sorted(rows), columns=["dataset", "warning"]).set_index("dataset")
        sec.items.append(
            Table(
                "data_warnings",
                i18n.tr("tab_warnings", lang),
                frame,
                headers=_headers(["dataset", "warning"], lang),
            )
        )
