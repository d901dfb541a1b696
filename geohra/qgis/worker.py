"""The out-of-process runner behind the QGIS Processing algorithms.

``python -m geohra.qgis.worker REQUEST.json RESPONSE.json``

The QGIS side (``geohra_qgis`` plugin, which imports only qgis and the standard
library) writes REQUEST.json::

    {"op": "moran",                      # one of OPS
     "index": [...], "index_name": "fid", # unit labels, unique, in feature order
     "columns": {"beds": [...], ...},     # attribute values, null for NULL
     "numeric": ["beds", ...],            # the columns QGIS knows are numeric
     "geometry": ["<WKB hex>", ...] | null,
     "crs": "EPSG:4326" | "<WKT>" | null,
     "params": {...}}                      # the op's options

and this module answers in RESPONSE.json with ``{"ok": true, "layer": TABLE|null,
"tables": {name: TABLE}, "warnings": [...], "geohra_version": ...}`` where a
TABLE is ``{"columns": [...], "types": [...], "rows": [[...], ...]}`` and a layer
table has one row per request unit in request order. On failure the answer is
``{"ok": false, "message": "<geohra's own error text>", "traceback": ...}``:
the message is what QGIS shows, the traceback goes to the log only.

Every op calls geohra's PUBLIC functions with the options it was given, so the
numbers in QGIS are the library's numbers. This module never imports qgis: it
runs in a plain Python process, away from QGIS's copies of GEOS/GDAL/PROJ.
"""

from __future__ import annotations

import json
import math
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

Table = dict[str, Any]


# --------------------------------------------------------------------------- data in/out
def build_frame(request: dict) -> pd.DataFrame:
    """The request's attributes (and geometry, if sent) as a (Geo)DataFrame indexed by unit."""
    name = request.get("index_name") or "fid"
    time = request.get("time")
    if time:  # a long panel: (unit, year) labels
        index = pd.MultiIndex.from_tuples([tuple(x) for x in request["index"]], names=[name, time])
    else:
        index = pd.Index(request["index"], name=name)
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()[:5].tolist()
        what = f"unit ID field {name!r}" + (f" with year field {time!r}" if time else "")
        raise ValueError(
            f"the {what} has duplicate values {dup}; each feature needs its own "
            + ("(unit, year) pair." if time else "value (leave the ID field empty to use feature ids; "
               "for a panel with one feature per unit and year, also choose the year field).")
        )
    numeric = set(request.get("numeric", ()))
    data = {}
    for name, values in request.get("columns", {}).items():
        # Fields QGIS declared numeric become float64 (None -> NaN); others (group labels,
        # ids) keep their values as sent, so a group coded 1, 2, 3 is not relabelled 1.0 ...
        s = pd.Series(values, index=index, dtype=object, name=name)
        if name in numeric:
            s = s.astype("float64")
        data[name] = s
    frame = pd.DataFrame(data, index=index)
    if request.get("geometry") is None:
        return frame
    import geopandas as gpd
    import shapely

    geoms = shapely.from_wkb([None if g is None else bytes.fromhex(g) for g in request["geometry"]])
    return gpd.GeoDataFrame(frame, geometry=list(geoms), crs=request.get("crs"), index=index)


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return str(value)


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_numeric_dtype(s):
        return "double"
    return "string"


def _name(col: Any) -> str:
    if isinstance(col, tuple):
        return "_".join(str(c) for c in col if c is not None and str(c) != "")
    return str(col)


