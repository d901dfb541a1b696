"""Tests for geohra.classify: exact natural breaks and the scheme registry.

References are independent of the implementation: brute force over every partition,
a plain O(k·n²) dynamic programme written here, and mapclassify on the same data.
"""

from __future__ import annotations

import itertools
import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geohra
from geohra.classification import SCHEMES, classify, classify_panel, make_labels


def ssw_of(x: np.ndarray, cls: np.ndarray) -> float:
    """Within-class sum of squares computed directly (two-pass) from class labels."""
    total = 0.0
    for c in np.unique(cls):
        part = x[cls == c]
        total += float(((part - part.mean()) ** 2).sum())
    return total


def brute_force_min_ssw(x: np.ndarray, k: int) -> float:
    """Minimum SSW over every split of the sorted values into k contiguous runs."""
    xs = np.sort(x)
    n = xs.size
    best = np.inf
    for cuts in itertools.combinations(range(1, n), k - 1):
        edges = (0, *cuts, n)
        s = sum(((xs[a:b] - xs[a:b].mean()) ** 2).sum() for a, b in itertools.pairwise(edges))
        best = min(best, s)
    return float(best)


def quadratic_dp_min_ssw(x: np.ndarray, k: int) -> float:
    """Textbook O(k·n²) Fisher DP over sorted positions, two-pass segment costs."""
    xs = np.sort(x)
    n = xs.size
    cost = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        seg = xs[i:]
        csum = np.cumsum(seg)
        cnt = np.arange(1, seg.size + 1)
        means = csum / cnt
        # exact two-pass cost per prefix of seg
        for j in range(seg.size):
            cost[i, i + j + 1] = ((seg[: j + 1] - means[j]) ** 2).sum()
    d = cost[0].copy()
    for _ in range(2, k + 1):
        d = np.array(
            [min((d[i] + cost[i, j] for i in range(1, j)), default=np.inf) for j in range(n + 1)]
        )
    return float(d[n])


finite_values = st.lists(
    st.one_of(
        st.integers(-50, 50).map(float),
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32).map(float),
    ),
    min_size=2,
    max_size=9,
)


# ----------------------------------------------------------------------------- exactness


@settings(max_examples=150, deadline=None)
@given(finite_values, st.integers(1, 4))
def test_exact_against_brute_force(values, k):
    x = np.asarray(values)
    k = min(k, np.unique(x).size)
    res = classify(x, k=k)
    got = ssw_of(x, res.classes.to_numpy(dtype=int))
    ref = brute_force_min_ssw(x, k)
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-9 * (1 + float(np.var(x)) * x.size))
    assert res.k == k and res.counts.sum() == x.size and (res.counts > 0).all()


def test_exact_against_quadratic_dp_with_ties():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 40, 120).astype(float) ** 1.5  # many ties
    for k in (2, 4, 6):
        res = classify(x, k=k)
        assert ssw_of(x, res.classes.to_numpy(dtype=int)) == pytest.approx(
            quadratic_dp_min_ssw(x, k), rel=1e-10
        )


@pytest.mark.parametrize("k", [3, 5, 7])
def test_identical_to_mapclassify_fisher_jenks(k):
    x = np.random.default_rng(7).normal(size=2000) * 10 + 3
    ours = classify(x, k=k)
    ref = mapclassify.FisherJenks(x, k=k)
    np.testing.assert_array_equal(ours.classes.to_numpy(dtype=int), ref.yb)
    np.testing.assert_allclose(ours.bins, ref.bins, rtol=0, atol=0)
    np.testing.assert_array_equal(ours.counts, ref.counts)
    # mapclassify's tss is the within-class sum of squares (SDCM)
    sdam = float(((x - x.mean()) ** 2).sum())
    assert ours.gvf == pytest.approx(1 - ref.get_tss() / sdam, rel=1e-9)


def test_large_offset_gives_the_obvious_classes():
    x = np.array([0, 1, 2, 50, 51, 52, 100, 101, 102], dtype=float) + 1e6
    res = classify(x, k=3)
    assert res.classes.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    np.testing.assert_array_equal(res.bins, [1e6 + 2, 1e6 + 52, 1e6 + 102])


def test_natural_breaks_alias_is_exact_and_deterministic():
    x = np.random.default_rng(1).lognormal(size=500)
    a = classify(x, scheme="natural_breaks", k=5)
    b = classify(x, scheme="fisher_jenks", k=5)
    np.testing.assert_array_equal(a.bins, b.bins)
    assert a.scheme == "fisher_jenks"
    assert "exact" in a.variant


