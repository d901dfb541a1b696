"""From a config to the analysed panel: read the files, derive rates from totals, join the
boundaries, attach the region scheme, and apply ``nan_policy`` with messages that name the
unit and the year of every missing value."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

import geohra
from geohra.report.config import ConfigError, ReportConfig

# units of measure (as the statistics bureau prints them) that mark a count or an amount
_TOTAL_UNITS = re.compile(
    r"^((万|亿|千|百)?(个|张|人|所|家|床|台|元|次|人次|辆|名|座|户|件)"
    r"|((10,000|100 million|1,000) )?(units|beds|persons|people|institutions|yuan|visits))$",
    re.I,
)
# words that mark a rate, a ratio or an average
_RATE_WORDS = re.compile(
    r"每|人均|率|比|密度|占|平均|指数|per|rate|ratio|share|density|average|index|%", re.I
)


class TotalIndicatorWarning(UserWarning):
    """An indicator in the index looks like a total (totals rank large provinces high)."""


@dataclass
class Prepared:
    data: pd.DataFrame  # flattened long GeoDataFrame
    unit: str
    label_col: str | None
    units: dict = field(default_factory=dict)  # indicator -> unit of measure
    omitted: list = field(default_factory=list)  # (name, year, indicator) left out
    totals: list = field(default_factory=list)  # (indicator, unit) that look like totals
    # rows of the units left out by nan_policy = "omit": kept for the maps, which show them
    # as "No data" (hatched) instead of leaving a hole in the country
    left_out: pd.DataFrame | None = None


def read_config_data(cfg: ReportConfig, boundaries=None) -> pd.DataFrame:
    """Read the panel named by a config (built-in dataset, panel file(s) or NBS exports)."""
    if cfg.builtin:
        panel = geohra.load_demo(cfg.builtin)
        if cfg.lang == "zh":  # the units of measure in the report's language
            panel.attrs["units"] = dict(panel.attrs["units_zh"])
        return panel
    if cfg.data_format == "nbs":
        return geohra.read_nbs([str(p) for p in cfg.paths], encoding=cfg.encoding)
    match = True if cfg.boundaries == "china-provinces" or boundaries is None else boundaries
    frames = [
        geohra.read_panel(
            p, unit=cfg.unit, year=cfg.year, encoding=cfg.encoding, sheet=cfg.sheet, match=match
        )
        for p in cfg.paths
    ]
    units: dict = {}
    for f in frames:
        units.update(f.attrs.get("units") or {})
    out = frames[0]
    key = [c for c in ("adcode", "unit", "year") if c in out.columns]
    for f in frames[1:]:
        out = out.merge(f, on=key, how="outer", validate="one_to_one")
    out.attrs["units"] = units
    return out


def add_rates(panel: pd.DataFrame, cfg: ReportConfig) -> pd.DataFrame:
    """``rate = total / population x per`` for every [rates] entry (a missing input gives NaN)."""
    units = dict(panel.attrs.get("units") or {})
    for r in cfg.rates:
        for col in (r.total, r.population):
            if col not in panel.columns:
                raise ConfigError(
                    f"config: [rates].{r.name} uses column {col!r}, which is not in the data; "
                    f"data columns: {[c for c in panel.columns if c not in ('adcode', 'year')]}."
                )
        if r.name in panel.columns:
            raise ConfigError(
                f"config: [rates].{r.name} would replace the data column {r.name!r}; choose another name."
            )
        pop = panel[r.population]
        if (pop <= 0).any():
            raise ConfigError(
                f"config: [rates].{r.name}: population column {r.population!r} has values <= 0."
            )
        panel[r.name] = panel[r.total] / pop * r.per
        units[r.name] = r.unit or ""
    panel.attrs["units"] = units
    return panel


def looks_like_total(name: str, unit: str | None) -> bool:
    if _RATE_WORDS.search(name) or (unit and _RATE_WORDS.search(unit)):
        return False
    return bool(unit and _TOTAL_UNITS.match(unit.strip()))


def _region_column(data: pd.DataFrame, scheme: str | None) -> None:
    """Attach a built-in region scheme (e.g. region8) that the boundaries do not carry."""
    if not scheme or scheme in data.columns:
        return
    table = geohra.province_table()
    if scheme not in table.columns or not scheme.startswith("region"):
        raise ConfigError(
            f"config: [analysis].region = {scheme!r} is neither a column of the boundaries nor a "
            f"built-in scheme; use region3, region3_1986, region4, region8 or one of "
            f"{[c for c in data.columns if c not in ('geometry', 'year')][:12]}."
        )
    codes = (
        data["province_adcode"]
        if "province_adcode" in data.columns
        else data["adcode"].astype(str).str[:2] + "0000"
    )
    data[scheme] = codes.map(table[scheme]).to_numpy()


def _checked_columns(cfg: ReportConfig) -> list[str]:
    """The columns whose missing values ``nan_policy`` handles: indicators, population, controls."""
    controls = list(cfg.convergence.controls) if cfg.convergence else []
    return cfg.columns + ([cfg.population] if cfg.population else []) + controls


def _apply_nan_policy(data: pd.DataFrame, cfg: ReportConfig, unit: str, label: str | None) -> list:
    cols = list(dict.fromkeys(_checked_columns(cfg)))
    missing = data[cols].isna()
    if not missing.any().any():
        return []
    rows = missing.any(axis=1)
    names = data[label] if label else data[unit]
    found = [
        (str(names[i]), int(data.at[i, "year"]), c)
        for i in data.index[rows]
        for c in cols
        if missing.at[i, c]
    ]
    listed = "; ".join(f"{n} {y}: {c}" for n, y, c in found[:20]) + (
        " ..." if len(found) > 20 else ""
    )
    if cfg.nan_policy == "raise":
        raise ConfigError(
            f"the data have {len(found)} missing value(s): {listed}. Fill them in the source, or set "
            'nan_policy = "omit" in the [data] table of the config to leave those units out of the '
            "whole panel (every year, so the panel stays balanced)."
        )
    return found


def prepare(cfg: ReportConfig, boundaries) -> Prepared:
    """Read, derive, join and check the panel of a config."""
    from geohra.report.pipeline import flatten_joined

    panel = add_rates(read_config_data(cfg, boundaries), cfg)
    units = dict(panel.attrs.get("units") or {})
    needed = cfg.columns + ([cfg.population] if cfg.population else [])
    controls = list(cfg.convergence.controls) if cfg.convergence else []
    if any(c not in panel.columns for c in controls):
        raise ConfigError(
            f"config: [convergence].controls {[c for c in controls if c not in panel.columns]} "
            f"are not columns of the data; data columns: "
            f"{[c for c in panel.columns if c not in ('adcode', 'year')]}."
        )
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise ConfigError(
            f"config: indicator/population column(s) {missing} are not in the data; "
            f"data columns: {[c for c in panel.columns if c not in ('adcode', 'year')]}."
        )
    totals = [(c, units.get(c)) for c in cfg.columns if looks_like_total(c, units.get(c))]
    if cfg.population:  # without units: an indicator that moves with the population is a total
        corr = panel[cfg.columns].corrwith(panel[cfg.population])
        totals += [
            (c, units.get(c) or "?")
            for c in cfg.columns
            if corr.get(c, 0) >= 0.9 and c not in dict(totals)
        ]
    for c, u in totals:
        warnings.warn(
            f"indicator {c!r} (unit {u!r}) looks like a total, not a rate: totals rank large provinces "
            "high. Define a rate in the config, e.g. [rates.<name>] total = ..., population = ..., per = 1000.",
            TotalIndicatorWarning,
            stacklevel=2,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # units without data are handled by nan_policy below
        joined = geohra.join(boundaries, panel)
    data, unit = flatten_joined(joined)
    # units absent from every file are outside the study (a one-province county panel); a unit
    # absent in some years stays, with missing values that nan_policy names below
    studied = set(panel["adcode"])
    data = data[data[unit].isin(studied)].reset_index(drop=True)
    _region_column(data, cfg.region)
    label = _label_column(data, cfg.lang)
    omitted = _apply_nan_policy(data, cfg, unit, label)
    if omitted:
        bad = set(
            data.loc[
                data[list(dict.fromkeys(_checked_columns(cfg)))].isna().any(axis=1),
                unit,
            ]
        )
        left_out = data[data[unit].isin(bad)].reset_index(drop=True)
        data = data[~data[unit].isin(bad)].reset_index(drop=True)
        return Prepared(data, unit, label, units, omitted, totals, left_out)
    return Prepared(data, unit, label, units, omitted, totals)


def _label_column(data: pd.DataFrame, lang: str) -> str | None:
    order = ("short_zh", "name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return next((c for c in order if c in data.columns), None)
