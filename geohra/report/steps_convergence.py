"""Report step: convergence of the target ([convergence] in the config): σ-convergence by year
with its trend and figure, β-convergence on the panel with fixed effects, and spatial
β-convergence with the spatial-autocorrelation section's weights.

Tables come from the results' own ``.table()`` / ``.summary()`` / ``impact_table()``; the
formula under each table is the results' ``variant`` (its Chinese version in Chinese)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

import geohra
from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import PanelContext, add_figure


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
    _beta(sec, ctx, frame, col, label)


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
                draws=opts.impact_draws,
                seed=ctx.cfg.seed,
            )
        )
    return " ".join(parts) if ctx.lang == "en" else "".join(parts)


# ----------------------------------------------------------------------------- σ
def _sigma(sec, ctx: PanelContext, frame: pd.DataFrame, col: str, label: str, measures) -> None:
    with ctx.progress.step(ctx.t("tab_sigma", target=label)):
        res = geohra.sigma_convergence(frame, col, unit=ctx.unit, measures=measures)
    note = _variant_note(ctx, [(None, "sigma", res.variant, _sigma_fields(measures))])
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


# ----------------------------------------------------------------------------- β
def _beta(sec, ctx: PanelContext, frame: pd.DataFrame, col: str, label: str) -> None:
    opts, cfg = ctx.cfg.convergence, ctx.cfg
    options = dict(unit=ctx.unit, controls=list(opts.controls), effects=opts.effects)
    with ctx.progress.step(ctx.t("tab_beta", target=label)):
        models = {
            f"mod_{opts.effects}": geohra.beta_convergence(
                frame, col, cov_type=opts.cov_type, **options
            )
        }
    if opts.spatial:
        graph = ctx.graph
        if graph is None:  # the spatial step builds it; a report without one builds it here
            import geopandas as gpd

            first = gpd.GeoDataFrame(
                ctx.cross_section(ctx.years[0]), geometry="geometry", crs=ctx.data.crs
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                graph = geohra.spatial_weights(first, kind="queen", islands="nearest")
        for m in opts.spatial:
            with ctx.progress.step(ctx.t(f"mod_{m}")):
                models[f"mod_{m}"] = geohra.spatial_beta_convergence(
                    frame,
                    col,
                    graph=graph,
                    model=m,
                    impact_draws=opts.impact_draws,
                    rng=cfg.seed,
                    **options,
                )
    names = {k: ctx.t(k) for k in models}
    notes = [(names[k], *_variant_parts(ctx, r)) for k, r in models.items()]
    note = _variant_note(ctx, notes)
    summary = pd.DataFrame([_summary_row(r) for r in models.values()])
    summary.index = pd.Index(list(names.values()), name="model")
    summary = summary.dropna(axis=1, how="all")
    sec.items.append(
        Table(
            ctx.key("beta"),
            ctx.t("tab_beta", target=label),
            summary,
            note=note,
            decimals={
                "beta": 4,
                "std_error": 4,
                "pvalue": 3,
                "spatial_coef": 4,
                "spatial_pvalue": 3,
                "half_life": 2,
                "r2": 4,
                "log_likelihood": 2,
            },
        )
    )
    coef = pd.concat(
        {names[k]: r.table().set_index("term") for k, r in models.items()}, names=["model"]
    )
    coef = coef.rename(index=lambda t: _term(ctx, t), level="term")
    sec.items.append(
        Table(
            ctx.key("beta_coefficients"),
            ctx.t("tab_beta_coef"),
            coef,
            note=note,
            decimals={
                "coef": 4,
                "std_error": 4,
                "statistic": 3,
                "pvalue": 3,
                "ci_lower": 4,
                "ci_upper": 4,
            },
        )
    )
    impacts = {
        names[k]: r.impact_table() for k, r in models.items() if k in ("mod_lag", "mod_durbin")
    }
    if impacts:
        imp = pd.concat(
            {k: v.set_index(["term", "effect"]) for k, v in impacts.items()}, names=["model"]
        )
        imp = imp.rename(index=lambda t: _term(ctx, t), level="term")
        imp = imp.rename(index=lambda e: ctx.t(f"eff_{e}"), level="effect")
        imp_note = _variant_note(
            ctx,
            [
                (
                    None,
                    "impacts",
                    "direct, indirect and total effects (LeSage & Pace 2009) at the ML "
                    f"estimates; standard errors from {opts.impact_draws} simulated parameter draws "
                    f"(seed {cfg.seed})",
                    {"draws": opts.impact_draws, "seed": cfg.seed},
                )
            ],
        )
        sec.items.append(
            Table(
                ctx.key("beta_impacts"),
                ctx.t("tab_impacts"),
                imp,
                note=imp_note,
                decimals={"estimate": 4, "std_error": 4, "statistic": 3, "pvalue": 3},
            )
        )
    for k, r in models.items():
        sec.findings.append(_beta_finding(ctx, names[k], r))


def _summary_row(r) -> dict:
    spatial = getattr(r, "spatial_name", None)
    row = {
        "beta": r.beta,
        "std_error": r.std_error,
        "pvalue": r.pvalue,
        "spatial_coef": r.spatial if spatial else np.nan,
        "spatial_pvalue": float(r.coefficients.loc[spatial, "pvalue"]) if spatial else np.nan,
        "speed_pct": r.speed * 100,
        "half_life": r.half_life,
        "r2": np.nan if spatial else r.r2,
        "log_likelihood": r.log_likelihood if spatial else np.nan,
        "n_obs": len(r.observations),
    }
    return row


def _term(ctx: PanelContext, term: str) -> str:
    if term in ("log_initial", "rho", "lambda"):
        return ctx.t(f"term_{term}")
    if term.startswith("W_"):
        inner = term[2:]
        name = (
            ctx.t("term_log_initial")
            if inner == "log_initial"
            else ctx.indicator_label(inner, unit=False)
        )
        return ctx.t("term_W", name=name)
    return ctx.indicator_label(term, unit=False)


def _variant_parts(ctx: PanelContext, r) -> tuple:
    opts = ctx.cfg.convergence
    fields = {
        "kind": ctx.t(f"k_{r.kind}"),
        "controls": " + γ'X_t" if opts.controls else "",
        "step": f"{r.step:g}",
    }
    if hasattr(r, "spatial_name"):
        fields.update(model=i18n.MODEL_ZH[r.model], effects=i18n.EFFECTS_ZH[r.effects])
        return "spatial", r.variant, fields
    fields.update(effects=i18n.EFFECTS_ZH[r.effects], cov=i18n.COV_ZH[r.cov_type])
    return "beta", r.variant, fields


def _variant_note(ctx: PanelContext, parts: list) -> str:
    """One formula note for a table: each model's variant once, named when there are several."""
    texts = []
    for name, kind, english, fields in parts:
        text = i18n.VARIANT_ZH[kind].format(**fields) if ctx.lang == "zh" else english
        texts.append(text if name is None else f"{name}{i18n.colon(ctx.lang)}{text}")
    if ctx.lang == "zh":
        return "计算公式：" + "。".join(texts) + "。"
    return "Formula: " + ". ".join(texts) + "."


