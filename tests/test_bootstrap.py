"""geohra.bootstrap_ci: reproducibility, stratification, agreement of the fast array path
with recomputing the public functions on the same resamples, coverage sanity, errors."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra import bootstrap_ci, dagum_gini, gini, theil
from geohra.inequality import bootstrap as boot_mod


@pytest.fixture(scope="module")
def counties():
    rng = np.random.default_rng(21)
    n = 90
    region = np.repeat(["east", "centre", "west"], [40, 30, 20])
    pop = rng.integers(50, 2000, n).astype(float)
    rate = rng.lognormal(1.0, 0.5, n) * np.select(
        [region == "east", region == "centre"], [1.4, 1.0], 0.7
    )
    return pd.DataFrame(
        {"rate": rate, "beds": rate * pop, "pop": pop, "region": region},
        index=pd.Index([f"c{i:03d}" for i in range(n)], name="adcode"),
    )


def _replay_indices(seed, strata_sizes, n_resamples):
    """The resamples bootstrap_ci draws, regenerated through its own index generator."""
    gen = np.random.default_rng(seed)
    starts = np.cumsum([0] + list(strata_sizes))[:-1]
    strata = [np.arange(s, s + m) for s, m in zip(starts, strata_sizes, strict=True)]
    return np.concatenate(
        list(boot_mod._resample_indices(gen, strata, sum(strata_sizes), n_resamples))
    )


def test_fast_path_equals_public_functions_on_same_resamples(counties):
    # sort rows by group so the stratum positions are contiguous and easy to replay
    df = counties.sort_values("region", kind="stable")
    sizes = df["region"].value_counts().sort_index().to_numpy()  # codes are sorted labels
    res = bootstrap_ci(dagum_gini, df, "rate", by="region", n_resamples=30, rng=5)
    idx = _replay_indices(5, sizes, 30)
    for r, rows in enumerate(idx[:10]):
        part = df.iloc[rows].reset_index(drop=True)
        full = dagum_gini(part, "rate", by="region")
        assert res.distribution.loc[r, "total"] == pytest.approx(full.total, rel=1e-12)
        assert res.distribution.loc[r, "between_net"] == pytest.approx(
            full.between_net, rel=1e-10, abs=1e-14
        )
        assert res.distribution.loc[r, "transvariation"] == pytest.approx(
            full.transvariation, rel=1e-10, abs=1e-14
        )
        # each resample keeps the group sizes (stratified)
        assert (part["region"].value_counts().sort_index().to_numpy() == sizes).all()
    t = bootstrap_ci("theil", df, "beds", by="region", population="pop", n_resamples=30, rng=5)
    for r, rows in enumerate(idx[:10]):
        part = df.iloc[rows].reset_index(drop=True)
        full = theil(part, "beds", population="pop", by="region")
        assert t.distribution.loc[r, "within"] == pytest.approx(full.within, rel=1e-10)
        assert t.distribution.loc[r, "between"] == pytest.approx(full.between, rel=1e-10)


def test_estimates_and_interval_contain_them(counties):
    res = bootstrap_ci("dagum_gini", counties, "rate", by="region", n_resamples=199, rng=1)
    full = dagum_gini(counties, "rate", by="region")
    assert res.estimate["total"] == pytest.approx(full.total)
    assert res.estimate["transvariation"] == pytest.approx(full.transvariation)
    for comp in ("total", "within", "between_net", "transvariation"):
        assert res.lower[comp] <= res.upper[comp]
        assert res.std_error[comp] > 0
    assert res.lower["total"] < full.total < res.upper["total"]
    s = res.summary()
    assert list(s["component"][:4]) == ["total", "within", "between_net", "transvariation"]
    assert {"estimate", "lower", "upper", "std_error", "variant", "confidence"} <= set(s.columns)
    # wider confidence, wider interval
    wide = bootstrap_ci(
        "dagum_gini", counties, "rate", by="region", n_resamples=199, rng=1, confidence=0.99
    )
    assert (wide.upper - wide.lower >= res.upper - res.lower - 1e-15).all()


def test_reproducible_with_rng(counties):
    a = bootstrap_ci(gini, counties, "rate", population="pop", n_resamples=50, rng=3)
    b = bootstrap_ci(
        "gini", counties, "rate", population="pop", n_resamples=50, rng=np.random.default_rng(3)
    )
    pd.testing.assert_frame_equal(a.distribution, b.distribution)
    c = bootstrap_ci("gini", counties, "rate", population="pop", n_resamples=50, rng=4)
    assert not a.distribution.equals(c.distribution)
    assert a.estimate["gini"] == pytest.approx(float(gini(counties, "rate", population="pop")))


def test_gini_percentile_interval_matches_manual_resampling():
    # plain (unstratified) bootstrap rebuilt by hand with the documented draw
    rng = np.random.default_rng(8)
    y = rng.gamma(2.0, size=60)
    res = bootstrap_ci("gini", y, n_resamples=400, rng=11)
    gen = np.random.default_rng(11)
    idx = gen.integers(0, 60, size=(400, 60))
    manual = np.array([float(gini(y[i])) for i in idx])
    np.testing.assert_allclose(res.distribution["gini"].to_numpy(), manual, rtol=1e-12)
    assert res.lower["gini"] == pytest.approx(np.quantile(manual, 0.025))
    assert res.upper["gini"] == pytest.approx(np.quantile(manual, 0.975))
    assert res.std_error["gini"] == pytest.approx(manual.std(ddof=1))
    assert not res.stratified


def test_custom_callable_and_stratified_gini(counties):
    def mean_ratio(frame, col):
        return {"ratio": frame[col].max() / frame[col].mean()}

    res = bootstrap_ci(mean_ratio, counties, "rate", by="region", n_resamples=40, rng=0)
    assert res.statistic == "mean_ratio" and res.stratified
    assert res.estimate["ratio"] == pytest.approx(counties["rate"].max() / counties["rate"].mean())
    g = bootstrap_ci("gini", counties, "rate", by="region", n_resamples=40, rng=0)
    assert g.stratified and list(g.estimate.index) == ["gini"]


def test_errors(counties):
    with pytest.raises(TypeError, match="does not take"):
        bootstrap_ci("gini", counties, "rate", base=10, n_resamples=10)
    with pytest.warns(DeprecationWarning, match="population="):
        old = bootstrap_ci("gini", counties, "rate", weights="pop", n_resamples=10, rng=1)
    new = bootstrap_ci("gini", counties, "rate", population="pop", n_resamples=10, rng=1)
    np.testing.assert_array_equal(old.distribution, new.distribution)
    with pytest.raises(ValueError, match="unknown statistic"):
        bootstrap_ci("atkinson", counties, "rate")
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_ci("gini", counties, "rate", n_resamples=1)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci("gini", counties, "rate", confidence=95)
    with pytest.raises(TypeError, match="by="):
        bootstrap_ci("dagum_gini", counties, "rate", n_resamples=10)
    with pytest.raises(ValueError, match="fewer than two groups"):
        bootstrap_ci("theil", counties, "rate", by=["x"] * len(counties), n_resamples=10)
    holed = counties.copy()
    holed.iloc[3, 0] = np.nan
    with pytest.raises(ValueError, match="missing value"):
        bootstrap_ci("theil", holed, "rate", by="region", n_resamples=10)
    res = bootstrap_ci(
        "theil", holed, "rate", by="region", n_resamples=10, rng=0, nan_policy="omit"
    )
    assert res.omitted == (holed.index[3],)


def test_dagum_999_resamples_n3000_shape():
    # speed is measured in benchmarks/bench_inequality.py, not here
    rng = np.random.default_rng(2)
    y = rng.lognormal(size=3000)
    g = rng.integers(0, 8, size=3000)
    res = bootstrap_ci("dagum_gini", y, by=g, n_resamples=999, rng=0)
    assert res.distribution.shape == (999, 7)
    assert np.isfinite(res.distribution.to_numpy()).all()


def test_per_year_bootstrap(counties):
    panel = pd.concat(
        [counties.assign(year=2016), counties.assign(year=2017, rate=counties["rate"] * 2)]
    )

    dagum_ci = functools.partial(bootstrap_ci, "dagum_gini")
    table = geohra.per_year(
        dagum_ci, panel, "rate", by="region", n_resamples=20, rng=0, time="year"
    ).summary()
    # one row per year and component; scale invariance gives equal estimates, and one
    # Generator made from the seed is shared by the years (different, reproducible draws)
    assert len(table) == 2 * 7
    first, second = table[table["year"] == 2016], table[table["year"] == 2017]
    np.testing.assert_allclose(
        first["estimate"].to_numpy(), second["estimate"].to_numpy(), rtol=1e-9
    )
    again = geohra.per_year(
        dagum_ci, panel, "rate", by="region", n_resamples=20, rng=0, time="year"
    ).summary()
    pd.testing.assert_frame_equal(table, again)


def _bits(x):
    return np.asarray(x, dtype=np.float64).tobytes()


@pytest.mark.parametrize(
    "statistic, column, options",
    [
        ("theil", "beds", {"population": "pop"}),
        ("theil", "rate", {"index": "L", "base": 10}),
        ("theil", "rate", {}),
        ("dagum_gini", "rate", {}),
        ("gini", "rate", {"population": "pop"}),
    ],
)
def test_components_total_only_gives_the_same_numbers(counties, statistic, column, options):
    # the totals-only path skips the group parts; the draws and the arithmetic of the
    # total stay the same, so every number is identical to the last bit
    kw = {"by": "region", "n_resamples": 120, "rng": 11, **options}
    full = bootstrap_ci(statistic, counties, column, **kw)
    comp = "gini" if statistic == "gini" else "total"
    part = bootstrap_ci(statistic, counties, column, components=[comp], **kw)
    assert list(part.estimate.index) == [comp] == list(part.distribution.columns)
    for attr in ("estimate", "lower", "upper", "std_error", "n_invalid"):
        assert _bits(getattr(part, attr)[comp]) == _bits(getattr(full, attr)[comp]), attr
    assert _bits(part.distribution[comp]) == _bits(full.distribution[comp])
    assert len(full.estimate) > 1 or statistic == "gini"


def test_components_choose_and_order_and_check(counties):
    kw = {"by": "region", "n_resamples": 50, "rng": 3}
    full = bootstrap_ci("dagum_gini", counties, "rate", **kw)
    two = bootstrap_ci("dagum_gini", counties, "rate", components=("within", "total"), **kw)
    assert list(two.estimate.index) == ["within", "total"]
    pd.testing.assert_frame_equal(two.distribution, full.distribution[["within", "total"]])
    one = bootstrap_ci("theil", counties, "rate", components="between", **kw)
    assert list(one.estimate.index) == ["between"]
    with pytest.raises(ValueError, match=r"no component\(s\) \['betwen'\].*'between'"):
        bootstrap_ci("theil", counties, "rate", components=["betwen"], **kw)
    with pytest.raises(ValueError, match="no component"):  # no by=: no group parts
        bootstrap_ci("theil", counties, "rate", components=["within"], n_resamples=5)
    with pytest.raises(ValueError, match="no component"):
        bootstrap_ci("gini", counties, "rate", components=[], n_resamples=5)

    def mean_and_max(frame, col):
        return {"mean": frame[col].mean(), "max": frame[col].max()}

    custom = bootstrap_ci(mean_and_max, counties, "rate", components=["max"], **kw)
    assert list(custom.estimate.index) == ["max"]
    with pytest.raises(ValueError, match="mean_and_max has no component"):
        bootstrap_ci(mean_and_max, counties, "rate", components=["median"], **kw)
