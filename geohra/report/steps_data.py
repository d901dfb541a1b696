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


def _method_text(ctx: PanelContext) -> str:
    """Units, years, the rates derived from totals and the units left out."""
    cfg, lang = ctx.cfg, ctx.lang

    def name(c: str) -> str:
        return ctx.indicator_label(c, unit=False)

    rates = ""
    if cfg.rates:
        items = [
            f"{name(r.name)} = {name(r.total)} / {name(r.population)} × {r.per:g}"
            for r in cfg.rates
        ]
        rates = ctx.t("m_rates", items=i18n.join_list(items, lang))
    omitted = ""
    if ctx.omitted:
        form = "{n} {y}（{c}）" if lang == "zh" else "{n} {y} ({c})"
        items = [form.format(n=n, y=y, c=name(c)) for n, y, c in ctx.omitted]
        omitted = ctx.t("m_omitted", items=i18n.join_list(items, lang))
    units = ctx.data[ctx.unit].nunique()
    if len(ctx.years) == 1:
        return ctx.t("m_data_one", units=units, year=ctx.years[0], rates=rates, omitted=omitted)
    years = f"{ctx.years[0]}–{ctx.years[-1]}"
    return ctx.t("m_data", units=units, years=years, rates=rates, omitted=omitted)


def _describe(ctx: PanelContext) -> pd.DataFrame:
    rows = []
    for c in ctx.cfg.columns:
        for y in sorted({ctx.years[0], ctx.years[-1]}):
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
    return pd.DataFrame(rows).set_index(["indicator", "unit_label", "year"])


def step_data(report: Report, ctx: PanelContext) -> None:
    """Descriptive statistics of the indicators, first and last year."""
    cfg, first, last, lang = ctx.cfg, ctx.years[0], ctx.years[-1], ctx.lang
    sec = report.section(ctx.heading("sec_data"), _method_text(ctx))
    note = "SD: sample standard deviation; CV = SD / mean."
    if lang == "zh":
        note = "标准差为样本标准差；变异系数 = 标准差/均值。"
    sec.items.append(
        Table(
            ctx.key("describe"),
            ctx.t("tab_describe", first=first, last=last)
            if first != last
            else ctx.t("tab_describe_one", year=last),
            _describe(ctx),
            note=note,
        )
    )
    if len(ctx.years) > 1:
        means = ctx.data.groupby("year")[cfg.columns].mean()
        change = (means.loc[last] - means.loc[first]) / means.loc[first].abs() * 100
        up = int((change > 0).sum())
        top = change.abs().idxmax()
        name = ctx.indicator_label(top, unit=False)
        moved = _change(ctx, means.loc[first, top], means.loc[last, top])
        n = len(cfg.columns)
        if lang == "zh":
            rose = (
                f"{n}项指标均值全部上升"
                if up == n
                else f"{n}项指标均值均未上升"
                if up == 0
                else f"{n}项指标中有{up}项均值上升"
            )
            sec.findings.append(f"{first}—{last}年，{rose}，变化最大的是{name}（{moved}）。")
        else:
            rose = (
                "the mean of every indicator rose"
                if up == n
                else "no indicator's mean rose"
                if up == 0
                else f"the mean of {up} of the {n} indicators rose"
            )
            sec.findings.append(
                f"From {first} to {last}, {rose}; the largest change was in {name} ({moved})."
            )
    for c, _ in ctx.totals:
        unit = ctx.unit_of(c) or "?"
        sec.findings.append(
            ctx.t("n_total_warning", name=ctx.indicator_label(c, unit=False), unit=unit)
        )


def step_appendix(report: Report, ctx: PanelContext) -> None:
    """The joined panel as analysed (and the per-unit tables of the steps), last."""
    cfg = ctx.cfg
    app = report.section(ctx.heading("sec_appendix"), ctx.t("m_appendix"))
    keep = [c for c in (ctx.unit, "year", ctx.label_col, cfg.region) if c and c in ctx.data.columns]
    keep += [c for c in cfg.columns + ([cfg.population] if cfg.population else []) if c not in keep]
    keep += [c for c in (INDEX_COL, D_COL) if c in ctx.data.columns]
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
