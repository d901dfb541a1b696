"""Report steps on the distribution of a target (composite index, D or a subsystem U):
regional differences (Theil, Dagum), spatial autocorrelation and distribution dynamics."""

from __future__ import annotations

import itertools

import pandas as pd

import geohra
from geohra.report import i18n
from geohra.report.document import Report, Table
from geohra.report.pipeline import PanelContext, add_figure

_LOG = {"e": "log_e", 10: "log_10", 2: "log_2"}


def _frame(ctx: PanelContext, col: str) -> pd.DataFrame:
    """unit-indexed long frame with the target, year, region (canonical) and population."""
    cfg = ctx.cfg
    keep = [ctx.unit, "year", col, cfg.region] + ([cfg.population] if cfg.population else [])
    data = pd.DataFrame(ctx.data[list(dict.fromkeys(keep))]).set_index(ctx.unit)
    if cfg.theil_population:
        data["_total"] = data[col] * data[cfg.population]
    return data


def _theil(ctx: PanelContext, data: pd.DataFrame, col: str, **kw) -> dict:
    """Theil T of every year of ``data`` (through geohra.per_year): year -> TheilResult."""
    cfg = ctx.cfg
    if cfg.theil_population:
        res = geohra.per_year(
            geohra.theil, data, "_total", population=cfg.population, base=cfg.theil_base, **kw
        )
    else:
        res = geohra.per_year(geohra.theil, data, col, base=cfg.theil_base, **kw)
    return res.results


