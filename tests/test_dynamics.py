"""Tests for geohra.dynamics: kde and markov."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from geohra.dynamics import kde, markov

# ----------------------------------------------------------------------------- kde


def _kde_panel(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for year, shift in ((2015, 0.0), (2016, 1.0), (2017, 2.0)):
        for region in ("east", "west"):
            x = rng.normal(10 + shift + (3 if region == "east" else 0), 2, size=40)
            rows += [{"year": year, "region": region, "v": v} for v in x]
    return pd.DataFrame(rows)


def test_kde_shared_grid_integrates_and_matches_scipy():
    panel = _kde_panel()
    res = kde(panel, "v")
    assert list(res.densities.columns) == [2015, 2016, 2017]
    assert res.densities.columns.name == "year"
    np.testing.assert_array_equal(res.densities.index.to_numpy(), res.grid)
    assert len(res.grid) == 256
    for year, part in panel.groupby("year"):
        f = res.densities[year].to_numpy()
        assert np.trapezoid(f, res.grid) == pytest.approx(1.0, abs=1e-3)
        ref = stats.gaussian_kde(part["v"].to_numpy(), bw_method="silverman")
        np.testing.assert_allclose(f, ref(res.grid), rtol=1e-10, atol=1e-14)
        h = ref.factor * part["v"].std(ddof=1)
        assert res.bandwidth[year] == pytest.approx(h)
        assert res.features.loc[year, "bandwidth"] == pytest.approx(h)
    summ = res.summary()
    assert {"peak_x", "peak_height", "width", "n_peaks", "skewness"} <= set(summ.columns)
    assert "silverman" in summ["rule"].iloc[0]


def test_kde_scott_and_numeric_bandwidth_match_scipy():
    x = np.random.default_rng(1).gamma(2, 2, size=50)
    s = pd.Series(x, name="v")
    res = kde(s, time=None, bandwidth="scott")
    ref = stats.gaussian_kde(x)  # scott is scipy's default
    np.testing.assert_allclose(res.densities["all"], ref(res.grid), rtol=1e-10, atol=1e-14)
    h = 0.8
    res = kde(s, time=None, bandwidth=h, grid=np.linspace(-5, 25, 301))
    ref = stats.gaussian_kde(x, bw_method=h / x.std(ddof=1))  # scipy takes a factor of the sd
    np.testing.assert_allclose(res.densities["all"], ref(res.grid), rtol=1e-10, atol=1e-14)
    assert res.bandwidth["all"] == h


def test_kde_silverman_robust_rule():
    x = np.random.default_rng(2).standard_t(3, size=80)
    res = kde(pd.Series(x), time=None, bandwidth="silverman_robust")
    iqr = np.subtract(*np.percentile(x, [75, 25]))
    h = 0.9 * min(x.std(ddof=1), iqr / 1.349) * 80 ** (-0.2)
    assert res.bandwidth["all"] == pytest.approx(h)


def test_kde_unimodal_and_bimodal():
    rng = np.random.default_rng(3)
    uni = rng.normal(5, 1, size=2000)
    bi = np.concatenate([rng.normal(0, 1, size=1000), rng.normal(8, 1, size=1000)])
    df = pd.DataFrame({"year": [1] * 2000 + [2] * 2000, "v": np.concatenate([uni, bi])})
    res = kde(df, "v", grid_size=512)
    f1, f2 = res.features.loc[1], res.features.loc[2]
    assert f1["n_peaks"] == 1
    assert f1["peak_x"] == pytest.approx(5, abs=0.25)
    # the smoothed N(0,1) curve is about N(0, 1 + h^2): FWHM = 2 sqrt(2 ln 2) sqrt(1 + h^2)
    fwhm = 2 * np.sqrt(2 * np.log(2)) * np.sqrt(1 + f1["bandwidth"] ** 2)
    assert f1["width"] == pytest.approx(fwhm, rel=0.08)
    assert f2["n_peaks"] == 2
    peaks = sorted(res.peaks.loc[2, "x"])
    assert peaks[0] == pytest.approx(0, abs=0.5) and peaks[1] == pytest.approx(8, abs=0.5)


def test_kde_by_group():
    panel = _kde_panel()
    res = kde(panel, "v", by="region")
    assert res.densities.columns.names == ["region", "year"]
    assert res.densities.shape[1] == 6
    assert res.groups == ("east", "west")
    part = panel[(panel.region == "east") & (panel.year == 2016)]["v"].to_numpy()
    ref = stats.gaussian_kde(part, bw_method="silverman")
    np.testing.assert_allclose(res.densities[("east", 2016)], ref(res.grid), rtol=1e-10)
    assert res.features.loc[("west", 2017), "n"] == 40
    # time as an index level gives the same curves
    res2 = kde(panel.set_index("year"), "v", by="region")
    np.testing.assert_allclose(res2.densities.to_numpy(), res.densities.to_numpy())


def test_kde_bad_inputs():
    panel = _kde_panel()
    with pytest.raises(ValueError, match="bandwidth"):
        kde(panel, "v", bandwidth="wide")
    const = pd.DataFrame({"year": [1, 1, 1], "v": [2.0, 2.0, 2.0]})
    with pytest.raises(ValueError, match="equal"):
        kde(const, "v")
    nan = panel.copy()
    nan.loc[3, "v"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        kde(nan, "v")
    res = kde(nan, "v", nan_policy="omit")
    assert res.omitted == (3,)
    with pytest.raises(KeyError, match="nope"):
        kde(panel, "v", time="nope")


# -------------------------------------------------------------------------- markov


def _tiny_panel() -> pd.DataFrame:
    # 3 units x 3 years, cut-offs [10, 20] -> classes 0: <=10, 1: (10, 20], 2: >20
    data = {
        "A": [5, 15, 25],  # 0 -> 1 -> 2
        "B": [15, 15, 5],  # 1 -> 1 -> 0
        "C": [25, 10, 12],  # 2 -> 0 -> 1 (10 is in the lowest, right-closed class)
    }
    rows = [
        {"unit": u, "year": 2015 + t, "v": float(v[t])} for u, v in data.items() for t in range(3)
    ]
    return pd.DataFrame(rows)


def test_markov_hand_counts():
    res = markov(_tiny_panel(), "v", unit="unit", classes=[10, 20])
    expected = np.zeros((3, 3))
    for a, b in [(0, 1), (1, 2), (1, 1), (1, 0), (2, 0), (0, 1)]:
        expected[a, b] += 1
    np.testing.assert_array_equal(res.transitions.to_numpy(), expected)
    p = res.probabilities.to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[1], [1 / 3, 1 / 3, 1 / 3])
    assert list(res.probabilities.index) == ["<=10", "(10, 20]", ">20"]
    assert res.classes.loc[8] == "(10, 20]"  # C in 2017: 12
    assert res.classes.loc[7] == "<=10"  # C in 2016: exactly 10
    frame = res.to_frame()
    assert frame.index.equals(_tiny_panel().index)
    summ = res.summary()
    assert summ.loc[("all", "(10, 20]"), "n"] == 3


def test_markov_never_left_state_is_nan():
    df = _tiny_panel()
    res = markov(df, "v", unit="unit", classes=[10, 20, 100])
    assert res.probabilities.loc[">100"].isna().all()
    assert res.steady_state is None


def _grid_panel(seed: int = 0, n_side: int = 4, years: int = 8):
    rng = np.random.default_rng(seed)
    n = n_side * n_side
    ids = [f"c{i:02d}" for i in range(n)]
    level = rng.gamma(4, 1, size=n)
    rows = []
    for t in range(years):
        level = level * rng.lognormal(0.02, 0.15, size=n)
        rows += [{"unit": ids[i], "year": 2010 + t, "v": level[i]} for i in range(n)]
    return pd.DataFrame(rows), ids


def _weights(ids, n_side):
    from libpysal.weights import W, lat2W

    base = lat2W(n_side, n_side)
    neigh = {ids[i]: [ids[j] for j in base.neighbors[i]] for i in base.neighbors}
    return W(neigh, id_order=list(reversed(ids)))  # deliberately another order than the panel


def test_markov_matches_giddy_classic_and_spatial():
    from giddy.markov import Spatial_Markov
    from libpysal.weights import W

    panel, ids = _grid_panel()
    w = _weights(ids, 4)
    cut = [0.8, 1.0, 1.2]
    res = markov(panel, "v", unit="unit", classes=cut, relative=True, graph=w)
    # giddy on the same data, in the weights' order, with the same cut-offs for values and lags
    wide = panel.pivot(index="unit", columns="year", values="v").loc[w.id_order]
    rel = (wide / wide.mean()).to_numpy()
    wg = W(dict(w.neighbors), id_order=list(w.id_order))
    wg.transform = "r"
    sm = Spatial_Markov(rel, wg, cutoffs=cut, lag_cutoffs=cut, fixed=True)
    np.testing.assert_array_equal(res.transitions.to_numpy(), sm.transitions)
    np.testing.assert_allclose(np.nan_to_num(res.probabilities.to_numpy()), sm.p)
    for i, key in enumerate(res.spatial):
        np.testing.assert_array_equal(res.spatial_transitions[key].to_numpy(), sm.T[i])
        np.testing.assert_allclose(np.nan_to_num(res.spatial[key].to_numpy()), sm.P[i])
    if res.steady_state is not None:
        np.testing.assert_allclose(res.steady_state.to_numpy(), np.asarray(sm.s).ravel(), atol=1e-8)
    assert w.transform == "O"  # the caller's weights are untouched
    assert {"Q", "LR", "dof"} <= set(res.homogeneity.index)
    assert "lag_class" in res.to_frame().columns
    # the counts do not depend on the row order of the panel
    shuffled = panel.sample(frac=1, random_state=1)
    res2 = markov(shuffled, "v", unit="unit", classes=cut, relative=True, graph=w)
    pd.testing.assert_frame_equal(res2.transitions, res.transitions)
    pd.testing.assert_series_equal(res2.classes.loc[panel.index], res.classes)


def test_markov_quantiles_pooled_and_yearly():
    panel, _ = _grid_panel(2)
    res = markov(panel.set_index(["unit", "year"]), "v", classes=4)
    np.testing.assert_allclose(res.cutoffs, np.quantile(panel["v"], [0.25, 0.5, 0.75]))
    assert res.transitions.to_numpy().sum() == 16 * 7
    yearly = markov(panel, "v", unit="unit", classes=4, quantiles="yearly")
    assert yearly.cutoffs.shape == (8, 3)
    assert list(yearly.probabilities.index) == ["Q1", "Q2", "Q3", "Q4"]
    # yearly quartiles: each class holds 4 of 16 units every year
    counts = yearly.classes.groupby(panel["year"]).value_counts()
    assert (counts == 4).all()


def test_markov_bad_inputs():
    panel = _tiny_panel()
    with pytest.raises(ValueError, match=r"unbalanced.*'B'"):
        markov(panel.drop(index=4), "v", unit="unit", classes=[10, 20])
    with pytest.raises(ValueError, match="more than once"):
        markov(pd.concat([panel, panel.iloc[:1]]), "v", unit="unit", classes=[10, 20])
    with pytest.raises(ValueError, match="increasing"):
        markov(panel, "v", unit="unit", classes=[20, 10])
    nan = panel.copy()
    nan.loc[0, "v"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        markov(nan, "v", unit="unit", classes=[10, 20])
    res = markov(nan, "v", unit="unit", classes=[10, 20], nan_policy="omit")
    assert res.omitted == ("A",) and res.transitions.to_numpy().sum() == 4
    from libpysal.weights import W

    w = W({"A": ["B"], "B": ["A"], "D": []}, silence_warnings=True)
    with pytest.raises(ValueError, match="only in the panel"):
        markov(panel, "v", unit="unit", classes=[10, 20], graph=w)


def test_markov_pooled_quantiles_match_giddy_default():
    from giddy.markov import Spatial_Markov
    from libpysal.weights import W

    panel, ids = _grid_panel(4)
    w = _weights(ids, 4)
    res = markov(panel, "v", unit="unit", classes=4, relative=True, graph=w, lag_classes=4)
    wide = panel.pivot(index="unit", columns="year", values="v").loc[w.id_order]
    rel = (wide / wide.mean()).to_numpy()
    wg = W(dict(w.neighbors), id_order=list(w.id_order))
    wg.transform = "r"
    sm = Spatial_Markov(rel, wg, k=4, m=4, fixed=True)  # giddy's own quantile classes
    np.testing.assert_allclose(res.cutoffs, sm.cutoffs)
    np.testing.assert_allclose(res.lag_cutoffs, sm.lag_cutoffs)
    np.testing.assert_array_equal(res.transitions.to_numpy(), sm.transitions)
    for i, key in enumerate(res.spatial_transitions):
        np.testing.assert_array_equal(res.spatial_transitions[key].to_numpy(), sm.T[i])


def test_markov_series_with_unit_year_index_and_large_kde():
    panel, _ = _grid_panel(5)
    s = panel.set_index(["unit", "year"])["v"]
    res = markov(s, classes=[2.0, 4.0])
    ref = markov(panel, "v", unit="unit", classes=[2.0, 4.0])
    pd.testing.assert_frame_equal(res.transitions, ref.transitions)
    assert res.classes.index.equals(s.index)
    # more points than one block of the blocked density sum
    x = np.random.default_rng(0).normal(size=9000)
    big = kde(pd.Series(x), time=None)
    ref_kde = stats.gaussian_kde(x, bw_method="silverman")
    np.testing.assert_allclose(big.densities["all"], ref_kde(big.grid), rtol=1e-9, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_units=st.integers(2, 12), n_years=st.integers(2, 6))
def test_markov_counts_every_consecutive_pair(seed, n_units, n_years):
    rng = np.random.default_rng(seed)
    rows = [
        {"unit": f"u{i}", "year": 2000 + t, "v": rng.normal()}
        for i in range(n_units)
        for t in range(n_years)
    ]
    res = markov(pd.DataFrame(rows), "v", unit="unit", classes=[-0.5, 0.5])
    assert res.transitions.to_numpy().sum() == n_units * (n_years - 1)
    p = res.probabilities.to_numpy()
    visited = res.transitions.sum(axis=1).to_numpy() > 0
    np.testing.assert_allclose(p[visited].sum(axis=1), 1.0)
    assert np.isnan(p[~visited]).all()


def test_inputs_not_mutated():
    panel, ids = _grid_panel(6)
    w = _weights(ids, 4)
    before = panel.copy()
    neighbours = {k: list(v) for k, v in w.neighbors.items()}
    markov(panel, "v", unit="unit", classes=3, graph=w)
    kde(panel, "v")
    pd.testing.assert_frame_equal(panel, before)
    assert {k: list(v) for k, v in w.neighbors.items()} == neighbours


def test_kde_plot_delegates_to_the_charts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(3)
    panel = pd.DataFrame({"year": np.repeat([2020, 2021], 40), "v": rng.normal(size=80)})
    res = kde(panel, "v", time="year")
    fig = res.plot()
    lines = [ln for ax in fig.axes for ln in ax.get_lines()]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_ydata(), res.densities.iloc[:, 0].to_numpy())
    surface = res.plot(kind="surface")
    assert any(ax.name == "3d" for ax in surface.axes)
    with pytest.raises(ValueError, match="kind must be one of"):
        res.plot(kind="pie")
    plt.close("all")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_homogeneity_matches_giddy(seed):
    from giddy.markov import Homogeneity_Results

    from geohra.dynamics._homogeneity import homogeneity as _homogeneity

    rng = np.random.default_rng(seed)
    tt = rng.poisson(rng.uniform(0, 6, size=(4, 4, 4))).astype(float)
    tt[1, 2] = 0  # a class never left in one regime
    tt[:, 0, 3] = 0  # a transition that never happens
    if seed == 2:
        tt[3] = 0  # an empty regime is left out
    ours = _homogeneity(tt)
    ref = Homogeneity_Results(np.asarray([t for t in tt if t.sum() > 0]))
    assert ours["dof"] == ref.dof
    assert ours["Q"] == pytest.approx(ref.Q, rel=1e-12)
    assert ours["LR"] == pytest.approx(ref.LR, rel=1e-12)
    assert ours["Q_pvalue"] == pytest.approx(ref.Q_p_value, rel=1e-9, abs=1e-15)
    assert ours["LR_pvalue"] == pytest.approx(ref.LR_p_value, rel=1e-9, abs=1e-15)
    assert _homogeneity(tt[:1]) is None


def test_spatial_markov_on_geohras_light_weights_equals_the_graph():
    # the report passes geohra's own weights (no libpysal Graph); every number must be the
    # same as with spatial_weights() of the same layer, whatever the panel's row order
    import geohra
    from geohra.spatial.weights import _LiteGraph

    with pytest.warns(UserWarning):  # Hainan is linked to its nearest province
        gdf = geohra.load_boundaries("china-provinces").query("analysis")
        graph = geohra.spatial_weights(gdf)
        lite = _LiteGraph.build(gdf, "r", stacklevel=2)
    rng = np.random.default_rng(4)
    units = list(gdf.index)[::-1]  # another order than the weights
    panel = pd.DataFrame(
        {
            "unit": np.repeat(units, 8),
            "year": np.tile(np.arange(2010, 2018), len(units)),
            "v": rng.lognormal(1.0, 0.4, 8 * len(units)),
        }
    )
    a = markov(panel, "v", unit="unit", classes=4, relative=True, graph=graph, lag_classes=4)
    b = markov(panel, "v", unit="unit", classes=4, relative=True, graph=lite, lag_classes=4)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
    for key in a.spatial:
        pd.testing.assert_frame_equal(a.spatial[key], b.spatial[key], check_exact=True)
        pd.testing.assert_frame_equal(
            a.spatial_transitions[key], b.spatial_transitions[key], check_exact=True
        )
    pd.testing.assert_series_equal(a.homogeneity, b.homogeneity, check_exact=True)
