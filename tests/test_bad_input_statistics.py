"""Bad input to the statistics: infinite values, missing-value codes, a long panel where one
cross-section is expected, rates where totals are expected (and the reverse), degenerate
bootstrap groups, units outside the analysis set, and fuzzing of every statistic."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from bad_input_helpers import assert_geohra_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geohra
from geohra import DataQualityWarning
from geohra._checks import sentinel_mask

PROVINCES = geohra.province_table()
IDS = list(PROVINCES.index[PROVINCES["analysis"]])


def _cross_section(values, groups=None):
    n = len(values)
    f = pd.DataFrame({"x": values}, index=pd.Index(IDS[:n], name="adcode"))
    f["g"] = groups if groups is not None else PROVINCES.loc[IDS[:n], "region3"].to_numpy()
    return f


# -- infinite values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda f: geohra.theil(f, "x"),
        lambda f: geohra.theil(f, "x", by="g"),
        lambda f: geohra.gini(f, "x"),
        lambda f: geohra.dagum_gini(f, "x", by="g"),
        lambda f: geohra.agglomeration(f.assign(p=1.0, a=1.0), "x", population="p", area="a"),
        lambda f: geohra.entropy_weights(f.assign(y=np.arange(len(f), dtype=float)), ["x", "y"]),
        lambda f: geohra.classify(f["x"], scheme="quantiles", k=3),
    ],
)
def test_infinite_values_raise_naming_the_unit(call):
    values = np.linspace(1.0, 5.0, 12)
    values[4] = np.inf  # theil used to return 0.0, gini and dagum_gini NaN
    with pytest.raises(ValueError, match=rf"infinite.*'{IDS[4]}'"):
        call(_cross_section(values))


# -- missing-value codes ------------------------------------------------------------------


def test_sentinel_detection_rule():
    assert sentinel_mask(np.array([1.2, 3.4, 2.2, 9999.0, 1.9])).tolist() == [0, 0, 0, 1, 0]
    assert sentinel_mask(np.array([5.0, 7.0, -999.0, 6.0])).tolist() == [0, 0, 1, 0]
    # repeated and beyond the others, though not far: still a code
    assert sentinel_mask(np.array([1000.0, 5000.0, 3000.0, 9999.0, 9999.0])).tolist() == [
        0,
        0,
        0,
        1,
        1,
    ]
    # conservative: a single 9999 within reach of real values, and 9999 among similar values
    assert not sentinel_mask(np.array([1000.0, 80000.0, 3000.0, 9999.0])).any()
    assert not sentinel_mask(np.array([9000.0, 9999.0, 10500.0, 9800.0])).any()
    assert not sentinel_mask(np.array([9999.0, 1.0])).any()  # too few values to judge


def test_sentinel_codes_warn_in_statistics_naming_unit_and_value():
    f = _cross_section([4.1, 5.2, 3.3, -999.0, 4.8, 6.0, 5.5])
    f["y"] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.5]
    with pytest.warns(DataQualityWarning, match=rf"missing-value codes.*'{IDS[3]}'=-999"):
        geohra.entropy_weights(f, ["x", "y"])
    g = _cross_section([4.1, 5.2, 3.3, 9999.0, 4.8, 6.0, 5.5])
    with pytest.warns(DataQualityWarning, match=rf"'{IDS[3]}'=9999"):
        geohra.gini(g, "x")


def test_sentinel_codes_move_entropy_weights_so_the_warning_matters():
    # the example: a code changes the weights; the warning is what tells the user
    rng = np.random.default_rng(3)
    f = pd.DataFrame({"a": rng.uniform(1, 2, 31), "b": rng.uniform(1, 9, 31)}, index=IDS)
    clean = geohra.entropy_weights(f, ["a", "b"]).weights
    f.iloc[5, 0] = 9999.0
    with pytest.warns(DataQualityWarning, match="missing-value codes"):
        coded = geohra.entropy_weights(f, ["a", "b"]).weights
    assert abs(coded["a"] - clean["a"]) > 0.1


# -- a long panel where one cross-section is expected -------------------------------------


def _queen():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geohra.spatial_weights(geohra.load_boundaries(), kind="queen")


@pytest.fixture(scope="module")
def long_panel():
    panel = geohra.load_demo("physicians-2018")
    two = pd.concat([panel, panel.assign(year=2019)], ignore_index=True)
    return two.merge(PROVINCES[["region3"]], left_on="adcode", right_index=True)


@pytest.mark.parametrize(
    "name, call",
    [
        ("gini", lambda d: geohra.gini(d, "physicians_per_1000_pop")),
        ("theil", lambda d: geohra.theil(d, "physicians_total", population="population_10k")),
        ("dagum_gini", lambda d: geohra.dagum_gini(d, "physicians_per_1000_pop", by="region3")),
        (
            "agglomeration",
            lambda d: geohra.agglomeration(
                d, "physicians_total", population="population_10k", area="area_km2"
            ),
        ),
        ("gini", lambda d: geohra.gini(d.set_index(["adcode", "year"]), "physicians_per_1000_pop")),
        ("moran", lambda d: geohra.moran(d, "physicians_per_1000_pop", graph=_queen(), rng=0)),
        (
            "local_moran",
            lambda d: geohra.local_moran(
                d.set_index("adcode"), "physicians_per_1000_pop", graph=_queen(), rng=0
            ),
        ),
    ],
)
def test_long_panel_is_refused_by_cross_section_statistics(long_panel, name, call):
    with pytest.raises(
        ValueError, match=rf"{name}: expected one cross-section .*2 years .*geohra.per_year"
    ):
        call(long_panel)


def test_per_year_and_one_year_still_work(long_panel):
    table = geohra.per_year(geohra.gini, long_panel, "physicians_per_1000_pop").summary()
    assert table["year"].tolist() == [2018, 2019]
    one = geohra.gini(geohra.cross_section(long_panel, 2018), "physicians_per_1000_pop")
    assert table["gini"].iloc[0] == pytest.approx(float(one))
    assert float(one) == pytest.approx(
        float(geohra.gini(long_panel[long_panel.year == 2018], "physicians_per_1000_pop"))
    )


# -- rates where totals are expected, and the reverse ----------------------------------------


@pytest.fixture(scope="module")
def physicians():
    return geohra.cross_section(geohra.load_demo("physicians-2018"), 2018)


def test_rates_where_theil_expects_totals_warn(physicians):
    cs = physicians
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        right = geohra.theil(cs, "physicians_total", population="population_10k").total
    with pytest.warns(DataQualityWarning, match="looks like a per-capita rate .*its name"):
        wrong = geohra.theil(cs, "physicians_per_1000_pop", population="population_10k").total
    # detected from the data too, when the name says nothing
    renamed = cs.rename(columns={"physicians_per_1000_pop": "v"})
    with pytest.warns(
        DataQualityWarning, match="varies far less across units than its per-capita value"
    ):
        geohra.theil(renamed, "v", population="population_10k")
    assert wrong / right > 10  # the silent error this warning prevents


def test_totals_where_weighted_gini_expects_rates_warn(physicians):
    with pytest.warns(DataQualityWarning, match="looks like totals"):
        geohra.gini(physicians, "physicians_total", population="population_10k")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        geohra.gini(physicians, "physicians_per_1000_pop", population="population_10k")


# -- degenerate bootstrap groups -----------------------------------------------------------


def test_bootstrap_with_one_unit_per_group_raises():
    f = _cross_section([1.0, 2.0, 4.0], groups=["a", "b", "c"])
    with pytest.raises(ValueError, match="every group has a single unit .*zero width"):
        geohra.bootstrap_ci("theil", f, "x", by="g", n_resamples=20, rng=0)
    with pytest.raises(ValueError, match="one unit"):
        geohra.bootstrap_ci("gini", pd.Series([3.0]), n_resamples=20, rng=0)


def test_bootstrap_with_some_single_groups_warns():
    f = _cross_section([1.0, 2.0, 4.0, 3.0, 8.0], groups=["a", "a", "b", "b", "lonely"])
    with pytest.warns(DataQualityWarning, match=r"1 group\(s\) have a single unit .*'lonely'"):
        res = geohra.bootstrap_ci("theil", f, "x", by="g", n_resamples=50, rng=0)
    assert (res.upper >= res.lower).all()


# -- units outside the analysis set ----------------------------------------------------------


def test_hong_kong_macao_taiwan_are_left_out_of_statistics_with_a_warning(physicians):
    everything = geohra.load_boundaries(include_other=True)
    assert len(everything) == 34
    cs = everything.drop(columns="geometry").join(physicians[["physicians_per_1000_pop"]])
    cs.loc[["710000", "810000", "820000"], "physicians_per_1000_pop"] = [2.0, 2.1, 2.5]
    with pytest.warns(
        DataQualityWarning, match=r"left out 3 unit\(s\) outside the analysis set.*Hong Kong"
    ):
        res = geohra.theil(cs, "physicians_per_1000_pop", by="region3")
    assert res.n == 31
    assert set(res.omitted) == {"710000", "810000", "820000"}
    mainland = geohra.theil(
        physicians.join(PROVINCES[["region3"]]), "physicians_per_1000_pop", by="region3"
    )
    assert res.total == pytest.approx(mainland.total, rel=1e-12)
    # also from the adcodes alone (no analysis column)
    with pytest.warns(DataQualityWarning, match="outside the analysis set"):
        g = geohra.gini(cs["physicians_per_1000_pop"])
    assert float(g) == pytest.approx(float(geohra.gini(physicians["physicians_per_1000_pop"])))
    # spatial statistics on the 34-unit layer: the three are left out of the weights as well
    layer = everything.join(physicians[["physicians_per_1000_pop"]])
    layer.loc[["710000", "810000", "820000"], "physicians_per_1000_pop"] = [2.0, 2.1, 2.5]
    with pytest.warns(DataQualityWarning, match="outside the analysis set"):
        m34 = geohra.moran(layer, "physicians_per_1000_pop", rng=0, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m31 = geohra.moran(layer.loc[IDS], "physicians_per_1000_pop", rng=0, permutations=0)
    assert m34.statistic == pytest.approx(m31.statistic, rel=1e-12)


# -- fuzzing every statistic --------------------------------------------------------------

SPECIAL = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -1.0, -999.0, 9999.0, 1e300, 1e-300, 2.5])
VALUES = st.one_of(st.floats(-10, 1e6, allow_nan=False), SPECIAL)


@pytest.fixture(scope="module")
def graph():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geohra.spatial_weights(geohra.load_boundaries(), kind="queen")


def _two_years(f, years=2):
    """A long panel from one fuzzed cross-section: year t takes column a, b or c."""
    parts = [f.assign(year=2000 + t, a=f["abc"[t % 3]]) for t in range(years)]
    return pd.concat(parts).reset_index()


def _statistics(graph):
    return {
        "gini": lambda f, p: geohra.gini(f, "a", population="b" if p else None, nan_policy="omit"),
        "theil": lambda f, p: geohra.theil(
            f, "a", population="b" if p else None, by="g", index="L" if p else "T"
        ),
        "dagum_gini": lambda f, p: geohra.dagum_gini(f, "a", by="g"),
        "spatial_gini": lambda f, p: geohra.spatial_gini(
            f, "a", graph=graph, permutations=9, rng=0
        ),
        "agglomeration": lambda f, p: geohra.agglomeration(f, "a", population="b", area="c"),
        "bootstrap_ci": lambda f, p: geohra.bootstrap_ci(
            "dagum_gini" if p else "gini", f, "a", by="g", n_resamples=9, rng=0
        ),
        "entropy_weights": lambda f, p: geohra.entropy_weights(
            f, ["a", "b", "c"], negative=["c"], nan_policy="omit" if p else "raise"
        ),
        "coupling_coordination": lambda f, p: geohra.coupling_coordination(
            f[["a", "b"]], ["a", "b"]
        ),
        "obstacle_degree": lambda f, p: geohra.obstacle_degree(
            f[["a", "b", "c"]], {"a": 0.2, "b": 0.3, "c": 0.5}
        ),
        "moran": lambda f, p: geohra.moran(
            f, "a", graph=graph, permutations=9, rng=0, nan_policy="omit"
        ),
        "geary": lambda f, p: geohra.geary(f, "a", graph=graph, permutations=9, rng=0),
        "local_moran": lambda f, p: geohra.local_moran(f, "a", graph=graph, permutations=9, rng=0),
        "getis_ord": lambda f, p: geohra.getis_ord(f, "a", graph=graph, permutations=9, rng=0),
        "classify": lambda f, p: geohra.classify(
            f, "a", scheme="fisher_jenks" if p else "quantiles", k=4
        ),
        "kde": lambda f, p: geohra.kde(f.assign(year=2000), "a"),
        "markov": lambda f, p: geohra.markov(
            pd.concat([f.assign(year=2000), f.assign(year=2001, a=f["b"])]).reset_index(),
            "a",
            unit="adcode",
            classes=3,
        ),
        "theil_pairwise": lambda f, p: geohra.theil_pairwise(
            f, "a", by="g", population="b" if p else None
        ),
        "sigma_convergence": lambda f, p: geohra.sigma_convergence(_two_years(f), "a"),
        "beta_convergence": lambda f, p: geohra.beta_convergence(
            _two_years(f, 3), "a", effects="none" if p else "twoway"
        ),
        "spatial_beta_convergence": lambda f, p: geohra.spatial_beta_convergence(
            _two_years(f, 3), "a", graph=graph, impact_draws=5, rng=0
        ),
        "per_year": lambda f, p: geohra.per_year(
            geohra.theil,
            pd.concat([f.assign(year=2000), f.assign(year=2001, a=f["c"])]).reset_index(),
            "a",
            by="g",
        ),
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(0, 31).flatmap(
        lambda n: st.tuples(
            st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=n, max_size=n),
            st.lists(st.sampled_from(["E", "C", "W"]), min_size=n, max_size=n),
        )
    ),
    st.booleans(),
)
def test_fuzz_every_statistic_fails_only_with_geohra_errors(graph, rows_groups, flag):
    rows, groups = rows_groups
    f = pd.DataFrame(
        rows, columns=["a", "b", "c"], index=pd.Index(IDS[: len(rows)], name="adcode"), dtype=float
    )
    f["g"] = groups
    for name, call in _statistics(graph).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                call(f, flag)
            except Exception as exc:  # noqa: BLE001 - every exception is inspected
                try:
                    assert_geohra_error(exc)
                except AssertionError as err:
                    raise AssertionError(f"{name}: {err}") from exc


def test_distribution_dynamics_leave_out_units_outside_the_analysis_set():
    panel = geohra.load_demo("gp-2012-2017")
    col = [c for c in panel.columns if c not in ("adcode", "year")][0]
    others = pd.DataFrame(
        [
            (code, year, 1.0)
            for code in ("710000", "810000", "820000")
            for year in panel["year"].unique()
        ],
        columns=["adcode", "year", col],
    )
    wider = pd.concat([panel[["adcode", "year", col]], others], ignore_index=True)
    with pytest.warns(DataQualityWarning, match=r"left out 3 unit\(s\)"):
        k34 = geohra.kde(wider, col, nan_policy="omit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k31 = geohra.kde(panel, col, nan_policy="omit")
    pd.testing.assert_frame_equal(k34.summary(), k31.summary())


def test_spatial_statistics_refuse_values_whose_variance_overflows(graph):
    # found by fuzzing: local_moran raised a bare ZeroDivisionError
    values = pd.Series(np.linspace(1.0, 2.0, 31), index=IDS)
    values.iloc[3] = 1e300
    with pytest.raises(
        ValueError, match=r"variance of the values over- or underflows float64.*rescale"
    ):
        geohra.local_moran(values, graph=graph, rng=0)


def test_convergence_leaves_out_units_outside_the_analysis_set():
    panel = geohra.load_demo("gp-2012-2017")
    col = [c for c in panel.columns if c not in ("adcode", "year")][0]
    others = pd.DataFrame(
        [
            (code, y, 1.0 + 0.1 * (y - 2012))
            for code in ("710000", "810000")
            for y in panel["year"].unique()
        ],
        columns=["adcode", "year", col],
    )
    wider = pd.concat([panel[["adcode", "year", col]], others], ignore_index=True)
    with pytest.warns(DataQualityWarning, match=r"left out 2 unit\(s\) .*Taiwan"):
        s34 = geohra.sigma_convergence(wider, col)
    s31 = geohra.sigma_convergence(panel, col)
    pd.testing.assert_frame_equal(s34.summary(), s31.summary())
