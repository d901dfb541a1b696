"""Report steps on the indicators: data description, composite and subsystem indices,
coupling coordination, maps, obstacle degree, and the appendix with the joined data."""

from __future__ import annotations

import pandas as pd

import geohra
from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import (
    D_COL,
    INDEX_COL,
    PanelContext,
    add_figure,
    map_kwargs,
    note_on_figure,
)


def _fmt(x: float, d: int = 2) -> str:
    return i18n.num(x, d)


def _change(ctx: PanelContext, a: float, b: float) -> str:
    pct = (b - a) / abs(a) * 100 if a else float("nan")
    if ctx.lang == "zh":
        return f"{'上升' if b >= a else '下降'}{abs(pct):.1f}%"
    return f"{'up' if b >= a else 'down'} {abs(pct):.1f} %"


def step_data(report: Report, ctx: PanelContext):
    """Descriptive statistics now; returns the function that adds the appendix at the end."""
    cfg, first, last = ctx.cfg, ctx.years[0], ctx.years[-1]
    rates = (
        ctx.t(
            "m_rates",
            items=i18n.join_list(
                [f"{r.name} = {r.total} / {r.population} × {r.per:g}" for r in cfg.rates], ctx.lang
            ),
        )
        if cfg.rates
        else ""
    )
    omitted = (
        ctx.t(
            "m_omitted",
            items=i18n.join_list([f"{n} {y} ({c})" for n, y, c in ctx.omitted], ctx.lang),
        )
        if ctx.omitted
        else ""
    )
    sec = report.section(
        ctx.heading("sec_data"),
        ctx.t(
            "m_data",
            units=ctx.data[ctx.unit].nunique(),
            years=f"{first}–{last}",
            rates=rates,
            omitted=omitted,
        ),
    )
    rows = []
    for c in cfg.columns:
        for y in sorted({first, last}):
            s = ctx.data.loc[ctx.data["year"] == y, c]
            rows.append(
                {
                    "indicator": ctx.indicator_label(c, unit=False),
                    "unit_label": ctx.units.get(c) or "–",
                    "year": y,
                    "mean": s.mean(),
                    "sd": s.std(),
                    "min": s.min(),
                    "max": s.max(),
                    "cv": s.std() / s.mean() if s.mean() else float("nan"),
                }
            )
    table = pd.DataFrame(rows).set_index(["indicator", "unit_label", "year"])
    sec.items.append(
        Table(
            ctx.key("describe"),
            ctx.t("tab_describe", first=first, last=last),
            table,
            note="SD: sample standard deviation; CV = SD / mean."
            if ctx.lang == "en"
            else "标准差为样本标准差；变异系数 = 标准差/均值。",
        )
    )
    if len(ctx.years) > 1:
        means = ctx.data.groupby("year")[cfg.columns].mean()
        change = (means.loc[last] - means.loc[first]) / means.loc[first].abs() * 100
        up = int((change > 0).sum())
        top = change.abs().idxmax()
        sec.findings.append(
            f"{first}—{last}年，{len(cfg.columns)}项指标中有{up}项均值上升，变化最大的是{ctx.indicator_label(top, unit=False)}（{_change(ctx, means.loc[first, top], means.loc[last, top])}）。"
            if ctx.lang == "zh"
            else f"From {first} to {last}, the mean of {up} of the {len(cfg.columns)} indicators rose; the largest change was in {ctx.indicator_label(top, unit=False)} ({_change(ctx, means.loc[first, top], means.loc[last, top])})."
        )
    for c, u in ctx.totals:
        sec.findings.append(ctx.t("n_total_warning", name=c, unit=u))

    def appendix(report: Report) -> None:
        app = report.section(ctx.heading("sec_appendix"), ctx.t("m_appendix"))
        keep = [
            c for c in (ctx.unit, "year", ctx.label_col, cfg.region) if c and c in ctx.data.columns
        ]
        keep += [
            c for c in cfg.columns + ([cfg.population] if cfg.population else []) if c not in keep
        ]
        for extra in (INDEX_COL, D_COL):
            if extra in ctx.data.columns:
                keep.append(extra)
        frame = pd.DataFrame(ctx.data[keep]).set_index([ctx.unit, "year"]).sort_index()
        if cfg.region in frame.columns:
            frame[cfg.region] = [i18n.region(r, ctx.lang) for r in frame[cfg.region]]
        headers = {c: ctx.indicator_label(c) for c in cfg.columns}
        headers.update(
            {cfg.region: i18n.header("region", ctx.lang), ctx.unit: i18n.header("adcode", ctx.lang)}
        )
        if ctx.label_col:
            headers[ctx.label_col] = i18n.header("name", ctx.lang)
        if cfg.population:
            headers[cfg.population] = ctx.indicator_label(cfg.population)
        headers[INDEX_COL] = i18n.header("index", ctx.lang)
        headers[D_COL] = i18n.header("D", ctx.lang)
        app.items.append(
            Table(ctx.key("data"), ctx.t("tab_data"), frame, headers=headers, appendix=True)
        )

    return appendix


