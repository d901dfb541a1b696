"""The results section for one indicator panel, step by step.

Each step calls geohra's public functions and adds findings (sentences computed from the
numbers), tables and figures to a :class:`~geohra.report.document.Report`, in the report's
language. Steps that a panel cannot support (kernel-density dynamics with a single year)
say why instead of being silently left out.

The panel is a long GeoDataFrame with a unit column, a ``year`` column, the indicator
columns, the region-scheme column and geometry (what ``geohra.join`` returns, flattened by
:func:`flatten_joined`).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geohra.report import i18n
from geohra.report.config import ReportConfig
from geohra.report.document import Figure, Progress, Report

INDEX_COL = "composite_index"
D_COL = "coordination_D"


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
    graph: object = None
    label_col: str | None = None
    entropy: object = None
    units: dict = field(default_factory=dict)  # indicator -> unit of measure
    omitted: list = field(default_factory=list)
    totals: list = field(default_factory=list)
    prefix: bool = False  # headings start with the panel title (several panels in one report)
    subsystem_weights: dict = field(default_factory=dict)
    appendix: list = field(default_factory=list)  # per-unit tables for the appendix
    left_out: pd.DataFrame | None = None  # units left out by nan_policy = "omit" (for maps)

    @property
    def lang(self) -> str:
        return "zh" if self.cfg.lang == "zh" else "en"

    def t(self, key: str, **fields) -> str:
        return i18n.tr(key, self.lang, **fields)

    def key(self, what: str) -> str:
        return f"{self.name}_{what}"

    def heading(self, key: str) -> str:
        text = self.t(key)
        return f"{self.title}{i18n.colon(self.lang)}{text}" if self.prefix else text

    def with_left_out(self, frame: pd.DataFrame, *, years=None) -> pd.DataFrame:
        """``frame`` plus the units left out by nan_policy = "omit" (values missing), so maps
        draw them hatched as "No data" rather than leaving a hole. ``frame`` is long (with a
        year column) unless ``years`` is a single year, then indexed by unit."""
        extra = self.left_out
        if extra is None or len(extra) == 0:
            return frame
        keep = [c for c in extra.columns if c in (self.unit, "year", "geometry", self.label_col)]
        keep += [
            c for c in ("name_zh", "short_zh", "name_en") if c in extra.columns and c not in keep
        ]
        extra = extra[keep]
        if "year" in frame.columns:
            extra = extra[extra["year"].isin(set(frame["year"]))]
            if self.unit not in frame.columns:  # indexed by unit
                extra = extra.set_index(self.unit)
        else:
            year = years
            extra = extra[extra["year"] == year].set_index(self.unit)
            extra = extra.drop(columns=[c for c in ("year",) if c not in frame.columns])
        merged = pd.concat([frame, extra[[c for c in extra.columns if c in frame.columns]]])
        if hasattr(frame, "geometry"):
            import geopandas as gpd

            merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=frame.crs)
        return merged

    def cross_section(self, year: int) -> pd.DataFrame:
        part = self.data[self.data["year"] == year]
        return part.set_index(self.unit)

    def names(self, units) -> list[str]:
        """Display names of unit ids."""
        if not self.label_col:
            return [str(u) for u in units]
        table = self.data.drop_duplicates(self.unit).set_index(self.unit)[self.label_col]
        return [str(table.get(u, u)) for u in units]

    def indicator_label(self, name: str, *, unit: bool = True) -> str:
        """A column's display name ([labels] or the indicator's label), with its unit of measure
        (left out when the name already says it)."""
        ind = next((i for i in self.cfg.indicators if i.name == name), None)
        text = ind.label if ind and ind.label else dict(self.cfg.labels).get(name, name)
        # the parts of the unit that the name does not say already: "Beds per 1,000
        # population", not "Beds per 1,000 population (per 1,000 population)"
        parts = [p for p in re.split(r"\s*[;；]\s*", self.unit_of(name)) if p and p not in text]
        u = ("；" if self.lang == "zh" else "; ").join(parts)
        if unit and u:
            text += f"（{u}）" if self.lang == "zh" else f" ({u})"
        return text

    def unit_of(self, name: str) -> str:
        """The unit of measure of a column in the report's language ('' if unknown)."""
        return i18n.measure(self.units.get(name) or "", self.lang)

    def column(self, target: str) -> str:
        if target == "index":
            return INDEX_COL
        if target == "D":
            return D_COL
        return "U_" + target[2:]

    def target_label(self, target: str) -> str:
        if target.startswith("U:"):
            return self.t("t_U", name=target[2:])
        return self.t(f"t_{target}")

    def target_name(self, target: str) -> str:
        """The target as an axis or legend title (capitalised, no article)."""
        if target.startswith("U:"):
            return self.t("tn_U", name=target[2:])
        return self.t(f"tn_{target}")

    def region_labels(self) -> pd.Series:
        """The region column as localised, canonically ordered categories."""
        scheme = self.cfg.region
        order = i18n.region_order(scheme, self.data[scheme].dropna().unique())
        labels = [i18n.region(r, self.lang) for r in order]
        # each distinct name localised once (a county panel has 57,000 rows, 31 names)
        codes, names = pd.factorize(self.data[scheme], use_na_sentinel=False)
        local = np.array([i18n.region(r, self.lang) for r in names], dtype=object)
        return pd.Categorical(local[codes], categories=labels, ordered=True)

    @property
    def map_years(self) -> tuple[int, ...]:
        if self.cfg.map_years:
            missing = [y for y in self.cfg.map_years if y not in self.years]
            if missing:
                raise ValueError(
                    f"config: [maps].years {missing} are not in the panel; its years are {list(self.years)}."
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


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)


