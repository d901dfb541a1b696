"""Neighbour links for :func:`geohra.spatial_gini` from a libpysal Graph or W (or
geohra's default queen weights), matched to the data's index labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _links(
    weights: Any, index: pd.Index, omitted: tuple, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Ordered neighbour links (positions in ``index``) from a libpysal Graph or W.

    Ids are matched to index labels (never by position). Links touching omitted units
    are dropped; zero weights (libpysal encodes isolates as zero self-links) and
    self-links do not count as neighbours.
    """
    if hasattr(weights, "_base"):  # geohra's default weights (no libpysal import)
        coo = weights._base.tocoo()
        ids_arr = np.asarray(weights.unique_ids, dtype=object)
        focal, neigh, wval = ids_arr[coo.row], ids_arr[coo.col], coo.data
        ids = list(weights.unique_ids)
    elif _is_graph(weights):
        adj = weights.adjacency
        focal = adj.index.get_level_values(0).to_numpy()
        neigh = adj.index.get_level_values(1).to_numpy()
        wval = adj.to_numpy()
        ids = list(weights.unique_ids)
    elif _is_w(weights):
        ids = list(weights.id_order)
        focal_l, neigh_l, w_l = [], [], []
        for i in ids:
            nb = weights.neighbors[i]
            focal_l.extend([i] * len(nb))
            neigh_l.extend(nb)
            w_l.extend(weights.weights[i])
        focal = np.array(focal_l, dtype=object)
        neigh = np.array(neigh_l, dtype=object)
        wval = np.asarray(w_l, dtype=float)
    else:
        raise TypeError(
            f"{func}: graph must be a libpysal.graph.Graph or libpysal.weights.W whose ids are "
            f"the data's index labels; got {type(weights).__name__}. Build one with "
            "geohra.spatial_weights(...) or libpysal.graph.Graph.build_contiguity(gdf)."
        )
    id_set = set(ids)
    labels = set(index)
    missing = [x for x in index if x not in id_set]
    extra = [x for x in ids if x not in labels and x not in set(omitted)]
    if missing or extra:
        raise ValueError(
            f"{func}: the weights' ids do not match the data's index labels: "
            f"{len(missing)} unit(s) of the data have no entry in the weights {missing[:5]}; "
            f"{len(extra)} id(s) of the weights are not in the data {extra[:5]}. Build the weights "
            "from the same units, with the data's index as ids (order may differ)."
        )
    keep = (wval != 0) & (focal != neigh)
    pos_i = index.get_indexer(pd.Index(focal[keep]))
    pos_j = index.get_indexer(pd.Index(neigh[keep]))
    inside = (pos_i >= 0) & (pos_j >= 0)  # links to omitted units are dropped
    return pos_i[inside].astype(np.intp), pos_j[inside].astype(np.intp)


def _is_graph(obj: Any) -> bool:
    from libpysal.graph import Graph

    return isinstance(obj, Graph)


def _is_w(obj: Any) -> bool:
    from libpysal.weights import W

    return isinstance(obj, W)


def _default_graph(data: Any) -> Any:
    from geohra.spatial.weights import _LiteGraph

    if not hasattr(data, "geometry") or not isinstance(data, pd.DataFrame):
        raise TypeError(
            "spatial_gini: pass graph= (a libpysal Graph or W whose ids are the data's index "
            "labels, e.g. geohra.spatial_weights(gdf)) or a GeoDataFrame to build queen "
            "contiguity weights from."
        )
    return _LiteGraph.build(data, "b", stacklevel=4)


def _id_order(weights: Any) -> list:
    """The weights' own unit order (Graph.unique_ids or W.id_order)."""
    ids = getattr(weights, "unique_ids", None)
    return list(ids if ids is not None else weights.id_order)
