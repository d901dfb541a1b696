"""``geohra init``: a commented starter config for one of the two study designs, written from
the data files the user points at.

- ``regional``: regional differences in health-resource allocation - entropy index, natural
  breaks maps of the first and last year, population-weighted Theil (base-10 logs) by region
  with within-region Theil by year and between-region Theil per pair of regions, kernel density
  of selected years.
- ``coupling``: coupling coordination of two subsystems - entropy weights per subsystem,
  coupling coordination degree D, obstacle degree per subsystem, Dagum Gini of D by region.

Both end with a commented-out ``[convergence]`` table (σ- and β-convergence, spatial models):
removing one ``# `` from each of its lines turns it on.

Indicator names, units, totals and the population column are read from the files; every key
gets a comment saying what it does. The user then edits the file (directions, subsystems).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

DESIGNS = ("regional", "coupling")
_POPULATION = re.compile(r"人口|population", re.I)
_FACTOR = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}


def _q(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _read(paths: list[Path]):
    import geohra

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return geohra.read_nbs([str(p) for p in paths]), "nbs"
        except ValueError as nbs_error:
            try:
                frames = [geohra.read_panel(p) for p in paths]
            except ValueError:
                raise nbs_error from None
    out = frames[0]
    for f in frames[1:]:
        out = out.merge(f, on=["adcode", "year"], how="outer")
    return out, "panel"


def _per(total_unit: str | None, pop_unit: str | None) -> float:
    """``per`` so that total / population x per is per 1,000 people."""
    t = _FACTOR.get((total_unit or " ")[0], 1.0)
    p = _FACTOR.get((pop_unit or " ")[0], 1.0)
    return 1000.0 * t / p


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def template(
    design: str, data: list[str | Path], config_path: str | Path, *, lang: str = "zh"
) -> str:
    """The text of a starter config for ``design`` ("regional" or "coupling")."""
    from geohra.report.prepare import _RATE_WORDS, looks_like_total

    if design not in DESIGNS:
        raise ValueError(f"geohra init: design must be one of {list(DESIGNS)}; got {design!r}.")
    if lang not in ("zh", "en"):
        raise ValueError(f"geohra init: lang must be 'zh' or 'en'; got {lang!r}.")
    paths = [Path(p) for p in data]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"geohra init: data file(s) not found: {missing}.")
    panel, fmt = _read(paths)
    units = dict(panel.attrs.get("units") or {})
    columns = [c for c in panel.columns if c not in ("adcode", "year")]
    # the population: a column named like one (人口, population) that is not a rate (每千人口 ...)
    population = next(
        (c for c in columns if _POPULATION.search(c) and not _RATE_WORDS.search(c)), None
    )
    totals = [c for c in columns if c != population and looks_like_total(c, units.get(c))]
    years = sorted(int(y) for y in panel["year"].unique())
    base = Path(config_path).parent
    lines = _header(design, lang, fmt, [_relative(p, base) for p in paths], years)
    # a total whose rate is already in the data needs no derived rate (and must not shadow it)
    given = [t for t in totals if {_rate_name(t, "zh"), _rate_name(t, "en")} & set(columns)]
    derived = [t for t in totals if t not in given] if population else []
    lines += _rates(derived, population, units, lang)
    indicators = [c for c in columns if c != population and c not in totals]
    indicators += [_rate_name(t, lang) for t in derived]
    left = [t for t in totals if t not in derived]
    lines += _indicators(design, indicators, left, units, lang)
    lines += _analysis(design, population, years, lang)
    return "\n".join(lines) + "\n"


def _rate_name(total: str, lang: str) -> str:
    return f"每千人口{total}" if lang == "zh" else f"{total}_per_1000"


def _header(design, lang, fmt, rel, years) -> list[str]:
    title = {
        ("regional", "zh"): "卫生资源配置的区域差异",
        ("regional", "en"): "Regional differences in health-resource allocation",
        ("coupling", "zh"): "医疗保障与医疗资源的耦合协调",
        ("coupling", "en"): "Coupling coordination of medical security and medical resources",
    }[design, lang]
    what = {
        "regional": "entropy index -> natural-breaks maps of the first and last year -> population-weighted Theil (base-10 logs) by region, within-region Theil by year, between-region Theil per pair of regions -> kernel density of selected years",
        "coupling": "entropy weights per subsystem -> coupling coordination degree D -> obstacle degree per subsystem -> Dagum Gini of D by region",
    }[design]
    return [
        f"# geohra report config - study design '{design}': {what}.",
        "# Written by `geohra init`; edit it, then run:  geohra report THIS_FILE --out results",
        "# Every key is explained in the comment above it; keys left out take their defaults.",
        "",
        f"title = {_q(title)}",
        '# the language of the whole report (headings, tables, figures, workbook, Word file): "zh" or "en"',
        f"lang = {_q(lang)}",
        "",
        "[data]",
        '# the data files, relative to this config\'s folder; glob patterns such as "exports/*.csv" work',
        f"path = [{', '.join(_q(p) for p in rel)}]",
        '# "nbs": statistics-bureau exports (分省年度数据, one indicator per file); "panel": an ordinary table',
        f"format = {_q(fmt)}",
        '# a missing value stops the report, naming the unit and year ("raise"); "omit" leaves those units out',
        'nan_policy = "raise"',
        "",
        "[boundaries]",
        '# "china-provinces", "china-counties" (county panels) or a vector file of your own (with id_col)',
        'source = "china-provinces"',
        "",
    ] + ([f"# years in the data: {years[0]}-{years[-1]}"] if years else [])


def _rates(totals, population, units, lang) -> list[str]:
    if not totals and population:
        return []
    out = [
        "",
        "# Totals (counts, amounts) rank large provinces high: these rates divide them by the population.",
        "# rate = total / population x per (per is set from the units so that the rate is per 1,000 people).",
    ]
    if not population:
        out.append(
            "# No population column was found in the files: add its file to [data].path, then define rates here."
        )
        return out
    for t in totals:
        per = _per(units.get(t), units.get(population))
        base = (units.get(t) or "").lstrip("万亿千百") or "?"
        unit = f"{base}/千人" if lang == "zh" else "per 1,000 people"
        out += [
            f"[rates.{_q(_rate_name(t, lang))}]",
            f"total = {_q(t)}",
            f"population = {_q(population)}",
            f"per = {per:g}  # {units.get(t) or '?'} / {units.get(population) or '?'} x {per:g}",
            f"unit = {_q(unit)}  # the unit of measure shown in the report",
            "",
        ]
    return out


def _indicators(design, names, totals_left, units, lang) -> list[str]:
    out = [
        "",
        "[indicators]",
        '# direction: "positive" (more is better) or "negative"; label: the name shown in the report',
    ]
    if design == "coupling":
        subs = ("医疗保障", "医疗资源") if lang == "zh" else ("security", "resources")
        out.append(
            f"# subsystem: assign every indicator to {_q(subs[0])} or {_q(subs[1])} (the split below is a guess)"
        )
        half = (len(names) + 1) // 2
        for i, n in enumerate(names):
            out.append(
                f'{_q(n)} = {{ direction = "positive", subsystem = {_q(subs[0] if i < half else subs[1])} }}'
            )
    else:
        out += [f'{_q(n)} = "positive"' for n in names]
    for t in totals_left:
        out.append(f'# {_q(t)} = "positive"  # a total ({units.get(t)}): use a rate instead')
    return out


def _analysis(design, population, years, lang) -> list[str]:
    pop = f"population = {_q(population)}" if population else '# population = "<population column>"'
    mid = years[len(years) // 2] if years else None
    kde_years = sorted({years[0], mid, years[-1]}) if years else []
    out = [
        "",
        "[analysis]",
        "# region scheme: region3 (东部/中部/西部), region3_1986, region4 (+东北), region8 (八大综合经济区)",
        'region = "region3"',
        "# population column: population-weighted Theil",
        pop,
        '# what Theil, Dagum, Moran, kernel density and the maps describe: "index" (composite), "D", "U:<subsystem>"',
        f"target = {_q('D' if design == 'coupling' else 'index')}",
        "# true: one entropy weight set over all years (the index compares across years); false: weights per year",
        "pooled = true",
    ]
    if design == "coupling":
        subs = ("医疗保障", "医疗资源") if lang == "zh" else ("security", "resources")
        out += [
            "# the subsystems to couple (names used in [indicators])",
            f"coupling = [{_q(subs[0])}, {_q(subs[1])}]",
            '# coupling degree C: "revised" (Wang et al. 2021), "traditional", or "power":',
            "# C = {U1U2/[(U1+U2)/2]^2}^k with the exponent coupling_k (> 0, e.g. 2 or 0.5)",
            '# coupling_method = "revised"',
            "# coupling_k = 2",
        ]
    out += [
        "# permutations for Moran's I and LISA, bootstrap resamples, random seed, significance level",
        "permutations = 999",
        "n_resamples = 999",
        "seed = 2024",
        "significance = 0.05",
        "",
        *_index(),
    ]
    if design == "regional":
        out += [
            "[theil]",
            '# population-weighted Theil (needs [analysis].population) and the log base: "e", 10 or 2',
            f"population_weighted = {'true' if population else 'false'}",
            "base = 10",
            "# between-region Theil for every pair of regions",
            "pairs = true",
            "",
        ]
    else:
        out += [
            "[obstacle]",
            "# obstacle degree per indicator and per subsystem",
            'by = ["indicator", "subsystem"]',
            "",
            "[dagum]",
            "# Dagum Gini of the coordination degree D by region",
            'target = "D"',
            "",
        ]
    names = (
        ["低密度区", "较低密度区", "较高密度区", "高密度区"]
        if lang == "zh"
        else ["low", "lower-middle", "upper-middle", "high"]
    )
    out += [
        "[maps]",
        "# the years mapped (default: first and last), the classification and the number of classes",
        f"years = [{', '.join(map(str, sorted({years[0], years[-1]})))}]"
        if years
        else "# years = [2011, 2020]",
        'scheme = "fisher_jenks"',
        "k = 4",
        '# "shared": one set of breaks for all mapped years (colours compare); "per_year": breaks per year',
        'breaks = "shared"',
        "# one name per class, lowest first",
        f"class_names = [{', '.join(_q(n) for n in names)}]",
        "# maps per row",
        "columns = 2",
        "# the note printed under every map, e.g. the standard base map's review number",
        '# source_note = "审图号：GS(2019)1822号"',
        '# class labels: "range" (2.88 – 4.55), "interval" ([2.88, 4.55], (4.55, 6.63]),',
        '# "arcgis" (2.875 - 4.551, 4.552 - 6.632) or "arcgis_tilde" (2.875~4.551, 4.552~6.632)',
        '# label_style = "range"',
        "",
        "[moran]",
        '# local Moran I_i = c z_i lag_i / Σz²: c = "n-1" (PySAL) or "n" (R spdep\'s default)',
        '# lisa_scale = "n-1"',
        "# units without neighbours (islands such as Hainan) are joined to their nearest",
        '# neighbour; "include" or "exclude" keeps them as islands, counted or not in the',
        "# local Moran's mean, variance and n (spdep adjust.x = FALSE / TRUE); Moran's I and",
        "# LISA only: the spatial Markov chain and the spatial models still join them",
        '# islands = "include"',
        "",
        "[kde]",
        "# the years drawn as kernel-density curves",
        f"years = [{', '.join(map(str, kde_years))}]",
        '# kernel: "gaussian", "epanechnikov" (Stata\'s default), "biweight", "triangular", "uniform"',
        '# kernel = "gaussian"',
        '# what h means for the other kernels: "sd" (R, MATLAB, Stata epanechnikov) or "support"',
        "# (the half-width: Stata epan2, biweight, triangle, rectangle)",
        '# kernel_scale = "sd"',
        '# bandwidth rule: "silverman", "scott", "silverman_robust", "stata", "nrd0" (R\'s default),',
        '# "nrd", "matlab", "sj", "sj_dpi" (R bw.SJ); or one number h for every curve',
        '# bandwidth = "silverman"',
    ]
    return out + _convergence(population)


def _index() -> list[str]:
    """The [index] table with every key commented out (the defaults)."""
    return [
        "[index]",
        "# the entropy-weight variant, to match a published study (defaults shown):",
        '# normalize: "minmax", "shifted_minmax" (z = low + (high - low)·minmax, low < high <= 1),',
        '# "proportion" (p = x/Σx on the raw values), "zscore" (with ddof 0 or 1 and shift > 0),',
        '# "vector" (x/√Σx²) or "max" (x/max); proportion and vector take positive indicators only',
        '# normalize = "minmax"',
        "# low = 0.01",
        "# high = 1.0",
        "# ddof = 1",
        '# the index: "normalized" (Σ w z), "shifted" (Σ w (z + shift)), "proportion" (Σ w p)',
        '# or "raw" (Σ w x); shift is added to z before p = (z + shift)/Σ(z + shift)',
        '# score = "normalized"',
        "# shift = 0.0",
        "# multiplier of the composite index (subsystem indices U stay on 0-1)",
        "# scale = 100",
        "",
    ]


def _convergence(population: str | None) -> list[str]:
    """A commented-out [convergence] block: remove one '# ' from each line to turn it on."""
    example = _q(population) if population else '"<column>"'
    return [
        "",
        "# Convergence (remove one '# ' from each line below to add the section to the report)",
        "# [convergence]",
        "# # what is tested: [analysis].target unless set here (index, D or U:<subsystem>)",
        '# # target = "index"',
        '# # σ-convergence measures by year: "cv" (coefficient of variation), "sd_log" (sd of ln y),',
        '# # "gini", "theil"; [] for none',
        '# sigma = ["cv", "gini", "theil"]',
        '# # β-convergence: "absolute", "conditional" (with controls) or "none"',
        '# beta = "absolute"',
        '# # conditioning variables (columns of the data) for beta = "conditional"',
        f"# # controls = [{example}]",
        '# # spatial β-convergence with the queen-contiguity weights: any of "lag", "error", '
        '"durbin"; [] for none',
        '# spatial = ["lag", "error", "durbin"]',
        '# # fixed effects: "twoway" (unit and year), "unit", "time" or "none" (spatial models:',
        '# # twoway or unit); standard errors: "cluster" (by unit), "robust" or "unadjusted"',
        '# effects = "twoway"',
        '# cov_type = "cluster"',
        "# # simulated parameter draws for the standard errors of the spatial effects (0: none)",
        "# impact_draws = 1000",
    ]


def write_template(
    design: str, data: list[str | Path], out: str | Path, *, lang: str = "zh", force: bool = False
) -> Path:
    """Write the starter config to ``out``; never over a data file, over another file only with ``force``."""
    out = Path(out)
    if any(out.resolve() == Path(p).resolve() for p in data):
        raise ValueError(
            f"geohra init: {str(out)!r} is one of the data files; choose another --out."
        )
    if out.exists() and not force:
        raise FileExistsError(
            f"geohra init: {str(out)!r} already exists; choose another --out or pass --force."
        )
    text = template(design, data, out, lang=lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