# ----------------------------------------------------------------------------- invariants


@settings(max_examples=150, deadline=None)
@given(
    finite_values,
    st.integers(1, 5),
    st.sampled_from(["fisher_jenks", "quantiles", "equal_interval"]),
)
def test_breaks_monotone_and_cover_the_data(values, k, scheme):
    x = np.asarray(values)
    m = np.unique(x).size
    k = min(k, m)
    try:
        res = classify(x, scheme=scheme, k=k)
    except ValueError as err:  # documented refusals only
        assert ("repeated class bounds" in str(err)) or ("all values are equal" in str(err))
        return
    assert np.all(np.diff(res.bins) > 0)
    assert res.bins[-1] == x.max() and res.lower == x.min()
    cls = res.classes.to_numpy(dtype=int)
    assert np.all(x <= res.bins[cls])
    assert np.all((cls == 0) | (x > res.bins[np.maximum(cls - 1, 0)]))
    assert res.counts.sum() == x.size
    assert len(res.labels) == res.k
    if m > 1:
        assert 0.0 <= res.gvf <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(finite_values, st.integers(1, 4), st.randoms(use_true_random=False))
def test_permutation_invariance_and_determinism(values, k, rnd):
    x = pd.Series(values, index=[f"u{i}" for i in range(len(values))])
    k = min(k, x.nunique())
    order = list(x.index)
    rnd.shuffle(order)
    a = classify(x, k=k)
    b = classify(x.loc[order], k=k)
    np.testing.assert_array_equal(a.bins, b.bins)
    pd.testing.assert_series_equal(a.classes, b.classes.loc[x.index])
    np.testing.assert_array_equal(classify(x, k=k).bins, a.bins)


def test_series_and_array_agree_and_index_is_kept():
    s = pd.Series([5.0, 1.0, 9.0, 2.0, 8.0], index=["b", "a", "e", "c", "d"])
    before = s.copy()
    res = classify(s, k=2)
    assert list(res.classes.index) == list(s.index)
    assert res.classes.dtype == "Int64"
    np.testing.assert_array_equal(
        res.classes.to_numpy(dtype=int), classify(s.to_numpy(), k=2).classes
    )
    pd.testing.assert_series_equal(s, before)  # input untouched
    frame = res.to_frame()
    assert list(frame.columns) == ["class", "label"] and frame.index.equals(s.index)
    assert frame.loc["e", "label"] == res.labels[1]


# ----------------------------------------------------------------------------- bad input


def test_repeated_index_labels_of_a_pooled_panel():
    # a long panel indexed by unit repeats each label once per year
    s = pd.Series([1.0, 2.0, np.nan, 40.0, 41.0], index=["a", "a", "b", "b", "c"])
    res = classify(s, k=2, nan_policy="omit")
    assert res.classes.index.equals(s.index)
    assert res.classes.tolist() == [0, 0, pd.NA, 1, 1]
    assert res.to_frame()["label"].isna().tolist() == [False, False, True, False, False]
    again = res.apply(s, nan_policy="omit")
    assert again.classes.tolist() == [0, 0, pd.NA, 1, 1]


def test_nan_raises_by_default_and_omit_reports():
    s = pd.Series([1.0, np.nan, 3.0, 10.0], index=list("abcd"))
    with pytest.raises(ValueError, match="missing value"):
        classify(s, k=2)
    res = classify(s, k=2, nan_policy="omit")
    assert res.omitted == ("b",)
    assert res.classes.isna().tolist() == [False, True, False, False]
    assert pd.isna(res.to_frame().loc["b", "label"])
    assert res.counts.sum() == 3


