"""Report step: maps of the target with shared or per-year class breaks and named classes."""

from __future__ import annotations

import pandas as pd

import geohra
from geohra.report import _i18n_variants as variants
from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import (
    PanelContext,
    add_figure,
    map_kwargs,
    note_on_figure,
)


def _classify(ctx: PanelContext, values: pd.Series):
    """The configured classification, legend labels prefixed with the class names."""
    from dataclasses import replace

    cfg = ctx.cfg
    kwargs = {"bins": list(cfg.bins)} if cfg.bins else {}
    if cfg.label_style:
        kwargs["label_style"] = cfg.label_style
    c = geohra.classify(values, scheme=cfg.scheme, k=None if cfg.bins else cfg.k, **kwargs)
    if cfg.class_names:
        names = zip(cfg.class_names, c.labels, strict=True)
        c = replace(c, labels=tuple(f"{n} ({lab})" for n, lab in names))
    return c


def _class_table(ctx: PanelContext, groups: dict, results: dict, names: list) -> pd.DataFrame:
    """Class bounds and the number of units per class and mapped year."""
    rows = []
    for g, c in results.items():
        part = groups[g]
        for i, name in enumerate(names):
            row = {
                "year": g if g != "all" else "–",
                "class": name,
                "min": c.lower if i == 0 else c.bins[i - 1],
                "upper_bound": c.bins[i],
            }
            if ctx.cfg.label_style:  # the labels as the maps print them
                row["label"] = c.labels[i]
            for y in ctx.map_years:
                row[y] = int(((part["year"] == y).to_numpy() & (c.classes.to_numpy() == i)).sum())
            rows.append(row)
    table = pd.DataFrame(rows)
    if "all" in results:
        table = table.drop(columns="year")
    return table.set_index("class")


def step_maps(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import static

    cfg, lang = ctx.cfg, ctx.lang
    target = cfg.target_for("map")
    col, label, title = ctx.column(target), ctx.target_label(target), ctx.target_name(target)
    years = ctx.map_years
    shared = cfg.map_breaks == "shared" or len(years) == 1
    sec = report.section(
        ctx.heading("sec_maps"),
        ctx.t(
            "m_maps",
            scheme=ctx.t(cfg.scheme),
            k=len(cfg.bins) if cfg.bins else cfg.k,
            breaks=ctx.t("breaks_shared" if shared else "breaks_per_year"),
            labels=variants.label_style(cfg.label_style, lang) if cfg.label_style else "",
        ),
    )
    shown = ctx.data[ctx.data["year"].isin(years)]
    groups = {"all": shown} if shared else {y: shown[shown["year"] == y] for y in years}
    with ctx.progress.step(ctx.t("sec_maps")):
        results = {g: _classify(ctx, part[col]) for g, part in groups.items()}
    n_classes = len(next(iter(results.values())).labels)
    names = list(cfg.class_names or [str(i + 1) for i in range(n_classes)])
    sec.items.append(
        Table(
            ctx.key("classes"),
            ctx.t("tab_classes", target=label),
            _class_table(ctx, groups, results, names),
            headers={y: f"{y}" + ("年单元数" if lang == "zh" else " units") for y in years},
        )
    )
    ncols = cfg.map_columns or min(len(years), 2)
    if shared:
        fig = static.small_multiples(
            ctx.with_left_out(shown),
            col,
            time="year",
            years=list(years),
            classification=results["all"],
            ncols=ncols,
            legend_title=title,
            **map_kwargs(static.small_multiples, ctx),
        )
    else:
        fig = _per_year_maps(ctx, groups, results, col, title, ncols)
    note_on_figure(fig, ctx, static.small_multiples)
    caption = ctx.t("fig_map", target=title, years=i18n.join_list(years, lang))
    add_figure(sec, ctx, fig, "index_map", caption)
    last = years[-1]
    part, c_last = (groups["all"], results["all"]) if shared else (groups[last], results[last])
    in_top = (part["year"] == last).to_numpy() & (c_last.classes.to_numpy() == n_classes - 1)
    units = ctx.names(part.loc[in_top, ctx.unit])
    top_name = names[-1] if cfg.class_names else ("最高一级" if lang == "zh" else "the top class")
    sec.findings.append(
        f"{last}年处于{top_name}的有{len(units)}个地区：{i18n.join_list(units, lang)}。"
        if lang == "zh"
        else f"In {last}, {len(units)} {'unit was' if len(units) == 1 else 'units were'} in "
        f"{top_name}: {i18n.join_list(units, lang)}."
    )
    ctx.classification = c_last


def _per_year_maps(ctx, groups, results, col, label, ncols):
    import math

    import matplotlib.pyplot as plt

    from geohra.maps import static

    n = len(groups)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.0 * ncols, 6.5 * nrows), squeeze=False)
    for ax, (y, part) in zip(axes.flat, groups.items(), strict=False):
        import geopandas as gpd

        gdf = gpd.GeoDataFrame(
            ctx.with_left_out(part), geometry="geometry", crs=ctx.data.crs
        ).set_index(ctx.unit)
        static.choropleth(
            gdf,
            col,
            classification=results[y],
            ax=ax,
            title=str(y) + ("年" if ctx.lang == "zh" else ""),
            legend_title=label,
            **map_kwargs(static.choropleth, ctx),
        )
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    return fig
