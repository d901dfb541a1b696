"""Tests for geohra.spatial: weights, Moran's I, Geary's C, local Moran, Getis-Ord.

References: esda/libpysal on the same data and weights (statistics and analytic
moments exactly), exact enumeration of every permutation on tiny examples (moments
and permutation p-values), and the textbook Benjamini-Hochberg rule written here.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph
from shapely.geometry import box

import geohra
from geohra.spatial import (
    IslandWarning,
    geary,
    getis_ord,
    local_moran,
    moran,
    spatial_weights,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ----------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    g = geohra.load_boundaries("china-provinces")
    rng = np.random.default_rng(0)
    g["v"] = rng.lognormal(size=len(g)) + np.arange(len(g)) / 10
    g["weak"] = rng.normal(size=len(g)) + np.arange(len(g)) / 40
    return g


@pytest.fixture(scope="module")
def w_provinces(provinces) -> Graph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        return spatial_weights(provinces)


def lattice(rows: int, cols: int, seed: int = 1, crs: str = "EPSG:3857") -> gpd.GeoDataFrame:
    """A grid of 1 km squares with a smooth trend plus noise, ids 'c00', 'c01', ..."""
    rng = np.random.default_rng(seed)
    geoms, ids, vals = [], [], []
    for r in range(rows):
        for c in range(cols):
            geoms.append(box(c * 1000, r * 1000, (c + 1) * 1000, (r + 1) * 1000))
            ids.append(f"c{r}{c}" if rows < 10 and cols < 10 else f"c{r}_{c}")
            vals.append(r + c + rng.normal(scale=1.5))
    return gpd.GeoDataFrame({"v": vals}, geometry=geoms, index=pd.Index(ids, name="id"), crs=crs)


# ----------------------------------------------------------------------------- weights


def test_contiguity_attaches_hainan_to_guangdong_with_warning(provinces):
    with pytest.warns(IslandWarning, match=r"Hainan \(460000\) -> Guangdong \(440000\)"):
        w = spatial_weights(provinces)
    assert list(w.unique_ids) == list(provinces.index)
    assert len(w.isolates) == 0
    adj = w.transform("B").adjacency
    assert adj.loc[("460000", "440000")] == 1 and adj.loc[("440000", "460000")] == 1
    np.testing.assert_allclose(np.asarray(w.sparse.sum(axis=1)).ravel(), 1.0)
    # known neighbours share borders (queen)
    assert ("110000", "130000") in adj.index and ("140000", "610000") in adj.index


def test_islands_keep_warns_how_statistics_treat_it(provinces):
    with pytest.warns(IslandWarning, match=r"Hainan \(460000\).*spatial lag there is 0"):
        w = spatial_weights(provinces, islands="keep")
    assert list(w.isolates) == ["460000"]


def test_rook_queen_knn_distance_on_a_lattice():
    g = lattice(4, 5)
    queen = spatial_weights(g, "queen", transform="b")
    rook = spatial_weights(g, "rook", transform="b")
    assert queen.cardinalities["c11"] == 8 and rook.cardinalities["c11"] == 4
    assert queen.cardinalities["c00"] == 3 and rook.cardinalities["c00"] == 2
    knn = spatial_weights(g, "knn", k=3)
    assert (knn.cardinalities == 3).all()
    dist = spatial_weights(g, "distance", threshold=1000.0, transform="b")
    pd.testing.assert_series_equal(dist.cardinalities, rook.cardinalities)


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_equals_libpysal(provinces, rook):
    kind = "rook" if rook else "queen"
    with pytest.warns(IslandWarning, match="has no neighbour and stays isolated"):
        ours = spatial_weights(provinces, kind, transform="b", islands="keep")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Graph.build_contiguity(provinces.geometry, rook=rook)
    assert set(ours.adjacency[ours.adjacency > 0].index) == set(
        ref.adjacency[ref.adjacency > 0].index
    )
    assert list(ours.isolates) == list(ref.isolates) == ["460000"]
    # a random Voronoi coverage: vertex contiguity equals libpysal's strict (shapely) one
    import shapely
    from shapely.geometry import MultiPoint

    pts = MultiPoint(np.random.default_rng(0).uniform(0, 100, (150, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=box(-10, -10, 110, 110)))
    vor = gpd.GeoDataFrame(geometry=cells, crs="EPSG:3857")
    ours = spatial_weights(vor, kind, transform="b")
    strict = Graph.build_contiguity(vor.geometry, rook=rook, strict=True)
    assert set(ours.adjacency[ours.adjacency > 0].index) == set(
        strict.adjacency[strict.adjacency > 0].index
    )


def test_islands_nearest_in_a_projected_crs():
    g = lattice(3, 3)
    far = gpd.GeoDataFrame(
        {"v": [1.0, 2.0]},
        geometry=[box(10_000, 0, 11_000, 1000), box(5_000, 2_500, 6_000, 3_500)],
        index=pd.Index(["east", "north"], name="id"),
        crs=g.crs,
    )
    both = pd.concat([g, far])
    with pytest.warns(IslandWarning) as rec:
        w = spatial_weights(both, transform="b")
    text = str(rec[0].message)
    # polygon distances by hand: east-north 4,272 m < east-grid 7,000 m; north-c22 2,000 m
    d_east_grid = 10_000 - 3_000
    d_east_north = float(np.hypot(10_000 - 6_000, 2_500 - 1_000))
    assert d_east_north < d_east_grid and "east -> north (4 km)" in text
    assert "north -> c22 (2 km)" in text
    assert w.adjacency.loc[("north", "c22")] == 1 and w.adjacency.loc[("c22", "north")] == 1


def test_weights_bad_options():
    g = lattice(3, 3)
    with pytest.raises(TypeError, match="k= is only for kind='knn'"):
        spatial_weights(g, "queen", k=3)
    with pytest.raises(TypeError, match="threshold= is only for kind='distance'"):
        spatial_weights(g, "knn", k=2, threshold=5.0)
    with pytest.raises(ValueError, match="needs k="):
        spatial_weights(g, "knn")
    with pytest.raises(ValueError, match="needs threshold="):
        spatial_weights(g, "distance")
    with pytest.raises(ValueError, match="kind must be one of"):
        spatial_weights(g, "bishop")
    with pytest.raises(ValueError, match="transform must be one of"):
        spatial_weights(g, transform="x")
    with pytest.raises(TypeError):
        spatial_weights(g, "queen", bandwidth=3)
    with pytest.raises(ValueError, match="set_crs"):
        spatial_weights(g.set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="repeats unit ids"):
        spatial_weights(pd.concat([g, g]))
    with pytest.raises(TypeError, match="GeoDataFrame"):
        spatial_weights(pd.DataFrame(g))


# ----------------------------------------------------------------------------- global vs esda


def test_moran_matches_esda_exactly(provinces, w_provinces):
    res = moran(provinces, "v", graph=w_provinces, permutations=0)
    ref = esda.Moran(provinces["v"].to_numpy(), w_provinces, transformation="r", permutations=0)
    assert res.statistic == pytest.approx(ref.I, rel=1e-12)
    assert res.expected == pytest.approx(ref.EI, rel=1e-12)
    assert res.variance == pytest.approx(ref.VI_rand, rel=1e-10)
    assert res.variance_norm == pytest.approx(ref.VI_norm, rel=1e-10)
    assert res.z == pytest.approx(ref.z_rand, rel=1e-10)
    assert res.z_norm == pytest.approx(ref.z_norm, rel=1e-10)
    assert res.pvalue == pytest.approx(ref.p_rand, rel=1e-8)  # both two-sided
    assert res.pvalue_norm == pytest.approx(ref.p_norm, rel=1e-8)
    assert res.pvalue_sim is None and res.n == 31


def test_moran_and_geary_binary_weights_match_esda():
    g = lattice(5, 6)
    wb = spatial_weights(g, "rook", transform="b")
    m = moran(g, "v", graph=wb, permutations=0)
    ref = esda.Moran(g["v"].to_numpy(), wb, transformation="b", permutations=0)
    assert m.statistic == pytest.approx(ref.I, rel=1e-12)
    assert m.variance == pytest.approx(ref.VI_rand, rel=1e-10)
    c = geary(g, "v", graph=wb, permutations=0)
    refc = esda.Geary(g["v"].to_numpy(), wb, transformation="b", permutations=0)
    assert c.statistic == pytest.approx(refc.C, rel=1e-12)
    assert c.variance == pytest.approx(refc.VC_rand, rel=1e-10)


def test_geary_matches_esda_exactly(provinces, w_provinces):
    res = geary(provinces, "v", graph=w_provinces, permutations=0)
    ref = esda.Geary(provinces["v"].to_numpy(), w_provinces, transformation="r", permutations=0)
    assert res.statistic == pytest.approx(ref.C, rel=1e-12)
    assert res.expected == 1.0
    assert res.variance == pytest.approx(ref.VC_rand, rel=1e-10)
    assert res.variance_norm == pytest.approx(ref.VC_norm, rel=1e-10)
    assert res.z == pytest.approx(ref.z_rand, rel=1e-10)
    # esda's Geary p-values are one-sided; ours are two-sided
    assert res.pvalue == pytest.approx(2 * ref.p_rand, rel=1e-8)
    assert res.pvalue_norm == pytest.approx(2 * ref.p_norm, rel=1e-8)


def test_permutation_pvalue_close_to_esda(provinces, w_provinces):
    y = provinces["weak"]
    ours = moran(provinces, "weak", graph=w_provinces, permutations=9999, rng=5)
    np.random.seed(12345)  # esda.Moran draws from numpy's global state
    ref = esda.Moran(y.to_numpy(), w_provinces, transformation="r", permutations=9999)
    p = ref.p_sim
    assert 0.005 < p < 0.5  # a case where the comparison means something
    assert abs(ours.pvalue_sim - p) < 5 * math.sqrt(2 * p * (1 - p) / 9999) + 1e-3
    assert ours.expected_sim == pytest.approx(ref.EI_sim, abs=0.01)


# ----------------------------------------------------------------------------- exact enumeration


def _tiny():
    g = lattice(2, 4, seed=7)  # 8 units
    g = g.iloc[:7]  # 7 units: 5,040 permutations
    return g, spatial_weights(g, "queen")


def test_analytic_moments_equal_exact_permutation_moments():
    g, w = _tiny()
    y = g["v"].to_numpy()
    W = w.sparse.toarray()
    n = y.size
    s0 = W.sum()
    i_all, c_all = [], []
    for perm in itertools.permutations(range(n)):
        z = y[list(perm)] - y.mean()
        i_all.append(n / s0 * (z @ W @ z) / (z @ z))
        diff2 = (z[:, None] - z[None, :]) ** 2
        c_all.append((n - 1) * (W * diff2).sum() / (2 * s0 * (z @ z)))
    i_all, c_all = np.array(i_all), np.array(c_all)
    m = moran(g, "v", graph=w, permutations=0)
    c = geary(g, "v", graph=w, permutations=0)
    assert m.expected == pytest.approx(i_all.mean(), rel=1e-10)
    assert m.variance == pytest.approx(i_all.var(), rel=1e-9)
    assert c.expected == pytest.approx(c_all.mean(), rel=1e-10)
    assert c.variance == pytest.approx(c_all.var(), rel=1e-9)
    # permutation p-value against the exact permutation distribution
    ours = moran(g, "v", graph=w, permutations=20000, rng=3)
    exact = _exact_folded(i_all, m.statistic)
    assert abs(ours.pvalue_sim - exact) < 5 * math.sqrt(exact * (1 - exact) / 20000) + 2e-4


def _exact_folded(sims: np.ndarray, obs: float) -> float:
    # draws reproducing the observed neighbourhood tie with it: extreme on both sides
    return float(min((sims >= obs - 1e-12).mean(), (sims <= obs + 1e-12).mean()))


def test_local_pvalues_against_exact_conditional_enumeration():
    """Conditional randomisation p-values vs. the exact conditional distribution
    (every ordered draw of the neighbours' values from the other units)."""
    g, w = _tiny()
    g = g.assign(v=g["v"] - g["v"].min() + 1.0)
    P = 20000
    lisa = local_moran(g, "v", graph=w, permutations=P, rng=11)
    gstar = getis_ord(g, "v", graph=w, permutations=P, rng=12)
    x = g["v"].to_numpy()
    z = (x - x.mean()) / x.std()
    n = len(g)
    W = w.sparse.toarray()
    Wb = (W > 0).astype(float)
    for i, unit in enumerate(g.index):
        nbrs = np.flatnonzero(W[i])
        others = [j for j in range(n) if j != i]
        draws = np.array(list(itertools.permutations(others, len(nbrs))))
        moran_sims = (n - 1) * z[i] * (z[draws] @ W[i, nbrs]) / (z @ z)
        g_sims = (x[draws] @ Wb[i, nbrs] + x[i]) / x.sum()
        for res, sims, pv in ((lisa, moran_sims, lisa.pvalue), (gstar, g_sims, gstar.pvalue_sim)):
            exact = _exact_folded(sims, res.statistic[unit])
            tol = 5 * math.sqrt(max(exact * (1 - exact), 1e-4) / P) + 2e-4
            assert abs(pv[unit] - exact) < tol, (unit, pv[unit], exact)


def test_getis_ord_moments_equal_exact_permutation_moments():
    g, _ = _tiny()
    g = g.assign(v=g["v"] - g["v"].min() + 1.0)
    w = spatial_weights(g, "queen", transform="o")
    x = g["v"].to_numpy()
    n = x.size
    for transform in ("b", "r"):
        res = getis_ord(g, "v", graph=w, transform=transform, permutations=0)
        W = w.transform("B").sparse.toarray() + np.eye(n)
        if transform == "r":
            W = W / W.sum(axis=1, keepdims=True)
        sims = np.array([W @ x[list(p)] / x.sum() for p in itertools.permutations(range(n))])
        np.testing.assert_allclose(res.expected.to_numpy(), sims.mean(axis=0), rtol=1e-10)
        np.testing.assert_allclose(res.variance.to_numpy(), sims.var(axis=0), rtol=1e-9)
        np.testing.assert_allclose(res.statistic.to_numpy(), W @ x / x.sum(), rtol=1e-12)


# ----------------------------------------------------------------------------- alignment, rng


def test_results_align_on_ids_not_positions(provinces, w_provinces):
    shuffled = provinces.sample(frac=1.0, random_state=3)
    a = moran(provinces, "v", graph=w_provinces, rng=1)
    b = moran(shuffled, "v", graph=w_provinces, rng=1)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12)
    assert a.pvalue_sim == b.pvalue_sim
    la = local_moran(provinces, "v", graph=w_provinces, rng=2)
    lb = local_moran(shuffled, "v", graph=w_provinces, rng=2)
    assert list(lb.to_frame().index) == list(shuffled.index)
    pd.testing.assert_frame_equal(la.to_frame(), lb.to_frame().loc[provinces.index])
    s = moran(provinces["v"], graph=w_provinces, rng=1)  # a Series works too
    assert s.statistic == a.statistic and s.pvalue_sim == a.pvalue_sim


