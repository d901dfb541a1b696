"""Report steps on the data themselves: descriptive statistics first, the joined panel in the appendix last."""

from __future__ import annotations

import pandas as pd

from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import (
    D_COL,
    INDEX_COL,
    PanelContext,
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
                [
                    f"{ctx.indicator_label(r.name, unit=False)} = {ctx.indicator_label(r.total, unit=False)} / {ctx.indicator_label(r.population, unit=False)} × {r.per:g}"
                    for r in cfg.rates
                ],
                ctx.lang,
            ),
        )
        if cfg.rates
        else ""
    )
    omitted = (
        ctx.t(
            "m_omitted",
            items=i18n.join_list(
                [
                    f"{n} {y}（{ctx.indicator_label(c, unit=False)}）"
                    if ctx.lang == "zh"
                    else f"{n} {y} ({ctx.indicator_label(c, unit=False)})"
                    for n, y, c in ctx.omitted
                ],
                ctx.lang,
            ),
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
                    "unit_label": ctx.unit_of(c) or "–",
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
        app.items += ctx.appendix

    return appendix
