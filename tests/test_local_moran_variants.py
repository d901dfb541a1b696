"""Local Moran variants: scale= (PySAL's n-1 or spdep's n) and the island convention
(spdep's adjust.x). References: esda on the Columbus data shipped with libpysal, spdep's
localmoran formulas written out by hand (R/localmoran.R: z = x - mean, I_i = z_i lag_i / s2,
s2 = sum z^2 / n with mlvar = TRUE or / (n - 1) with mlvar = FALSE; with adjust.x = TRUE the
mean and s2 use only units with neighbours), and the identity noted in spdep's
localmoran.sad example: the mean of spdep's I_i is the global Moran's I when the weights
sum to n (row-standardised)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from geohra.spatial import local_moran


@pytest.fixture(scope="module")
def columbus():
    libpysal = pytest.importorskip("libpysal")
    from libpysal.graph import Graph

    path = libpysal.examples.get_path("columbus.dbf")
    db = libpysal.io.open(path)
    y = np.array(db.by_col("CRIME"), dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
    w.transform = "r"
    graph = Graph.from_W(w).transform("r")
    return pd.Series(y, index=pd.Index(graph.unique_ids)), graph, w


def test_scale_n_minus_1_is_esda_and_n_is_spdep(columbus):
    esda = pytest.importorskip("esda")
    y, graph, w = columbus
    pysal_like = local_moran(y, graph=graph, permutations=99, rng=1)
    ref = esda.Moran_Local(y.to_numpy(), w, permutations=0)
    np.testing.assert_allclose(pysal_like.statistic.to_numpy(), ref.Is, rtol=1e-12)
    spdep_like = local_moran(y, graph=graph, permutations=99, rng=1, scale="n")
    n = len(y)
    z = y.to_numpy() - y.mean()
    lz = w.sparse @ z
    s2 = (z**2).sum() / n  # spdep: mlvar = TRUE
    np.testing.assert_allclose(spdep_like.statistic.to_numpy(), z / s2 * lz, rtol=1e-12)
    # the mean of spdep's local I is the global Moran's I (weights sum to n)
    assert spdep_like.statistic.mean() == pytest.approx(esda.Moran(y.to_numpy(), w).I, rel=1e-12)
    # the constant does not change the permutation p-values
    pd.testing.assert_series_equal(spdep_like.pvalue, pysal_like.pvalue)
    assert "spdep default" in spdep_like.summary()["variant"].iloc[0]


def island_graph():
    from libpysal.graph import Graph

    # a ring of six units and one island (id 6), encoded as a zero self-loop
    focal = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 6]
    neighbor = [1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 0, 5, 6]
    weight = [1.0] * 12 + [0.0]
    return Graph.from_arrays(focal, neighbor, weight).transform("r")


@pytest.mark.parametrize(("scale", "mlvar"), [("n", True), ("n-1", False)])
@pytest.mark.parametrize("islands", ["include", "exclude"])
def test_island_conventions_by_spdeps_formulas(scale, mlvar, islands):
    graph = island_graph()
    y = pd.Series([3.0, 8.0, 1.0, 9.0, 4.0, 6.0, 30.0], index=pd.Index(graph.unique_ids))
    res = local_moran(y, graph=graph, permutations=9, rng=0, scale=scale, islands=islands)
    x = y.to_numpy()
    nc = np.array([True] * 6 + [False])
    use = nc if islands == "exclude" else np.ones(7, dtype=bool)  # adjust.x
    z = x - x[use].mean()
    lz = graph.sparse.toarray() @ z
    s2 = (z[use] ** 2).sum() / (use.sum() if mlvar else use.sum() - 1)
    np.testing.assert_allclose(res.statistic.to_numpy(), z / s2 * lz, rtol=1e-12, atol=1e-15)
    assert res.statistic.iloc[6] == 0.0 and np.isnan(res.pvalue.iloc[6])
    assert ("adjust.x=TRUE" in res.summary()["variant"].iloc[0]) == (islands == "exclude")


def test_local_moran_options_checked(columbus):
    y, graph, _ = columbus
    with pytest.raises(ValueError, match=r"scale must be one of \['n-1', 'n'\]"):
        local_moran(y, graph=graph, scale="N")
    with pytest.raises(ValueError, match=r"islands must be one of \['include', 'exclude'\]"):
        local_moran(y, graph=graph, islands="drop")
