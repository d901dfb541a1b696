"""One way to run a cross-section statistic on every year of a long panel.

:func:`per_year` is the only per-year mechanism of geohra: the library, the report and
the QGIS worker all use it. It splits a long panel (unit x year) by year, indexes each
year by its units, builds spatial weights once per distinct set of geometries (the
boundaries rarely change between years), runs the statistic, and keeps every year's
result, so both the summary table and the per-unit columns come back.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import resolve_rng, resolve_values
from geohra._result import Result

__all__ = ["per_year", "PerYearResult"]


@dataclass(frozen=True, repr=False)
class PerYearResult(Result):
    """Results of one statistic for each year of a panel (from :func:`per_year`).

    Attributes
    ----------
    time : str
        Name of the year column.
    statistic : str
        Name of the function that was run.
    results : dict
        Year -> that year's result object (``res[2017]`` works too).
    rows : dict
        Year -> {unit id: the panel's row label}, so per-unit results map back onto the
        panel's rows.
    """

    time: str
    statistic: str
    results: dict
    rows: dict = field(repr=False)
    row_name: Any = field(default=None, repr=False)  # the panel's index name (flat index)

    def __getitem__(self, year: Any) -> Any:
        return self.results[year]

    def __iter__(self):
        return iter(self.results.items())

    def __len__(self) -> int:
        return len(self.results)

    @property
    def years(self) -> list:
        return list(self.results)

    def summary(self) -> pd.DataFrame:
        """The year in the first column, then each year's ``summary()`` rows.

        A meaningful summary index (indicator names, class numbers, group labels) is kept
        as a column; a plain 0..n-1 index is dropped. Scalar results (a float) go in a
        column named after the statistic.
        """
        frames = []
        for year, res in self.results.items():
            if hasattr(res, "summary"):
                frame = res.summary()
            else:
                frame = pd.DataFrame({self.statistic: [res]})
            if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
                frame = frame.reset_index(drop=True)
            elif frame.index.name == "measure" and len(frame) == 1:
                frame = frame.reset_index(drop=True)
            else:
                frame = frame.reset_index()
            frame.insert(0, self.time, year)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """Per-unit results of every year, indexed by the panel's own row labels (so
        ``panel.join(res.to_frame())`` works); one row per year for one-row results."""
        frames = []
        for year, res in self.results.items():
            frame = res.to_frame()
            if len(frame) == 1 and not frame.index.isin(list(self.rows[year])).any():
                frame = frame.reset_index(drop=True)
                frame.index = pd.Index([year], name=self.time)
            else:
                frame = frame.rename(index=self.rows[year]).rename_axis(self.row_name)
                frame.insert(0, self.time, year)
            frames.append(frame)
        return pd.concat(frames)

    def _repr_parts(self) -> list[str]:
        years = self.years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0]) if years else "none"
        return [self.statistic, f"{len(years)} years ({span})"]


def _accepts(func: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    return name in params


def _default(func: Callable[..., Any], name: str, fallback: Any) -> Any:
    param = inspect.signature(func).parameters.get(name)
    if param is None or param.default is inspect.Parameter.empty:
        return fallback
    return param.default


def _geometry_key(part: Any) -> str:
    """A key for one year's set of units and shapes: weights are rebuilt only when it changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\x1f".join(map(str, part.index)).encode("utf-8"))
    import shapely

    for wkb in shapely.to_wkb(np.asarray(part.geometry.values)):
        digest.update(wkb if wkb is not None else b"-")
    return digest.hexdigest()


def per_year(
    func: Callable[..., Any],
    data: pd.DataFrame,
    *args: Any,
    time: str = "year",
    unit: str | None = None,
    **kwargs: Any,
) -> PerYearResult:
    """Run a cross-section statistic once per year of a long panel.

    ``per_year(geohra.theil, panel, "beds", population="pop", by="region3")``.

    Parameters
    ----------
    func : callable
        A geohra statistic (or any function ``func(data, *args, **kwargs)``).
    data : DataFrame or GeoDataFrame
        A long panel: one row per unit and year.
    time : str
        The year column (or index level).
    unit : str, optional
        The column (or index level) of unit ids; each year is indexed by it, so the
        statistic aligns its inputs on units. Default: ``"adcode"`` when the data has
        that column, otherwise the data's index.
    **kwargs
        Passed to ``func`` for every year. For a statistic with spatial weights
        (``graph=``) that is not given, queen-contiguity weights are built from the
        geometries once per distinct set of units and shapes, and shared by the years
        that have it. ``rng`` (an int or a Generator) is turned into one Generator
        shared by all years, so the years get different but reproducible draws.

    Returns
    -------
    PerYearResult
        ``.summary()`` (year + each year's summary rows), ``.to_frame()`` (per-unit
        results indexed by the panel's rows), ``res[year]`` (one year's result).
    """
    name = getattr(func, "__name__", "statistic")
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"per_year: data must be a long DataFrame (one row per unit and year); got "
            f"{type(data).__name__}."
        )
    years = resolve_values(data, time, name=f"per_year({name}): time")
    if years.isna().any():
        rows = list(data.index[years.isna().to_numpy()][:5])
        raise ValueError(
            f"per_year({name}): the time column {time!r} is missing for rows {rows}. "
            "Every row of a panel needs its year."
        )
    if unit is None and "adcode" in data.columns:
        unit = "adcode"
    ids = (
        resolve_values(data, unit, name=f"per_year({name}): unit")
        if unit is not None
        else pd.Series(data.index, index=data.index)
    )
    if "rng" in kwargs and _accepts(func, "rng"):
        kwargs["rng"] = resolve_rng(kwargs["rng"])
    build_graph = (
        _accepts(func, "graph") and kwargs.get("graph") is None and hasattr(data, "geometry")
    )
    transform = kwargs.get("transform", _default(func, "transform", "r"))
    graphs: dict[str, Any] = {}
    drop = [c for c in (time, unit) if isinstance(c, str) and c in data.columns]
    results: dict = {}
    rows: dict = {}
    for year in pd.unique(years.to_numpy()):
        if pd.isna(year):  # pragma: no cover - rejected above
            continue
        mask = (years == year).to_numpy()
        part = data.loc[mask]
        unit_ids = pd.Index(ids.to_numpy()[mask], name=unit)
        if unit_ids.has_duplicates:
            dup = unit_ids[unit_ids.duplicated()].unique()[:5].tolist()
            raise ValueError(
                f"per_year({name}): units {dup} appear more than once in {time} {year}; "
                "a panel has one row per unit and year."
            )
        rows[year] = dict(zip(unit_ids, part.index, strict=True))
        part = part.drop(columns=drop).set_axis(unit_ids, axis=0)
        call = dict(kwargs)
        if build_graph:
            key = _geometry_key(part)
            if key not in graphs:
                from geohra.spatial.weights import _LiteGraph

                graphs[key] = _LiteGraph.build(part, transform, stacklevel=3)
            call["graph"] = graphs[key]
        results[year] = func(part, *args, **call)
    order = sorted(results, key=lambda y: (str(type(y)), y))
    return PerYearResult(
        time=str(time),
        statistic=name,
        results={y: results[y] for y in order},
        rows={y: rows[y] for y in order},
        row_name=data.index.name if data.index.nlevels == 1 else None,
    )
