"""geohra.gini: plain and population-weighted Gini against PySAL, brute force and Lorenz curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import geohra
from geohra import gini


def brute_gini(y, w=None):
    """Independent O(n²) definition: Σ_ij w_i w_j |y_i - y_j| / (2 W² μ_w)."""
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    diff = np.abs(y[:, None] - y[None, :])
    mu = (w * y).sum() / w.sum()
    return (w[:, None] * w[None, :] * diff).sum() / (2 * w.sum() ** 2 * mu)


def lorenz_gini(y, w):
    """Independent: 1 - Σ (X_k - X_{k-1})(Y_k + Y_{k-1}) over the population Lorenz curve."""
    order = np.argsort(y)
    y, w = np.asarray(y, float)[order], np.asarray(w, float)[order]
    X = np.concatenate([[0], np.cumsum(w) / w.sum()])
    Y = np.concatenate([[0], np.cumsum(w * y) / (w * y).sum()])
    return 1 - np.sum((X[1:] - X[:-1]) * (Y[1:] + Y[:-1]))


# exact zeros, or magnitudes well clear of float underflow (where the brute force itself breaks)
positive = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6))


def test_matches_pysal_gini_on_mexico():
    import libpysal
    from inequality.gini import Gini

    df = pd.read_csv(libpysal.examples.get_path("mexico.csv"))
    for col in ["pcgdp1940", "pcgdp1970", "pcgdp2000"]:
        assert gini(df, col) == pytest.approx(Gini(df[col].to_numpy()).g, rel=1e-12, abs=1e-14)


def test_matches_bruteforce_and_known_value():
    # [0, 0, 0, 1]: Σ|diff| = 6, n=4, mean 1/4 -> 6 / (2·16·0.25) = 0.75
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gini([5, 5, 5]) == 0.0
    rng = np.random.default_rng(0)
    y = rng.lognormal(size=57)
    assert gini(y) == pytest.approx(brute_gini(y), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 40), elements=positive), st.floats(0.01, 1000))
def test_bounds_scale_and_permutation_invariance(y, c):
    if y.sum() <= 0:
        return
    g = gini(y)
    assert 0.0 <= g < 1.0
    assert g == pytest.approx(brute_gini(y), rel=1e-9, abs=1e-12)
    assert gini(y * c) == pytest.approx(g, rel=1e-9, abs=1e-12)
    assert gini(y[::-1].copy()) == pytest.approx(g, rel=1e-9, abs=1e-12)


def test_weighted_equal_weights_is_unweighted():
    rng = np.random.default_rng(1)
    y = rng.gamma(2.0, size=200)
    assert gini(y, population=np.full(200, 7.0)) == pytest.approx(gini(y), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(positive, st.integers(0, 6)), min_size=2, max_size=25))
def test_weighted_equals_repeated_units(pairs):
    y = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs], float)
    if (w * y).sum() <= 0:
        return
    repeated = np.repeat(y, w.astype(int))
    assert gini(y, population=w) == pytest.approx(gini(repeated), rel=1e-9, abs=1e-12)


def test_weighted_equals_lorenz_curve_and_bruteforce():
    rng = np.random.default_rng(2)
    pop = rng.integers(100, 10_000, size=120).astype(float)
    rate = rng.lognormal(1.0, 0.4, size=120)
    g = gini(rate, population=pop)
    assert g == pytest.approx(lorenz_gini(rate, pop), rel=1e-10)
    assert g == pytest.approx(brute_gini(rate, pop), rel=1e-10)
    assert g.weighted and "weighted" in g.variant


def test_series_equals_array_and_column_and_index_alignment():
    rng = np.random.default_rng(3)
    idx = [f"u{i}" for i in range(30)]
    df = pd.DataFrame({"rate": rng.random(30) + 0.1, "pop": rng.integers(1, 100, 30)}, index=idx)
    g_df = gini(df, "rate", population="pop")
    g_series = gini(df["rate"], population=df["pop"])
    g_array = gini(df["rate"].to_numpy(), population=df["pop"].to_numpy())
    assert g_df == g_series == pytest.approx(g_array, rel=1e-14)
    # weights Series in another order is aligned by label, not by position
    shuffled = df["pop"].sample(frac=1.0, random_state=4)
    assert gini(df["rate"], population=shuffled) == pytest.approx(g_series, rel=1e-14)
    # Lorenz table indexed like the input; last point of the curve is (1, 1)
    tab = g_df.to_frame()
    assert list(tab.index) == idx
    assert tab["lorenz_x"].max() == pytest.approx(1.0) and tab["lorenz_y"].max() == pytest.approx(
        1.0
    )


def test_mismatched_weights_index_raises():
    y = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    w = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "x"])
    with pytest.raises(ValueError, match="does not match the data.s index"):
        gini(y, population=w)


def test_nan_policy():
    y = pd.Series([1.0, np.nan, 3.0, 4.0], index=list("abcd"))
    with pytest.raises(ValueError, match="missing value"):
        gini(y)
    g = gini(y, nan_policy="omit")
    assert g.omitted == ("b",)
    assert g == pytest.approx(gini([1.0, 3.0, 4.0]))
    w = pd.Series([1.0, 2.0, np.nan, 1.0], index=list("abcd"))
    assert gini(y, population=w, nan_policy="omit").omitted == ("b", "c")


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="non-negative"):
        gini([1.0, -2.0, 3.0])
    with pytest.raises(ValueError, match="non-negative"):
        gini([1.0, 2.0], population=[1.0, -1.0])
    with pytest.raises(ValueError, match="zero"):
        gini([0.0, 0.0])
    with pytest.raises(ValueError, match="weights are zero"):
        gini([1.0, 2.0], population=[0.0, 0.0])
    with pytest.raises(TypeError):
        gini(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(TypeError):
        gini([1.0, 2.0], bogus=1)


def test_is_a_float_with_summary_and_per_year():
    g = gini([1.0, 2.0, 3.0])
    assert isinstance(g, float)
    assert float(g + 1) == pytest.approx(float(g) + 1)
    with pytest.raises(AttributeError):
        g.n = 5
    s = g.summary()
    assert s.shape[0] == 1 and {"gini", "n", "weighted", "variant"} <= set(s.columns)
    panel = pd.DataFrame(
        {
            "year": [2012] * 3 + [2013] * 3,
            "rate": [1.0, 2.0, 3.0, 1.0, 1.0, 1.0],
            "pop": [1, 2, 3] * 2,
        }
    )
    table = geohra.per_year(gini, panel, "rate", population="pop", time="year").summary()
    assert list(table["year"]) == [2012, 2013]
    assert table["gini"].iloc[0] == pytest.approx(brute_gini([1, 2, 3], [1, 2, 3]))
    assert table["gini"].iloc[1] == 0.0


# --- common checks over the whole inequality family (one table, every statistic) -----


def _family_data():
    rng = np.random.default_rng(99)
    idx = pd.Index([f"{110000 + 10000 * i}" for i in range(12)], name="adcode")
    return pd.DataFrame(
        {
            "rate": rng.gamma(2.0, 3.0, 12),
            "beds": rng.gamma(2.0, 300.0, 12),
            "pop": rng.integers(100, 5000, 12).astype(float),
            "area": rng.gamma(2.0, 10.0, 12),
            "region": np.repeat(["east", "centre", "west"], 4),
        },
        index=idx,
    )


def _line_graph(index):
    from libpysal.graph import Graph

    ids = list(index)
    return Graph.from_arrays(ids[:-1] + ids[1:], ids[1:] + ids[:-1], np.ones(2 * len(ids) - 2))


FAMILY = {
    "gini": lambda df: geohra.gini(df, "rate", population="pop"),
    "theil": lambda df: geohra.theil(df, "beds", population="pop", by="region"),
    "dagum_gini": lambda df: geohra.dagum_gini(df, "rate", by="region"),
    "spatial_gini": lambda df: geohra.spatial_gini(
        df, "rate", graph=_line_graph(_family_data().index), permutations=49, rng=1
    ),
    "agglomeration": lambda df: geohra.agglomeration(df, "beds", population="pop", area="area"),
    "bootstrap_ci": lambda df: geohra.bootstrap_ci(
        "theil", df, "beds", population="pop", by="region", n_resamples=30, rng=1
    ),
}


def _scalar(res):
    return res.summary().select_dtypes("number").to_numpy(dtype=float)


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_family_common_checks(name):
    call = FAMILY[name]
    df = _family_data()
    before = df.copy(deep=True)
    res = call(df)
    pd.testing.assert_frame_equal(df, before)  # inputs are never mutated
    # rows in another order: same numbers (aligned on labels, not positions)
    again = call(df.iloc[::-1])
    np.testing.assert_allclose(_scalar(again), _scalar(res), rtol=1e-10)
    # a one-row-per-result (or per-component) summary that per_year can stack
    assert isinstance(res.summary(), pd.DataFrame) and len(res.summary()) >= 1
    tab = res.to_frame()
    assert isinstance(tab, pd.DataFrame)
    if name != "bootstrap_ci":  # per-unit tables are indexed like the input
        assert set(tab.index) == set(df.index) and tab.index.name == "adcode"
    # NaN raises by default (omit: see the per-statistic tests and the test below)
    holed = df.copy()
    holed.loc["120000", "rate"] = np.nan
    holed.loc["120000", "beds"] = np.nan
    with pytest.raises(ValueError, match="missing value"):
        call(holed)


@pytest.mark.parametrize(
    "call",
    [
        lambda d, **k: geohra.gini(d["rate"], population=d["pop"], **k),
        lambda d, **k: geohra.theil(d["beds"], population=d["pop"], by=d["region"], **k),
        lambda d, **k: geohra.dagum_gini(d["rate"], by=d["region"], **k),
        lambda d, **k: geohra.agglomeration(d, d["beds"], population=d["pop"], area=d["area"], **k),
    ],
)
def test_family_series_equals_array_and_omit(call):
    df = _family_data()
    as_series = call(df)
    as_array = call(df.reset_index(drop=True).assign(**{c: df[c].to_numpy() for c in df.columns}))
    np.testing.assert_allclose(_scalar(as_array), _scalar(as_series), rtol=1e-12)
    holed = df.copy()
    holed.loc["130000", ["rate", "beds"]] = np.nan
    res = call(holed, nan_policy="omit")
    assert res.omitted == ("130000",)


def test_family_same_rng_same_answer():
    df = _family_data()
    for name in ("spatial_gini", "bootstrap_ci"):
        a, b = FAMILY[name](df), FAMILY[name](df)
        pd.testing.assert_frame_equal(a.summary(), b.summary())
