"""Real demo datasets shipped with geohra, with their provenance and caveats.

Four published tables of China's 31 provinces, copied byte-identical from the sources
listed in ``geohra/data/SOURCES.md`` (shipped with the package; :func:`sources_text`
returns it). Nothing was invented, interpolated or corrected. The data problems noted
there are real and are surfaced, not hidden:

- ``gp-2012-2017``: the published GP-share columns for 2013 and 2014 are identical for
  every province (a copy error in the article): :func:`load_demo` warns
  (:class:`geohra.io.panel.DataQualityWarning`) and keeps the values as published.
- ``nbs-1998-1999``: Xinjiang's 1998 health values are missing (30 provinces report) and
  Hainan's 1998 hospital beds are left out as impossible: the loader warns naming them.

Every loaded panel carries ``attrs["source"]``, ``attrs["doi"]``, ``attrs["units"]``
(column -> unit) and ``attrs["caveats"]``; :func:`demo_sources` lists all four.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

__all__ = [
    "DEMO_DATASETS",
    "DEMOS",
    "DemoDataset",
    "demo_sources",
    "health_2013_totals",
    "load_demo",
    "sources_text",
]


@dataclass(frozen=True)
class DemoDataset:
    """One shipped table: file, citation, years, column units and caveats."""

    name: str
    file: str
    title: str
    source: str
    doi: str
    years: tuple[int, ...]
    units: dict[str, str] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()


_PER_10K_POP = "per 10,000 population"

DEMOS: dict[str, DemoDataset] = {
    d.name: d
    for d in (
        DemoDataset(
            name="health-2013",
            file="china_health_2013.csv",
            title="Health resources of China's 31 provinces, 2013 (per capita and per area)",
            source=(
                "National equity of health resource allocation in China: data from 2009 to 2013. "
                "International Journal for Equity in Health (2016), Table 2 (per capita) and Table 3 "
                "(per area)."
            ),
            doi="10.1186/s12939-016-0357-1",
            years=(2013,),
            units={
                "population_10k": "10,000 persons",
                "area_10k_km2": "10,000 km2",
                "health_care_institutions_per_10k_pop": _PER_10K_POP,
                "health_technical_personnel_per_10k_pop": _PER_10K_POP,
                "beds_health_care_institutions_per_10k_pop": _PER_10K_POP,
                "health_investment_per_10k_pop": "money unit not printed (consistent with "
                "100 million yuan) per 10,000 population",
                "health_care_institutions_per_10k_km2": "10,000 per 10,000 km2 (= per km2), see caveats",
                "health_technical_personnel_per_10k_km2": "10,000 per 10,000 km2 (= per km2), see caveats",
                "beds_health_care_institutions_per_10k_km2": "10,000 per 10,000 km2 (= per km2), see caveats",
                "health_investment_per_10k_km2": "money unit not printed per 10,000 km2",
            },
            caveats=(
                "The published Table 2 prints 'Shanxi' twice and no Shaanxi; the row with population "
                "3764 is Shaanxi and the row with 3630 is Shanxi (the only assignment for which "
                "Table 2 x population / area reproduces Table 3 for all 31 provinces).",
                "The per-area values of institutions, personnel and beds are in 10,000 per "
                "10,000 km2, i.e. per km2 (per-10k-population value x population_10k / "
                "area_10k_km2 is 10,000 times the printed per-area value); health investment "
                "per area is in the money unit per 10,000 km2.",
                "Health investment's money unit is not printed (consistent with 100 million yuan).",
                "Values are rounded to 2 decimals as published, so totals derived from them "
                "(health_2013_totals) are approximate.",
            ),
        ),
        DemoDataset(
            name="gp-2012-2017",
            file="china_gp_2012_2017.csv",
            title="General practitioners in China's 31 provinces, 2012-2017",
            source=(
                "Trend and equity of general practitioners' allocation in China based on the data "
                "from 2012-2017. Human Resources for Health (2021), Table 5 and Table 6."
            ),
            doi="10.1186/s12960-021-00561-8",
            years=(2012, 2013, 2014, 2015, 2016, 2017),
            units={
                "gp_share_of_practising_assistant_physicians_pct": "% of practising (assistant) physicians who are general practitioners",
                "gp_registration_rate_pct": "GP registration rate, %",
            },
            caveats=(
                "In the published Table 5 the 2013 and 2014 columns (GP share) are identical for "
                "every province and aggregate - almost certainly a copy error in the article, so "
                "one of those two years of gp_share_of_practising_assistant_physicians_pct is "
                "unreliable. Kept as published; Table 6 (registration rate) has no such duplication.",
            ),
        ),
        DemoDataset(
            name="physicians-2018",
            file="china_physicians_2018.csv",
            title="Physicians in China's 31 provinces, end of 2018",
            source=(
                "Equity analysis of Chinese physician allocation based on Gini coefficient and Theil "
                "index. BMC Health Services Research (2021), Table 1 (data from the China Health "
                "Statistics Yearbook 2019)."
            ),
            doi="10.1186/s12913-021-06348-w",
            years=(2018,),
            units={
                "population_10k": "10,000 persons (the table's label '×10³' is wrong)",
                "area_km2": "km2 (the table's label '×10³ M2' is wrong)",
                "physicians_total": "persons",
                "physicians_per_1000_pop": "per 1,000 population",
                "physicians_per_km2": "per km2",
            },
            caveats=(
                "The table mislabels population (values are 10,000 persons: total / population "
                "reproduces the per-1,000 column for all 31 provinces) and area (values are km2).",
                "Physicians appear to be licensed (assistant) physicians; the table does not say.",
            ),
        ),
        DemoDataset(
            name="nbs-1998-1999",
            file="china_nbs_1998_1999.csv",
            title="Health institutions, beds and personnel, China Statistical Yearbooks 1999 and 2000",
            source=(
                "National Bureau of Statistics, China Statistical Yearbook 1999 table 21-16 (data "
                "year 1998) and China Statistical Yearbook 2000 table 21-17 (1999); year-end "
                "population from the same yearbooks."
            ),
            doi="",
            years=(1998, 1999),
            units={
                "health_institutions": "units",
                "hospitals": "units",
                "beds_health_institutions": "10,000 beds",
                "beds_hospitals": "10,000 beds",
                "health_personnel_total": "10,000 persons",
                "health_technical_personnel": "10,000 persons",
                "doctors": "10,000 persons",
                "physicians": "10,000 persons",
                "nurses_senior_junior": "10,000 persons",
                "population_yearend": "10,000 persons",
            },
            caveats=(
                "1998: Xinjiang's health values are missing (the source page was cut after Ningxia); "
                "30 provinces report them.",
                "1998: Hainan's hospital beds are missing on purpose: the page prints 32.1 (x10,000) "
                "hospital beds against 2.1 total beds, a part larger than its whole.",
                "1998 has institutions, hospitals, beds, hospital beds, personnel, technical personnel "
                "and doctors; 1999 has personnel, technical personnel, doctors, physicians and "
                "senior and junior nurses. Other cells are empty (not reported).",
                "Before 2001 the yearbook counted 'doctors' and 'senior and junior nurses', the "
                "predecessors of licensed (assistant) doctors and registered nurses; 1998 "
                "'hospitals' include township health centres.",
            ),
        ),
    )
}

# The registry under the name the report package uses ([data].builtin in a config).
DEMO_DATASETS = DEMOS


def _get(name: str) -> DemoDataset:
    if not isinstance(name, str) or name not in DEMOS:
        close = difflib.get_close_matches(str(name), list(DEMOS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"load_demo: unknown demo dataset {name!r}; expected one of {list(DEMOS)}.{hint}"
        )
    return DEMOS[name]


def load_demo(name: str) -> pd.DataFrame:
    """Load a shipped real dataset as the tidy long panel (see :func:`geohra.read_panel`).

    Parameters
    ----------
    name
        ``"health-2013"``, ``"gp-2012-2017"``, ``"physicians-2018"`` or ``"nbs-1998-1999"``
        (:func:`demo_sources` describes them).

    Returns
    -------
    pandas.DataFrame
        Columns ``adcode``, ``year``, indicators (float64), one row per province and year
        (31 provinces). ``attrs``: ``source`` (citation), ``doi``, ``title``, ``file``,
        ``units`` (column -> unit), ``caveats`` (tuple of str).

    Warns
    -----
    DataQualityWarning
        The real problems of the published tables: identical GP-share years 2013/2014
        (gp-2012-2017); Xinjiang's missing 1998 values and Hainan's excluded 1998 hospital
        beds (nbs-1998-1999).
    """
    from geohra.io.panel import read_panel

    demo = _get(name)
    path = resources.files("geohra") / "data" / demo.file
    with resources.as_file(path) as p:
        panel = read_panel(p, unit="province", year="year")
    panel.attrs.update(
        source=demo.source,
        doi=demo.doi,
        title=demo.title,
        file=demo.file,
        units=dict(demo.units),
        caveats=demo.caveats,
    )
    return panel


def demo_sources() -> pd.DataFrame:
    """The shipped datasets: one row per name with title, file, years, source, doi, caveats."""
    rows = [
        {
            "name": d.name,
            "title": d.title,
            "file": d.file,
            "years": ", ".join(map(str, d.years)),
            "source": d.source,
            "doi": d.doi,
            "caveats": " ".join(d.caveats),
        }
        for d in DEMOS.values()
    ]
    return pd.DataFrame(rows).set_index("name")


def sources_text() -> str:
    """The full provenance record shipped next to the data (``geohra/data/SOURCES.md``)."""
    return (resources.files("geohra") / "data" / "SOURCES.md").read_text(encoding="utf-8")


def health_2013_totals() -> pd.DataFrame:
    """Resource totals of 2013 derived from the per-capita values and population.

    total = per-10,000-population value x population / 10,000, with population in persons
    (population_10k x 10,000), i.e. ``value_per_10k_pop * population_10k``.

    Returns
    -------
    pandas.DataFrame
        ``adcode``, ``year``, ``population_10k``, ``area_10k_km2`` and the totals
        ``health_care_institutions``, ``health_technical_personnel`` (persons),
        ``beds_health_care_institutions`` (beds) and ``health_investment`` (the table's
        money unit). Approximate: the published per-capita values have 2 decimals, so a
        total is uncertain by up to 0.005 x population_10k (e.g. +/- 30 beds for Anhui).
        ``attrs`` as for :func:`load_demo`, with the formula in ``attrs["derived"]``.
    """
    from geohra.io.panel import totals_from_rates

    panel = load_demo("health-2013")
    resources_ = (
        "health_care_institutions",
        "health_technical_personnel",
        "beds_health_care_institutions",
        "health_investment",
    )
    mapping = {f"{r}_per_10k_pop": r for r in resources_}
    out = totals_from_rates(
        panel, mapping, population="population_10k", per=10_000, population_unit=10_000
    )
    out = out[["adcode", "year", "population_10k", "area_10k_km2", *resources_]].copy()
    out.attrs = dict(panel.attrs)
    out.attrs["units"] = {
        "population_10k": "10,000 persons",
        "area_10k_km2": "10,000 km2",
        "health_care_institutions": "institutions",
        "health_technical_personnel": "persons",
        "beds_health_care_institutions": "beds",
        "health_investment": "money unit not printed (consistent with 100 million yuan)",
    }
    out.attrs["derived"] = (
        "total = <resource>_per_10k_pop * population_10k (population in 10,000 persons)"
    )
    return out