def add_figure(sec, ctx: PanelContext, fig, stem: str, caption: str) -> None:
    """Save ``fig`` as figures/<panel>_<stem>.png and reference it in the section."""
    rel = f"figures/{ctx.key(stem)}.png"
    path = ctx.out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(fig, path)
    sec.items.append(Figure(rel, caption))


def map_kwargs(func, ctx: PanelContext) -> dict:
    """Options every static map of the report gets: language and the map-source note."""
    kw = {"lang": ctx.lang}
    if ctx.cfg.source_note and "source_note" in inspect.signature(func).parameters:
        kw["source_note"] = ctx.cfg.source_note
    return kw


def note_on_figure(fig, ctx: PanelContext, func) -> None:
    """Draw the map-source note under the figure when the map function cannot."""
    if ctx.cfg.source_note and "source_note" not in inspect.signature(func).parameters:
        from geohra.maps._style import font_props

        note = ctx.cfg.source_note
        fig.text(
            0.01,
            0.005,
            note,
            ha="left",
            va="bottom",
            fontproperties=font_props("zh" if _has_cjk(note) else "en", 8),
        )


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def analyse_panel(report: Report, ctx: PanelContext) -> None:
    """Run every step for one panel, in the order of a paper's results section."""
    from geohra.report import (
        steps_convergence,
        steps_data,
        steps_dynamics,
        steps_index,
        steps_maps,
        steps_spatial,
        steps_stats,
    )

    ctx.years = tuple(sorted(int(y) for y in ctx.data["year"].unique()))
    steps_data.step_data(report, ctx)
    steps_index.step_composite(report, ctx)
    steps_index.step_coupling(report, ctx)
    steps_maps.step_maps(report, ctx)
    steps_stats.step_inequality(report, ctx)
    steps_spatial.step_spatial(report, ctx)
    steps_dynamics.step_dynamics(report, ctx)
    steps_convergence.step_convergence(report, ctx)
    steps_index.step_obstacle(report, ctx)
    steps_data.step_appendix(report, ctx)


__all__ = ["PanelContext", "analyse_panel", "flatten_joined", "INDEX_COL", "D_COL", "add_figure"]