def table(frame: pd.DataFrame | pd.Series, *, keep_index: bool = True) -> Table:
    """A DataFrame as a JSON table; the index becomes leading column(s) when ``keep_index``."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=frame.name if frame.name is not None else "value")
    if keep_index:
        names = [n if n is not None else ("index" if frame.index.nlevels == 1 else f"level_{i}")
                 for i, n in enumerate(frame.index.names)]
        frame = frame.rename_axis(names).reset_index()
    cols = [_name(c) for c in frame.columns]
    kinds = [_kind(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": cols, "types": kinds, "rows": rows}


def layer_table(frame: pd.DataFrame, index: pd.Index) -> Table:
    """Per-unit results in request order; units the library left out get nulls."""
    missing = [x for x in frame.index if x not in set(index)]
    if missing:
        raise RuntimeError(f"internal: result rows {missing[:5]} are not input units")
    return table(frame.reindex(index), keep_index=False)


# --------------------------------------------------------------------------- ops
def _seed(params: dict) -> int | None:
    seed = params.get("seed")
    return None if seed is None else int(seed)


def _per_year(func: Callable, df: pd.DataFrame, p: dict, *args: Any, **kwargs: Any) -> list:
    """[(year, result)] for a panel (``p["time"]`` names the year level), else [(None, result)]."""
    time = p.get("time")
    if not time:
        return [(None, func(df, *args, **kwargs))]
    return [(year, func(part.droplevel(time), *args, **kwargs)) for year, part in df.groupby(level=time, sort=True)]


def _stack(results: list, time: str | None, get: Callable[[Any], pd.DataFrame], *, keep_index: bool) -> Table:
    """One table from per-year frames, the year as the first column."""
    frames = []
    for year, res in results:
        frame = get(res)
        frame = frame.reset_index() if keep_index else frame.reset_index(drop=True)
        if time:
            frame.insert(0, time, year)
        frames.append(frame)
    return table(pd.concat(frames, ignore_index=True), keep_index=False)


def _weights(gdf: Any, params: dict) -> Any:
    import geohra

    return geohra.spatial_weights(
        gdf, kind=params.get("contiguity", "queen"), islands=params.get("islands", "nearest")
    )


def op_entropy_index(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    res = geohra.entropy_weights(
        df, p["fields"], negative=p.get("negative", ()), scale=p.get("scale", 1.0),
        time=p.get("time"), pooled=bool(p.get("time")) and p.get("pooled", False),
    )
    layer = pd.DataFrame({p.get("score_field", "score"): res.scores})
    if p.get("add_normalized"):
        layer = layer.join(res.normalized.add_suffix("_norm"))
    return layer, {"WEIGHTS": table(res.summary())}


def op_natural_breaks(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    res = geohra.classify(df[p["field"]], scheme=p.get("scheme", "fisher_jenks"), k=p.get("k", 5))
    name = p.get("class_field", "class")
    frame = res.to_frame()
    layer = pd.DataFrame({name: frame["class"], f"{name}_label": frame["label"]})
    breaks = res.summary()
    breaks["gvf"] = res.gvf
    return layer, {"BREAKS": table(breaks)}


def op_theil(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    results = _per_year(
        geohra.theil, df, p, p["field"], population=p.get("population"), by=p["group"],
        index=p.get("index", "T"), base=p.get("base", "e"),
    )
    time = p.get("time")
    return None, {
        "OUTPUT": _stack(results, time, lambda r: r.summary(), keep_index=False),
        "GROUPS": _stack(results, time, lambda r: r.groups, keep_index=True),
    }


def op_dagum_gini(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    results = _per_year(geohra.dagum_gini, df, p, p["field"], by=p["group"])
    time = p.get("time")
    return None, {
        "OUTPUT": _stack(results, time, lambda r: r.summary(), keep_index=False),
        "PAIRS": _stack(results, time, lambda r: r.between_groups, keep_index=False),
        "GROUPS": _stack(results, time, lambda r: r.group_table, keep_index=True),
    }


def op_spatial_gini(gdf: Any, p: dict) -> tuple:
    import geohra

    res = geohra.spatial_gini(
        gdf, p["field"], graph=_weights(gdf, p),
        permutations=p.get("permutations", 999), rng=_seed(p),
    )
    return None, {"OUTPUT": table(res.summary(), keep_index=False)}


def op_moran(gdf: Any, p: dict) -> tuple:
    import geohra

    res = geohra.moran(
        gdf, p["field"], graph=_weights(gdf, p),
        permutations=p.get("permutations", 999), rng=_seed(p),
    )
    return None, {"OUTPUT": table(res.summary(), keep_index=False)}


def op_local_moran(gdf: Any, p: dict) -> tuple:
    import geohra

    res = geohra.local_moran(
        gdf, p["field"], graph=_weights(gdf, p),
        permutations=p.get("permutations", 999), significance=p.get("significance", 0.05),
        fdr=p.get("fdr", False), rng=_seed(p),
    )
    layer = res.to_frame().add_prefix("lisa_")
    return layer, {"SUMMARY": table(res.summary(), keep_index=False)}


def op_getis_ord(gdf: Any, p: dict) -> tuple:
    import geohra

    res = geohra.getis_ord(
        gdf, p["field"], graph=_weights(gdf, p), star=True,
        permutations=p.get("permutations", 999), significance=p.get("significance", 0.05),
        inference=p.get("inference", "analytic"), fdr=p.get("fdr", False), rng=_seed(p),
    )
    layer = res.to_frame().add_prefix("gi_")
    return layer, {"SUMMARY": table(res.summary(), keep_index=False)}


def op_coupling_coordination(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    res = geohra.coupling_coordination(df, p["fields"], method=p.get("method", "revised"))
    frame = res if isinstance(res, pd.DataFrame) else res.to_frame()
    return frame, {}


def op_obstacle_degree(df: pd.DataFrame, p: dict) -> tuple:
    import geohra

    ew = geohra.entropy_weights(
        df, p["fields"], negative=p.get("negative", ()),
        time=p.get("time"), pooled=bool(p.get("time")) and p.get("pooled", False),
    )
    res = geohra.obstacle_degree(ew, top=p.get("top", 3))
    return None, {"OUTPUT": table(res.to_frame()), "TOP": table(res.top)}


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


def handle(request: dict) -> dict:
    """Run one request and return the response dict (never raises for geohra errors)."""
    import geohra

    try:
        op = request.get("op")
        if op not in OPS:
            raise ValueError(f"unknown operation {op!r}; known: {sorted(OPS)}")
        func, spatial = OPS[op]
        if spatial and request.get("geometry") is None:
            raise ValueError(f"operation {op!r} needs the features' geometry; none was sent")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = build_frame(request)
            params = {**request.get("params", {}), "time": request.get("time")}
            layer, tables = func(data, params)
        out = {
            "ok": True,
            "layer": None if layer is None else layer_table(layer, data.index),
            "tables": tables,
            "warnings": list(dict.fromkeys(str(w.message) for w in caught)),
            "geohra_version": geohra.__version__,
        }
    except Exception as exc:  # noqa: BLE001 - every failure becomes a clean message for QGIS
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if not isinstance(exc, (ValueError, TypeError, KeyError)):
            # an unexpected failure: the exception type helps a bug report
            message = f"{type(exc).__name__}: {message}"
        out = {
            "ok": False,
            "message": f"geohra: {message}",
            "traceback": traceback.format_exc(),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m geohra.qgis.worker REQUEST.json RESPONSE.json", file=sys.stderr)
        return 2
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    response = handle(request)
    Path(argv[1]).write_text(json.dumps(response, allow_nan=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
