"""Tests for geohra.coupling.coupling_coordination."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geohra.coupling import GRADES, coupling_coordination

unit = st.floats(0.0, 1.0, allow_nan=False)


def _brute_revised(u: list[float]) -> float:
    # written from the paper's formula with explicit loops
    n = len(u)
    diff = 0.0
    for i in range(n):
        for j in range(i):
            diff += abs(u[i] - u[j])
    denom = sum(range(1, n))
    prod = 1.0
    for x in u:
        prod *= x / max(u)
    return math.sqrt((1 - diff / denom) * prod ** (1 / (n - 1)))


def test_two_system_traditional_closed_form():
    df = pd.DataFrame({"a": [0.2, 0.5, 0.9, 0.3], "b": [0.6, 0.5, 0.1, 0.0]}, index=list("wxyz"))
    res = coupling_coordination(df, ["a", "b"], method="traditional").to_frame()
    u1, u2 = df["a"], df["b"]
    expected = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    np.testing.assert_allclose(res["C"], expected, atol=1e-12)
    np.testing.assert_allclose(res["T"], (u1 + u2) / 2, atol=1e-12)
    np.testing.assert_allclose(res["D"], np.sqrt(expected * (u1 + u2) / 2), atol=1e-12)
    assert res.index.equals(df.index)
    assert list(res.columns) == ["C", "T", "D", "level", "grade", "grade_en", "grade_zh", "lagging"]
    assert res.loc["w", "lagging"] == "a lagging"
    assert res.loc["y", "lagging"] == "b lagging"
    assert res.loc["x", "lagging"] == "synchronous"


def test_revised_matches_brute_force_n3():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.uniform(0.05, 1, size=(20, 3)), columns=["x", "y", "z"])
    res = coupling_coordination(df, ["x", "y", "z"], weights=[0.5, 0.3, 0.2]).to_frame()
    for i, row in df.iterrows():
        assert res.loc[i, "C"] == pytest.approx(_brute_revised(list(row)), abs=1e-12)
        t = 0.5 * row["x"] + 0.3 * row["y"] + 0.2 * row["z"]
        assert res.loc[i, "T"] == pytest.approx(t, abs=1e-12)


def test_revised_two_systems_closed_form():
    # n = 2: C = sqrt((1 - |U1 - U2|) * min/max)
    df = pd.DataFrame({"a": [0.2, 0.8], "b": [0.6, 0.4]})
    res = coupling_coordination(df, ["a", "b"]).to_frame()
    np.testing.assert_allclose(res["C"], [math.sqrt(0.6 * (0.2 / 0.6)), math.sqrt(0.6 * 0.5)])


@settings(max_examples=150, deadline=None)
@given(st.lists(unit, min_size=2, max_size=6))
def test_traditional_c_in_unit_interval(us):
    if max(us) == 0:
        return
    df = pd.DataFrame([us], columns=[f"s{i}" for i in range(len(us))])
    c = coupling_coordination(df, list(df.columns), method="traditional").to_frame()["C"].iloc[0]
    assert 0.0 <= c <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-6, 1.0), st.integers(2, 6))
def test_equal_u_gives_c_one(x, n):
    df = pd.DataFrame([[x] * n], columns=[f"s{i}" for i in range(n)])
    for method in ("traditional", "revised"):
        c = coupling_coordination(df, list(df.columns), method=method).to_frame()["C"].iloc[0]
        assert c == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(unit, unit)
def test_revised_below_traditional_two_systems(u1, u2):
    if max(u1, u2) == 0:
        return
    df = pd.DataFrame({"a": [u1], "b": [u2]})
    rev = coupling_coordination(df, ["a", "b"], method="revised").to_frame()["C"].iloc[0]
    tra = coupling_coordination(df, ["a", "b"], method="traditional").to_frame()["C"].iloc[0]
    assert rev <= tra + 1e-12


def test_revised_can_exceed_traditional_for_three_systems():
    # "revised C <= traditional C" holds for two systems (sqrt(r) <= 2 sqrt(r)/(1+r))
    # but not for n >= 3; documented here with a concrete counterexample
    u = [0.0477, 0.0000150, 0.0754]
    df = pd.DataFrame([u], columns=["a", "b", "c"])
    rev = coupling_coordination(df, ["a", "b", "c"], method="revised").to_frame()["C"].iloc[0]
    tra = coupling_coordination(df, ["a", "b", "c"], method="traditional").to_frame()["C"].iloc[0]
    assert rev == pytest.approx(_brute_revised(u))
    gm = (u[0] * u[1] * u[2]) ** (1 / 3)
    assert tra == pytest.approx(gm / (sum(u) / 3))
    assert rev > tra


def test_grades_at_boundaries():
    # two equal systems: C = 1 and T = U, so D = sqrt(U): choose U = D^2
    d = np.array([0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
    df = pd.DataFrame({"a": d**2, "b": d**2})
    with pytest.warns(UserWarning, match="undefined"):  # the D = 0 row
        out = coupling_coordination(df, ["a", "b"], method="traditional").to_frame()
    np.testing.assert_allclose(out["D"], d, atol=1e-12)
    expected = [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]  # [a, b) intervals, last closed
    assert out["level"].tolist() == expected
    assert out["grade_en"].iloc[0] == "extreme disorder"
    assert out["grade_zh"].iloc[-1] == "优质协调"
    assert out["grade"].iloc[5] == GRADES[5][0] == "on the verge of disorder"
    with pytest.warns(UserWarning, match="undefined"):
        zh = coupling_coordination(df, ["a", "b"], lang="zh").to_frame()
    with pytest.warns(UserWarning, match="undefined"):
        right = coupling_coordination(df, ["a", "b"], closed="right").to_frame()
    # (a, b] intervals, the first closed: [0, 0.1] is level 1
    assert right["level"].tolist() == [1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10]
    assert zh["grade"].iloc[6] == "勉强协调"


def test_all_zero_row_warns_nan_c_zero_d():
    df = pd.DataFrame({"a": [0.0, 0.5], "b": [0.0, 0.0]}, index=["p", "q"])
    for method in ("traditional", "revised"):
        with pytest.warns(UserWarning, match="'p'"):
            res = coupling_coordination(df, ["a", "b"], method=method)
        out = res.to_frame()
        assert np.isnan(out.loc["p", "C"]) and out.loc["p", "D"] == 0.0
        assert out.loc["p", "level"] == 1
        assert out.loc["q", "C"] == 0.0  # one system at 0: no coupling
        assert res.undefined == ("p",)


def test_bad_inputs():
    df = pd.DataFrame({"a": [0.2, 1.3], "b": [0.5, 0.5]}, index=["ok", "bad"])
    with pytest.raises(ValueError, match="'bad'.*[Nn]ormalise"):
        coupling_coordination(df, ["a", "b"])
    good = pd.DataFrame({"a": [0.2, 0.3], "b": [0.5, 0.5]})
    with pytest.raises(ValueError, match="sum to 1"):
        coupling_coordination(good, ["a", "b"], weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="one per column"):
        coupling_coordination(good, ["a", "b"], weights=[1.0])
    with pytest.raises(ValueError, match="method"):
        coupling_coordination(good, ["a", "b"], method="new")
    with pytest.raises(ValueError, match="at least two"):
        coupling_coordination(good, ["a"])
    nan = good.copy()
    nan.loc[1, "a"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        coupling_coordination(nan, ["a", "b"])
    res = coupling_coordination(nan, ["a", "b"], nan_policy="omit")
    assert res.omitted == (1,) and list(res.to_frame().index) == [0]


def test_weights_mapping_and_summary():
    good = pd.DataFrame({"a": [0.2, 0.3, 0.9], "b": [0.5, 0.5, 0.8]})
    res = coupling_coordination(good, ["a", "b"], weights={"b": 0.25, "a": 0.75})
    np.testing.assert_allclose(res.to_frame()["T"], 0.75 * good["a"] + 0.25 * good["b"])
    summ = res.summary()
    assert summ["count"].sum() == 3 and len(summ) == 10
    d = res.to_frame()["D"]
    lvl = res.to_frame()["level"]
    for k in set(lvl):
        assert summ.loc[k, "mean_D"] == pytest.approx(d[lvl == k].mean())
    assert summ.loc[1, "interval"] == "[0.0, 0.1)" and summ.loc[10, "interval"] == "[0.9, 1.0]"
    assert "Wang" in summ["variant"].iloc[0]


def test_permuting_columns_keeps_c_and_d():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.uniform(0, 1, size=(10, 3)), columns=["a", "b", "c"])
    base = coupling_coordination(df, ["a", "b", "c"]).to_frame()
    for perm in itertools.permutations(["a", "b", "c"]):
        other = coupling_coordination(df, list(perm)).to_frame()
        np.testing.assert_allclose(other["C"], base["C"], atol=1e-12)
        np.testing.assert_allclose(other["D"], base["D"], atol=1e-12)


def test_input_not_mutated():
    df = pd.DataFrame({"a": [0.2, 0.3, 0.9], "b": [0.5, 0.5, 0.8]}, index=["x", "y", "z"])
    before = df.copy()
    res = coupling_coordination(df, ["a", "b"])
    res.summary()
    pd.testing.assert_frame_equal(df, before)
    assert res.to_frame().index.equals(df.index)
