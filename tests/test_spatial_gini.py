"""geohra.spatial_gini against PySAL's Gini_Spatial (values, and inference on the very
same permutations), index alignment, weights kinds, seeding, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra import spatial_gini
from geohra.inequality import spatial_gini as sg_mod


@pytest.fixture(scope="module")
def mexico():
    import libpysal

    df = pd.read_csv(libpysal.examples.get_path("mexico.csv"))
    w = libpysal.weights.block_weights(df["hanson98"].to_numpy(), silence_warnings=True)
    return df, w


def pysal_permutations(seed, n, k):
    """The exact sequence Gini_Spatial draws: repeated in-place shuffles of one id array."""
    np.random.seed(seed)
    ids = np.arange(n)
    out = []
    for _ in range(k):
        np.random.shuffle(ids)
        out.append(ids.copy())
    return np.array(out)


@pytest.mark.parametrize("col", ["pcgdp1940", "pcgdp1980", "pcgdp2000"])
def test_values_match_pysal_on_mexico(mexico, col):
    from inequality.gini import Gini_Spatial

    df, w = mexico
    ref = Gini_Spatial(df[col].to_numpy(), w, permutations=0)
    res = spatial_gini(df, col, graph=w, permutations=0)
    assert res.total == pytest.approx(ref.g, rel=1e-12)
    assert res.neighbour_sum == pytest.approx(ref.wg, rel=1e-12)
    assert res.non_neighbour_sum == pytest.approx(ref.wcg, rel=1e-12)
    assert res.non_neighbours == pytest.approx(ref.wcg_share, rel=1e-12)
    assert res.polarization == pytest.approx(ref.polarization, rel=1e-12)
    assert res.neighbours + res.non_neighbours == pytest.approx(res.total, rel=1e-12)
    assert res.pvalue is None and res.simulated is None


def test_inference_matches_pysal_on_identical_permutations(mexico):
    from inequality.gini import Gini_Spatial

    df, w = mexico
    x = df["pcgdp1940"].to_numpy()
    np.random.seed(12345)
    ref = Gini_Spatial(x, w, permutations=99)
    assert ref.p_sim == pytest.approx(0.04)  # PySAL's documented example value
    perms = pysal_permutations(12345, len(x), 99)
    res = spatial_gini(df, "pcgdp1940", graph=w, permutations=0)
    li, lj = sg_mod._links(w, df.index, (), "test")
    inf = sg_mod._inference(
        x,
        li,
        lj,
        1.0,
        res.non_neighbour_sum + res.neighbour_sum,
        res.neighbour_sum,
        res.polarization / (res.non_neighbour_sum / res.neighbour_sum),
        res.polarization,
        [perms],
    )
    np.testing.assert_allclose(inf["simulated"], ref.wcgp, rtol=1e-12)
    assert inf["pvalue"] == pytest.approx(ref.p_sim)
    assert inf["expected_non_neighbour_sum"] == pytest.approx(ref.e_wcg, rel=1e-12)
    assert inf["std_non_neighbour_sum"] == pytest.approx(ref.s_wcg, rel=1e-10)
    assert inf["z"] == pytest.approx(ref.z_wcg, rel=1e-9)
    assert inf["pvalue_normal"] == pytest.approx(ref.p_z_sim, rel=1e-9)
    assert inf["polarization_pvalue"] == pytest.approx(ref.polarization_p_sim)


def _grid_gdf(nrow, ncol, seed):
    import geopandas as gpd
    from shapely.geometry import box

    rng = np.random.default_rng(seed)
    ids = [f"c{r:02d}{c:02d}" for r in range(nrow) for c in range(ncol)]
    geoms = [box(c, r, c + 1, r + 1) for r in range(nrow) for c in range(ncol)]
    # a spatial trend plus noise, so neighbours are alike
    val = [r + c + rng.random() * 3 for r in range(nrow) for c in range(ncol)]
    return gpd.GeoDataFrame({"beds": val}, geometry=geoms, index=pd.Index(ids, name="id"))


def test_graph_and_w_agree_and_rows_are_aligned_by_label():
    from inequality.gini import Gini_Spatial
    from libpysal.graph import Graph

    gdf = _grid_gdf(8, 9, 0)
    graph = Graph.build_contiguity(gdf, rook=True)
    w = graph.to_W()
    a = spatial_gini(gdf, "beds", graph=graph, permutations=99, rng=3)
    b = spatial_gini(gdf, "beds", graph=w, permutations=99, rng=3)
    shuffled = gdf.sample(frac=1.0, random_state=7)
    c = spatial_gini(shuffled, "beds", graph=graph, permutations=99, rng=3)
    for other in (b, c):
        assert other.total == pytest.approx(a.total, rel=1e-12)
        assert other.non_neighbour_sum == pytest.approx(a.non_neighbour_sum, rel=1e-12)
    assert a.pvalue == b.pvalue  # same seed, same links -> same permutations
    # positional reference: PySAL on W ids in data order
    ref = Gini_Spatial(
        gdf["beds"].to_numpy(),
        Graph.build_contiguity(gdf.reset_index(drop=True), rook=True).to_W(),
        permutations=0,
    )
    assert a.neighbour_sum == pytest.approx(ref.wg, rel=1e-12)
    # strong spatial trend: neighbours are more alike than random pairs
    assert a.pvalue <= 0.02 and a.polarization > 1
    # row-standardised weights carry the same neighbour structure
    r = spatial_gini(gdf, "beds", graph=graph.transform("r"), permutations=0)
    assert r.neighbour_sum == pytest.approx(a.neighbour_sum, rel=1e-12)
    tab = a.to_frame()
    assert list(tab.index) == list(gdf.index)
    assert tab["neighbour_abs_diff"].sum() == pytest.approx(a.neighbour_sum, rel=1e-12)
    assert tab.loc["c0000", "n_neighbours"] == 2


def test_seeding_and_distribution():
    gdf = _grid_gdf(6, 6, 1)
    from libpysal.graph import Graph

    graph = Graph.build_contiguity(gdf, rook=False)
    a = spatial_gini(gdf, "beds", graph=graph, permutations=199, rng=42)
    b = spatial_gini(gdf, "beds", graph=graph, permutations=199, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(a.simulated, b.simulated)
    assert a.pvalue == b.pvalue and a.simulated.size == 199
    # every permutation keeps the total; simulated sums lie within [0, total]
    assert (a.simulated >= 0).all() and (
        a.simulated <= a.neighbour_sum + a.non_neighbour_sum + 1e-9
    ).all()
    s = a.summary()
    assert s.shape[0] == 1 and s["permutations"].iloc[0] == 199


def test_id_mismatch_nan_and_errors():
    from libpysal.graph import Graph

    gdf = _grid_gdf(4, 4, 2)
    graph = Graph.build_contiguity(gdf, rook=True)
    with pytest.raises(ValueError, match="ids do not match"):
        spatial_gini(gdf.iloc[:-1], "beds", graph=graph, permutations=0)
    with pytest.raises(ValueError, match="ids do not match"):
        spatial_gini(gdf["beds"].reset_index(drop=True), graph=graph, permutations=0)
    with pytest.raises(TypeError, match="libpysal"):
        spatial_gini(gdf, "beds", graph=np.eye(16), permutations=0)
    holed = gdf.copy()
    holed.loc["c0101", "beds"] = np.nan
    with pytest.raises(ValueError, match="missing value"):
        spatial_gini(holed, "beds", graph=graph, permutations=0)
    res = spatial_gini(holed, "beds", graph=graph, permutations=9, rng=0, nan_policy="omit")
    assert res.omitted == ("c0101",) and res.n == 15
    # the omitted unit's 4 rook links are gone in both directions
    assert res.n_links == graph.adjacency.shape[0] - 8
    with pytest.raises(ValueError, match="permutations"):
        spatial_gini(gdf, "beds", graph=graph, permutations=-1)
    with pytest.raises(ValueError, match="non-negative"):
        spatial_gini(gdf.assign(beds=-gdf["beds"]), "beds", graph=graph, permutations=0)


def test_per_year_works():
    from libpysal.graph import Graph

    gdf = _grid_gdf(3, 3, 4)
    graph = Graph.build_contiguity(gdf, rook=True)
    panel = pd.concat(
        [
            pd.DataFrame(gdf[["beds"]]).assign(year=y, beds=gdf["beds"] * (1 + y - 2015))
            for y in (2015, 2016)
        ]
    )
    table = geohra.per_year(
        spatial_gini, panel, "beds", graph=graph, permutations=19, rng=0, time="year"
    ).summary()
    assert list(table["year"]) == [2015, 2016]
    assert table["total"].iloc[0] == pytest.approx(table["total"].iloc[1])  # scale invariance
