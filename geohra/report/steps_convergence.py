"""Report step: convergence of the target ([convergence] in the config): σ-convergence by year
with its trend and figure, β-convergence on the panel with fixed effects, and spatial
β-convergence with the spatial-autocorrelation section's weights.

Tables come from the results' own ``.table()`` / ``.summary()`` / ``impact_table()``; the
formula under each table is the results' ``variant`` (its Chinese version in Chinese)."""

from __future__ import annotations

import math

import pandas as pd

import geohra
from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import PanelContext, add_figure
from geohra.report.steps_beta import beta_section, variant_note


def step_convergence(report: Report, ctx: PanelContext) -> None:
    opts = ctx.cfg.convergence
    if opts is None:
        return
    target = ctx.cfg.target_for("convergence")
    col, label = ctx.column(target), ctx.target_label(target)
    sec = report.section(ctx.heading("sec_convergence"), _method(ctx, label))
    if len(ctx.years) < 2:
        sec.items.append(ctx.t("skip_years"))
        return
    frame = pd.DataFrame(ctx.data[[ctx.unit, "year", col, *opts.controls]])
    bad = int((frame[col] <= 0).sum())
    sigma = list(opts.sigma)
    if bad and "sd_log" in sigma:
        sigma.remove("sd_log")
        sec.items.append(ctx.t("skip_log", what=ctx.t("what_sd_log"), n=bad, target=label))
    if sigma:
        _sigma(sec, ctx, frame, col, label, sigma)
    if opts.beta == "none":
        return
    if len(ctx.years) < 3:
        sec.items.append(ctx.t("skip_beta_years"))
        return
    if bad:
        sec.items.append(ctx.t("skip_log", what=ctx.t("what_beta"), n=bad, target=label))
        return
    beta_section(sec, ctx, frame, col, label)


def _method(ctx: PanelContext, label: str) -> str:
    opts = ctx.cfg.convergence
    parts = []
    if opts.sigma:
        measures = i18n.join_list([ctx.t(f"sig_{m}") for m in opts.sigma], ctx.lang)
        parts.append(ctx.t("m_sigma", measures=measures, target=label))
    if opts.beta != "none":
        controls = ""
        if opts.controls:
            names = [ctx.indicator_label(c, unit=False) for c in opts.controls]
            controls = ctx.t("m_beta_controls", names=i18n.join_list(names, ctx.lang))
        parts.append(
            ctx.t(
                "m_beta",
                kind=ctx.t(f"k_{opts.beta}"),
                controls=controls,
                effects=ctx.t(f"e_{opts.effects}"),
                cov=ctx.t(f"c_{opts.cov_type}"),
            )
        )
    if opts.spatial:
        names = [ctx.t(f"mod_{m}") for m in opts.spatial]
        if ctx.lang == "en":  # inside a sentence: "spatial lag model", "spatial Durbin model"
            names = [n[0].lower() + n[1:] for n in names]
        models = i18n.join_list(names, ctx.lang)
        parts.append(
            ctx.t(
                "m_spatial_beta",
                models=models,
                effects=ctx.t(f"e_{opts.effects}"),
                draws=ctx.t("m_draws", draws=opts.impact_draws, seed=ctx.cfg.seed)
                if opts.impact_draws and set(opts.spatial) - {"error"}
                else "",
            )
        )
    return " ".join(parts) if ctx.lang == "en" else "".join(parts)