def _entropy(ctx: PanelContext, cols: list[str], scale: float):
    multi = len(ctx.years) > 1
    return geohra.entropy_weights(
        ctx.data,
        cols,
        negative=[c for c in ctx.cfg.negative if c in cols],
        time="year" if multi else None,
        pooled=ctx.cfg.pooled if multi else False,
        scale=scale,
    )


def _weights(res) -> pd.Series:
    w = res.weights
    return w if isinstance(w, pd.Series) else w.mean()  # per-year weights: their mean


def step_composite(report: Report, ctx: PanelContext) -> None:
    cfg, lang = ctx.cfg, ctx.lang
    pooled = (
        ctx.t("pooled")
        if cfg.pooled and len(ctx.years) > 1
        else ctx.t("per_year")
        if len(ctx.years) > 1
        else ""
    )
    subsystems = cfg.subsystems()
    text = ctx.t("m_index", pooled=pooled) + (" " + ctx.t("m_subsystems") if subsystems else "")
    sec = report.section(ctx.heading("sec_index"), text)
    with ctx.progress.step(ctx.t("sec_index")):
        res = _entropy(ctx, cfg.columns, 100.0)
        ctx.data[INDEX_COL] = res.scores.to_numpy()
        ctx.entropy = res
        sub_res = {name: _entropy(ctx, cols, 1.0) for name, cols in subsystems.items()}
        for name, r in sub_res.items():
            ctx.data[f"U_{name}"] = r.scores.to_numpy()
            ctx.subsystem_weights[name] = _weights(r)
    w = _weights(res)
    table = pd.DataFrame({"indicator": [ctx.indicator_label(c, unit=False) for c in cfg.columns]})
    if subsystems:
        table["subsystem"] = [
            next(i.subsystem for i in cfg.indicators if i.name == c) or "–" for c in cfg.columns
        ]
        table["weight_subsystem"] = [
            ctx.subsystem_weights.get(table.at[k, "subsystem"], pd.Series(dtype=float)).get(
                c, float("nan")
            )
            for k, c in enumerate(cfg.columns)
        ]
    table["direction"] = [i18n.header(i.direction, lang) for i in cfg.indicators]
    if isinstance(res.entropy, pd.Series):
        table["entropy"] = res.entropy.reindex(cfg.columns).to_numpy()
        table["divergence"] = res.divergence.reindex(cfg.columns).to_numpy()
    table["weight_total" if subsystems else "weight"] = w.reindex(cfg.columns).to_numpy()
    table["rank"] = (
        w.reindex(cfg.columns).rank(ascending=False, method="min").astype(int).to_numpy()
    )
    note = i18n.variant("entropy", res.variant, lang) + (
        "" if isinstance(res.weights, pd.Series) else " " + ctx.t("per_year")
    )
    sec.items.append(
        Table(
            ctx.key("entropy_weights"),
            ctx.t("tab_weights"),
            table.set_index("indicator"),
            note=note,
        )
    )

    wide = ctx.data.pivot(index=ctx.unit, columns="year", values=INDEX_COL)
    last, first = ctx.years[-1], ctx.years[0]
    out = wide.copy()
    out["rank"] = wide[last].rank(ascending=False, method="min").astype(int)
    out = out.sort_values("rank")
    out.index = pd.Index(ctx.names(out.index), name="name")
    sec.items.append(
        Table(
            ctx.key("composite_index"), ctx.t("tab_index"), out, decimals={y: 2 for y in ctx.years}
        )
    )
    top, bottom = list(out.index[:3]), list(out.index[-3:][::-1])
    best = w.idxmax()
    mean_first, mean_last = wide[first].mean(), wide[last].mean()
    if lang == "zh":
        s = (
            f"综合指数均值由{first}年的{_fmt(mean_first)}变为{last}年的{_fmt(mean_last)}（{_change(ctx, mean_first, mean_last)}）。"
            if first != last
            else f"{last}年综合指数均值为{_fmt(mean_last)}。"
        )
        s += f"{last}年综合指数最高的是{i18n.join_list(top, lang)}，最低的是{i18n.join_list(bottom, lang)}。权重最大的指标为{ctx.indicator_label(best, unit=False)}（{w[best]:.4f}）。"
    else:
        s = (
            f"The mean composite index moved from {_fmt(mean_first)} in {first} to {_fmt(mean_last)} in {last} ({_change(ctx, mean_first, mean_last)}). "
            if first != last
            else f"The mean composite index in {last} was {_fmt(mean_last)}. "
        )
        s += f"In {last} the highest index was in {i18n.join_list(top, lang)}, the lowest in {i18n.join_list(bottom, lang)}. The largest weight is that of {ctx.indicator_label(best, unit=False)} ({w[best]:.4f})."
    sec.findings.append(s)
    if subsystems:
        u = ctx.data.groupby("year")[[f"U_{n}" for n in subsystems]].mean()
        u.columns = [f"U:{n}" for n in subsystems]
        sec.items.append(
            Table(
                ctx.key("subsystem_index"),
                ctx.t("tab_subsystem_index"),
                u,
                decimals={c: 4 for c in u.columns},
            )
        )
        parts = [
            f"{n} {_fmt(u.loc[first, f'U:{n}'], 4)} → {_fmt(u.loc[last, f'U:{n}'], 4)}"
            for n in subsystems
        ]
        sec.findings.append(
            ("子系统指数U均值：" if lang == "zh" else "Mean subsystem indices U: ")
            + i18n.join_list(parts, lang)
            + ("。" if lang == "zh" else ".")
        )


