"""The results section for one indicator panel, step by step.

Each step calls geohra's public functions and adds tables and figures to a
:class:`~geohra.report.document.Report`. Steps that a panel cannot support (for
example kernel-density dynamics with a single year) are skipped with a note that
says why, never silently.

The panel is a long GeoDataFrame with a unit column, a ``year`` column, the
indicator columns, the region-scheme column and geometry (what ``geohra.join``
returns, flattened by :func:`flatten_joined`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import geohra
from geohra.report.config import ReportConfig
from geohra.report.document import Figure, Progress, Report, Table

INDEX_COL = "composite_index"


@dataclass
class PanelContext:
    """Everything the steps share for one panel."""

    name: str  # short key, used in file and table names
    title: str
    data: pd.DataFrame  # long: unit, year, indicators, region, geometry
    cfg: ReportConfig
    out: Path
    progress: Progress
    unit: str = "adcode"
    years: tuple[int, ...] = ()
    weights_graph: object = None
    label_col: str | None = None
    entropy: object = None
    classification: object = None

    def key(self, what: str) -> str:
        return f"{self.name}_{what}"

    def cross_section(self, year: int) -> pd.DataFrame:
        part = self.data[self.data["year"] == year]
        return part.set_index(self.unit)

    @property
    def map_years(self) -> tuple[int, ...]:
        if self.cfg.map_years:
            missing = [y for y in self.cfg.map_years if y not in self.years]
            if missing:
                raise ValueError(
                    f"map_years {missing} are not in the panel; its years are {list(self.years)}."
                )
            return tuple(self.cfg.map_years)
        return (self.years[0], self.years[-1]) if len(self.years) > 1 else self.years


def flatten_joined(joined) -> tuple[pd.DataFrame, str]:
    """Return (long GeoDataFrame with plain columns, unit column name)."""
    gdf = joined
    names = [n for n in (gdf.index.names or []) if n is not None]
    if names:
        gdf = gdf.reset_index()
    unit = "adcode" if "adcode" in gdf.columns else names[0] if names else gdf.columns[0]
    if "year" not in gdf.columns:
        raise ValueError(f"the joined panel has no 'year' column; columns: {list(gdf.columns)}")
    return gdf, unit


# figure titles in Chinese for lang="zh" (maps and charts draw their own labels in that language)
_ZH_TITLES = {
    "Theil T": "泰尔指数分解",
    "Dagum Gini": "Dagum基尼系数分解",
    "LISA {year}": "{year}年LISA集聚图",
    "Moran scatter {year}": "{year}年Moran散点图",
    "Kernel density by year (national)": "全国核密度估计",
    "Kernel density by year and {region}": "分区域核密度估计",
    "Kernel density: year × value": "核密度三维图",
    "Coupling coordination grade, {year}": "{year}年耦合协调等级",
}


def _title(ctx: PanelContext, english: str, **fields) -> str:
    text = _ZH_TITLES.get(english, english) if ctx.cfg.lang == "zh" else english
    return text.format(**fields)


def _fig_path(ctx: PanelContext, stem: str) -> tuple[Path, str]:
    rel = f"figures/{ctx.key(stem)}.png"
    path = ctx.out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, rel


def _add_figure(sec, ctx: PanelContext, fig, stem: str, caption: str) -> None:
    """Save ``fig`` as figures/<panel>_<stem>.png and reference it in the section."""
    path, rel = _fig_path(ctx, stem)
    _save(fig, path)
    sec.items.append(Figure(rel, caption))


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)


# ---------------------------------------------------------------------------- steps
def step_composite(report: Report, ctx: PanelContext) -> None:
    cfg = ctx.cfg
    sec = report.section(
        f"{ctx.title}: entropy-weight composite index",
        "Min-max normalisation (negative indicators reversed), entropy e_j = -(1/ln n) Σ p ln p "
        "with 0·ln 0 = 0, weights w_j = (1-e_j)/Σ(1-e_k); score Σ w_j z_ij × 100. "
        + (
            "Panel (global) entropy: one weight set over all unit-years, so scores compare across years."
            if cfg.pooled and len(ctx.years) > 1
            else "Weights computed per year."
            if len(ctx.years) > 1
            else ""
        ),
    )
    multi = len(ctx.years) > 1
    with ctx.progress.step("entropy-weight composite index"):
        res = geohra.entropy_weights(
            ctx.data,
            cfg.columns,
            negative=cfg.negative,
            time="year" if multi else None,
            pooled=cfg.pooled if multi else False,
            scale=100.0,
        )
    ctx.data[INDEX_COL] = res.scores
    ctx.entropy = res
    weights = res.summary()
    sec.items.append(Table(ctx.key("entropy_weights"), "Indicator weights (entropy method)", weights))
    wide = ctx.data.pivot(index=ctx.unit, columns="year", values=INDEX_COL)
    ranks = wide.rank(ascending=False, method="min").astype(int)
    table = wide.round(4).add_prefix("score_").join(ranks.add_prefix("rank_"))
    if ctx.label_col:
        labels = ctx.data.drop_duplicates(ctx.unit).set_index(ctx.unit)[ctx.label_col]
        table.insert(0, "name", labels.reindex(table.index))
    table = table.sort_values(table.columns[-1])
    sec.items.append(
        Table(ctx.key("composite_index"), "Composite index (0-100) and rank by year", table)
    )

    subsystems = cfg.subsystems()
    if len(subsystems) >= 2:
        for name, cols in subsystems.items():
            neg = [c for c in cfg.negative if c in cols]
            sub = geohra.entropy_weights(
                ctx.data, cols, negative=neg,
                time="year" if multi else None, pooled=cfg.pooled if multi else False,
            )
            ctx.data[f"U_{name}"] = sub.scores
        sec.items.append(
            "Subsystem indices U_s (entropy scores in [0, 1]) were computed for: "
            + ", ".join(subsystems)
        )


def step_classes(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import static

    cfg = ctx.cfg
    years = ctx.map_years
    sec = report.section(
        f"{ctx.title}: natural-breaks classes",
        f"Exact Fisher-Jenks natural breaks (k = {cfg.k}) on the composite index, breaks shared "
        f"by the mapped years {', '.join(map(str, years))} so classes compare across years."
        if cfg.scheme == "fisher_jenks"
        else f"Scheme {cfg.scheme}, k = {cfg.k}, breaks shared by the mapped years.",
    )
    shown = ctx.data[ctx.data["year"].isin(years)]
    with ctx.progress.step("natural-breaks classification"):
        kwargs = {"bins": list(cfg.bins)} if cfg.bins else {}
        cls = geohra.classify(shown[INDEX_COL], scheme=cfg.scheme, k=cfg.k, **kwargs)
    sec.items.append(Table(ctx.key("classes"), "Class breaks", cls.summary()))
    membership = shown[[ctx.unit, "year"]].assign(**{"class": cls.classes.to_numpy() + 1})
    sec.items.append(
        Table(
            ctx.key("class_membership"),
            "Class of each unit (1 = lowest)",
            membership.pivot(index=ctx.unit, columns="year", values="class"),
        )
    )
    with ctx.progress.step("choropleth maps"):
        fig = static.small_multiples(
            shown, INDEX_COL, time="year", years=list(years), classification=cls, lang=cfg.lang
        )
        _add_figure(sec, ctx, fig, "index_map", f"Composite index, {' and '.join(map(str, years))}, shared natural breaks")
    ctx.classification = cls  # the web map (after the LISA step) uses the same classes


def step_inequality(report: Report, ctx: PanelContext) -> None:
    cfg = ctx.cfg
    region = cfg.region
    sec = report.section(
        f"{ctx.title}: inequality decompositions by {region}",
        "Theil T (natural log, units weighted equally, PySAL's convention) and Dagum (1997) Gini "
        f"decomposition of the composite index by the region scheme '{region}'. "
        "Within and between parts are computed independently.",
    )
    data = ctx.data[[ctx.unit, "year", INDEX_COL, region]].set_index(ctx.unit)
    with ctx.progress.step("Theil and Dagum decompositions"):
        theil = geohra.per_year(geohra.theil, data, INDEX_COL, by=region, time="year").summary()
        dagum = geohra.per_year(geohra.dagum_gini, data, INDEX_COL, by=region, time="year").summary()
        gini = geohra.per_year(geohra.gini, data, INDEX_COL, time="year").summary()
    sec.items.append(Table(ctx.key("theil"), "Theil T decomposition by year", theil.set_index("year")))
    sec.items.append(Table(ctx.key("dagum"), "Dagum Gini decomposition by year", dagum.set_index("year")))
    sec.items.append(Table(ctx.key("gini"), "Gini coefficient by year", gini.set_index("year")))
    last = ctx.years[-1]
    res = geohra.dagum_gini(data[data["year"] == last], INDEX_COL, by=region)
    sec.items.append(
        Table(ctx.key("dagum_between"), f"Dagum between-region Gini and D_jh, {last}", res.between_groups)
    )
    theil_last = geohra.theil(data[data["year"] == last], INDEX_COL, by=region)
    sec.items.append(Table(ctx.key("theil_groups"), f"Theil contributions by region, {last}", theil_last.groups))
    with ctx.progress.step(f"bootstrap confidence intervals ({cfg.n_resamples} resamples)"):
        rows = []
        for name in ("theil", "dagum_gini"):
            for year in ctx.years:
                b = geohra.bootstrap_ci(
                    name, data[data["year"] == year], INDEX_COL, by=region,
                    n_resamples=cfg.n_resamples, confidence=0.95, rng=cfg.seed,
                )
                frame = b.summary()[["statistic", "component", "estimate", "lower", "upper", "std_error"]]
                frame.insert(0, "year", year)
                rows.append(frame)
    sec.items.append(
        Table(
            ctx.key("bootstrap"),
            "95 % percentile bootstrap intervals (units resampled within regions)",
            pd.concat(rows, ignore_index=True).set_index(["statistic", "year", "component"]),
            note=f"{cfg.n_resamples} resamples, seed {cfg.seed}; percentile intervals, group sizes fixed.",
        )
    )

    if cfg.population and cfg.per_capita:
        rows = []
        for col in cfg.per_capita:
            for year in ctx.years:
                part = ctx.cross_section(year)
                total = part[col] * part[cfg.population]
                r = geohra.theil(part.assign(_total=total), "_total", population=cfg.population, by=region)
                rows.append({"indicator": col, "year": year, "total": r.total, "within": r.within, "between": r.between})
        sec.items.append(
            Table(
                ctx.key("theil_population"),
                "Population-weighted Theil T of per-capita indicators",
                pd.DataFrame(rows).set_index(["indicator", "year"]),
                note="T = Σ (Y_i/Y) ln((Y_i/Y)/(P_i/P)) with Y_i = rate_i × P_i (natural log).",
            )
        )
    try:
        from geohra.maps import charts

        fig = charts.decomposition_bars(theil, parts=("within", "between"), title=_title(ctx, "Theil T"), lang=cfg.lang)
        _add_figure(sec, ctx, fig, "theil_chart", "Theil T: within- and between-region parts by year")
        fig = charts.decomposition_bars(
            dagum, parts=("within", "between_net", "transvariation"), title=_title(ctx, "Dagum Gini"), lang=cfg.lang
        )
        _add_figure(sec, ctx, fig, "dagum_chart", "Dagum Gini: contributions by year")
    except ValueError as exc:  # e.g. a year without two regions: keep the tables
        sec.items.append(f"Decomposition charts not drawn: {exc}")


def step_spatial(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import charts, static

    cfg = ctx.cfg
    sec = report.section(
        f"{ctx.title}: spatial autocorrelation",
        "Queen contiguity, row-standardised; island units (Hainan) attached to their nearest "
        f"neighbour. Permutation inference with {cfg.permutations} permutations, seed {cfg.seed}.",
    )
    with ctx.progress.step("Moran's I by year"):
        first = ctx.cross_section(ctx.years[0])
        import geopandas as gpd

        first = gpd.GeoDataFrame(first, geometry="geometry", crs=ctx.data.crs)
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            w = geohra.spatial_weights(first, kind="queen", islands="nearest")
        for c in caught:
            sec.items.append(f"Spatial weights: {c.message}")
        ctx.weights_graph = w
        rows = []
        for year in ctx.years:
            part = ctx.cross_section(year)
            r = geohra.moran(part, INDEX_COL, graph=w, permutations=cfg.permutations, rng=cfg.seed)
            s = r.summary()
            s.insert(0, "year", year)
            rows.append(s)
        table = pd.concat(rows, ignore_index=True).set_index("year")
    sec.items.append(Table(ctx.key("moran"), "Global Moran's I by year", table))
    clusters: dict[int, pd.Series] = {}
    for year in ctx.map_years:
        with ctx.progress.step(f"LISA {year}"):
            part = gpd.GeoDataFrame(ctx.cross_section(year), geometry="geometry", crs=ctx.data.crs)
            lisa = geohra.local_moran(
                part, INDEX_COL, graph=w, permutations=cfg.permutations,
                significance=cfg.significance, rng=cfg.seed,
            )
            frame = lisa.to_frame()
            clusters[year] = frame["cluster"]
            joined = part.join(frame, rsuffix="_lisa")
            fig = static.lisa_map(joined, "cluster", lang=cfg.lang, title=_title(ctx, "LISA {year}", year=year))
            _add_figure(sec, ctx, fig, f"lisa_{year}", f"LISA clusters of the composite index, {year} (p < {cfg.significance})")
            counts = frame["cluster"].value_counts().rename("units").to_frame()
            sec.items.append(Table(ctx.key(f"lisa_{year}"), f"LISA cluster counts, {year}", counts))
            if year == ctx.map_years[-1]:
                fig = charts.moran_scatter(
                    frame["z"], frame["lag"], clusters=frame["cluster"], lang=cfg.lang,
                    title=_title(ctx, "Moran scatter {year}", year=year),
                )
                _add_figure(sec, ctx, fig, f"moran_scatter_{year}", f"Moran scatter plot, {year}")


    with ctx.progress.step("web map"):
        _web_map(sec, ctx, clusters)


def _web_map(sec, ctx: PanelContext, clusters: dict) -> None:
    """One layer per mapped year on the report's classes, plus the LISA clusters."""
    from geohra.maps import web

    shown = ctx.data[ctx.data["year"].isin(ctx.map_years)]
    lisa = pd.concat(clusters, names=["year", ctx.unit]).rename("LISA cluster")
    shown = shown.join(lisa, on=["year", ctx.unit])
    m = web.web_map(
        shown, INDEX_COL, time="year", classification=ctx.classification, lisa="LISA cluster",
        offline=True, lang=ctx.cfg.lang,
    )
    rel = f"{ctx.key('index_webmap')}.html"
    web.save_web_map(m, ctx.out / rel)
    sec.items.append(
        Figure(
            rel,
            "One layer per mapped year (natural-breaks classes as in the static map) and the "
            "LISA clusters; hover a province for its value, class and cluster",
            kind="html",
        )
    )