def _beta_finding(ctx: PanelContext, name: str, r) -> str:
    lang, alpha = ctx.lang, ctx.cfg.significance
    kind = ctx.t(f"k_{r.kind}")
    head = (
        f"β = {r.beta:.4f}（P = {r.pvalue:.3f}）"
        if lang == "zh"
        else f"β = {r.beta:.4f} (p = {r.pvalue:.3f})"
    )
    spatial = getattr(r, "spatial_name", None)
    if spatial:
        sp = r.coefficients.loc[spatial]
        sym = "ρ" if spatial == "rho" else "λ"
        head += (
            f"，{sym} = {sp['coef']:.4f}（P = {sp['pvalue']:.3f}）"
            if lang == "zh"
            else f", {sym} = {sp['coef']:.4f} (p = {sp['pvalue']:.3f})"
        )
    if r.beta < 0 and r.pvalue < alpha and math.isfinite(r.half_life):
        rate = f"{r.speed * 100:.2f}"
        half = f"{r.half_life:.1f}"
        verdict = (
            f"存在{kind}β收敛，收敛速度为每年{rate}%，半衰期为{half}年"
            if lang == "zh"
            else f"{kind.lower()} β-convergence at {rate} % a year, half-life {half} years"
        )
    elif r.beta < 0:
        verdict = (
            f"β为负但在{alpha}水平上不显著，{kind}β收敛不成立"
            if lang == "zh"
            else f"β is negative but not significant at {alpha}: no evidence of "
            f"{kind.lower()} β-convergence"
        )
    else:
        verdict = (
            f"β不为负，不存在{kind}β收敛"
            if lang == "zh"
            else f"β is not negative: no {kind.lower()} β-convergence"
        )
    text = f"{name}：{head}，{verdict}" if lang == "zh" else f"{name}: {head}; {verdict}"
    imp = getattr(r, "impacts", None)
    if imp is not None:
        table = r.impact_table().set_index(["term", "effect"])
        d = table.loc[("log_initial", "direct")]
        ind = table.loc[("log_initial", "indirect")]
        p = "" if "pvalue" not in ind or pd.isna(ind["pvalue"]) else ind["pvalue"]
        if lang == "zh":
            text += (
                f"；期初水平对数的直接效应为{d['estimate']:.4f}，间接效应（空间溢出）为{ind['estimate']:.4f}"
                + (f"（P = {p:.3f}）" if p != "" else "")
            )
        else:
            text += (
                f"; the direct effect of ln y is {d['estimate']:.4f} and the indirect (spillover) "
                f"effect {ind['estimate']:.4f}" + (f" (p = {p:.3f})" if p != "" else "")
            )
    return text + ("。" if lang == "zh" else ".")
