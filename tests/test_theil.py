"""geohra.theil: PySAL reference on the Mexico data, population weighting via repeated
units, mean log deviation against its definition, decomposition identities, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geohra
from geohra import theil


@pytest.fixture(scope="module")
def mexico():
    import libpysal

    return pd.read_csv(libpysal.examples.get_path("mexico.csv"))


@pytest.mark.parametrize("col", [f"pcgdp{y}" for y in range(1940, 2010, 10)])
def test_matches_pysal_theild_on_mexico(mexico, col):
    from inequality.theil import TheilD

    ref = TheilD(mexico[col].to_numpy(), mexico["hanson98"].to_numpy())
    res = theil(mexico, col, by="hanson98")
    assert res.total == pytest.approx(float(np.ravel(ref.T)[0]), abs=1e-8)
    assert res.between == pytest.approx(float(np.ravel(ref.bg)[0]), abs=1e-8)
    assert res.within == pytest.approx(float(np.ravel(ref.wg)[0]), abs=1e-8)
    # our within is computed from the groups' own indices, not as total - between
    assert res.within + res.between == pytest.approx(res.total, abs=1e-12)
    g = res.groups
    assert g["n_units"].sum() == len(mexico)
    assert g["resource_share"].sum() == pytest.approx(1.0)
    assert (g["contribution_pct"].sum() + res.summary()["between_pct"].iloc[0]) == pytest.approx(
        100.0
    )
    assert g["within_pct"].sum() == pytest.approx(100.0)


def test_population_weighted_equals_repeated_individuals():
    from inequality.theil import TheilD

    rng = np.random.default_rng(5)
    pop = rng.integers(1, 40, size=25)
    beds = rng.gamma(2.0, 10.0, size=25) * pop
    region = rng.choice(["east", "centre", "west"], size=25)
    res = theil(
        pd.DataFrame({"beds": beds, "pop": pop, "r": region}), "beds", population="pop", by="r"
    )
    # every person holds the unit's per-capita resource; the unweighted Theil of persons
    per_person = np.repeat(beds / pop, pop)
    ref = TheilD(per_person, np.repeat(region, pop))
    assert res.total == pytest.approx(float(np.ravel(ref.T)[0]), rel=1e-10)
    assert res.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-10)
    assert res.within == pytest.approx(float(np.ravel(ref.wg)[0]), rel=1e-10)
    assert res.weighted and "population-weighted" in res.variant


def test_population_weighted_formula_written_out():
    Y = np.array([10.0, 30.0, 60.0])
    P = np.array([20.0, 30.0, 50.0])
    expected = sum((y / 100) * math.log((y / 100) / (p / 100)) for y, p in zip(Y, P, strict=True))
    assert theil(Y, population=P).total == pytest.approx(expected, rel=1e-14)


def test_mean_log_deviation_against_definition():
    rng = np.random.default_rng(6)
    y = rng.lognormal(size=50)
    g = np.repeat(["a", "b", "c", "d", "e"], 10)
    res = theil(y, by=g, index="L")
    mu = y.mean()
    assert res.total == pytest.approx(np.mean(np.log(mu / y)), rel=1e-12)
    # between: population-share weighted log ratio of the overall mean to group means
    s = pd.Series(y).groupby(g)
    between = sum(len(v) / 50 * math.log(mu / v.mean()) for _, v in s)
    within = sum(len(v) / 50 * np.mean(np.log(v.mean() / v)) for _, v in s)
    assert res.between == pytest.approx(between, rel=1e-12)
    assert res.within == pytest.approx(within, rel=1e-12)
    assert res.within + res.between == pytest.approx(res.total, rel=1e-12)


def test_weighted_mld_equals_repeated_individuals():
    rng = np.random.default_rng(7)
    pop = rng.integers(1, 30, size=20)
    beds = rng.gamma(3.0, 5.0, size=20) * pop
    res = theil(beds, population=pop, index="L")
    per_person = np.repeat(beds / pop, pop)
    assert res.total == pytest.approx(np.mean(np.log(per_person.mean() / per_person)), rel=1e-10)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.just(0.0), st.floats(1e-6, 1e5)),
            st.floats(1, 1e4),
            st.sampled_from("abcd"),
        ),
        min_size=3,
        max_size=40,
    ),
    st.sampled_from(["T", "L"]),
    st.booleans(),
)
def test_within_plus_between_is_total(rows, index, weighted):
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    g = np.array([r[2] for r in rows])
    if len(set(g)) < 2 or y.sum() <= 0 or (index == "L" and (y == 0).any()):
        return
    res = theil(y, population=p if weighted else None, by=g, index=index)
    assert res.within + res.between == pytest.approx(res.total, rel=1e-9, abs=1e-12)
    assert res.total >= -1e-12 and res.within >= -1e-12 and res.between >= -1e-12
    # scale invariance in the resource (and in population)
    res2 = theil(y * 3.7, population=p * 2 if weighted else None, by=g, index=index)
    assert res2.total == pytest.approx(res.total, rel=1e-9, abs=1e-12)
    assert res.units["term"].sum() == pytest.approx(res.total, rel=1e-9, abs=1e-12)


def test_bases():
    rng = np.random.default_rng(8)
    y = rng.random(30) + 0.1
    g = np.repeat([1, 2, 3], 10)
    e = theil(y, by=g)
    for base, ln in [(10, math.log(10)), (2, math.log(2))]:
        r = theil(y, by=g, base=base)
        assert r.total == pytest.approx(e.total / ln)
        assert r.within == pytest.approx(e.within / ln)
        assert r.between == pytest.approx(e.between / ln)
        assert r.base == str(base)
    with pytest.raises(ValueError, match="base"):
        theil(y, base=3)
    with pytest.raises(ValueError, match="index"):
        theil(y, index="X")


def test_zeros_use_limit_and_single_unit_group_has_zero_within():
    y = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
    g = ["a", "a", "b", "b", "c"]  # group c has one unit
    res = theil(y, by=g)
    s = y / y.sum()
    expected = sum(si * math.log(5 * si) for si in s if si > 0)
    assert res.total == pytest.approx(expected, rel=1e-13)
    assert res.groups.loc["c", "theil"] == 0.0
    with pytest.raises(ValueError, match="zero resource"):
        theil(y, index="L")
    with pytest.raises(ValueError, match="zero population"):
        theil([1.0, 2.0], population=[0.0, 5.0])
    # a unit with neither resource nor people contributes nothing (0·ln 0 = 0)
    assert theil([0.0, 1.0, 1.0], population=[0.0, 1.0, 1.0]).total == pytest.approx(0.0, abs=1e-15)


def test_bad_inputs():
    with pytest.raises(ValueError, match="non-negative"):
        theil([1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match="fewer than two groups"):
        theil([1.0, 2.0, 3.0], by=["a", "a", "a"])
    y = pd.Series([1.0, 2.0, 3.0], index=["x", "y", "z"])
    with pytest.raises(ValueError, match="does not match the data.s index"):
        theil(y, population=pd.Series([1.0, 1.0, 1.0], index=["x", "y", "w"]))
    with pytest.raises(ValueError, match="missing value"):
        theil(pd.Series([1.0, np.nan, 2.0]))
    with pytest.raises(TypeError):
        theil(y, weights=[1, 2, 3])


def test_nan_omit_series_array_and_index():
    df = pd.DataFrame(
        {
            "beds": [10.0, 20.0, np.nan, 40.0, 50.0],
            "pop": [1.0, 2.0, 3.0, np.nan, 5.0],
            "r": ["e", "e", "w", "w", "w"],
        },
        index=["p1", "p2", "p3", "p4", "p5"],
    )
    res = theil(df, "beds", population="pop", by="r", nan_policy="omit")
    assert res.omitted == ("p3", "p4")
    assert list(res.to_frame().index) == ["p1", "p2", "p5"]
    clean = df.drop(index=["p3", "p4"])
    a = theil(clean["beds"], population=clean["pop"], by=clean["r"])
    b = theil(
        clean["beds"].to_numpy(), population=clean["pop"].to_numpy(), by=clean["r"].to_numpy()
    )
    assert a.total == pytest.approx(res.total) and b.total == pytest.approx(res.total)
    assert b.within == pytest.approx(a.within)
    # Series given in another order is aligned by label
    c = theil(clean["beds"], population=clean["pop"].iloc[::-1], by=clean["r"].iloc[::-1])
    assert c.total == pytest.approx(a.total) and c.between == pytest.approx(a.between)


def test_per_year_one_row_per_year():
    rng = np.random.default_rng(9)
    panel = pd.DataFrame(
        {
            "year": np.repeat([2012, 2013, 2014], 12),
            "beds": rng.gamma(2.0, 100.0, 36),
            "pop": rng.integers(100, 1000, 36),
            "region3": np.tile(np.repeat(["east", "centre", "west"], 4), 3),
        }
    )
    table = geohra.per_year(
        theil, panel, "beds", population="pop", by="region3", time="year"
    ).summary()
    assert list(table["year"]) == [2012, 2013, 2014]
    one = panel[panel["year"] == 2013].drop(columns="year")
    assert table["total"].iloc[1] == pytest.approx(
        theil(one, "beds", population="pop", by="region3").total
    )