def step_dynamics(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import charts

    cfg = ctx.cfg
    sec = report.section(
        f"{ctx.title}: distribution dynamics",
        "Gaussian kernel density of the composite index on one shared grid with one bandwidth "
        "rule for all years (curves comparable); Markov transitions between classes relative "
        "to the yearly mean (<70 %, 70-90 %, 90-110 %, >110 %).",
    )
    if len(ctx.years) < 2:
        sec.items.append("Skipped: kernel-density dynamics and Markov chains need two or more years.")
        return
    data = ctx.data[[ctx.unit, "year", INDEX_COL, cfg.region]].set_index(ctx.unit)
    with ctx.progress.step("kernel density"):
        k = geohra.kde(data, INDEX_COL, time="year")
    sec.items.append(Table(ctx.key("kde_features"), "Kernel-density features by year", k.features))
    fig = charts.kde_curves(k.densities, title=_title(ctx, "Kernel density by year (national)"), lang=cfg.lang)
    _add_figure(sec, ctx, fig, "kde_curves", "Kernel-density curves by year")
    with ctx.progress.step("kernel density by region"):
        kr = geohra.kde(data, INDEX_COL, time="year", by=cfg.region)
    fig = charts.kde_curves(kr.densities, title=_title(ctx, "Kernel density by year and {region}", region=cfg.region), lang=cfg.lang)
    _add_figure(sec, ctx, fig, "kde_regions", f"Kernel-density curves by year, one panel per region ({cfg.region})")
    fig = charts.kde_surface(k.densities, title=_title(ctx, "Kernel density: year × value"), lang=cfg.lang)
    _add_figure(sec, ctx, fig, "kde_surface", "Three-dimensional kernel density (year × index × density)")
    with ctx.progress.step("Markov chain"):
        mk = geohra.markov(data, INDEX_COL, time="year", classes=[0.7, 0.9, 1.1], relative=True)
    sec.items.append(
        Table(
            ctx.key("markov"),
            "Markov transition probabilities (classes: share of the yearly mean)",
            mk.probabilities,
            note="Rows: class in year t; columns: class in year t+1. Rows never started from are empty.",
        )
    )
    sec.items.append(Table(ctx.key("markov_counts"), "Markov transition counts", mk.transitions))
    if ctx.weights_graph is not None:
        with ctx.progress.step("spatial Markov chain"):
            sm = geohra.markov(
                data, INDEX_COL, time="year", classes=[0.7, 0.9, 1.1], relative=True,
                graph=ctx.weights_graph,
            )
        blocks = pd.concat(sm.spatial, names=["neighbours' class"])
        sec.items.append(
            Table(
                ctx.key("spatial_markov"),
                "Spatial Markov: transition probabilities conditioned on the neighbours' class",
                blocks,
                note="The neighbours' class is the class of the spatial lag in year t (same cut-offs).",
            )
        )


def step_obstacle(report: Report, ctx: PanelContext) -> None:
    sec = report.section(
        f"{ctx.title}: obstacle degree",
        "O_ij = w_j (1 - z_ij) / Σ_j w_j (1 - z_ij) × 100 %: the share of each indicator in "
        "the unit's shortfall from the best values.",
    )
    last = ctx.years[-1]
    with ctx.progress.step("obstacle degree"):
        ob = geohra.obstacle_degree(ctx.entropy)  # per-year weights are taken from the result
    # rows of the panel -> (unit, year) labels
    rows = ctx.data.loc[ob.degrees.index]
    in_last = (rows["year"] == last).to_numpy()
    degrees = ob.degrees[in_last].set_axis(rows.loc[in_last, ctx.unit].to_numpy()).rename_axis(ctx.unit)
    if ctx.label_col:
        degrees.insert(0, "name", rows.loc[in_last, ctx.label_col].to_numpy())
    sec.items.append(Table(ctx.key("obstacle"), f"Obstacle degree (%) by indicator, {last}", degrees.round(3)))
    top = ob.top.reset_index()
    row = top.columns[0]
    top.insert(0, ctx.unit, ctx.data.loc[top[row], ctx.unit].to_numpy())
    if "year" not in top.columns:
        top.insert(1, "year", ctx.data.loc[top[row], "year"].to_numpy())
    top = top.drop(columns=row)
    top = top[top["year"] == last].set_index([ctx.unit, "year", "rank"])
    sec.items.append(Table(ctx.key("obstacle_top"), f"Main obstacle factors per unit, {last}", top))


def step_coupling(report: Report, ctx: PanelContext) -> None:
    from geohra.maps import static

    cfg = ctx.cfg
    if not cfg.coupling:
        return
    cols = [f"U_{s}" for s in cfg.coupling]
    sec = report.section(
        f"{ctx.title}: coupling coordination of {' and '.join(cfg.coupling)}",
        "Revised coupling degree (Wang Shujia et al. 2021): C = sqrt{[1 - Σ|U_i - U_j| / Σ m] · "
        "[Π (U_i / max U)]^(1/(n-1))}; T = equal-weight mean; D = sqrt(C·T); ten-level grades.",
    )
    with ctx.progress.step("coupling coordination"):
        res = geohra.coupling_coordination(ctx.data[cols], cols, method="revised")
    frame = res.to_frame() if hasattr(res, "to_frame") else res
    frame = frame.copy()
    frame.insert(0, "year", ctx.data["year"].to_numpy())
    frame.insert(0, ctx.unit, ctx.data[ctx.unit].to_numpy())
    sec.items.append(Table(ctx.key("coupling"), "Coupling degree C, development T, coordination D", frame.set_index([ctx.unit, "year"])))
    last = ctx.years[-1]
    import geopandas as gpd

    from geohra.coupling import GRADES

    pos = 1 if cfg.lang == "zh" else 0
    grade_col = "grade_zh" if cfg.lang == "zh" else "grade_en"
    order = [GRADES[level][pos] for level in sorted(GRADES)]
    gdf = gpd.GeoDataFrame(ctx.data.assign(grade=frame[grade_col].to_numpy()), geometry="geometry", crs=ctx.data.crs)
    gdf = gdf[gdf["year"] == last].set_index(ctx.unit)
    fig = static.grade_map(gdf, "grade", order=order, lang=cfg.lang, title=_title(ctx, "Coupling coordination grade, {year}", year=last))
    _add_figure(sec, ctx, fig, "coupling_map", f"Coupling coordination grades, {last}")


def step_data(report: Report, ctx: PanelContext) -> None:
    """The joined panel itself (boundary attributes + indicators), without geometry."""
    cfg = ctx.cfg
    sec = report.section(
        f"{ctx.title}: data",
        f"The panel joined to the boundaries: {ctx.data[ctx.unit].nunique()} units, "
        f"years {', '.join(map(str, ctx.years))}.",
    )
    keep = [c for c in (ctx.unit, "year", "name_zh", "name_en", cfg.region) if c and c in ctx.data.columns]
    keep += [c for c in cfg.columns + ([cfg.population] if cfg.population else []) if c not in keep]
    table = pd.DataFrame(ctx.data[keep]).set_index([ctx.unit, "year"]).sort_index()
    sec.items.append(Table(ctx.key("data"), "Joined panel (unit x year)", table))
    missing = table[cfg.columns].isna().sum()
    if missing.any():
        sec.items.append(f"Missing values per indicator: {missing[missing > 0].to_dict()}")


STEPS = (step_data, step_composite, step_classes, step_inequality, step_spatial, step_dynamics, step_obstacle, step_coupling)


def analyse_panel(report: Report, ctx: PanelContext) -> None:
    """Run every step for one panel."""
    ctx.years = tuple(sorted(int(y) for y in ctx.data["year"].unique()))
    for step in STEPS:
        step(report, ctx)


__all__ = ["PanelContext", "analyse_panel", "flatten_joined", "INDEX_COL"]