def test_old_style_w_and_id_mismatch(provinces, w_provinces):
    w_old = w_provinces.to_W()
    assert moran(provinces, "v", graph=w_old, permutations=0).statistic == pytest.approx(
        moran(provinces, "v", graph=w_provinces, permutations=0).statistic, rel=1e-12
    )
    with pytest.raises(ValueError, match=r"not in the weights \['999999'\]"):
        moran(
            pd.concat([provinces, provinces.iloc[:1].set_axis(["999999"])]),
            "v",
            graph=w_provinces,
        )
    with pytest.raises(ValueError, match=r"not in the data \['110000'\]"):
        moran(provinces.drop(index="110000"), "v", graph=w_provinces)
    with pytest.raises(TypeError, match="Graph or libpysal.weights.W"):
        moran(provinces, "v", graph=np.eye(31))


def test_rng_reproducible_and_not_global(provinces, w_provinces):
    np.random.seed(0)
    a = local_moran(provinces, "v", graph=w_provinces, rng=7)
    np.random.seed(1)
    b = local_moran(provinces, "v", graph=w_provinces, rng=np.random.default_rng(7))
    pd.testing.assert_series_equal(a.pvalue, b.pvalue)
    m1 = moran(provinces, "v", graph=w_provinces, rng=4)
    m2 = moran(provinces, "v", graph=w_provinces, rng=4)
    np.testing.assert_array_equal(m1.simulations, m2.simulations)


