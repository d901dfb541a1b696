"""Building spatial weights: contiguity, islands, projection, and a light Graph.

Kept apart from :mod:`geohra.spatial` so that the statistics module stays small.
Contiguity and islands are plain NumPy + shapely (no libpysal), fast on county layers
(2,848 counties, 4.2 million vertices: ~3-6 s where libpysal's
``Graph.build_contiguity`` takes 15-35 s), and give the same links as libpysal's
vertex-based contiguity (tested). libpysal is imported only to return a ``Graph``
from :func:`geohra.spatial_weights` or for k-nearest / distance-band weights.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geohra._common import user_stacklevel
from geohra.spatial._geometry import contiguity_pairs, nearest_units, projected

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from libpysal.graph import Graph

KINDS = ("queen", "rook", "knn", "distance")
ISLANDS = ("nearest", "keep")
# libpysal's codes: R row-standardised, B binary, D doubly standardised,
# V variance-stabilising, O original weights
TRANSFORMS = ("r", "b", "d", "v", "o")


class IslandWarning(UserWarning):
    """A unit has no neighbour in the spatial weights (attached or kept isolated)."""


def _links(
    gdf: Any,
    kind: str,
    *,
    k: int | None = None,
    threshold: float | None = None,
    islands: str = "nearest",
    stacklevel: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validated links as positions: (ids, focal, neighbor, weight); kept islands carry a
    zero-weight link to themselves (libpysal's convention). No libpysal for contiguity."""
    geometry = _checked_geometry(gdf, kind, k, threshold, islands)
    ids = np.asarray(gdf.index)
    if kind in ("queen", "rook"):
        focal, neighbor, weight = _contiguity_links(geometry, kind)
    else:
        focal, neighbor, weight = _distance_links(gdf, geometry, kind, k, threshold)
    isolated = np.setdiff1d(np.arange(ids.size), focal)
    if isolated.size and islands == "nearest":
        extra_f, extra_n, notes = _nearest_links(gdf, geometry, ids, isolated)
        focal = np.concatenate([focal, extra_f])
        neighbor = np.concatenate([neighbor, extra_n])
        weight = np.concatenate([weight, np.ones(len(extra_f))])
        warnings.warn(
            "spatial_weights: unit(s) without a neighbour were linked to the nearest unit "
            "(islands='nearest', shortest distance between the polygons in an equal-area "
            f"projection): {'; '.join(notes)}. Pass islands='keep' to leave them isolated.",
            IslandWarning,
            stacklevel=user_stacklevel(),
        )
    elif isolated.size:
        kept = [ids[i] for i in isolated]
        warnings.warn(
            f"spatial_weights: {_names(gdf, kept)} "
            + ("has no neighbour and stays" if len(kept) == 1 else "have no neighbour and stay")
            + " isolated (islands='keep'): the spatial lag there is 0, "
            "the unit still counts in n and in the mean/variance of global statistics, and "
            "local statistics report no test for it (p-value NaN). Pass islands='nearest' "
            "to link it to its nearest unit instead.",
            IslandWarning,
            stacklevel=user_stacklevel(),
        )
        # libpysal marks an isolate by a zero-weight link to itself
        focal = np.concatenate([focal, isolated])
        neighbor = np.concatenate([neighbor, isolated])
        weight = np.concatenate([weight, np.zeros(isolated.size)])
    return ids, focal, neighbor, weight


def _checked_geometry(
    gdf: Any, kind: str, k: int | None, threshold: float | None, islands: str
) -> Any:
    """The GeoDataFrame's geometry after checking the options, the ids, the polygons and
    the CRS (raises saying what to fix)."""
    gpd = _import_geopandas()
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"spatial_weights: expected a GeoDataFrame (e.g. geohra.load_boundaries()); got "
            f"{type(gdf).__name__}."
        )
    if kind not in KINDS:
        raise ValueError(f"spatial_weights: kind must be one of {KINDS}; got {kind!r}.")
    if islands not in ISLANDS:
        raise ValueError(f"spatial_weights: islands must be one of {ISLANDS}; got {islands!r}.")
    if kind != "knn" and k is not None:
        raise TypeError(f"spatial_weights: k= is only for kind='knn'; got kind={kind!r}.")
    if kind != "distance" and threshold is not None:
        raise TypeError(
            f"spatial_weights: threshold= is only for kind='distance'; got kind={kind!r}."
        )
    if gdf.index.has_duplicates:
        dup = gdf.index[gdf.index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"spatial_weights: the index repeats unit ids {dup}; weights need one row per unit. "
            "For a long panel pass one year (geohra.cross_section) or use geohra.per_year."
        )
    if len(gdf) < 2:
        raise ValueError(f"spatial_weights: need at least 2 units; got {len(gdf)}.")
    from geohra.io.geometry_checks import check_crs, check_geometries

    # missing, empty or invalid polygons raise: a bow tie silently changes the neighbours
    check_geometries(gdf, label="the GeoDataFrame", who="spatial_weights")
    check_crs(gdf, label="the GeoDataFrame", who="spatial_weights", warn_degrees=False)
    geometry = gdf.geometry
    if geometry.crs is None:
        projected(geometry)  # raises, saying how to set a CRS
    return geometry


