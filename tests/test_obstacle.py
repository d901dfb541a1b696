"""Tests for geohra.obstacle.obstacle_degree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geohra.index import entropy_weights
from geohra.obstacle import obstacle_degree


def test_hand_example():
    z = pd.DataFrame(
        {"beds": [0.0, 1.0, 0.5], "docs": [1.0, 0.0, 0.5], "cost": [0.5, 0.5, 1.0]},
        index=["A", "B", "C"],
    )
    w = pd.Series({"beds": 0.5, "docs": 0.3, "cost": 0.2})
    res = obstacle_degree(z, weights=w)
    # unit A: deviations 1, 0, 0.5 -> w*dev = 0.5, 0, 0.1 -> total 0.6
    assert res.degrees.loc["A"].tolist() == pytest.approx([100 * 0.5 / 0.6, 0.0, 100 * 0.1 / 0.6])
    # unit B: 0, 0.3, 0.1 -> total 0.4
    assert res.degrees.loc["B"].tolist() == pytest.approx([0.0, 75.0, 25.0])
    # unit C: 0.25, 0.15, 0 -> total 0.4
    assert res.degrees.loc["C"].tolist() == pytest.approx([62.5, 37.5, 0.0])
    top = res.top
    assert top.loc[("A", 1), "indicator"] == "beds"
    assert top.loc[("A", 2), "indicator"] == "cost"
    assert top.loc[("B", 1), "indicator"] == "docs"
    assert top.loc[("C", 1), "degree"] == pytest.approx(62.5)
    assert top.index.names == [None, "rank"]
    assert res.to_frame().index.equals(z.index)


def test_rows_sum_to_100_groups_and_ordering():
    rng = np.random.default_rng(1)
    z = pd.DataFrame(
        rng.uniform(0, 1, size=(12, 5)), columns=list("abcde"), index=[f"u{i}" for i in range(12)]
    )
    w = pd.Series(rng.dirichlet(np.ones(5)), index=list("abcde"))
    groups = {"a": "supply", "b": "supply", "c": "staff", "d": "staff", "e": "money"}
    res = obstacle_degree(z, weights=w, groups=groups, top=4)
    np.testing.assert_allclose(res.degrees.sum(axis=1), 100.0)
    np.testing.assert_allclose(res.groups["supply"], res.degrees["a"] + res.degrees["b"])
    np.testing.assert_allclose(res.groups["staff"], res.degrees["c"] + res.degrees["d"])
    np.testing.assert_allclose(res.groups.sum(axis=1), 100.0)
    assert list(res.groups.columns) == ["supply", "staff", "money"]
    for unit in z.index:
        t = res.top.loc[unit]
        assert list(t.index) == [1, 2, 3, 4]
        assert (np.diff(t["degree"].to_numpy()) <= 0).all()
        expected = res.degrees.loc[unit].sort_values(ascending=False).index[:4].tolist()
        assert t["indicator"].tolist() == expected
    frame = res.to_frame()
    assert "group_supply" in frame.columns
    # weights need not sum to 1: the ratio is scale free
    res2 = obstacle_degree(z, weights=7 * w)
    np.testing.assert_allclose(res2.degrees, res.degrees)


def test_works_with_entropy_result_per_year():
    rng = np.random.default_rng(5)
    panel = pd.DataFrame(
        {
            "year": np.repeat([2016, 2017], 5),
            "a": rng.random(10),
            "b": rng.random(10),
            "c": rng.random(10),
        }
    )
    ent = entropy_weights(panel, ["a", "b", "c"], time="year")
    res = obstacle_degree(ent)
    np.testing.assert_allclose(res.degrees.sum(axis=1), 100.0)
    # row 7 is a 2017 row: its degrees use the 2017 weights
    w17 = ent.weights.loc[2017]
    dev = w17 * (1 - ent.normalized.loc[7])
    np.testing.assert_allclose(res.degrees.loc[7], 100 * dev / dev.sum())
    summ = res.summary()
    assert summ.index.names == ["year", "indicator"] and len(summ) == 6
    # the year tells rows apart in the top factors
    assert res.top.index.names == [None, "year", "rank"] and len(res.top) == 30
    assert res.top.loc[(7, 2017, 1), "degree"] == pytest.approx(res.degrees.loc[7].max())
    # explicit form with time=
    res2 = obstacle_degree(ent.normalized, weights=ent.weights, time=panel["year"])
    pd.testing.assert_frame_equal(res2.degrees, res.degrees)
    with pytest.raises(ValueError, match="time="):
        obstacle_degree(ent.normalized, weights=ent.weights)


def test_unit_best_everywhere_is_nan_with_warning():
    z = pd.DataFrame({"a": [1.0, 0.2], "b": [1.0, 0.4]}, index=["best", "other"])
    w = pd.Series({"a": 0.6, "b": 0.4})
    with pytest.warns(UserWarning, match="'best'"):
        res = obstacle_degree(z, weights=w)
    assert res.degrees.loc["best"].isna().all()
    assert res.undefined == ("best",)
    assert "best" not in res.top.index.get_level_values(0)
    assert res.degrees.loc["other"].sum() == pytest.approx(100.0)
    summ = res.summary()
    assert summ.loc["a", "mean_degree"] == pytest.approx(res.degrees.loc["other", "a"])


def test_bad_inputs():
    z = pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, 1.4]})
    w = pd.Series({"a": 0.5, "b": 0.5})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        obstacle_degree(z, weights=w)
    z = pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, 0.4]})
    with pytest.raises(ValueError, match="only in weights"):
        obstacle_degree(z, weights=pd.Series({"a": 0.5, "c": 0.5}))
    with pytest.raises(ValueError, match="unassigned"):
        obstacle_degree(z, weights=w, groups={"a": "x"})
    with pytest.raises(ValueError, match="non-negative"):
        obstacle_degree(z, weights=pd.Series({"a": -0.5, "b": 1.5}))
    z2 = z.copy()
    z2.loc[0, "a"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        obstacle_degree(z2, weights=w)


def test_inputs_not_mutated():
    z = pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, 0.4]})
    w = pd.Series({"a": 0.5, "b": 0.5})
    z0, w0 = z.copy(), w.copy()
    res = obstacle_degree(z, weights=w)
    res.summary()
    pd.testing.assert_frame_equal(z, z0)
    pd.testing.assert_series_equal(w, w0)
    assert res.degrees.columns.name is None


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 15), m=st.integers(2, 7))
def test_rows_sum_to_100_property(seed, n, m):
    rng = np.random.default_rng(seed)
    z = pd.DataFrame(rng.uniform(0, 0.99, size=(n, m)), columns=[f"i{j}" for j in range(m)])
    w = pd.Series(rng.dirichlet(np.ones(m)), index=z.columns)
    res = obstacle_degree(z, weights=w, top=m)
    np.testing.assert_allclose(res.degrees.sum(axis=1), 100.0)
    assert (res.degrees >= 0).all().all()
    assert len(res.top) == n * m


def test_omit_on_a_panel_with_repeated_unit_labels():
    # units repeat over years; the omitted row must be dropped by position, with its year
    z = pd.DataFrame(
        {"a": [0.2, 0.5, np.nan, 0.9], "b": [0.4, 0.1, 0.3, 0.6]}, index=["p", "q", "p", "q"]
    )
    years = pd.Series([2016, 2016, 2017, 2017], index=z.index, name="year")
    w = pd.DataFrame({"a": [0.5, 0.7], "b": [0.5, 0.3]}, index=[2016, 2017])
    with pytest.raises(ValueError, match="nan_policy='omit'"):
        obstacle_degree(z, weights=w, time=years)
    res = obstacle_degree(z, weights=w, time=years, nan_policy="omit")
    assert res.omitted == ("p",) and len(res.degrees) == 3
    assert res.years.tolist() == [2016, 2016, 2017]
    # the 2017 row of q uses the 2017 weights, computed by hand
    dev = np.array([0.7 * (1 - 0.9), 0.3 * (1 - 0.6)])
    np.testing.assert_allclose(res.degrees.iloc[2].to_numpy(), 100 * dev / dev.sum())
    with pytest.warns(DeprecationWarning, match="weights="):
        old = obstacle_degree(z.iloc[:2], pd.Series({"a": 0.5, "b": 0.5}))
    np.testing.assert_allclose(old.degrees.sum(axis=1), 100.0)