def _region_table(ctx: PanelContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns = canonical region names -> localised, in canonical order."""
    order = i18n.region_order(ctx.cfg.region, frame.columns)
    return frame[order].rename(columns=lambda r: i18n.region(r, ctx.lang))


def step_inequality(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import charts

    cfg, lang, region = ctx.cfg, ctx.lang, ctx.cfg.region
    target = cfg.target_for("theil")
    col, label = ctx.column(target), ctx.target_label(target)
    weighting = ctx.t("pop_weighted" if cfg.theil_population else "unweighted")
    sec = report.section(
        ctx.heading("sec_inequality"),
        ctx.t(
            "m_inequality",
            weighting=weighting,
            log=ctx.t(_LOG[cfg.theil_base]),
            target=label,
            scheme=i18n.scheme(region, lang),
        ),
    )
    data = _frame(ctx, col)
    if data[region].nunique() < 2:
        sec.items.append(ctx.t("skip_regions"))
        return
    theil = _theil_tables(sec, ctx, data, col, label)
    dcol = ctx.column(cfg.target_for("dagum"))
    ddata = _frame(ctx, dcol)
    dagum, gjj = _dagum_tables(sec, ctx, ddata, dcol)
    _inequality_findings(sec, ctx, theil, dagum, gjj, ctx.years[0], ctx.years[-1])
    if cfg.n_resamples > 1:
        _bootstrap(sec, ctx, {"theil": (data, col), "dagum_gini": (ddata, dcol)}, dagum["total"])
    try:
        fig = charts.decomposition_bars(
            theil.reset_index(), parts=("within", "between"), lang=lang, title=""
        )
        add_figure(sec, ctx, fig, "theil_chart", ctx.t("fig_theil"))
        fig = charts.decomposition_bars(
            dagum.reset_index(),
            parts=("within", "between_net", "transvariation"),
            lang=lang,
            title="",
        )
        add_figure(sec, ctx, fig, "dagum_chart", ctx.t("fig_dagum"))
    except ValueError as exc:  # e.g. a year without two regions: keep the tables
        sec.items.append(str(exc))


def _theil_tables(sec, ctx: PanelContext, data: pd.DataFrame, col: str, label: str) -> pd.DataFrame:
    """Theil by year, within-region Theil by year, between-region Theil of each pair."""
    cfg, lang, region = ctx.cfg, ctx.lang, ctx.cfg.region
    with ctx.progress.step(ctx.t("tab_theil", target=label)):
        per_year = _theil(ctx, data, col, by=region)
    theil = pd.DataFrame(
        {
            y: {
                "total": r.total,
                "within": r.within,
                "between": r.between,
                "within_pct": r.within / r.total * 100,
                "between_pct": r.between / r.total * 100,
            }
            for y, r in per_year.items()
        }
    ).T.rename_axis("year")
    note = i18n.variant(
        "theil",
        next(iter(per_year.values())).variant,
        lang,
        q="人口份额" if cfg.theil_population else "1/n（各单元等权）",
        log=ctx.t(_LOG[cfg.theil_base]),
    )
    sec.items.append(Table(ctx.key("theil"), ctx.t("tab_theil", target=label), theil, note=note))
    within = pd.DataFrame({y: r.groups["theil"] for y, r in per_year.items()}).T
    sec.items.append(
        Table(
            ctx.key("theil_within"),
            ctx.t("tab_theil_within"),
            _region_table(ctx, within.rename_axis("year")),
        )
    )
    if not cfg.theil_pairs:
        return theil
    last = ctx.years[-1]
    options = {"base": cfg.theil_base}
    column = col
    if cfg.theil_population:
        column, options["population"] = "_total", cfg.population
    res = geohra.per_year(geohra.theil_pairwise, data, column, by=region, **options).results
    order = i18n.region_order(region, data[region].dropna().unique())
    rows: dict = {}
    for y, r in res.items():
        for a, b, v in r.table[["region_a", "region_b", "between"]].itertuples(index=False):
            a, b = sorted([a, b], key=order.index)
            rows.setdefault(f"{i18n.region(a, lang)}–{i18n.region(b, lang)}", {})[y] = v
    names = [
        f"{i18n.region(a, lang)}–{i18n.region(b, lang)}"
        for a, b in itertools.combinations(order, 2)
    ]
    pairs = pd.DataFrame(rows).rename_axis("year")[[p for p in names if p in rows]]
    sec.items.append(
        Table(ctx.key("theil_pairs"), ctx.t("tab_theil_pairs"), pairs, note=ctx.t("n_pairs"))
    )
    big = pairs.loc[last].idxmax()
    sec.findings.append(
        f"{last}年两两区域间泰尔指数最大的是{big}（{pairs.loc[last, big]:.4f}）。"
        if lang == "zh"
        else f"In {last} the largest between-region Theil index of a pair of regions was {big} "
        f"({pairs.loc[last, big]:.4f})."
    )
    return theil


def _dagum_tables(sec, ctx: PanelContext, ddata: pd.DataFrame, dcol: str):
    """Dagum Gini by year with its contributions, G_jj and G_jh by year."""
    lang, region = ctx.lang, ctx.cfg.region
    label = ctx.target_label(ctx.cfg.target_for("dagum"))
    with ctx.progress.step(ctx.t("tab_dagum", target=label)):
        dres = geohra.per_year(geohra.dagum_gini, ddata, dcol, by=region).results
    dagum = pd.DataFrame(
        {
            y: {
                "total": r.total,
                "within": r.within,
                "between_net": r.between_net,
                "transvariation": r.transvariation,
                **{f"{k}_pct": v for k, v in r.contributions.items()},
            }
            for y, r in dres.items()
        }
    ).T.rename_axis("year")
    note = i18n.variant("dagum", next(iter(dres.values())).variant, lang)
    sec.items.append(Table(ctx.key("dagum"), ctx.t("tab_dagum", target=label), dagum, note=note))
    gjj = pd.DataFrame({y: r.within_groups for y, r in dres.items()}).T.rename_axis("year")
    sec.items.append(
        Table(ctx.key("dagum_within"), ctx.t("tab_dagum_within"), _region_table(ctx, gjj))
    )
    order = i18n.region_order(region, ddata[region].dropna().unique())
    gjh: dict = {}
    for y, r in dres.items():
        for _, row in r.between_groups.iterrows():
            a, b = sorted([row["group_high"], row["group_low"]], key=order.index)
            gjh.setdefault(f"{i18n.region(a, lang)}–{i18n.region(b, lang)}", {})[y] = row["gini"]
    names = [
        f"{i18n.region(a, lang)}–{i18n.region(b, lang)}"
        for a, b in itertools.combinations(order, 2)
    ]
    gjh = pd.DataFrame(gjh).rename_axis("year")[[p for p in names if p in gjh]]
    sec.items.append(Table(ctx.key("dagum_between"), ctx.t("tab_dagum_between"), gjh))
    return dagum, gjj


def _inequality_findings(sec, ctx, theil, dagum, gjj, first, last) -> None:
    lang = ctx.lang
    t0, t1 = theil.loc[first, "total"], theil.loc[last, "total"]
    share = theil.loc[last, "between_pct"]
    src = dagum.loc[last, ["within_pct", "between_net_pct", "transvariation_pct"]].astype(float)
    biggest = src.idxmax()
    names = {
        "within_pct": ("within-region differences", "区域内差异"),
        "between_net_pct": ("net between-region differences", "区域间净差异"),
        "transvariation_pct": ("transvariation density", "超变密度"),
    }
    hi = gjj.loc[last].idxmax()
    if first == last:  # one year: its values, no movement
        sec.findings.append(
            _one_year_finding(
                lang,
                last,
                t1,
                share,
                dagum.loc[last, "total"],
                names[biggest],
                src[biggest],
                i18n.region(hi, lang),
                gjj.loc[last, hi],
            )
        )
    elif lang == "zh":
        sec.findings.append(
            f"泰尔指数由{first}年的{t0:.4f}变为{last}年的{t1:.4f}，{last}年区域间差异贡献率为{share:.2f}%，"
            f"区域内差异贡献率为{100 - share:.2f}%。Dagum基尼系数由{dagum.loc[first, 'total']:.4f}变为{dagum.loc[last, 'total']:.4f}，"
            f"{last}年差异的最大来源是{names[biggest][1]}（{src[biggest]:.2f}%）；区域内基尼系数最高的是{i18n.region(hi, lang)}（{gjj.loc[last, hi]:.4f}）。"
        )
    else:
        sec.findings.append(
            f"The Theil index moved from {t0:.4f} in {first} to {t1:.4f} in {last}; in {last} between-region differences "
            f"accounted for {share:.2f} % and within-region differences for {100 - share:.2f} %. The Dagum Gini coefficient "
            f"moved from {dagum.loc[first, 'total']:.4f} to {dagum.loc[last, 'total']:.4f}; in {last} the largest source was "
            f"{names[biggest][0]} ({src[biggest]:.2f} %), and the highest within-region Gini was in {hi} ({gjj.loc[last, hi]:.4f})."
        )


def _one_year_finding(lang, year, theil, share, gini, source, pct, region, g_jj) -> str:
    if lang == "zh":
        return (
            f"{year}年泰尔指数为{theil:.4f}，区域间差异贡献率为{share:.2f}%，区域内差异贡献率为"
            f"{100 - share:.2f}%。Dagum基尼系数为{gini:.4f}，差异的最大来源是{source[1]}（{pct:.2f}%）；"
            f"区域内基尼系数最高的是{region}（{g_jj:.4f}）。"
        )
    return (
        f"In {year} the Theil index was {theil:.4f}; between-region differences accounted for "
        f"{share:.2f} % and within-region differences for {100 - share:.2f} %. The Dagum Gini "
        f"coefficient was {gini:.4f}; the largest source was {source[0]} ({pct:.2f} %), and the "
        f"highest within-region Gini was in {region} ({g_jj:.4f})."
    )


def _bootstrap(sec, ctx: PanelContext, inputs: dict, dagum_total: pd.Series) -> None:
    """95 % intervals of the Theil and Dagum totals, each on its own target and options.

    The Dagum total is the Gini coefficient, so its interval is the "gini" bootstrap
    stratified by the same regions: the same resamples and values, without each
    resample's k x k between-pair sums (k = 31 provinces: 18 s of a county report). Its
    estimate is the Dagum table's total (``dagum_total``, the same number to the last bit).
    Both ask ``bootstrap_ci`` for the total only (``components=``), so the Theil resamples
    skip their within- and between-region parts (the same totals to the last bit).
    """
    cfg = ctx.cfg
    with ctx.progress.step(ctx.t("tab_bootstrap")):
        rows = []
        for name, (data, col) in inputs.items():
            options = {}
            if name == "theil":
                options["base"] = cfg.theil_base
                if cfg.theil_population:
                    col, options["population"] = "_total", cfg.population

            stat, component = ("gini", "gini") if name == "dagum_gini" else (name, "total")

            # only the total is reported: the Theil resamples skip their group parts
            def boot(part, column, _stat=stat, _comp=component, **kw):
                return geohra.bootstrap_ci(_stat, part, column, components=[_comp], **kw)

            res = geohra.per_year(
                boot,
                data,
                col,
                by=cfg.region,
                n_resamples=cfg.n_resamples,
                confidence=0.95,
                rng=cfg.seed,
                **options,
            )
            for year, b in res.results.items():
                s = b.summary()
                s = s[s["component"] == component][["estimate", "lower", "upper", "std_error"]]
                if name == "dagum_gini":
                    s["estimate"] = dagum_total.loc[year]
                s.insert(0, "statistic", i18n.header(name, ctx.lang))
                s.insert(0, "year", year)
                rows.append(s)
    table = pd.concat(rows, ignore_index=True).set_index(["statistic", "year"])
    sec.items.append(
        Table(
            ctx.key("bootstrap"),
            ctx.t("tab_bootstrap"),
            table,
            note=ctx.t("n_bootstrap", n=cfg.n_resamples, seed=cfg.seed),
        )
    )
