"""The worker's operations: each calls geohra's public functions with the options QGIS sent.

An op takes the request's (Geo)DataFrame and its params and returns
``(layer, tables, style)``: per-feature results (a DataFrame indexed like the
request, or None), ``{output name: DataFrame}`` for the table outputs, and a
style spec for the layer output (see :mod:`geohra.qgis._styles`) or None.

A long panel (one feature per unit and year) arrives with a (unit, year) index;
every statistic that is defined on one cross-section runs once per year through
:func:`per_year` and its tables start with the year. This module never imports
qgis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from geohra.qgis import _styles

Progress = Callable[[int, int], None]


def _seed(params: dict) -> int | None:
    seed = params.get("seed")
    return None if seed is None else int(seed)


def per_year(
    func: Callable[..., Any],
    data: pd.DataFrame,
    params: dict,
    *args: Any,
    spatial: bool = False,
    **kwargs: Any,
) -> list[tuple[Any, Any]]:
    """``[(year, func(cross_section, *args, **kwargs))]`` through :func:`geohra.per_year` for
    a panel (``params["time"]`` names the year level of the index), else
    ``[(None, func(data, ...))]``. Spatial statistics get contiguity weights built from
    each year's polygons with the dialog's options; progress is reported per year."""
    import geohra

    call = _with_graph(func, params) if spatial else func
    time = params.get("time")
    if not time:
        return [(None, call(data, *args, **kwargs))]
    progress: Progress = params.get("progress") or (lambda done, total: None)
    total = data.index.get_level_values(time).nunique()
    done = [0]

    def step(part: Any, *a: Any, rng: Any = None, **kw: Any) -> Any:
        if rng is not None:  # per_year turns a seed into one Generator shared by the years
            kw["rng"] = rng
        res = call(part, *a, **kw)
        done[0] += 1
        progress(done[0], total)
        return res

    step.__name__ = getattr(func, "__name__", "statistic")
    return list(geohra.per_year(step, data, *args, time=time, unit=data.index.names[0], **kwargs))


def _with_graph(func: Callable[..., Any], params: dict) -> Callable[..., Any]:
    """``func`` with ``graph=`` contiguity weights of the data's polygons (dialog options),
    built once per distinct set of units and polygons."""
    import hashlib

    import shapely

    import geohra

    cache: dict = {}

    def run(part: Any, *args: Any, **kwargs: Any) -> Any:
        digest = hashlib.blake2b("\x1f".join(map(str, part.index)).encode("utf-8"), digest_size=16)
        for wkb in shapely.to_wkb(part.geometry.values):
            digest.update(wkb)
        key = digest.hexdigest()
        if key not in cache:
            cache[key] = geohra.spatial_weights(
                part,
                kind=params.get("contiguity", "queen"),
                islands=params.get("islands", "nearest"),
            )
        return func(part, *args, graph=cache[key], **kwargs)

    return run


def _stack(
    results: list, time: str | None, get: Callable[[Any], pd.DataFrame], *, keep_index: bool
) -> pd.DataFrame:
    """One table from per-year frames, the year as the first column."""
    frames = []
    for year, res in results:
        frame = get(res)
        frame = frame.reset_index() if keep_index else frame.reset_index(drop=True)
        if time:
            frame.insert(0, time, year)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _layer(results: list, time: str | None, get: Callable[[Any], pd.DataFrame]) -> pd.DataFrame:
    """Per-feature frames of all years, indexed (unit, year) like the request."""
    if not time:
        return get(results[0][1])
    frames = {year: get(res) for year, res in results}
    return pd.concat(frames, names=[time]).swaplevel(0, 1)


def op_entropy_index(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    res = geohra.entropy_weights(
        df,
        p["fields"],
        negative=p.get("negative", ()),
        scale=p.get("scale", 1.0),
        time=p.get("time"),
        pooled=bool(p.get("time")) and p.get("pooled", False),
    )
    layer = pd.DataFrame({"score": res.scores})
    if p.get("add_normalized"):
        layer = layer.join(res.normalized.add_suffix("_norm"))
    return layer, {"WEIGHTS": res.summary().reset_index()}, None


def op_natural_breaks(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    field, time = p["field"], p.get("time")
    options = {"scheme": p.get("scheme", "fisher_jenks"), "k": p.get("k", 5)}
    if time and p.get("pooled"):  # one set of breaks over all unit-years
        results = [(None, geohra.classify(df, field, **options))]
        time = None
    else:
        results = per_year(geohra.classify, df, p, field, **options)

    def breaks(res: Any) -> pd.DataFrame:
        out = res.summary().reset_index()
        out["gvf"] = res.gvf
        return out

    layer = _layer(results, time, lambda r: r.to_frame())
    if time:  # breaks differ between years: style the class numbers
        style = _styles.class_numbers("class", results[0][1].k)
    else:
        style = _styles.graduated(field, results[0][1])
    return layer, {"BREAKS": _stack(results, time, breaks, keep_index=False)}, style


def op_theil(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    results = per_year(
        geohra.theil,
        df,
        p,
        p["field"],
        population=p.get("population"),
        by=p["group"],
        index=p.get("index", "T"),
        base=p.get("base", "e"),
    )
    time = p.get("time")
    return (
        None,
        {
            "OUTPUT": _stack(results, time, lambda r: r.summary(), keep_index=False),
            "GROUPS": _stack(results, time, lambda r: r.groups, keep_index=True),
        },
        None,
    )


def op_dagum_gini(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    results = per_year(geohra.dagum_gini, df, p, p["field"], by=p["group"])
    time = p.get("time")
    return (
        None,
        {
            "OUTPUT": _stack(results, time, lambda r: r.summary(), keep_index=False),
            "PAIRS": _stack(results, time, lambda r: r.between_groups, keep_index=False),
            "GROUPS": _stack(results, time, lambda r: r.group_table, keep_index=True),
        },
        None,
    )


def _spatial(func: Callable[..., Any], gdf: Any, p: dict, **options: Any) -> list:
    return per_year(
        func,
        gdf,
        p,
        p["field"],
        spatial=True,
        permutations=p.get("permutations", 999),
        rng=_seed(p),
        **options,
    )


def op_spatial_gini(gdf: Any, p: dict) -> tuple:
    import geohra

    results = _spatial(geohra.spatial_gini, gdf, p)
    return (
        None,
        {"OUTPUT": _stack(results, p.get("time"), lambda r: r.summary(), keep_index=False)},
        None,
    )


def op_moran(gdf: Any, p: dict) -> tuple:
    import geohra

    results = _spatial(geohra.moran, gdf, p)
    return (
        None,
        {"OUTPUT": _stack(results, p.get("time"), lambda r: r.summary(), keep_index=False)},
        None,
    )


def op_local_moran(gdf: Any, p: dict) -> tuple:
    import geohra

    results = _spatial(
        geohra.local_moran,
        gdf,
        p,
        significance=p.get("significance", 0.05),
        fdr=p.get("fdr", False),
    )
    time = p.get("time")
    layer = _layer(results, time, lambda r: r.to_frame())
    summary = _stack(results, time, lambda r: r.summary(), keep_index=False)
    return layer, {"SUMMARY": summary}, _styles.lisa("cluster")


def op_getis_ord(gdf: Any, p: dict) -> tuple:
    import geohra

    results = _spatial(
        geohra.getis_ord,
        gdf,
        p,
        star=True,
        significance=p.get("significance", 0.05),
        inference=p.get("inference", "analytic"),
        fdr=p.get("fdr", False),
    )
    time = p.get("time")
    layer = _layer(results, time, lambda r: r.to_frame())
    summary = _stack(results, time, lambda r: r.summary(), keep_index=False)
    return layer, {"SUMMARY": summary}, _styles.hot_spots("spot")


def op_coupling_coordination(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    res = geohra.coupling_coordination(df, p["fields"], method=p.get("method", "revised"))
    return res.to_frame(), {}, _styles.coupling_levels("level")


def op_obstacle_degree(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    ew = geohra.entropy_weights(
        df,
        p["fields"],
        negative=p.get("negative", ()),
        time=p.get("time"),
        pooled=bool(p.get("time")) and p.get("pooled", False),
    )
    res = geohra.obstacle_degree(ew, top=p.get("top", 3))
    return None, {"OUTPUT": res.to_frame().reset_index(), "TOP": res.top.reset_index()}, None


# op name -> (function, needs geometry)
OPS: dict[str, tuple[Callable[[Any, dict], tuple], bool]] = {
    "entropy_index": (op_entropy_index, False),
    "natural_breaks": (op_natural_breaks, False),
    "theil": (op_theil, False),
    "dagum_gini": (op_dagum_gini, False),
    "spatial_gini": (op_spatial_gini, True),
    "moran": (op_moran, True),
    "local_moran": (op_local_moran, True),
    "getis_ord": (op_getis_ord, True),
    "coupling_coordination": (op_coupling_coordination, False),
    "obstacle_degree": (op_obstacle_degree, False),
}
