"""Report steps on the indicators: data description, composite and subsystem indices,
coupling coordination, maps, obstacle degree, and the appendix with the joined data."""

from __future__ import annotations

import pandas as pd

import geohra
from geohra.report import _i18n_variants as variants
from geohra.report import i18n
from geohra.report._checks import ConfigError
from geohra.report._config_variants import OBSTACLE_READY
from geohra.report.document import Report, Table
from geohra.report.pipeline import (
    D_COL,
    INDEX_COL,
    PanelContext,
    add_figure,
    map_kwargs,
    note_on_figure,
)
from geohra.report.steps_data import _change, _fmt


def _entropy(ctx: PanelContext, cols: list[str], scale: float):
    """Entropy weights in the [index] variant (``scale``: 100 for the index, 1 for U)."""
    multi, opts = len(ctx.years) > 1, ctx.cfg.index
    try:
        return geohra.entropy_weights(
            ctx.data,
            cols,
            negative=[c for c in ctx.cfg.negative if c in cols],
            time="year" if multi else None,
            pooled=ctx.cfg.pooled if multi else False,
            scale=scale,
            **opts.kwargs(),
        )
    except ValueError as exc:  # data that the chosen variant cannot take: name the config keys
        raise ConfigError(
            f"config: the [index] variant (normalize = {opts.normalize!r}, score = "
            f"{opts.score!r}, shift = {opts.shift:g}) does not fit the data: {exc}"
        ) from None


def _weights(res) -> pd.Series:
    w = res.weights
    return w if isinstance(w, pd.Series) else w.mean()  # per-year weights: their mean


def _weights_table(ctx: PanelContext, res, w: pd.Series, subsystems: bool) -> Table:
    """Indicator weights (and, with subsystems, each one's weight inside its subsystem)."""
    cfg, lang = ctx.cfg, ctx.lang
    table = pd.DataFrame({"indicator": [ctx.indicator_label(c, unit=False) for c in cfg.columns]})
    if subsystems:
        subs = [i.subsystem for i in cfg.indicators]
        table["subsystem"] = [s or "–" for s in subs]
        table["weight_subsystem"] = [
            ctx.subsystem_weights[s].get(c, float("nan")) if s else float("nan")
            for s, c in zip(subs, cfg.columns, strict=True)
        ]
    table["direction"] = [i18n.header(i.direction, lang) for i in cfg.indicators]
    if isinstance(res.entropy, pd.Series):
        table["entropy"] = res.entropy.reindex(cfg.columns).to_numpy()
        table["divergence"] = res.divergence.reindex(cfg.columns).to_numpy()
    table["weight_total" if subsystems else "weight"] = w.reindex(cfg.columns).to_numpy()
    table["rank"] = (
        w.reindex(cfg.columns).rank(ascending=False, method="min").astype(int).to_numpy()
    )
    fields = variants.entropy_fields(cfg.index, lang, cfg.index.scale)
    note = i18n.variant("entropy", res.variant, lang, **fields)
    if not isinstance(res.weights, pd.Series):
        note += " " + ctx.t("per_year")
    return Table(
        ctx.key("entropy_weights"), ctx.t("tab_weights"), table.set_index("indicator"), note=note
    )


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
    fields = variants.entropy_fields(cfg.index, lang, cfg.index.scale)
    text = ctx.t("m_index", pooled=pooled, **fields)
    text += " " + ctx.t("m_subsystems") if subsystems else ""
    sec = report.section(ctx.heading("sec_index"), text)
    with ctx.progress.step(ctx.t("sec_index")):
        res = _entropy(ctx, cfg.columns, cfg.index.scale)
        ctx.data[INDEX_COL] = res.scores.to_numpy()
        ctx.entropy = res
        sub_res = {name: _entropy(ctx, cols, 1.0) for name, cols in subsystems.items()}
        for name, r in sub_res.items():
            ctx.data[f"U_{name}"] = r.scores.to_numpy()
            ctx.subsystem_weights[name] = _weights(r)
    w = _weights(res)
    sec.items.append(_weights_table(ctx, res, w, bool(subsystems)))

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
        one = first == last  # one year: that year's values, no movement
        parts = [
            f"{n}{'' if lang == 'zh' else ' '}{_fmt(u.loc[first, f'U:{n}'], 4)}"
            + ("" if one else f" → {_fmt(u.loc[last, f'U:{n}'], 4)}")
            for n in subsystems
        ]
        if lang == "zh":
            lead = f"{last}年子系统指数U均值：" if one else "子系统指数U均值："
        else:
            lead = f"Mean subsystem indices U in {last}: " if one else "Mean subsystem indices U: "
        sec.findings.append(lead + i18n.join_list(parts, lang) + ("。" if lang == "zh" else "."))