def step_coupling(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import static

    cfg, lang = ctx.cfg, ctx.lang
    if not cfg.coupling:
        return
    cols = [f"U_{s}" for s in cfg.coupling]
    sec = report.section(
        ctx.heading("sec_coupling"), ctx.t("m_coupling", method=ctx.t(cfg.coupling_method))
    )
    with ctx.progress.step(ctx.t("sec_coupling")):
        res = geohra.coupling_coordination(
            ctx.data[cols], cols, method=cfg.coupling_method, lang="zh" if lang == "zh" else "en"
        )
    frame = res.to_frame()
    ctx.data[D_COL] = frame["D"].to_numpy()
    ctx.data["_C"], ctx.data["_T"], ctx.data["_level"] = (
        frame["C"].to_numpy(),
        frame["T"].to_numpy(),
        frame["level"].to_numpy(),
    )
    by_year = ctx.data.groupby("year")[["_C", "_T", D_COL]].mean().set_axis(["C", "T", "D"], axis=1)
    by_year["grade"] = [i18n.grade(min(10, int(d * 10) + 1), lang) for d in by_year["D"]]
    sec.items.append(
        Table(
            ctx.key("coupling_year"),
            ctx.t("tab_coupling_year"),
            by_year,
            note=i18n.variant("coupling", res.variant, lang, method=ctx.t(cfg.coupling_method)),
            decimals={"C": 4, "T": 4, "D": 4},
        )
    )
    last, first = ctx.years[-1], ctx.years[0]
    cs = ctx.cross_section(last)
    units = pd.DataFrame(
        {
            "C": cs["_C"],
            "T": cs["_T"],
            "D": cs[D_COL],
            "grade": [i18n.grade(v, lang) for v in cs["_level"]],
        }
    ).sort_values("D", ascending=False)
    units.index = pd.Index(ctx.names(units.index), name="name")
    sec.items.append(
        Table(
            ctx.key("coupling"),
            ctx.t("tab_coupling_units", year=last),
            units,
            decimals={"C": 4, "T": 4, "D": 4},
        )
    )
    good = int((cs["_level"] >= 6).sum())
    d0, d1 = by_year.loc[first, "D"], by_year.loc[last, "D"]
    if lang == "zh":
        sec.findings.append(
            f"耦合协调度D均值由{first}年的{d0:.4f}（{by_year.loc[first, 'grade']}）变为{last}年的{d1:.4f}（{by_year.loc[last, 'grade']}）；{last}年有{good}个地区达到勉强协调及以上，最高为{units.index[0]}（{units['D'].iloc[0]:.4f}），最低为{units.index[-1]}（{units['D'].iloc[-1]:.4f}）。"
        )
    else:
        sec.findings.append(
            f"The mean coordination degree D moved from {d0:.4f} ({by_year.loc[first, 'grade']}) in {first} to {d1:.4f} ({by_year.loc[last, 'grade']}) in {last}; in {last}, {good} units were at least barely coordinated, the highest being {units.index[0]} ({units['D'].iloc[0]:.4f}) and the lowest {units.index[-1]} ({units['D'].iloc[-1]:.4f})."
        )
    import geopandas as gpd

    order = [i18n.grade(k, lang) for k in range(1, 11)]
    gdf = gpd.GeoDataFrame(
        ctx.data.assign(grade=[i18n.grade(v, lang) for v in ctx.data["_level"]]),
        geometry="geometry",
        crs=ctx.data.crs,
    )
    gdf = gdf[gdf["year"] == last].set_index(ctx.unit)
    fig = static.grade_map(
        gdf,
        "grade",
        order=[o for o in order if o in set(gdf["grade"])],
        legend_title=i18n.header("grade", lang),
        **map_kwargs(static.grade_map, ctx),
    )
    note_on_figure(fig, ctx, static.grade_map)
    add_figure(sec, ctx, fig, "coupling_map", ctx.t("fig_grade", year=last))


def step_maps(report: Report, ctx: PanelContext) -> None:
    from dataclasses import replace

    from geohra.maps import static

    cfg, lang = ctx.cfg, ctx.lang
    target = cfg.target_for("map")
    col, label = ctx.column(target), ctx.target_label(target)
    years = ctx.map_years
    breaks = (
        ctx.t("breaks_shared")
        if cfg.map_breaks == "shared" or len(years) == 1
        else ctx.t("breaks_per_year")
    )
    sec = report.section(
        ctx.heading("sec_maps"),
        ctx.t(
            "m_maps",
            scheme=ctx.t(cfg.scheme),
            k=len(cfg.bins) if cfg.bins else cfg.k,
            breaks=breaks,
        ),
    )
    shown = ctx.data[ctx.data["year"].isin(years)]
    kwargs = {"bins": list(cfg.bins)} if cfg.bins else {}
    k = None if cfg.bins else cfg.k

    def classes(values):
        c = geohra.classify(values, scheme=cfg.scheme, k=k, **kwargs)
        if cfg.class_names:
            c = replace(
                c,
                labels=tuple(
                    f"{n} ({lab})" for n, lab in zip(cfg.class_names, c.labels, strict=True)
                ),
            )
        return c

    rows, groups = (
        [],
        (
            {"all": shown}
            if cfg.map_breaks == "shared"
            else {y: shown[shown["year"] == y] for y in years}
        ),
    )
    with ctx.progress.step(ctx.t("sec_maps")):
        results = {g: classes(part[col]) for g, part in groups.items()}
    names = cfg.class_names or [str(i + 1) for i in range(len(next(iter(results.values())).labels))]
    for g, c in results.items():
        part = groups[g]
        for i, name in enumerate(names):
            row = {
                "year": g if g != "all" else "–",
                "class": name,
                "lower": c.lower if i == 0 else c.bins[i - 1],
                "upper_bound": c.bins[i],
            }
            for y in years:
                row[y] = int(((part["year"] == y).to_numpy() & (c.classes.to_numpy() == i)).sum())
            rows.append(row)
    table = pd.DataFrame(rows)
    if cfg.map_breaks == "shared":
        table = table.drop(columns="year")
    table = table.rename(columns={"lower": "min"}).set_index("class")
    sec.items.append(
        Table(
            ctx.key("classes"),
            ctx.t("tab_classes", target=label),
            table,
            headers={y: f"{y}" + ("年单元数" if lang == "zh" else " units") for y in years},
        )
    )
    ncols = cfg.map_columns or min(len(years), 2)
    if cfg.map_breaks == "shared" or len(years) == 1:
        fig = static.small_multiples(
            shown,
            col,
            time="year",
            years=list(years),
            classification=results.get("all") or results[years[0]],
            ncols=ncols,
            legend_title=label,
            **map_kwargs(static.small_multiples, ctx),
        )
    else:
        fig = _per_year_maps(ctx, groups, results, col, label, ncols)
    note_on_figure(fig, ctx, static.small_multiples)
    add_figure(
        sec,
        ctx,
        fig,
        "index_map",
        ctx.t("fig_map", target=label, years=i18n.join_list(years, lang)),
    )
    c_last = results.get("all") or results[years[-1]]
    last = years[-1]
    in_last = (shown["year"] == last).to_numpy()
    top_units = shown.loc[
        in_last & (c_last.classes.to_numpy() == len(names) - 1)
        if cfg.map_breaks == "shared"
        else in_last,
        ctx.unit,
    ]
    if cfg.map_breaks != "shared":
        top_units = groups[last].loc[(c_last.classes == len(names) - 1).to_numpy(), ctx.unit]
    units = ctx.names(top_units)
    top_name = (
        cfg.class_names[-1]
        if cfg.class_names
        else ("最高一级" if lang == "zh" else "the top class")
    )
    sec.findings.append(
        f"{last}年处于{top_name}的有{len(units)}个地区：{i18n.join_list(units, lang)}。"
        if lang == "zh"
        else f"In {last}, {len(units)} units were in {top_name}: {i18n.join_list(units, lang)}."
    )
    ctx.classification = results.get("all") or results[years[-1]]


def _per_year_maps(ctx, groups, results, col, label, ncols):
    import math

    import matplotlib.pyplot as plt

    from geohra.maps import static

    n = len(groups)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.5 * ncols, 4.0 * nrows), squeeze=False)
    for ax, (y, part) in zip(axes.flat, groups.items(), strict=False):
        import geopandas as gpd

        gdf = gpd.GeoDataFrame(part, geometry="geometry", crs=ctx.data.crs).set_index(ctx.unit)
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


