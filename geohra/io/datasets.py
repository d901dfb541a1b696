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

from geohra.io._datasets_text import (
    _GP,
    _LABELS_2013,
    _LABELS_2013_ZH,
    _NBS,
    _PHYSICIANS,
    _UNITS_2013,
    _UNITS_2013_ZH,
)

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
    """One shipped table: file, citation, years, column units, labels and caveats.

    ``units``, ``labels`` and ``caveats`` are in English; the ``*_zh`` fields say the same
    in Chinese (a report in Chinese shows those). ``labels`` are display names of the columns.
    """

    name: str
    file: str
    title: str
    source: str
    doi: str
    years: tuple[int, ...]
    units: dict[str, str] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    title_zh: str = ""
    source_zh: str = ""
    units_zh: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    labels_zh: dict[str, str] = field(default_factory=dict)
    caveats_zh: tuple[str, ...] = ()

    def text(self, what: str, lang: str = "en"):
        """``title``, ``source``, ``units``, ``labels`` or ``caveats`` in ``lang`` ("en" | "zh")."""
        if what not in ("title", "source", "units", "labels", "caveats"):
            raise ValueError(
                f"DemoDataset.text: {what!r} is not one of title, source, units, labels, caveats."
            )
        if lang not in ("en", "zh"):
            raise ValueError(f"DemoDataset.text: lang must be 'en' or 'zh', got {lang!r}.")
        return getattr(self, f"{what}_zh" if lang == "zh" else what)