def test_dataframe_input_needs_a_column_and_old_positional_scheme_warns():
    df = pd.DataFrame({"beds": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    with pytest.raises(TypeError, match=r"classify\(df, 'beds'"):
        classify(df, k=2)
    by_column = classify(df, "beds", k=2)
    assert by_column.classes.index.tolist() == list("abcd")
    np.testing.assert_array_equal(by_column.bins, classify(df["beds"], k=2).bins)
    with pytest.warns(DeprecationWarning, match="scheme='quantiles'"):
        old = classify(df["beds"], "quantiles", k=2)
    np.testing.assert_array_equal(old.bins, classify(df["beds"], scheme="quantiles", k=2).bins)


def test_infinite_and_non_numeric_raise():
    with pytest.raises(ValueError, match="infinite"):
        classify([1.0, np.inf, 2.0], k=2)
    with pytest.raises(ValueError, match="expected numbers"):
        classify(pd.Series(["1", "x", "3"]), k=2)


def test_too_many_classes_for_the_distinct_values_raises():
    with pytest.raises(ValueError, match=r"k=4 classes need at least 4 distinct values.*k=3"):
        classify([1, 1, 2, 2, 3, 3], k=4)
    assert classify([1, 1, 2, 2, 3, 3], k=3).counts.tolist() == [2, 2, 2]


def test_quantiles_with_too_many_ties_raise_not_duplicate():
    with pytest.raises(ValueError, match="repeated class bounds"):
        classify([0, 0, 0, 0, 0, 0, 1, 2], scheme="quantiles", k=4)


def test_bad_k_types():
    with pytest.raises(TypeError):
        classify([1, 2, 3], k=2.5)
    with pytest.raises(ValueError, match="at least 1"):
        classify([1, 2, 3], k=0)


# ----------------------------------------------------------------------------- registry


def test_registry_unknown_scheme_lists_valid_names():
    with pytest.raises(ValueError, match="valid schemes") as err:
        classify([1, 2, 3], scheme="natural")
    assert "fisher_jenks" in str(err.value) and "box_plot" in str(err.value)


def test_registry_unknown_option_raises_type_error():
    with pytest.raises(TypeError, match=r"unexpected option\(s\) \['hinge'\]"):
        classify([1, 2, 3, 4, 5, 6], scheme="quantiles", k=2, hinge=1.5)
    with pytest.raises(TypeError, match="sets the number of classes itself"):
        classify([1, 2, 3, 4, 5, 6], scheme="box_plot", k=5)
    with pytest.raises(TypeError, match="only for scheme='user_defined'"):
        classify([1, 2, 3], bins=[2, 3])
    with pytest.raises(TypeError, match="needs bins"):
        classify([1, 2, 3], scheme="user_defined")


@pytest.mark.parametrize(
    ("scheme", "cls", "kwargs"),
    [
        ("quantiles", "Quantiles", {"k": 5}),
        ("equal_interval", "EqualInterval", {"k": 5}),
        ("maximum_breaks", "MaximumBreaks", {"k": 4}),
        ("box_plot", "BoxPlot", {"hinge": 1.5}),
        ("std_mean", "StdMean", {}),
        ("headtail_breaks", "HeadTailBreaks", {}),
        ("percentiles", "Percentiles", {"pct": [10, 50, 90, 100]}),
        ("jenks_caspall", "JenksCaspall", {"k": 5}),
    ],
)
def test_schemes_match_mapclassify(scheme, cls, kwargs):
    x = np.random.default_rng(11).lognormal(size=300) * 100
    ours = classify(x, scheme=scheme, **kwargs)
    ref = getattr(mapclassify, cls)(x, **kwargs)
    np.testing.assert_allclose(ours.bins, ref.bins, rtol=1e-12)
    np.testing.assert_array_equal(ours.classes.to_numpy(dtype=int), ref.yb)


def test_cheap_schemes_do_not_import_mapclassify():
    import subprocess
    import sys

    code = (
        "import sys, geohra\n"
        "geohra.classify([1.0, 2.0, 5.0, 9.0], k=2)\n"
        "geohra.classify([1.0, 2.0, 5.0, 9.0], 'quantiles', k=2)\n"
        "geohra.classify([1.0, 2.0, 5.0, 9.0], scheme='user_defined', bins=[3, 9])\n"
        "print('mapclassify' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_user_defined_bins():
    s = pd.Series([1.0, 5.0, 7.0, 12.0, 30.0])
    res = classify(s, scheme="user_defined", bins=[5, 10, float("inf")])
    assert res.classes.tolist() == [0, 0, 1, 2, 2]
    assert res.labels == ("≤ 5", "5 – 10", "> 10")
    assert res.counts.tolist() == [2, 1, 2]
    with pytest.raises(ValueError, match="above the last bound"):
        classify(s, scheme="user_defined", bins=[5, 10])
    with pytest.raises(ValueError, match="strictly ascending"):
        classify(s, scheme="user_defined", bins=[10, 5, 40])
    closed = classify(s, scheme="user_defined", bins=[5, 10, 30], lower=0)
    assert closed.labels == ("0 – 5", "5 – 10", "10 – 30")


# ----------------------------------------------------------------------------- labels


def test_labels_formatting():
    assert make_labels(np.array([12.34, 45.67]), 1.2) == ("1.2 – 12.3", "12.3 – 45.7")
    assert make_labels(np.array([1500.0, 25000.0, 1234567.0]), 3.0) == (
        "3 – 1,500",
        "1,500 – 25,000",
        "25,000 – 1,234,567",
    )
    assert make_labels(np.array([0.0123, 0.0456]), 0.001) == ("0.0010 – 0.0123", "0.0123 – 0.0456")
    # neighbouring bounds that agree to 3 significant digits get more decimals
    labels = make_labels(np.array([10.001, 10.002, 20.5]), 10.0)
    assert len({lab.split(" – ")[1] for lab in labels}) == 3
    assert make_labels(np.array([-0.001, 2.0]), -3.0, fmt=".1f")[0] == "-3.0 – -0.0"
    assert (
        make_labels(np.array([-0.0001, 2.5]), -3.5)[0] == "-3.50 – 0.00"
    )  # never "-0.0" by default
    assert make_labels(np.array([1.0, 2.0]), 0.0, fmt=lambda v: f"{v:.0%}") == (
        "0% – 100%",
        "100% – 200%",
    )


def test_fmt_option_and_bad_fmt():
    res = classify([1.0, 2.0, 3.0, 10.0], k=2, fmt=",.2f")
    assert res.labels == ("1.00 – 3.00", "3.00 – 10.00")
    with pytest.raises(ValueError, match="format spec"):
        classify([1.0, 2.0], k=1, fmt="%d")


def test_summary_per_class():
    res = classify(pd.Series([1.0, 2.0, 3.0, 10.0, 11.0]), k=2)
    summ = res.summary()
    assert list(summ.columns) == ["lower", "upper", "count", "label", "scheme"]
    assert summ["count"].tolist() == [3, 2]
    assert summ["lower"].tolist() == [1.0, 3.0] and summ["upper"].tolist() == [3.0, 11.0]
    assert summ.attrs["gvf"] == res.gvf and "exact" in summ.attrs["variant"]


# ----------------------------------------------------------------------------- other years


def test_apply_to_another_year_and_panel_pooling():
    panel = pd.DataFrame(
        {
            "unit": ["a", "b", "c", "d"] * 3,
            "year": [2010] * 4 + [2015] * 4 + [2020] * 4,
            "v": [1.0, 2.0, 8.0, 9.0, 2.0, 3.0, 9.0, 9.5, 4.0, 5.0, 10.0, 12.0],
        }
    )
    pooled = classify_panel(panel, "v", k=2, years=[2010, 2020])
    assert pooled.classes.index.tolist() == [0, 1, 2, 3, 8, 9, 10, 11]
    ref = classify(panel.loc[panel["year"].isin([2010, 2020]), "v"], k=2)
    np.testing.assert_array_equal(pooled.bins, ref.bins)
    mid = panel.loc[panel["year"] == 2015, "v"]
    res = pooled.apply(mid)
    np.testing.assert_array_equal(res.bins, pooled.bins)
    assert res.labels == pooled.labels
    expected = np.searchsorted(pooled.bins, mid.to_numpy(), side="left")
    assert res.classes.tolist() == expected.tolist()
    assert res.classes.index.equals(mid.index)
    with pytest.raises(ValueError, match="outside the classified range"):
        pooled.apply(pd.Series([0.5, 3.0]))
    clipped = pooled.apply(pd.Series([0.5, 3.0, 99.0]), out_of_range="clip")
    assert clipped.classes.tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match=r"year\(s\) \[1999\]"):
        classify_panel(panel, "v", years=[1999])


def test_public_name_is_the_function_even_after_the_module_is_imported():
    # the module is named classification.py so importing it never rebinds geohra.classify
    import geohra.classification as module

    assert module.classify is classify
    assert geohra.classify is classify
    res = geohra.classify(pd.Series([1.0, 2.0, 9.0]), k=2)
    assert res.classes.tolist() == [0, 0, 1]
    assert set(SCHEMES) >= {
        "fisher_jenks",
        "quantiles",
        "equal_interval",
        "user_defined",
        "box_plot",
    }


def test_no_warnings_on_clean_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        classify(np.arange(50.0), k=5)


def test_gvf_of_one_class_is_zero_not_minus_rounding():
    """Found by hypothesis: k=1 gave gvf = -2.2e-16 (class mean and overall mean are
    summed differently); GVF is 1 - SDCM/SDAM with SDCM <= SDAM, so it is exactly 0 here."""
    x = [-0.005, -0.047, -0.035, -0.036, -0.023, -0.157, -0.046, -0.042, -0.019, -0.025]
    res = classify(pd.Series(x), scheme="quantiles", k=1)
    assert res.gvf == 0.0
