"""Report step, part 2 of the convergence section: β-convergence on the panel with fixed
effects and spatial β-convergence, as tables of estimates, coefficients and effects, with a
sentence per model computed from its numbers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

import geohra
from geohra.report import i18n
from geohra.report.document import Table
from geohra.report.pipeline import PanelContext

_DEC_SUMMARY = {"beta": 4, "std_error": 4, "pvalue": 3, "spatial_coef": 4, "spatial_pvalue": 3}
_DEC_SUMMARY |= {"half_life": 2, "r2": 4, "log_likelihood": 2}
_DEC_COEF = {"coef": 4, "std_error": 4, "statistic": 3, "pvalue": 3, "ci_lower": 4, "ci_upper": 4}
_DEC_EFFECTS = {"estimate": 4, "std_error": 4, "statistic": 3, "pvalue": 3}


def beta_section(sec, ctx: PanelContext, frame: pd.DataFrame, col: str, label: str) -> None:
    """Fit the fixed-effects model and the spatial models; add tables and findings."""
    models = _fit(ctx, frame, col, label)
    names = {k: ctx.t(k) for k in models}
    note = variant_note(ctx, [(names[k], *_variant_parts(ctx, r)) for k, r in models.items()])
    summary = pd.DataFrame([_summary_row(r) for r in models.values()])
    summary.index = pd.Index(list(names.values()), name="model")
    summary = summary.dropna(axis=1, how="all")
    sec.items.append(
        Table(
            ctx.key("beta"),
            ctx.t("tab_beta", target=label),
            summary,
            note=note,
            decimals=_DEC_SUMMARY,
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
            decimals=_DEC_COEF,
        )
    )
    _effects_table(sec, ctx, {names[k]: r for k, r in models.items()})
    for k, r in models.items():
        sec.findings.append(_beta_finding(ctx, names[k], r))


def _fit(ctx: PanelContext, frame: pd.DataFrame, col: str, label: str) -> dict:
    """i18n key of the model -> result: the fixed-effects model, then each spatial model."""
    opts, cfg = ctx.cfg.convergence, ctx.cfg
    options = dict(unit=ctx.unit, controls=list(opts.controls), effects=opts.effects)
    with ctx.progress.step(ctx.t("tab_beta", target=label)):
        models = {
            f"mod_{opts.effects}": geohra.beta_convergence(
                frame, col, cov_type=opts.cov_type, **options
            )
        }
    graph = _graph(ctx) if opts.spatial else None
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
    return models


def _graph(ctx: PanelContext):
    """The spatial-autocorrelation section's weights as a libpysal Graph for the models:
    built the same way (the section keeps geohra's lighter form, or none)."""
    from geohra.spatial.weights import _LiteGraph

    if ctx.graph is not None and not isinstance(ctx.graph, _LiteGraph):
        return ctx.graph
    import geopandas as gpd

    first = gpd.GeoDataFrame(ctx.cross_section(ctx.years[0]), geometry="geometry", crs=ctx.data.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands joined to their nearest neighbour, as stated
        return geohra.spatial_weights(first, kind="queen", islands="nearest")


def _effects_table(sec, ctx: PanelContext, models: dict) -> None:
    """Direct, indirect and total effects of the lag and Durbin models (one long table)."""
    draws, seed = ctx.cfg.convergence.impact_draws, ctx.cfg.seed
    tables = {
        k: r.impact_table() for k, r in models.items() if getattr(r, "impacts", None) is not None
    }
    if not tables:
        return
    imp = pd.concat(
        {k: v.set_index(["term", "effect"]) for k, v in tables.items()}, names=["model"]
    )
    imp = imp.rename(index=lambda t: _term(ctx, t), level="term")
    imp = imp.rename(index=lambda e: ctx.t(f"eff_{e}"), level="effect")
    english = "direct, indirect and total effects (LeSage & Pace 2009) at the ML estimates; " + (
        f"standard errors from {draws} simulated parameter draws (seed {seed})"
        if draws
        else "no standard errors (impact_draws = 0)"
    )
    kind = "impacts" if draws else "impacts_point"
    note = variant_note(ctx, [(None, kind, english, {"draws": draws, "seed": seed})])
    sec.items.append(
        Table(ctx.key("beta_impacts"), ctx.t("tab_impacts"), imp, note=note, decimals=_DEC_EFFECTS)
    )


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


def variant_note(ctx: PanelContext, parts: list) -> str:
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