DEMOS: dict[str, DemoDataset] = {
    d.name: d
    for d in (
        DemoDataset(
            name="health-2013",
            file="china_health_2013.csv",
            title="Health resources of China's 31 provinces, 2013 (per capita and per area)",
            title_zh="2013年中国31个省份卫生资源（按人口与按面积）",
            source=(
                "National equity of health resource allocation in China: data from 2009 to 2013. "
                "International Journal for Equity in Health (2016), Table 2 (per capita) and Table 3 "
                "(per area)."
            ),
            source_zh=(
                "“National equity of health resource allocation in China: data from 2009 to 2013”，"
                "International Journal for Equity in Health，2016年，表2（按人口）与表3（按面积）。"
            ),
            doi="10.1186/s12939-016-0357-1",
            years=(2013,),
            units=_UNITS_2013,
            units_zh=_UNITS_2013_ZH,
            labels=_LABELS_2013,
            labels_zh=_LABELS_2013_ZH,
            caveats=(
                "The published Table 2 prints 'Shanxi' twice and no Shaanxi; the row with population "
                "3764 is Shaanxi and the row with 3630 is Shanxi (the only assignment for which "
                "Table 2 x population / area reproduces Table 3 for all 31 provinces).",
                "The per-area values of institutions, personnel and beds are printed as 10,000 per "
                "10,000 km2, i.e. per km2 (the per-10,000-population value x population (10,000) / "
                "area (10,000 km2) is 10,000 times the printed per-area value); health investment "
                "per area is in the money unit per 10,000 km2.",
                "Health investment's money unit is not printed (consistent with 100 million yuan).",
                "Values are rounded to 2 decimals as published, so resource totals derived from "
                "them are approximate.",
            ),
            caveats_zh=(
                "原文表2两次出现“Shanxi”而无“Shaanxi”：人口为3764的一行是陕西，3630的一行是山西"
                "（只有这样，表2数值×人口÷面积才能在全部31个省份重现表3）。",
                "医疗卫生机构、卫生技术人员和床位的按面积数值原表以“万/万平方公里”列出，即每平方公里数"
                "（每万人口数值×人口（万人）÷面积（万平方公里）是所列按面积数值的10000倍）；"
                "卫生投入按面积数值的单位为货币单位/万平方公里。",
                "原表未注明卫生投入的货币单位（与亿元相符）。",
                "数值按原文保留2位小数，由此推算的资源总量为近似值。",
            ),
        ),
        DemoDataset(
            name="gp-2012-2017",
            file="china_gp_2012_2017.csv",
            title="General practitioners in China's 31 provinces, 2012-2017",
            title_zh="2012—2017年中国31个省份全科医生",
            source=(
                "Trend and equity of general practitioners' allocation in China based on the data "
                "from 2012-2017. Human Resources for Health (2021), Table 5 and Table 6."
            ),
            source_zh=(
                "“Trend and equity of general practitioners' allocation in China based on the data "
                "from 2012-2017”，Human Resources for Health，2021年，表5与表6。"
            ),
            doi="10.1186/s12960-021-00561-8",
            years=(2012, 2013, 2014, 2015, 2016, 2017),
            units={k: v[0] for k, v in _GP.items()},
            units_zh={k: v[0] for k, v in _GP.items()},
            labels={k: v[1] for k, v in _GP.items()},
            labels_zh={k: v[2] for k, v in _GP.items()},
            caveats=(
                "In the published Table 5 the 2013 and 2014 columns (GP share) are identical for "
                "every province and aggregate - almost certainly a copy error in the article, so "
                "one of those two years of the GP share of practising (assistant) physicians is "
                "unreliable. Kept as published; Table 6 (registration rate) has no such duplication.",
            ),
            caveats_zh=(
                "原文表5中2013年与2014年两列（全科医生占执业（助理）医师比例）在每个省份及合计行上完全相同，"
                "几乎可以肯定是原文的誊录错误，因此这两年中有一年的数值不可靠。按原文保留；"
                "表6（注册率）没有这一重复。",
            ),
        ),
        DemoDataset(
            name="physicians-2018",
            file="china_physicians_2018.csv",
            title="Physicians in China's 31 provinces, end of 2018",
            title_zh="2018年末中国31个省份执业（助理）医师",
            source=(
                "Equity analysis of Chinese physician allocation based on Gini coefficient and Theil "
                "index. BMC Health Services Research (2021), Table 1 (data from the China Health "
                "Statistics Yearbook 2019)."
            ),
            source_zh=(
                "“Equity analysis of Chinese physician allocation based on Gini coefficient and Theil "
                "index”，BMC Health Services Research，2021年，表1（数据来自《中国卫生健康统计年鉴2019》）。"
            ),
            doi="10.1186/s12913-021-06348-w",
            years=(2018,),
            units={k: v[0] for k, v in _PHYSICIANS.items()},
            units_zh={k: v[1] for k, v in _PHYSICIANS.items()},
            labels={k: v[2] for k, v in _PHYSICIANS.items()},
            labels_zh={k: v[3] for k, v in _PHYSICIANS.items()},
            caveats=(
                "The table mislabels population (values are 10,000 persons: total / population "
                "reproduces the per-1,000 column for all 31 provinces) and area (values are km2).",
                "The table does not say which physicians it counts; their sum, 3,607,156, matches the "
                "3.607 million licensed (assistant) physicians at the end of 2018 in the National "
                "Health Commission's Statistical Bulletin on the Development of Health in China, 2018.",
            ),
            caveats_zh=(
                "原表人口与面积的单位标注有误：人口实为万人（医师总数÷人口可在全部31个省份重现每千人口列），"
                "面积实为平方公里。",
                "原表未说明所计医师的口径；各省合计3607156人，与《2018年我国卫生健康事业发展统计公报》（国家卫生健康委员会）所载2018年末全国执业（助理）医师数（360.7万人）一致。",
            ),
        ),
        DemoDataset(
            name="nbs-1998-1999",
            file="china_nbs_1998_1999.csv",
            title="Health institutions, beds and personnel, China Statistical Yearbooks 1999 and 2000",
            title_zh="卫生机构、床位和人员（《中国统计年鉴》1999年与2000年）",
            source=(
                "National Bureau of Statistics, China Statistical Yearbook 1999 table 21-16 (data "
                "year 1998) and China Statistical Yearbook 2000 table 21-17 (1999); year-end "
                "population from the same yearbooks."
            ),
            source_zh=(
                "国家统计局《中国统计年鉴1999》表21-16（1998年数据）与《中国统计年鉴2000》表21-17"
                "（1999年数据）；年末人口取自同年年鉴。"
            ),
            doi="",
            years=(1998, 1999),
            units={k: v[0] for k, v in _NBS.items()},
            units_zh={k: v[1] for k, v in _NBS.items()},
            labels={k: v[2] for k, v in _NBS.items()},
            labels_zh={k: v[3] for k, v in _NBS.items()},
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
            caveats_zh=(
                "1998年：新疆的卫生数据缺失（来源页面在宁夏之后截断），30个省份有数据。",
                "1998年：海南的医院床位数有意留空：页面所列医院床位32.1万张，而床位总数仅2.1万张，"
                "部分大于整体。",
                "1998年有卫生机构、医院、床位、医院床位、卫生人员、卫生技术人员和医生；1999年有卫生人员、"
                "卫生技术人员、医生、医师和护师、护士。其余单元格为空（未报告）。",
                "2001年以前年鉴统计的是“医生”和“护师、护士”，即执业（助理）医师和注册护士的前身；"
                "1998年的“医院”包括乡镇卫生院。",
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
        ``units`` (column -> unit), ``caveats`` (tuple of str); in Chinese ``units_zh`` and
        ``caveats_zh``; display names of the columns ``labels`` and ``labels_zh``.

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
        units_zh=dict(demo.units_zh),
        labels=dict(demo.labels),
        labels_zh=dict(demo.labels_zh),
        caveats_zh=demo.caveats_zh,
    )
    return panel


def demo_sources(lang: str = "en") -> pd.DataFrame:
    """The shipped datasets: one row per name with title, file, years, source, doi, caveats.

    ``lang="zh"`` gives the titles, sources and caveats in Chinese (article titles stay as
    published).
    """
    rows = [
        {
            "name": d.name,
            "title": d.text("title", lang),
            "file": d.file,
            "years": ("、" if lang == "zh" else ", ").join(map(str, d.years)),
            "source": d.text("source", lang),
            "doi": d.doi,
            "caveats": ("" if lang == "zh" else " ").join(d.text("caveats", lang)),
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
