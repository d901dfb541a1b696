"""Tests for geohra.index.entropy_weights."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geohra.index import entropy_weights


def _frame(seed: int = 0, n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.gamma(2.0, 3.0, size=(n, 4)),
        columns=["beds", "doctors", "nurses", "cost"],
        index=[f"u{i}" for i in range(n)],
    )


def test_hand_worked_example():
    # 3 units, 2 indicators; every step written out by hand
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 40.0, 20.0]}, index=["x", "y", "z"])
    res = entropy_weights(df, ["a", "b"], negative=["b"])
    # a positive: z = (x-1)/2 = 0, 0.5, 1   -> p = 0, 1/3, 2/3
    # b negative: z = (40-x)/30 = 1, 0, 2/3 -> p = 3/5, 0, 2/5
    ln3 = math.log(3)
    e_a = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / ln3
    e_b = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4)) / ln3
    w_a = (1 - e_a) / ((1 - e_a) + (1 - e_b))
    w_b = (1 - e_b) / ((1 - e_a) + (1 - e_b))
    assert res.entropy["a"] == pytest.approx(e_a, abs=1e-12)
    assert res.entropy["b"] == pytest.approx(e_b, abs=1e-12)
    assert res.weights["a"] == pytest.approx(w_a, abs=1e-12)
    assert res.weights["b"] == pytest.approx(w_b, abs=1e-12)
    expected = pd.Series(
        [w_a * 0 + w_b * 1, w_a * 0.5 + w_b * 0, w_a * 1 + w_b * 2 / 3], index=["x", "y", "z"]
    )
    np.testing.assert_allclose(res.scores.to_numpy(), expected.to_numpy(), atol=1e-12)
    assert list(res.scores.index) == ["x", "y", "z"]
    np.testing.assert_allclose(res.normalized["b"].to_numpy(), [1, 0, 2 / 3], atol=1e-12)
    # scale and summary
    res100 = entropy_weights(df, ["a", "b"], negative=["b"], scale=100)
    np.testing.assert_allclose(res100.scores.to_numpy(), 100 * expected.to_numpy())
    summ = res.summary()
    assert list(summ.index) == ["a", "b"]
    assert summ.loc["b", "direction"] == "negative"
    assert "ln" in summ["variant"].iloc[0]
    # summary must not rename the result's own index
    assert res.weights.index.name is None


def test_weights_sum_to_one_and_frame():
    df = _frame()
    res = entropy_weights(df, list(df.columns), negative=["cost"])
    assert res.weights.sum() == pytest.approx(1.0)
    assert (res.weights >= 0).all()
    assert res.normalized.min().min() == 0.0 and res.normalized.max().max() == 1.0
    frame = res.to_frame()
    assert frame.index.equals(df.index)
    assert "score" in frame.columns and "cost_norm" in frame.columns


def test_shift_changes_only_proportions():
    df = _frame()
    plain = entropy_weights(df, list(df.columns))
    shifted = entropy_weights(df, list(df.columns), shift=0.01)
    pd.testing.assert_frame_equal(plain.normalized, shifted.normalized)
    # independent check of the shifted entropy of one column
    z = plain.normalized["beds"].to_numpy() + 0.01
    p = z / z.sum()
    e = -(p * np.log(p)).sum() / np.log(len(z))
    assert shifted.entropy["beds"] == pytest.approx(e, abs=1e-12)
    assert shifted.weights.sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    a=st.floats(0.01, 1000),
    b=st.floats(-1000, 1000),
    col=st.sampled_from(["beds", "doctors", "nurses", "cost"]),
)
def test_affine_invariance(seed, a, b, col):
    df = _frame(seed)
    res = entropy_weights(df, list(df.columns), negative=["cost"])
    df2 = df.copy()
    df2[col] = a * df2[col] + b
    res2 = entropy_weights(df2, list(df.columns), negative=["cost"])
    np.testing.assert_allclose(res.weights.to_numpy(), res2.weights.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(res.scores.to_numpy(), res2.scores.to_numpy(), atol=1e-9)


def test_negative_flag_reverses_normalisation():
    df = _frame(3)
    pos = entropy_weights(df, list(df.columns))
    neg = entropy_weights(df, list(df.columns), negative=["cost"])
    np.testing.assert_allclose(neg.normalized["cost"], 1 - pos.normalized["cost"], atol=1e-12)
    pd.testing.assert_series_equal(neg.normalized["beds"], pos.normalized["beds"])
    # an equivalent: negating the raw column and calling it positive
    df2 = df.assign(cost=-df["cost"])
    flip = entropy_weights(df2, list(df.columns))
    np.testing.assert_allclose(flip.weights.to_numpy(), neg.weights.to_numpy(), atol=1e-12)


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for year in (2015, 2016, 2017):
        for u in range(6):
            rows.append(
                {
                    "unit": f"p{u}",
                    "year": year,
                    "beds": rng.gamma(2, 2) + year - 2015,
                    "docs": rng.gamma(3, 1),
                    "cost": rng.gamma(1, 1),
                }
            )
    return pd.DataFrame(rows)


def test_per_year_matches_cross_sections():
    panel = _panel()
    cols = ["beds", "docs", "cost"]
    res = entropy_weights(panel, cols, negative=["cost"], time="year")
    assert isinstance(res.weights, pd.DataFrame)
    assert res.weights.shape == (3, 3) and list(res.weights.index) == [2015, 2016, 2017]
    np.testing.assert_allclose(res.weights.sum(axis=1), 1.0)
    assert res.scores.index.equals(panel.index)
    for year, part in panel.groupby("year"):
        one = entropy_weights(part, cols, negative=["cost"])
        np.testing.assert_allclose(res.weights.loc[year].to_numpy(), one.weights.to_numpy())
        np.testing.assert_allclose(res.scores.loc[part.index], one.scores, atol=1e-12)
    summ = res.summary()
    assert summ.shape[0] == 9 and summ.index.names == ["year", "indicator"]


def test_pooled_is_one_cross_section_of_all_unit_years():
    panel = _panel()
    cols = ["beds", "docs", "cost"]
    res = entropy_weights(panel, cols, negative=["cost"], time="year", pooled=True)
    assert isinstance(res.weights, pd.Series) and res.weights.shape == (3,)
    flat = entropy_weights(panel, cols, negative=["cost"])
    np.testing.assert_allclose(res.weights.to_numpy(), flat.weights.to_numpy())
    assert res.scores.index.equals(panel.index)
    assert list(res.years) == list(panel["year"])


def test_time_as_index_level():
    panel = _panel().set_index(["unit", "year"])
    res = entropy_weights(panel, ["beds", "docs"], time="year")
    assert res.scores.index.equals(panel.index)
    assert list(res.weights.index) == [2015, 2016, 2017]


def test_constant_indicator_warns_and_gets_zero():
    df = _frame().assign(flat=5.0)
    with pytest.warns(UserWarning, match="flat"):
        res = entropy_weights(df, ["beds", "doctors", "flat"])
    assert res.weights["flat"] == 0.0
    assert res.weights.sum() == pytest.approx(1.0)
    assert res.constant == ("flat",)
    assert np.isfinite(res.scores).all()


def test_all_constant_raises():
    df = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]})
    with pytest.raises(ValueError, match="every indicator is constant"):
        entropy_weights(df, ["a", "b"])


def test_nan_raises_and_omit_reports():
    df = _frame()
    df.loc["u2", "beds"] = np.nan
    with pytest.raises(ValueError, match="u2"):
        entropy_weights(df, list(df.columns))
    res = entropy_weights(df, list(df.columns), nan_policy="omit")
    assert res.omitted == ("u2",)
    assert "u2" not in res.scores.index
    full = entropy_weights(df.drop(index="u2"), list(df.columns))
    pd.testing.assert_series_equal(res.weights, full.weights)


def test_bad_inputs():
    df = _frame()
    with pytest.raises(ValueError, match="not among columns"):
        entropy_weights(df, ["beds", "doctors"], negative=["cost"])
    with pytest.raises(KeyError, match="nope"):
        entropy_weights(df, ["beds", "nope"])
    with pytest.raises(ValueError, match="pooled"):
        entropy_weights(df, ["beds", "doctors"], pooled=True)
    with pytest.raises(ValueError, match="at least 2"):
        entropy_weights(df.iloc[:1], ["beds", "doctors"])
    with pytest.raises(ValueError, match="shift"):
        entropy_weights(df, ["beds", "doctors"], shift=-1)


def test_input_not_mutated():
    df = _frame()
    before = df.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entropy_weights(df, list(df.columns), negative=["cost"])
    pd.testing.assert_frame_equal(df, before)


def test_panel_with_repeated_unit_index():
    panel = _panel().set_index("unit")  # every unit label appears once per year
    res = entropy_weights(panel, ["beds", "docs", "cost"], negative=["cost"], time="year")
    assert res.scores.index.equals(panel.index)
    ref = entropy_weights(_panel(), ["beds", "docs", "cost"], negative=["cost"], time="year")
    np.testing.assert_allclose(res.scores.to_numpy(), ref.scores.to_numpy())
    pd.testing.assert_frame_equal(res.weights, ref.weights)
