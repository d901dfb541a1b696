"""Report step: spatial autocorrelation of the target (global Moran's I by year, LISA maps
of the mapped years, Moran scatter plot, web map), every year through geohra.per_year."""

from __future__ import annotations

import warnings

import pandas as pd

import geohra
from geohra.report import _i18n_variants as variants
from geohra.report import i18n
from geohra.report.document import Figure, Report, Table
from geohra.report.pipeline import PanelContext, add_figure, map_kwargs, note_on_figure
from geohra.spatial.weights import _LiteGraph


def _moran(sec, ctx: PanelContext, col: str, label: str, graph) -> None:
    cfg, lang = ctx.cfg, ctx.lang
    rows = {}
    with ctx.progress.step(ctx.t("tab_moran", target=label)):
        panel = pd.DataFrame(ctx.data[[ctx.unit, "year", col]])
        res = geohra.per_year(
            geohra.moran,
            panel,
            col,
            unit=ctx.unit,
            graph=graph,
            permutations=cfg.permutations,
            rng=cfg.seed,
        )
        for year, r in res.results.items():
            p = r.pvalue_sim if cfg.permutations else r.pvalue
            rows[year] = {"moran_i": r.statistic, "expected": r.expected, "z": r.z, "pvalue": p}
    table = pd.DataFrame(rows).T.rename_axis("year")
    sec.items.append(
        Table(
            ctx.key("moran"),
            ctx.t("tab_moran", target=label),
            table,
            decimals={"pvalue": 3, "z": 3},
        )
    )
    sig = table[table["pvalue"] < cfg.significance]
    positive = bool(len(sig)) and bool((sig["moran_i"] > 0).all())
    y0, y1 = ctx.years[0], ctx.years[-1]
    i0, p0 = table.loc[y0, "moran_i"], table.loc[y0, "pvalue"]
    i1, p1 = table.loc[y1, "moran_i"], table.loc[y1, "pvalue"]
    if y0 == y1:  # one year: its value, no movement
        sig_text = (
            ("，在{a}水平上显著" if len(sig) else "，在{a}水平上不显著")
            if lang == "zh"
            else (", significant at {a}" if len(sig) else ", not significant at {a}")
        ).format(a=cfg.significance)
        sec.findings.append(
            f"{y1}年全局莫兰指数为{i1:.4f}（P = {p1:.3f}）{sig_text}"
            + ("，存在显著的正向空间集聚。" if positive else "。")
            if lang == "zh"
            else f"In {y1} Moran's I was {i1:.4f} (p = {p1:.3f}){sig_text}"
            + (": similar values cluster in space." if positive else ".")
        )
    elif lang == "zh":
        sec.findings.append(
            f"全局莫兰指数由{y0}年的{i0:.4f}（P = {p0:.3f}）变为{y1}年的{i1:.4f}（P = {p1:.3f}），"
            f"{len(ctx.years)}年中有{len(sig)}年在{cfg.significance}水平上显著"
            + ("，存在显著的正向空间集聚。" if positive else "。")
        )
    else:
        sec.findings.append(
            f"Moran's I moved from {i0:.4f} (p = {p0:.3f}) in {y0} to {i1:.4f} (p = {p1:.3f}) in "
            f"{y1}; it was significant at {cfg.significance} in {len(sig)} of {len(ctx.years)} years"
            + (", always positive: similar values cluster in space." if positive else ".")
        )


def _lisa(sec, ctx: PanelContext, col: str, graph) -> dict:
    """LISA maps and counts of the mapped years, the Moran scatter of the last; the clusters."""
    import geopandas as gpd

    from geohra.maps import charts, static

    cfg, lang = ctx.cfg, ctx.lang
    counts, clusters = {}, {}
    with ctx.progress.step("LISA"):
        shown = pd.DataFrame(
            ctx.data.loc[ctx.data["year"].isin(ctx.map_years), [ctx.unit, "year", col]]
        )
        local = geohra.per_year(
            geohra.local_moran,
            shown,
            col,
            unit=ctx.unit,
            graph=graph,
            permutations=cfg.permutations,
            significance=cfg.significance,
            rng=cfg.seed,
            **_lisa_options(cfg),
        ).results
    for year in ctx.map_years:
        with ctx.progress.step(ctx.t("fig_lisa", year=year)):
            part = gpd.GeoDataFrame(
                ctx.with_left_out(ctx.cross_section(year), years=year),
                geometry="geometry",
                crs=ctx.data.crs,
            )
            frame = local[year].to_frame()
            counts[year] = frame["cluster"].astype(str).value_counts()
            clusters[year] = frame["cluster"]
            fig = static.lisa_map(
                part.join(frame.drop(columns=[c for c in frame.columns if c in part.columns])),
                "cluster",
                **map_kwargs(static.lisa_map, ctx),
            )
            note_on_figure(fig, ctx, static.lisa_map)
            add_figure(sec, ctx, fig, f"lisa_{year}", ctx.t("fig_lisa", year=year))
            if year == ctx.map_years[-1]:
                fig = charts.moran_scatter(
                    frame["z"], frame["lag"], clusters=frame["cluster"], lang=lang, title=""
                )
                add_figure(sec, ctx, fig, f"moran_scatter_{year}", ctx.t("fig_scatter", year=year))
    lisa = pd.DataFrame(counts).fillna(0).astype(int)
    lisa.index = pd.Index([i18n.lisa(c, lang) for c in lisa.index], name="cluster")
    note = ctx.t("n_lisa", **variants.lisa(cfg.lisa_scale, cfg.lisa_islands, lang))
    sec.items.append(Table(ctx.key("lisa"), ctx.t("tab_lisa"), lisa, note=note))
    if cfg.lisa_scale or cfg.lisa_islands:  # asked for a variant: show each unit's I_i
        ctx.appendix.append(_lisa_units(ctx, local, note))
    return clusters