def step_obstacle(report: Report, ctx: PanelContext) -> None:
    cfg, lang = ctx.cfg, ctx.lang
    sec = report.section(ctx.heading("sec_obstacle"), ctx.t("m_obstacle"))
    groups = (
        {i.name: i.subsystem for i in cfg.indicators}
        if "subsystem" in cfg.obstacle_by and cfg.subsystems()
        else None
    )
    if groups and any(v is None for v in groups.values()):
        groups = {k: v or "–" for k, v in groups.items()}
    with ctx.progress.step(ctx.t("sec_obstacle")):
        ob = geohra.obstacle_degree(ctx.entropy, groups=groups)
    years = ctx.data["year"].to_numpy()
    first, last = ctx.years[0], ctx.years[-1]
    shown = sorted({first, last})
    if "indicator" in cfg.obstacle_by:
        mean = ob.degrees.groupby(years).mean().loc[shown].T
        mean.index = pd.Index(
            [ctx.indicator_label(c, unit=False) for c in mean.index], name="indicator"
        )
        mean = mean.sort_values(last, ascending=False)
        sec.items.append(
            Table(
                ctx.key("obstacle"),
                ctx.t("tab_obstacle_ind"),
                mean,
                decimals={y: 2 for y in shown},
                note=i18n.variant("obstacle", ob.variant, lang),
            )
        )
        top = mean.index[0]
        sec.findings.append(
            f"{last}年平均障碍度最高的指标是{top}（{mean.iloc[0][last]:.2f}%），其次是{mean.index[1] if len(mean) > 1 else '–'}。"
            if lang == "zh"
            else f"In {last} the indicator with the highest mean obstacle degree was {top} ({mean.iloc[0][last]:.2f} %), followed by {mean.index[1] if len(mean) > 1 else '–'}."
        )
    if groups:
        sub = (
            ob.groups.groupby(years)
            .mean()
            .loc[shown]
            .T.rename_axis("subsystem")
            .sort_values(last, ascending=False)
        )
        sec.items.append(
            Table(
                ctx.key("obstacle_subsystem"),
                ctx.t("tab_obstacle_sub"),
                sub,
                decimals={y: 2 for y in shown},
            )
        )
        sec.findings.append(
            f"分子系统看，{last}年障碍度最高的是{sub.index[0]}子系统（{sub.iloc[0][last]:.2f}%）。"
            if lang == "zh"
            else f"By subsystem, {sub.index[0]} had the highest obstacle degree in {last} ({sub.iloc[0][last]:.2f} %)."
        )
    top = ob.top.reset_index()
    row = top.columns[0]
    top["unit"] = ctx.data.loc[top[row], ctx.unit].to_numpy()
    top["year"] = ctx.data.loc[top[row], "year"].to_numpy()
    top = top[top["year"] == last]
    wide = top.pivot(index="unit", columns="rank", values="indicator")
    deg = top.pivot(index="unit", columns="rank", values="degree")
    out = pd.DataFrame(index=wide.index)
    for r in wide.columns:
        out[f"factor {r}"] = [
            f"{ctx.indicator_label(i, unit=False)} ({d:.2f})"
            for i, d in zip(wide[r], deg[r], strict=True)
        ]
    out.index = pd.Index(ctx.names(out.index), name="name")
    headers = {
        f"factor {r}": (f"障碍因子{r}(%)" if lang == "zh" else f"Factor {r} (%)")
        for r in wide.columns
    }
    sec.items.append(
        Table(ctx.key("obstacle_top"), ctx.t("tab_obstacle_top", year=last), out, headers=headers)
    )
