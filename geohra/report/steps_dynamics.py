"""Report step: distribution dynamics of the target (kernel density by year and region, Markov chain)."""

from __future__ import annotations

import pandas as pd

import geohra
from geohra.report import _i18n_variants as variants
from geohra.report.document import Report, Table
from geohra.report.pipeline import PanelContext, add_figure


def step_dynamics(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import charts

    cfg, lang = ctx.cfg, ctx.lang
    target = cfg.target_for("kde")
    col, label = ctx.column(target), ctx.target_label(target)
    kernel = variants.kde(cfg.kde_kernel, cfg.kde_kernel_scale, cfg.kde_bandwidth, lang)
    years = list(cfg.kde_years or ctx.years)
    unknown = [y for y in years if y not in ctx.years]
    if unknown:
        raise ValueError(
            f"config: [kde].years {unknown} are not in the panel; its years are {list(ctx.years)}."
        )
    if len(years) < 2:  # the section says why it is empty, without the method it did not use
        report.section(ctx.heading("sec_dynamics"), ctx.t("skip_years"))
        return
    sec = report.section(ctx.heading("sec_dynamics"), ctx.t("m_dynamics", **kernel))
    options = dict(
        kernel=cfg.kde_kernel, kernel_scale=cfg.kde_kernel_scale, bandwidth=cfg.kde_bandwidth
    )
    data = pd.DataFrame(ctx.data[[ctx.unit, "year", col]]).set_index(ctx.unit)
    data["region"] = ctx.region_labels()
    data = data[data["year"].isin(years)]
    with ctx.progress.step(ctx.t("fig_kde", target=label)):
        k = geohra.kde(data.drop(columns="region"), col, time="year", **options)
        kr = geohra.kde(data, col, time="year", by="region", **options)
    feats = k.features[["mean", "sd", "peak_x", "peak_height", "width", "n_peaks"]].rename_axis(
        "year"
    )
    sec.items.append(
        Table(
            ctx.key("kde_features"),
            ctx.t("tab_kde", target=label),
            feats,
            note=ctx.t("n_kde", **kernel),
            decimals={"peak_height": 4},
        )
    )
    f0, f1 = feats.iloc[0], feats.iloc[-1]
    y0, y1 = feats.index[0], feats.index[-1]
    if lang == "zh":
        sec.findings.append(
            f"{y0}—{y1}年核密度曲线主峰位置{'右移' if f1['peak_x'] > f0['peak_x'] else '左移'}（{f0['peak_x']:.2f} → {f1['peak_x']:.2f}），"
            f"主峰高度{'上升' if f1['peak_height'] > f0['peak_height'] else '下降'}，曲线宽度{'变宽' if f1['width'] > f0['width'] else '变窄'}"
            f"（{f0['width']:.2f} → {f1['width']:.2f}），"
            + (
                f"波峰数由{int(f0['n_peaks'])}个变为{int(f1['n_peaks'])}个。"
                if f0["n_peaks"] != f1["n_peaks"]
                else f"波峰数保持{int(f1['n_peaks'])}个。"
            )
        )
    else:
        sec.findings.append(
            f"From {y0} to {y1} the main peak of the density curve moved {'right' if f1['peak_x'] > f0['peak_x'] else 'left'} "
            f"({f0['peak_x']:.2f} → {f1['peak_x']:.2f}), its height {'rose' if f1['peak_height'] > f0['peak_height'] else 'fell'}, "
            f"the curve became {'wider' if f1['width'] > f0['width'] else 'narrower'} ({f0['width']:.2f} → {f1['width']:.2f}) "
            + (
                f"and the number of peaks went from {int(f0['n_peaks'])} to {int(f1['n_peaks'])}."
                if f0["n_peaks"] != f1["n_peaks"]
                else f"and it kept {int(f1['n_peaks'])} peak(s)."
            )
        )
    fig = charts.kde_curves(k.densities, lang=lang, title="", xlabel=ctx.target_name(target))
    add_figure(sec, ctx, fig, "kde_curves", ctx.t("fig_kde", target=label))
    # panels in the scheme's canonical order (东部, 中部, 西部, 东北), not alphabetical
    order = [
        g
        for g in ctx.region_labels().categories
        if g in set(kr.densities.columns.get_level_values(0))
    ]
    dens = kr.densities[[c for g in order for c in kr.densities.columns if c[0] == g]]
    fig = charts.kde_curves(dens, lang=lang, title="", xlabel=ctx.target_name(target))
    add_figure(sec, ctx, fig, "kde_regions", ctx.t("fig_kde_regions", target=label))
    fig = charts.kde_surface(k.densities, lang=lang, title="")
    add_figure(sec, ctx, fig, "kde_surface", ctx.t("fig_kde_surface"))
    _markov(sec, ctx, col)


def _markov(sec, ctx: PanelContext, col: str) -> None:
    """Markov and spatial Markov transitions between classes relative to the yearly mean."""
    full = pd.DataFrame(ctx.data[[ctx.unit, "year", col]]).set_index(ctx.unit)
    with ctx.progress.step(ctx.t("tab_markov")):
        mk = geohra.markov(full, col, time="year", classes=[0.7, 0.9, 1.1], relative=True)
    sec.items.append(
        Table(
            ctx.key("markov"),
            ctx.t("tab_markov"),
            mk.probabilities.rename_axis("from"),
            decimals={c: 4 for c in mk.probabilities.columns},
        )
    )
    if ctx.graph is not None:
        with ctx.progress.step(ctx.t("tab_spatial_markov")):
            sm = geohra.markov(
                full,
                col,
                time="year",
                classes=[0.7, 0.9, 1.1],
                relative=True,
                graph=ctx.graph,
            )
        blocks = pd.concat(sm.spatial, names=["neighbours"]).rename_axis(["neighbours", "from"])
        sec.items.append(
            Table(
                ctx.key("spatial_markov"),
                ctx.t("tab_spatial_markov"),
                blocks,
                note=ctx.t("n_spatial_markov"),
                decimals={c: 4 for c in blocks.columns},
            )
        )
