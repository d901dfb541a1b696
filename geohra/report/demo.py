"""``geohra demo``: the full results section on the built-in real data.

Four real datasets ship with geohra (see ``geohra/data/SOURCES.md``):

1. health resources 2013 (31 provinces): entropy composite index of population-based and
   area-based allocation, their coupling coordination, Theil / Dagum by region,
   Moran / LISA, obstacle factors;
2. general practitioners 2012-2017 (a six-year panel): composite index by year, shared
   natural breaks for 2012 and 2017, Theil / Dagum / Moran by year, kernel-density
   dynamics and Markov transitions;
3. physicians 2018: population-weighted Gini and Theil, agglomeration degrees, spatial Gini;
4. the statistics bureau's 1998-1999 tables: beds and doctors per 1,000 people, with the
   real gaps of those tables (Xinjiang missing in 1998) reported, not hidden.

``build_demo(out, lang="zh")`` writes all of it in Chinese (titles, texts, table headers,
region and province names, units of measure, captions, figures, web maps, caveats, progress
lines) with the words of :mod:`geohra.report.i18n`; ``lang="en"`` (the default) in English.
The indicators are shown by the labels and units of the datasets
(:class:`geohra.io.datasets.DemoDataset`), never by their column names.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geohra
from geohra.io.datasets import DEMOS
from geohra.report import _demo_sections, i18n
from geohra.report.config import Indicator, ReportConfig
from geohra.report.document import Progress, Report, Table
from geohra.report.pipeline import PanelContext, analyse_panel, flatten_joined

LANGS = ("en", "zh")
_RESOURCES = (
    "health_care_institutions",
    "health_technical_personnel",
    "beds_health_care_institutions",
    "health_investment",
)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"geohra demo: lang must be 'en' or 'zh', got {lang!r}.")


def demo_configs(lang: str = "en") -> tuple[ReportConfig, ReportConfig]:
    """The two panels of the demo (health resources 2013, GPs 2012-2017) in ``lang``: titles,
    indicator labels and subsystem names in that language."""
    _check_lang(lang)
    health, gp = DEMOS["health-2013"], DEMOS["gp-2012-2017"]
    pop, area = i18n.tr("demo_population", lang), i18n.tr("demo_area", lang)

    def ind(ds, col, subsystem=None):
        return Indicator(col, "positive", subsystem, ds.text("labels", lang)[col])

    health_cfg = ReportConfig(
        title=i18n.tr("demo_health", lang),
        lang=lang,
        builtin="health-2013",
        indicators=tuple(
            [ind(health, f"{r}_per_10k_pop", pop) for r in _RESOURCES]
            + [ind(health, f"{r}_per_10k_km2", area) for r in _RESOURCES]
        ),
        population="population_10k",
        per_capita=tuple(f"{r}_per_10k_pop" for r in _RESOURCES[:3]),
        coupling=(pop, area),
        labels=tuple(health.text("labels", lang).items()),
    )
    gp_cfg = ReportConfig(
        title=i18n.tr("demo_gp", lang),
        lang=lang,
        builtin="gp-2012-2017",
        indicators=(
            ind(gp, "gp_registration_rate_pct"),
            ind(gp, "gp_share_of_practising_assistant_physicians_pct"),
        ),
        map_years=(2012, 2017),
    )
    return health_cfg, gp_cfg


HEALTH_2013, GP_PANEL = demo_configs("en")


class _PanelProgress:
    """The progress lines of one panel, each led by the panel's title (two panels, same steps)."""

    def __init__(self, progress: Progress, title: str) -> None:
        self.progress, self.title = progress, title

    def step(self, label: str):
        return self.progress.step(f"{self.title}{i18n.colon(self.progress.lang)}{label}")


def _panel_context(name: str, cfg: ReportConfig, boundaries, out: Path, progress, caught: list):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        panel = geohra.load_demo(cfg.builtin)
        joined = geohra.join(boundaries, panel)
    caught.extend((cfg.builtin, x.message) for x in w)
    data, unit = flatten_joined(joined)
    ds = DEMOS[cfg.builtin]
    return PanelContext(
        name,
        cfg.title,
        data,
        cfg,
        out,
        _PanelProgress(progress, cfg.title),
        unit=unit,
        label_col="short_zh" if cfg.lang == "zh" else "name_en",
        units=dict(ds.text("units", cfg.lang)),
        prefix=True,
    )


def build_demo(out: Path, *, lang: str = "en", quiet: bool = False) -> list[Path]:
    """Write the demo report into ``out`` in ``lang`` ("en" | "zh"); returns the files written."""
    _check_lang(lang)
    progress = Progress(quiet=quiet, lang=lang)
    caught: list = []
    report = Report(
        i18n.tr("demo_title", lang),
        intro=i18n.tr("demo_intro", lang, version=geohra.__version__),
        lang=lang,
    )
    with progress.step(i18n.tr("demo_boundaries", lang)):
        boundaries = geohra.load_boundaries("china-provinces")
    appendices = []
    for name, cfg in zip(("health2013", "gp"), demo_configs(lang), strict=True):
        ctx = _panel_context(name, cfg, boundaries, out, progress, caught)
        first = len(report.sections)
        analyse_panel(report, ctx)
        appendices += _take_appendix(report, first, cfg.title)
    _demo_sections.physicians(report, boundaries, out, progress)
    _demo_sections.nbs_1998(report, boundaries, progress, caught)
    _demo_sections.provenance(report, caught, boundaries)
    report.sections += appendices  # the panels' appendices close the report
    return report.write(out)


def _take_appendix(report: Report, first: int, title: str) -> list:
    """Remove the appendix section of the panel whose sections start at ``first``, retitled."""
    taken = [
        s
        for s in report.sections[first:]
        if any(isinstance(it, Table) and it.appendix for it in s.items)
    ]
    for s in taken:
        report.sections.remove(s)
        s.title = i18n.tr("demo_appendix", report.lang, title=title)
    return taken


__all__ = ["build_demo", "demo_configs", "HEALTH_2013", "GP_PANEL"]