def _lisa_options(cfg) -> dict:
    """local_moran's scale and islands, when the config names them ([moran])."""
    out = {"scale": cfg.lisa_scale} if cfg.lisa_scale else {}
    return out | ({"islands": cfg.lisa_islands} if cfg.lisa_islands else {})


def _lisa_units(ctx: PanelContext, local: dict, note: str) -> Table:
    """Each unit's local Moran I_i, z, lag, p-value and cluster in the mapped years (appendix)."""
    frames = []
    for year, res in local.items():
        f = res.to_frame()[["statistic", "z", "lag", "pvalue", "cluster"]]
        f = f.rename(columns={"statistic": "local_i"})
        f["cluster"] = [i18n.lisa(c, ctx.lang) for c in f["cluster"].astype(str)]
        f.insert(0, "name", ctx.names(f.index))
        frames.append(f.assign(year=year).set_index("year", append=True).swaplevel())
    table = pd.concat(frames).rename_axis(["year", ctx.unit])
    return Table(
        ctx.key("lisa_units"),
        ctx.t("tab_lisa_units"),
        table,
        note=note,
        headers={ctx.unit: i18n.header("adcode", ctx.lang)},
        decimals={"local_i": 4, "z": 4, "lag": 4, "pvalue": 3},
        appendix=True,
    )


def step_spatial(report: Report, ctx: PanelContext) -> None:
    import geopandas as gpd

    cfg = ctx.cfg
    target = cfg.target_for("moran")
    col, label = ctx.column(target), ctx.target_label(target)
    sec = report.section(
        ctx.heading("sec_spatial"),
        ctx.t(
            "m_spatial",
            permutations=cfg.permutations,
            seed=cfg.seed,
            alpha=cfg.significance,
            **variants.lisa(cfg.lisa_scale, cfg.lisa_islands, ctx.lang),
        ),
    )
    first = gpd.GeoDataFrame(ctx.cross_section(ctx.years[0]), geometry="geometry", crs=ctx.data.crs)
    with warnings.catch_warnings():
        # islands are joined to their nearest neighbour, as the method text says; with
        # [moran].islands the Moran's I and LISA keep them (the spatial Markov chain and the
        # spatial models, which need every unit to have neighbours, still join them)
        warnings.simplefilter("ignore")
        # the links of spatial_weights(first, kind="queen", islands="nearest"), row-standardised,
        # without building a libpysal Graph (importing libpysal takes ~1 s); Moran, LISA and
        # spatial Markov take it as they are, the convergence models get a Graph (steps_beta)
        ctx.graph = _LiteGraph.build(first, "r", stacklevel=2)
        graph = (
            geohra.spatial_weights(first, kind="queen", islands="keep")
            if cfg.lisa_islands
            else ctx.graph
        )
    _moran(sec, ctx, col, label, graph)
    clusters = _lisa(sec, ctx, col, graph)
    with ctx.progress.step(ctx.t("web_map")):
        _web_map(sec, ctx, clusters)


def _web_map(sec, ctx: PanelContext, clusters: dict) -> None:
    """One layer per mapped year (the map target on the maps' classes) and the LISA clusters."""
    from geohra.maps import web

    cfg = ctx.cfg
    target = cfg.target_for("map")
    shown = ctx.data[ctx.data["year"].isin(ctx.map_years)]
    name = ctx.t("lisa_layer")
    lisa = pd.concat(clusters, names=["year", ctx.unit]).rename(name)
    shown = shown.join(lisa, on=["year", ctx.unit])
    shared = cfg.map_breaks == "shared" or len(ctx.map_years) == 1
    m = web.web_map(
        shown,
        ctx.column(target),
        time="year",
        classification=ctx.classification if shared else None,
        scheme=cfg.scheme,
        k=cfg.k,
        classify_kwds={"label_style": cfg.label_style} if cfg.label_style and not shared else None,
        lisa=name,
        offline=True,
        lang=ctx.lang,
        legend_title=ctx.target_name(target),
    )
    rel = f"{ctx.key('index_webmap')}.html"
    web.save_web_map(m, ctx.out / rel)
    sec.items.append(Figure(rel, ctx.t("webmap"), kind="html"))