def step_coupling(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import static

    cfg, lang = ctx.cfg, ctx.lang
    if not cfg.coupling:
        return
    cols = [f"U_{s}" for s in cfg.coupling]
    method = _coupling_method(ctx, cols)
    sec = report.section(ctx.heading("sec_coupling"), ctx.t("m_coupling", method=method))
    with ctx.progress.step(ctx.t("sec_coupling")):
        res = geohra.coupling_coordination(
            ctx.data[cols],
            cols,
            method=cfg.coupling_method,
            lang="zh" if lang == "zh" else "en",
            **({"k": cfg.coupling_k} if cfg.coupling_method == "power" else {}),
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
            note=i18n.variant("coupling", res.variant, lang, method=method),
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
    if first == last:  # one year: its values, no movement
        grade0 = by_year.loc[last, "grade"]
        sec.findings.append(
            f"{last}年耦合协调度D均值为{d1:.4f}（{grade0}），有{good}个地区达到勉强协调及以上，最高为{units.index[0]}（{units['D'].iloc[0]:.4f}），最低为{units.index[-1]}（{units['D'].iloc[-1]:.4f}）。"
            if lang == "zh"
            else f"In {last} the mean coordination degree D was {d1:.4f} ({grade0}); {good} {'unit was' if good == 1 else 'units were'} at least barely coordinated, the highest being {units.index[0]} ({units['D'].iloc[0]:.4f}) and the lowest {units.index[-1]} ({units['D'].iloc[-1]:.4f})."
        )
    elif lang == "zh":
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
    gdf = ctx.with_left_out(gdf[gdf["year"] == last]).set_index(ctx.unit)
    fig = static.grade_map(
        gdf,
        "grade",
        order=[o for o in order if o in set(gdf["grade"])],
        legend_title=i18n.header("grade", lang),
        **map_kwargs(static.grade_map, ctx),
    )
    note_on_figure(fig, ctx, static.grade_map)
    add_figure(sec, ctx, fig, "coupling_map", ctx.t("fig_grade", year=last))


def _coupling_method(ctx: PanelContext, cols: list[str]) -> str:
    """The coupling model in words; refuses subsystem indices outside [0, 1] by config key."""
    cfg = ctx.cfg
    lo, hi = ctx.data[cols].min().min(), ctx.data[cols].max().max()
    if lo < 0 or hi > 1:
        raise ConfigError(
            f"config: [analysis].coupling needs subsystem indices U in [0, 1], but the [index] "
            f"variant (normalize = {cfg.index.normalize!r}, score = {cfg.index.score!r}) gives "
            f"U from {lo:.4g} to {hi:.4g}. Use normalize = minmax, shifted_minmax, max or vector "
            'with score = "normalized" or "proportion", or remove [analysis].coupling.'
        )
    named = ctx.t(cfg.coupling_method) if cfg.coupling_method != "power" else ""
    return variants.coupling(cfg.coupling_method, cfg.coupling_k, len(cols), ctx.lang, named)


def step_obstacle(report: Report, ctx: PanelContext) -> None:
    cfg, lang = ctx.cfg, ctx.lang
    sec = report.section(ctx.heading("sec_obstacle"), ctx.t("m_obstacle"))
    if cfg.index.normalize not in OBSTACLE_READY:  # the model's deviation 1 - z needs z in [0, 1]
        name = variants.pick(variants.SHORT[cfg.index.normalize], lang)
        sec.items.append(ctx.t("skip_obstacle", name=name))
        return
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
    ctx.appendix.append(_obstacle_units(ctx, ob, years, last))
    sec.items.append(_top_factors(ctx, ob, last))


def _obstacle_units(ctx: PanelContext, ob, years, last) -> Table:
    """Every unit's obstacle degree per indicator in the last year (an appendix table)."""
    cfg, lang = ctx.cfg, ctx.lang
    rows = years == last
    units = ob.degrees[rows].set_axis(
        pd.Index(ctx.data.loc[rows, ctx.unit].to_numpy(), name=ctx.unit)
    )
    if ctx.label_col:
        units.insert(0, "name", ctx.names(units.index))
    headers = {c: ctx.indicator_label(c, unit=False) for c in cfg.columns}
    headers[ctx.unit] = i18n.header("adcode", lang)
    return Table(
        ctx.key("obstacle_units"),
        ctx.t("tab_obstacle_units", year=last),
        units,
        headers=headers,
        decimals={c: 2 for c in cfg.columns},
        appendix=True,
    )


def _top_factors(ctx: PanelContext, ob, last) -> Table:
    """The main obstacle factors of each unit in the last year, with their degrees."""
    lang = ctx.lang
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
            (
                f"{ctx.indicator_label(i, unit=False)}（{d:.2f}）"
                if lang == "zh"
                else f"{ctx.indicator_label(i, unit=False)} ({d:.2f})"
            )
            for i, d in zip(wide[r], deg[r], strict=True)
        ]
    out.index = pd.Index(ctx.names(out.index), name="name")
    headers = {
        f"factor {r}": (f"障碍因子{r}(%)" if lang == "zh" else f"Factor {r} (%)")
        for r in wide.columns
    }
    return Table(
        ctx.key("obstacle_top"), ctx.t("tab_obstacle_top", year=last), out, headers=headers
    )