def test_default_weights_are_queen_with_nearest_islands(provinces, w_provinces):
    with pytest.warns(IslandWarning, match="Hainan"):
        res = moran(provinces, "v", permutations=0)
    assert res.statistic == moran(provinces, "v", graph=w_provinces, permutations=0).statistic
    g = provinces.copy()
    g.loc[["440000", "110000"], "v"] = np.nan  # Hainan's link goes: it becomes an island
    with pytest.warns(IslandWarning) as rec:
        default = local_moran(g, "v", nan_policy="omit", rng=3)
    assert any("no neighbour left" in str(r.message) for r in rec)
    with pytest.warns(IslandWarning, match="no neighbour left"):
        explicit = local_moran(g, "v", graph=w_provinces, nan_policy="omit", rng=3)
    pd.testing.assert_frame_equal(default.to_frame(), explicit.to_frame())
    assert default.islands == explicit.islands == ("460000",)
    with pytest.warns(IslandWarning):
        gi = getis_ord(g, "v", nan_policy="omit", rng=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        binary = spatial_weights(provinces, transform="b")
        ref = getis_ord(g, "v", graph=binary, nan_policy="omit", rng=3)
    pd.testing.assert_frame_equal(gi.to_frame(), ref.to_frame())


# ----------------------------------------------------------------------------- bad input


def test_error_paths(provinces, w_provinces):
    g = provinces.copy()
    g.loc["110000", "v"] = np.nan
    with pytest.raises(ValueError, match="missing value"):
        moran(g, "v", graph=w_provinces)
    with pytest.raises(ValueError, match="constant variable"):
        moran(provinces.assign(c=3.0), "c", graph=w_provinces)
    with pytest.raises(ValueError, match="expected numbers"):
        moran(provinces, "name_en", graph=w_provinces)
    with pytest.raises(ValueError, match="at least 3 units"):
        moran(provinces.iloc[:1], "v", graph=w_provinces.subgraph(["110000"]))
    with pytest.raises(ValueError, match="negative values"):
        getis_ord(provinces.assign(s=provinces["v"] - 3), "s", graph=w_provinces)
    with pytest.raises(ValueError, match="permutations must be at least 1"):
        local_moran(provinces, "v", graph=w_provinces, permutations=0)
    with pytest.raises(ValueError, match="significance"):
        local_moran(provinces, "v", graph=w_provinces, significance=5)


def test_nan_omit_drops_units_and_restandardises():
    g = lattice(4, 5)
    w = spatial_weights(g, "queen")
    g2 = g.copy()
    g2.loc["c12", "v"] = np.nan
    res = moran(g2, "v", graph=w, permutations=0, nan_policy="omit")
    assert res.omitted == ("c12",) and res.n == 19
    sub = w.subgraph([u for u in g.index if u != "c12"]).transform("R")
    y = g2["v"].drop("c12").reindex(sub.unique_ids).to_numpy()
    ref = esda.Moran(y, sub, transformation="r", permutations=0)
    assert res.statistic == pytest.approx(ref.I, rel=1e-12)
    lm = local_moran(g2, "v", graph=w, nan_policy="omit", rng=0)
    frame = lm.to_frame()
    assert frame.index.equals(g2.index)
    assert frame.loc["c12"].drop("cluster").isna().all() and pd.isna(frame.loc["c12", "cluster"])


# ----------------------------------------------------------------------------- local Moran


def test_local_moran_matches_esda(provinces, w_provinces):
    # permutations=0: esda's conditional randomisation compiles numba code (~30 s);
    # our p-values are checked against exact enumeration above instead.
    res = local_moran(provinces, "v", graph=w_provinces, permutations=999, rng=1)
    ref = esda.Moran_Local(
        provinces["v"].to_numpy(), w_provinces, transformation="r", permutations=0
    )
    np.testing.assert_allclose(res.statistic.to_numpy(), ref.Is, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(res.quadrant.to_numpy(dtype=int), ref.q)
    np.testing.assert_allclose(res.z.to_numpy(), ref.z, rtol=1e-12)
    lag = w_provinces.sparse @ ref.z
    np.testing.assert_allclose(res.lag.to_numpy(), lag, rtol=1e-12, atol=1e-14)


def test_local_moran_frame_and_labels(provinces, w_provinces):
    res = local_moran(provinces, "v", graph=w_provinces, rng=1, significance=0.1)
    frame = res.to_frame()
    assert list(frame.columns) == ["statistic", "pvalue", "quadrant", "cluster", "z", "lag"]
    assert frame.index.equals(provinces.index)
    names = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
    for _, row in frame.iterrows():
        expected = names[row["quadrant"]] if row["pvalue"] <= 0.1 else "Not significant"
        assert row["cluster"] == expected
        assert (row["z"] > 0) == (row["quadrant"] in (1, 4))
        assert (row["lag"] > 0) == (row["quadrant"] in (1, 2))
    summ = res.summary()
    assert (
        len(summ) == 1
        and summ[["High-High", "Low-High", "Low-Low", "High-Low", "Not significant"]]
        .sum(axis=1)
        .iloc[0]
        == 31
    )
    assert "conditional randomisation" in summ["variant"].iloc[0]


def test_islands_kept_get_no_test(provinces):
    with pytest.warns(IslandWarning):
        w = spatial_weights(provinces, islands="keep")
    res = local_moran(provinces, "v", graph=w, rng=0)
    assert np.isnan(res.pvalue["460000"]) and res.cluster["460000"] == "Not significant"
    assert res.lag["460000"] == 0.0
    assert res.islands == ("460000",)
    kept = moran(provinces, "v", graph=w, permutations=0)
    assert kept.islands == ("460000",)
    # PySAL treats an island the same way (zero row, still counted in n)
    ref = esda.Moran(provinces["v"].to_numpy(), w, transformation="r", permutations=0)
    assert kept.statistic == pytest.approx(ref.I, rel=1e-12)
    assert kept.variance == pytest.approx(ref.VI_rand, rel=1e-10)


def test_local_moran_plot_delegates_to_moran_scatter(provinces, w_provinces):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    glob = moran(provinces, "v", graph=w_provinces, permutations=0)
    lines = [ln for ln in glob.plot().axes[0].lines if ln.get_gid() == "moran-line"]
    (x0, x1), (y0, y1) = lines[0].get_xdata(), lines[0].get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(glob.statistic, rel=1e-9)  # slope = I (R)
    res = local_moran(provinces, "v", graph=w_provinces, rng=0)
    fig = res.plot()
    assert isinstance(fig, Figure)
    points = [c for c in fig.axes[0].collections if c.get_gid() == "moran-points"]
    assert len(points) == 1 and len(points[0].get_offsets()) == 31


def test_fdr_is_benjamini_hochberg():
    g = lattice(8, 8, seed=4)
    w = spatial_weights(g, "queen")
    res = local_moran(g, "v", graph=w, permutations=999, fdr=True, significance=0.1, rng=2)
    p = res.pvalue.to_numpy()
    m = p.size
    ranked = np.sort(p)
    passing = np.flatnonzero(ranked <= np.arange(1, m + 1) * 0.1 / m)
    cutoff = ranked[passing.max()] if passing.size else -1.0
    significant = p <= cutoff
    assert significant.any()  # the example has real clusters
    assert np.array_equal(significant, (res.cluster != "Not significant").to_numpy())
    assert np.all(res.pvalue_fdr.to_numpy() >= p - 1e-15)
    assert "pvalue_fdr" in res.to_frame().columns
    # esda's fdr cut-off agrees where no p-value sits exactly on it
    cut = esda.fdr(p, 0.1)
    if not np.any(np.isclose(p, cut)):
        assert np.array_equal(significant, p < cut)


# ----------------------------------------------------------------------------- Getis-Ord


@pytest.mark.parametrize("star", [True, False])
def test_getis_ord_matches_esda_binary(provinces, star):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        wb = spatial_weights(provinces, transform="b")
    res = getis_ord(provinces, "v", graph=wb, star=star, rng=1)
    ref = esda.G_Local(provinces["v"].to_numpy(), wb, transform="B", star=star, permutations=0)
    np.testing.assert_allclose(res.statistic.to_numpy(), ref.Gs, rtol=1e-12)
    np.testing.assert_allclose(res.z.to_numpy(), ref.Zs, rtol=1e-10)
    np.testing.assert_allclose(res.expected.to_numpy(), ref.EGs, rtol=1e-12)
    np.testing.assert_allclose(res.pvalue.to_numpy(), 2 * ref.p_norm, rtol=1e-8)
    frame = res.to_frame()
    assert frame.index.equals(provinces.index)
    hot = (frame["pvalue"] <= 0.05) & (frame["z"] > 0)
    cold = (frame["pvalue"] <= 0.05) & (frame["z"] < 0)
    assert (frame.loc[hot, "spot"] == "Hot spot").all()
    assert (frame.loc[cold, "spot"] == "Cold spot").all()
    assert (frame.loc[~hot & ~cold, "spot"] == "Not significant").all()


def test_getis_ord_row_standardised_does_not_depend_on_input_scaling(provinces, w_provinces):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        wb = spatial_weights(provinces, transform="b")
    from_r = getis_ord(provinces, "v", graph=w_provinces, transform="r", permutations=0)
    from_b = getis_ord(provinces, "v", graph=wb, transform="r", permutations=0)
    pd.testing.assert_frame_equal(from_r.to_frame(), from_b.to_frame())
    # statistic: sum_j w_ij x_j / sum x with w_ij = 1/(c_i + 1) over i and its neighbours
    card = wb.cardinalities.reindex(provinces.index).to_numpy()
    x = provinces["v"].to_numpy()
    manual = (wb.sparse @ x + x) / (card + 1) / x.sum()
    np.testing.assert_allclose(from_r.statistic.to_numpy(), manual, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.G_Local(x, wb, transform="R", star=True, permutations=0)
    np.testing.assert_allclose(from_r.statistic.to_numpy(), ref.Gs, rtol=1e-12)


# ----------------------------------------------------------------------------- panels


@pytest.fixture(scope="module")
def long_panel(provinces):
    a = provinces[["v", "geometry"]].assign(year=2010)
    b = provinces[["v", "geometry"]].assign(year=2020, v=provinces["v"][::-1].to_numpy())
    long = pd.concat([a, b]).rename_axis("adcode").reset_index()
    return gpd.GeoDataFrame(long, geometry="geometry", crs=provinces.crs)


def test_per_year_gives_one_row_per_year(long_panel, provinces, w_provinces):
    res = geohra.per_year(moran, long_panel, "v", graph=w_provinces, rng=0, permutations=99)
    summ = res.summary().set_index("year")
    assert list(summ.index) == [2010, 2020]
    one = moran(
        provinces.assign(v=long_panel["v"].iloc[31:].to_numpy()),
        "v",
        graph=w_provinces,
        permutations=0,
    )
    assert summ.loc[2020, "statistic"] == pytest.approx(one.statistic, rel=1e-12)
    lisa = geohra.per_year(local_moran, long_panel, "v", graph=w_provinces, rng=0)
    frame = lisa.to_frame()
    assert sorted(frame.index) == list(long_panel.index)  # like the panel's rows
    assert (frame.loc[long_panel.index, "year"] == long_panel["year"]).all()
    with pytest.warns(IslandWarning):
        gi_years = geohra.per_year(getis_ord, long_panel, "v", transform="o", permutations=0)
    with pytest.warns(IslandWarning):
        gi_2010 = getis_ord(provinces, "v", transform="o", permutations=0)
    np.testing.assert_allclose(
        gi_years[2010].statistic.to_numpy(), gi_2010.statistic.to_numpy(), rtol=1e-12
    )
    with pytest.warns(IslandWarning):
        built = geohra.per_year(moran, long_panel, "v", permutations=0)
    assert built.summary().set_index("year").loc[2010, "statistic"] == pytest.approx(
        moran(provinces, "v", graph=w_provinces, permutations=0).statistic, rel=1e-12
    )


def test_time_with_missing_values_omitted_per_year(long_panel, w_provinces):
    panel = long_panel.copy()
    gap = panel.index[(panel["adcode"] == "110000") & (panel["year"] == 2020)][0]
    panel.loc[gap, "v"] = np.nan
    with pytest.raises(ValueError, match="missing value"):
        geohra.per_year(local_moran, panel, "v", graph=w_provinces, rng=0)
    res = geohra.per_year(local_moran, panel, "v", graph=w_provinces, rng=0, nan_policy="omit")
    assert res[2020].omitted == ("110000",) and res[2010].omitted == ()
    frame = res.to_frame()
    assert np.isnan(frame.loc[gap, "statistic"]) and pd.isna(frame.loc[gap, "cluster"])
    assert frame.drop(index=gap)["statistic"].notna().all()
    summ = res.summary()
    assert list(summ["year"]) == [2010, 2020] and list(summ["n"]) == [31, 30]


def test_per_year_helper_gives_one_row_per_year(long_panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        out = geohra.per_year(geohra.moran, long_panel.drop(columns="adcode"), "v", permutations=0)
    assert len(out) == 2 and list(out.summary()["year"]) == [2010, 2020]


@pytest.mark.parametrize("name", ["moran", "geary", "local_moran", "getis_ord"])
def test_old_time_option_on_every_spatial_statistic(long_panel, w_provinces, name):
    """One decorator serves the deprecated time= of all four: same numbers as per_year,
    a warning that points at this file, and time/unit shown in the signature."""
    import inspect

    func = getattr(geohra, name)
    assert {"time", "unit"} <= set(inspect.signature(func).parameters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = func(long_panel, "v", time="year", graph=w_provinces, rng=0, permutations=19)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == 1 and f"{name}(..., time=...)" in str(deprecations[0].message)
    assert deprecations[0].filename == __file__
    new = geohra.per_year(func, long_panel, "v", graph=w_provinces, rng=0, permutations=19)
    pd.testing.assert_frame_equal(old.summary(), new.summary())
    pd.testing.assert_frame_equal(old.to_frame(), new.to_frame())
    with pytest.warns(DeprecationWarning, match="use graph="):  # both old names at once
        both = func(long_panel, "v", time="year", weights=w_provinces, rng=0, permutations=19)
    pd.testing.assert_frame_equal(both.summary(), new.summary())


def test_old_time_option_warns_and_equals_per_year(long_panel, w_provinces, monkeypatch):
    with pytest.warns(DeprecationWarning, match="geohra.per_year"):
        old = moran(long_panel, "v", time="year", graph=w_provinces, rng=0, permutations=19)
    new = geohra.per_year(moran, long_panel, "v", graph=w_provinces, rng=0, permutations=19)
    pd.testing.assert_frame_equal(old.summary(), new.summary())
    with pytest.warns(DeprecationWarning, match="use graph="):
        by_old_name = moran(
            long_panel[long_panel["year"] == 2010].set_index("adcode"),
            "v",
            weights=w_provinces,
            permutations=0,
        )
    assert by_old_name.statistic == pytest.approx(new[2010].statistic, rel=1e-12)

    # weights are built once per distinct geometry, not once per year
    from geohra.spatial.weights import _LiteGraph

    calls = []
    original = _LiteGraph.build.__func__

    def counting(cls, gdf, transform, *, stacklevel):
        calls.append(len(gdf))
        return original(cls, gdf, transform, stacklevel=stacklevel)

    monkeypatch.setattr(_LiteGraph, "build", classmethod(counting))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        res = geohra.per_year(moran, long_panel, "v", permutations=0)
    assert len(res) == 2 and calls == [31]


def test_local_statistics_do_not_import_esda():
    import subprocess
    import sys

    code = (
        "import sys, warnings, geohra\n"
        "warnings.simplefilter('ignore')\n"
        "g = geohra.load_boundaries('china-provinces')\n"
        "g['v'] = range(31)\n"
        "geohra.local_moran(g, 'v', rng=0); geohra.getis_ord(g, 'v', rng=0)\n"
        "geohra.moran(g, 'v', rng=0); geohra.geary(g, 'v', rng=0)\n"
        "print('esda' in sys.modules, 'libpysal' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # default weights need neither esda (numba compilation) nor libpysal (~1.2 s import)
    assert out.stdout.split() == ["False", "False"]


def test_island_warning_points_at_the_callers_line(provinces):
    # whatever geohra frames lie between (argument-renaming wrapper, default weights,
    # per_year), the warning names the user's file, not geohra's internals
    for call in (
        lambda: local_moran(provinces, "v", permutations=9, rng=0),
        lambda: getis_ord(provinces, "v", permutations=0),
        lambda: geohra.spatial_weights(provinces),
    ):
        with pytest.warns(IslandWarning) as record:
            call()
        assert {Path(w.filename).name for w in record if w.category is IslandWarning} == {
            Path(__file__).name
        }