def _contiguity_links(geometry: Any, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queen or rook links (both directions, weight 1) between polygons sharing vertices."""
    if not geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise ValueError(
            f"spatial_weights: kind={kind!r} needs polygons; got geometry types "
            f"{sorted(set(geometry.geom_type))}. Use kind='knn' or 'distance' for points."
        )
    # shared vertices do not depend on the projection: use the data as they are
    a, b = contiguity_pairs(geometry.values, rook=kind == "rook")
    focal = np.concatenate([a, b])
    neighbor = np.concatenate([b, a])
    return focal, neighbor, np.ones(focal.size)


def _distance_links(
    gdf: Any, geometry: Any, kind: str, k: int | None, threshold: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k-nearest or distance-band links between projected centroids (libpysal)."""
    from libpysal.graph import Graph

    n = len(gdf)
    centroids = projected(geometry).centroid
    if kind == "knn":
        if k is None or isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(
                f"spatial_weights: kind='knn' needs k= a positive whole number; got {k!r}."
            )
        if k >= n:
            raise ValueError(f"spatial_weights: k={k} must be below the number of units ({n}).")
        built = Graph.build_knn(centroids, int(k))
    else:
        if threshold is None or not np.isfinite(threshold) or threshold <= 0:
            raise ValueError(
                "spatial_weights: kind='distance' needs threshold= a positive distance "
                f"(metres for longitude/latitude data); got {threshold!r}."
            )
        built = Graph.build_distance_band(centroids, float(threshold))
    adj = built.adjacency
    adj = adj[adj != 0]
    pos = pd.Index(gdf.index)
    focal = pos.get_indexer(adj.index.get_level_values(0))
    neighbor = pos.get_indexer(adj.index.get_level_values(1))
    return focal, neighbor, adj.to_numpy(dtype=np.float64)


def _nearest_links(
    gdf: Any, geometry: Any, ids: np.ndarray, isolated: np.ndarray
) -> tuple[list, list, list[str]]:
    """Links (both directions) from each isolated unit to its nearest one, and the notes
    naming them for the warning."""
    notes = []
    extra_f, extra_n = [], []
    for i, (j, dist, unit) in zip(
        isolated, nearest_units(geometry, isolated.tolist()), strict=True
    ):
        extra_f += [i, j]
        extra_n += [j, i]
        notes.append(f"{_names(gdf, [ids[i]])} -> {_names(gdf, [ids[j]])} ({_km(dist, unit)})")
    return extra_f, extra_n, notes


def _graph_from_positions(
    ids: np.ndarray, focal: np.ndarray, neighbor: np.ndarray, weight: np.ndarray
) -> Graph:
    """A libpysal Graph from position arrays, ordered like ``ids``, duplicate links once."""
    from libpysal.graph import Graph

    n = ids.size
    key = np.asarray(focal, dtype=np.int64) * n + np.asarray(neighbor, dtype=np.int64)
    _, first = np.unique(key, return_index=True)  # sorted by (focal, neighbor) position
    return Graph.from_arrays(ids[focal[first]], ids[neighbor[first]], weight[first])


class _LiteGraph:
    """The few parts of a libpysal Graph the statistics use (``unique_ids``, ``sparse``,
    ``isolates``, ``transformation``, ``transform``, ``subgraph``), for the default
    weights: building them this way does not import libpysal (~1.2 s in a fresh
    process). Equal to ``spatial_weights(gdf)`` (tested)."""

    def __init__(self, ids: pd.Index, base: Any, transformation: str) -> None:
        self.unique_ids = ids
        self._base = base  # weights before transformation (binary for contiguity)
        self.transformation = transformation

    @classmethod
    def build(cls, gdf: Any, transform: str, *, stacklevel: int) -> _LiteGraph:
        from scipy import sparse

        ids, focal, neighbor, weight = _links(
            gdf, "queen", islands="nearest", stacklevel=stacklevel + 1
        )
        n = ids.size
        base = sparse.csr_array((weight, (focal, neighbor)), shape=(n, n), dtype=np.float64)
        base.sum_duplicates()
        base.eliminate_zeros()
        return cls(pd.Index(gdf.index), base, "O").transform(transform)

    @property
    def sparse(self) -> Any:
        if self.transformation == "R":
            rows = np.asarray(self._base.sum(axis=1)).ravel()
            scale = np.divide(1.0, rows, out=np.zeros_like(rows), where=rows != 0)
            return self._base.multiply(scale[:, None]).tocsr()
        if self.transformation == "B":
            return (self._base != 0).astype(np.float64).tocsr()
        return self._base.copy()

    @property
    def isolates(self) -> pd.Index:
        return self.unique_ids[np.diff(self._base.indptr) == 0]

    def transform(self, code: str) -> _LiteGraph:
        if code.upper() not in ("R", "B", "O"):  # pragma: no cover - internal use only
            raise ValueError(f"unsupported transformation {code!r}")
        return _LiteGraph(self.unique_ids, self._base, code.upper())

    def subgraph(self, keep: Any) -> _LiteGraph:
        mask = self.unique_ids.isin(list(keep))
        sub = self._base[mask][:, mask].tocsr()
        return _LiteGraph(self.unique_ids[mask], sub, self.transformation)


def _km(distance: float, unit: str) -> str:
    if unit in ("metre", "meter"):
        return f"{distance / 1000:,.0f} km"
    return f"distance {distance:,.4g} {unit}".rstrip()


def _names(gdf: Any, ids: list) -> str:
    """'Hainan (460000)' when a name column exists, else the ids."""
    col = next(
        (c for c in ("name_en", "name", "name_zh") if c in getattr(gdf, "columns", ())), None
    )
    if col is None:
        return ", ".join(map(str, ids))
    return ", ".join(f"{gdf.loc[u, col]} ({u})" for u in ids)


def _check_transform(transform: str) -> str:
    if not isinstance(transform, str) or transform.lower() not in TRANSFORMS:
        raise ValueError(
            f"transform must be one of {TRANSFORMS} (r row-standardised, b binary, d doubly "
            f"standardised, v variance-stabilising, o original); got {transform!r}."
        )
    return transform.lower()


def _import_geopandas() -> Any:
    import geopandas

    return geopandas


# ----------------------------------------------------------------------------- weights


def spatial_weights(
    gdf: gpd.GeoDataFrame,
    kind: str = "queen",
    *,
    k: int | None = None,
    threshold: float | None = None,
    islands: str = "nearest",
    transform: str = "r",
) -> Graph:
    """Spatial weights between the units of a GeoDataFrame, with ids = its index.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per unit, a unique index (e.g. adcode) and a CRS.
    kind : {"queen", "rook", "knn", "distance"}
        ``queen``: polygons sharing a border or a corner; ``rook``: a border
        (vertex-based, as libpysal's default: a shared corner is a common vertex, a
        shared border two consecutive common vertices, compared exactly; layers whose
        neighbours do not share vertices need cleaning first, e.g. snapping or
        ``shapely.coverage_simplify``, or use ``knn``/``distance``);
        ``knn``: the ``k`` nearest centroids; ``distance``: centroids within
        ``threshold``. Centroids and distances are taken in a projected CRS: the
        data's own if projected, otherwise an Albers equal-area projection fitted to
        the data's extent (for China close to the usual ``lat_1=25, lat_2=47,
        lon_0=105``), so ``threshold`` is in metres for longitude/latitude data.
    k : int
        Number of neighbours, ``kind="knn"`` only.
    threshold : float
        Distance band, ``kind="distance"`` only.
    islands : {"nearest", "keep"}
        Units with no neighbour (Hainan with contiguity weights). ``"nearest"``
        (default) links each to the unit whose polygon is nearest (shortest distance
        between the polygons in the projected CRS), in both directions, and warns
        naming both. ``"keep"`` leaves it isolated and warns: its weights row is
        empty, so its spatial lag is 0; it still counts in ``n`` and in the mean and
        variance of the global statistics (as in PySAL), and local statistics report
        no test for it (p-value NaN, "Not significant").
    transform : {"r", "b", "d", "v", "o"}
        ``"r"`` row-standardised (default), ``"b"`` binary, ``"d"`` doubly
        standardised, ``"v"`` variance-stabilising, ``"o"`` as built.

    Returns
    -------
    libpysal.graph.Graph
    """
    transform = _check_transform(transform)
    ids, focal, neighbor, weight = _links(
        gdf, kind, k=k, threshold=threshold, islands=islands, stacklevel=3
    )
    return _graph_from_positions(ids, focal, neighbor, weight).transform(transform.upper())