# ----------------------------------------------------------------------------- σ
def _sigma(sec, ctx: PanelContext, frame: pd.DataFrame, col: str, label: str, measures) -> None:
    with ctx.progress.step(ctx.t("tab_sigma", target=label)):
        res = geohra.sigma_convergence(frame, col, unit=ctx.unit, measures=measures)
    note = variant_note(ctx, [(None, "sigma", res.variant, _sigma_fields(measures))])
    disp = res.dispersion.rename(columns={"n_units": "units"}).rename_axis("year")
    sec.items.append(
        Table(
            ctx.key("sigma"),
            ctx.t("tab_sigma", target=label),
            disp,
            note=note,
            decimals={m: 4 for m in measures},
        )
    )
    trend = res.trend.copy()
    trend["converging"] = [ctx.t("yes" if c else "no") for c in trend["converging"]]
    trend.index = pd.Index([_measure_name(ctx, m) for m in trend.index], name="measure")
    sec.items.append(
        Table(
            ctx.key("sigma_trend"),
            ctx.t("tab_sigma_trend"),
            trend,
            note=note,
            decimals={"first": 4, "last": 4, "slope_per_year": 6, "pvalue": 3},
        )
    )
    sec.findings.append(_sigma_finding(ctx, res, label))
    y0 = int(res.dispersion.index[0])
    fig = _sigma_figure(res.dispersion[measures], ctx, y0)
    add_figure(sec, ctx, fig, "sigma", ctx.t("fig_sigma", target=label, year=y0))


def _sigma_fields(measures) -> dict:
    return {"measures": "；".join(i18n.SIGMA_ZH[m] for m in measures)}


def _measure_name(ctx: PanelContext, m: str) -> str:
    name = ctx.t(f"sig_{m}")
    return name[0].upper() + name[1:]


def _sigma_finding(ctx: PanelContext, res, label: str) -> str:
    lang, trend = ctx.lang, res.trend
    y0, y1 = int(res.dispersion.index[0]), int(res.dispersion.index[-1])
    parts = []
    for m, r in trend.iterrows():
        p = "" if math.isnan(r["pvalue"]) else f"，P = {r['pvalue']:.3f}"
        if lang == "zh":
            move = "降至" if r["last"] < r["first"] else "升至"
            parts.append(
                f"{ctx.t(f'sig_{m}')}由{r['first']:.4f}{move}{r['last']:.4f}"
                f"（变化{r['change_pct']:+.2f}%，年均斜率{r['slope_per_year']:+.4f}{p}）"
            )
        else:
            move = "fell" if r["last"] < r["first"] else "rose"
            p = p.replace("，P", ", p")
            parts.append(
                f"the {ctx.t(f'sig_{m}')} {move} from {r['first']:.4f} to {r['last']:.4f} "
                f"({r['change_pct']:+.2f} %; slope {r['slope_per_year']:+.4f} a year{p})"
            )
    falling = trend["converging"].astype(bool)
    verdict = "all" if falling.all() else "none" if not falling.any() else "mixed"
    if lang == "zh":
        end = {
            "all": "各离散指标均呈下降趋势，存在σ收敛。",
            "none": "各离散指标均呈上升趋势，不存在σ收敛（呈σ发散）。",
            "mixed": "各离散指标的趋势不一致，σ收敛不明确。",
        }[verdict]
        return f"σ收敛：{y0}—{y1}年{label}的" + "，".join(parts) + "；" + end
    end = {
        "all": "every measure trends down: σ-convergence.",
        "none": "every measure trends up: no σ-convergence (σ-divergence).",
        "mixed": "the measures disagree: no clear σ-convergence.",
    }[verdict]
    return f"σ-convergence of {label} from {y0} to {y1}: " + "; ".join(parts) + "; " + end


def _sigma_figure(disp: pd.DataFrame, ctx: PanelContext, y0: int):
    from matplotlib.figure import Figure

    from geohra.maps._style import font_props

    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for m in disp.columns:
        s = disp[m]
        ax.plot(s.index, s / s.iloc[0], marker="o", ms=3, label=_measure_name(ctx, m))
    ax.axhline(1.0, color="0.6", lw=0.8, ls="--")
    fp = font_props(ctx.lang, 9)
    ax.set_xlabel(ctx.t("ax_year"), fontproperties=fp)
    ax.set_ylabel(ctx.t("ax_relative", year=y0), fontproperties=fp)
    ax.set_xticks(
        list(disp.index), [str(y) for y in disp.index], rotation=45 if len(disp) > 8 else 0
    )
    ax.legend(prop=fp, frameon=False)
    return fig
