"""geohra.dagum_gini: against a plain pairwise implementation of Dagum (1997) written
here, identities on random data, non-overlapping groups, invariances, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geohra
from geohra import dagum_gini, gini


def dagum_bruteforce(y, groups):
    """Textbook Dagum decomposition with explicit pairwise loops over every unit pair."""
    y = np.asarray(y, float)
    groups = np.asarray(groups)
    labels = list(dict.fromkeys(groups.tolist()))
    vals = {g: y[groups == g] for g in labels}
    means = {g: vals[g].mean() for g in labels}
    labels.sort(key=lambda g: -means[g])  # μ_1 ≥ μ_2 ≥ ...
    n, mu = len(y), y.mean()
    G = sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)
    p = {g: len(vals[g]) / n for g in labels}
    s = {g: len(vals[g]) * means[g] / (n * mu) for g in labels}
    Gjj = {}
    for g in labels:
        v = vals[g]
        Gjj[g] = sum(abs(a - b) for a in v for b in v) / (2 * len(v) ** 2 * means[g])
    Gw = sum(Gjj[g] * p[g] * s[g] for g in labels)
    Gnb = Gt = 0.0
    pairs = {}
    for j_pos in range(1, len(labels)):
        for h_pos in range(j_pos):
            j, h = labels[h_pos], labels[j_pos]  # j has the larger mean
            vj, vh = vals[j], vals[h]
            nj, nh = len(vj), len(vh)
            Gjh = sum(abs(a - b) for a in vj for b in vh) / (nj * nh * (means[j] + means[h]))
            djh = sum(a - b for a in vj for b in vh if a > b) / (nj * nh)
            pjh = sum(b - a for a in vj for b in vh if b > a) / (nj * nh)
            Djh = (djh - pjh) / (djh + pjh)
            w = p[j] * s[h] + p[h] * s[j]
            Gnb += Gjh * w * Djh
            Gt += Gjh * w * (1 - Djh)
            pairs[(j, h)] = (Gjh, Djh)
    return G, Gw, Gnb, Gt, Gjj, pairs


def test_matches_bruteforce_on_small_data():
    rng = np.random.default_rng(11)
    y = rng.lognormal(1.0, 0.6, size=60)
    g = rng.choice(["east", "centre", "west", "northeast"], size=60)
    G, Gw, Gnb, Gt, Gjj, pairs = dagum_bruteforce(y, g)
    res = dagum_gini(y, by=g)
    assert res.total == pytest.approx(G, rel=1e-11)
    assert res.within == pytest.approx(Gw, rel=1e-11)
    assert res.between_net == pytest.approx(Gnb, rel=1e-11)
    assert res.transvariation == pytest.approx(Gt, rel=1e-11)
    for lab, v in Gjj.items():
        assert res.within_groups[lab] == pytest.approx(v, rel=1e-11)
    assert len(res.between_groups) == len(pairs) == 6
    for _, row in res.between_groups.iterrows():
        Gjh, Djh = pairs[(row["group_high"], row["group_low"])]
        assert row["gini"] == pytest.approx(Gjh, rel=1e-11)
        assert row["relative_affluence"] == pytest.approx(Djh, rel=1e-10, abs=1e-12)
    # groups ordered by descending mean
    assert res.group_table["mean"].is_monotonic_decreasing
    assert res.contributions.sum() == pytest.approx(100.0)


def test_matches_bruteforce_with_ties_and_integer_values():
    y = np.array([1, 1, 2, 2, 2, 3, 5, 5, 1, 3, 3, 2], float)
    g = np.array(list("aabbbcccabca"))
    G, Gw, Gnb, Gt, *_ = dagum_bruteforce(y, g)
    res = dagum_gini(y, by=g)
    assert (res.total, res.within, res.between_net, res.transvariation) == pytest.approx(
        (G, Gw, Gnb, Gt), rel=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.just(0.0), st.floats(1e-6, 1e6)), st.integers(0, 4)),
        min_size=2,
        max_size=60,
    )
)
def test_identities_on_random_data(rows):
    y = np.array([r[0] for r in rows])
    g = np.array([r[1] for r in rows])
    if len(set(g.tolist())) < 2 or y.sum() <= 0:
        return
    res = dagum_gini(y, by=g)
    tol = dict(rel=1e-9, abs=1e-12)
    assert res.within + res.between_net + res.transvariation == pytest.approx(res.total, **tol)
    assert res.total == pytest.approx(float(gini(y)), **tol)
    assert res.within >= 0 and res.between_net >= -1e-12 and res.transvariation >= 0
    # d_jh − p_jh = n_j n_h (μ_j − μ_h) for every pair (the two sums are computed separately)
    t = res.group_table
    for _, row in res.between_groups.iterrows():
        j, h = row["group_high"], row["group_low"]
        expect = t.loc[j, "n_units"] * t.loc[h, "n_units"] * (t.loc[j, "mean"] - t.loc[h, "mean"])
        assert row["d"] - row["p"] == pytest.approx(expect, rel=1e-9, abs=1e-6 * max(1.0, y.max()))


def test_transvariation_zero_when_groups_do_not_overlap():
    rng = np.random.default_rng(12)
    y = np.concatenate([rng.uniform(0, 1, 30), rng.uniform(2, 3, 20), rng.uniform(5, 9, 25)])
    g = np.repeat(["low", "mid", "high"], [30, 20, 25])
    res = dagum_gini(y, by=g)
    assert res.transvariation == 0.0
    assert (res.between_groups["relative_affluence"] == 1.0).all()
    assert list(res.within_groups.index) == ["high", "mid", "low"]
    assert res.within + res.between_net == pytest.approx(res.total, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.001, 1000))
def test_invariant_to_scaling_and_row_order(seed, c):
    rng = np.random.default_rng(seed)
    y = rng.gamma(2.0, 3.0, size=40)
    g = rng.choice(list("abc"), size=40)
    if len(set(g)) < 2:
        return
    a = dagum_gini(y, by=g)
    b = dagum_gini(y * c, by=g)
    perm = rng.permutation(40)
    p = dagum_gini(y[perm], by=g[perm])
    for other in (b, p):
        for attr in ("total", "within", "between_net", "transvariation"):
            assert getattr(other, attr) == pytest.approx(getattr(a, attr), rel=1e-9, abs=1e-13)
        pd.testing.assert_series_equal(other.within_groups, a.within_groups, rtol=1e-9)


def test_single_unit_group_and_equal_groups():
    res = dagum_gini([1.0, 2.0, 3.0, 10.0], by=["a", "a", "a", "b"])
    assert res.within_groups["b"] == 0.0
    # two groups holding the same single value: D undefined, nothing between them
    res = dagum_gini([1.0, 3.0, 2.0, 2.0], by=["a", "a", "b", "c"])
    row = res.between_groups.query("group_high == 'b' or group_low == 'b'")
    pair_bc = row[(row["group_high"].isin(["b", "c"])) & (row["group_low"].isin(["b", "c"]))]
    assert np.isnan(pair_bc["relative_affluence"]).all()
    assert (pair_bc["between_net"] == 0).all() and (pair_bc["transvariation"] == 0).all()
    assert res.within + res.between_net + res.transvariation == pytest.approx(res.total)


def test_large_n_runs_without_quadratic_memory():
    rng = np.random.default_rng(13)
    n = 200_000
    y = rng.lognormal(size=n)
    g = rng.integers(0, 8, size=n)
    res = dagum_gini(y, by=g)
    assert res.within + res.between_net + res.transvariation == pytest.approx(res.total, rel=1e-9)


def test_inputs_alignment_nan_and_errors():
    df = pd.DataFrame(
        {"rate": [1.0, 2.0, np.nan, 4.0, 8.0, 3.0], "region": list("eewwwe")},
        index=[f"p{i}" for i in range(6)],
    )
    with pytest.raises(ValueError, match="missing value"):
        dagum_gini(df, "rate", by="region")
    res = dagum_gini(df, "rate", by="region", nan_policy="omit")
    assert res.omitted == ("p2",)
    assert list(res.to_frame().index) == ["p0", "p1", "p3", "p4", "p5"]
    clean = df.dropna()
    a = dagum_gini(clean["rate"], by=clean["region"].iloc[::-1])  # aligned by label
    b = dagum_gini(clean["rate"].to_numpy(), by=clean["region"].to_numpy())
    assert a.total == pytest.approx(res.total) and b.between_net == pytest.approx(res.between_net)
    with pytest.raises(ValueError, match="fewer than two groups"):
        dagum_gini([1.0, 2.0], by=["a", "a"])
    with pytest.raises(ValueError, match="non-negative"):
        dagum_gini([1.0, -2.0], by=["a", "b"])
    with pytest.raises(ValueError, match="does not match the data.s index"):
        dagum_gini(clean["rate"], by=pd.Series(list("eewwe"), index=list("abcde")))
    with pytest.raises(TypeError):
        dagum_gini([1.0, 2.0], ["a", "b"])  # by is keyword-only


def test_summary_and_per_year():
    rng = np.random.default_rng(14)
    panel = pd.DataFrame(
        {
            "year": np.repeat([2015, 2016], 30),
            "rate": rng.gamma(2.0, 2.0, 60),
            "region": np.tile(np.repeat(["east", "centre", "west"], 10), 2),
        }
    )
    table = geohra.per_year(dagum_gini, panel, "rate", by="region", time="year").summary()
    assert list(table["year"]) == [2015, 2016]
    assert {"total", "within", "between_net", "transvariation", "variant"} <= set(table.columns)
    s = table.iloc[0]
    assert s["within_pct"] + s["between_net_pct"] + s["transvariation_pct"] == pytest.approx(100.0)


def test_group_axis_named_after_the_grouping():
    df = pd.DataFrame({"rate": [1.0, 2.0, 3.0, 5.0], "region": ["e", "e", "w", "w"]})
    assert dagum_gini(df, "rate", by="region").within_groups.index.name == "region"
    assert dagum_gini(df["rate"], by=df["region"]).group_table.index.name == "region"
    assert (
        dagum_gini(df["rate"].to_numpy(), by=df["region"].to_numpy()).within_groups.index.name
        == "group"
    )
    assert geohra.theil(df["rate"], by=df["region"]).groups.index.name == "region"
