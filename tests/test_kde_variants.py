"""Kernel density variants: kernels, what the bandwidth means, and the named bandwidth rules
of R, Stata and MATLAB.

Reference values:

* R's ``density(faithful$eruptions)`` prints ``Bandwidth 'bw' = 0.3348`` and the grid
  ``x`` from 0.5957 to 6.1043 (the example of ``?density``, as printed in many R tutorials).
* R 4.6.1 ``bw.nrd0``, ``bw.nrd``, ``bw.SJ(tol = 1e-10)`` and ``bw.SJ(method = "dpi")`` on
  ``precip`` and ``faithful$eruptions`` at 17 digits, as frozen from R by the test suite of
  Stats::LikeR (github.com/hhg7/stats, t/density.R.scipy.t); the data sets are R's
  ``precip`` and ``faithful$eruptions`` (Azzalini & Bowman 1990), shipped below.
* The R(K) = integral of K^2 table of R's ``?density`` example (stats-Ex.Rout.save), 7 digits:
  it pins R's scaling of each kernel to standard deviation ``bw``.
* Stata's kdensity manual formulas (epanechnikov kernel on +-sqrt 5, default width with the
  quartiles of ``summarize, detail``) and MATLAB's ksdensity rule and unit-variance
  epanechnikov kernel, written out by hand; statsmodels' kernels for the support-scaled
  forms. Stata's and MATLAB's own printed output (auto.dta, carsmall) is reproduced in
  tests/test_kde_published.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geohra.dynamics import kde
from geohra.dynamics._kernels import _pair_counts

ERUPTIONS = np.array(
    """
    3.6 1.8 3.333 2.283 4.533 2.883 4.7 3.6 1.95 4.35 1.833 3.917 4.2 1.75
    4.7 2.167 1.75 4.8 1.6 4.25 1.8 1.75 3.45 3.067 4.533 3.6 1.967 4.083
    3.85 4.433 4.3 4.467 3.367 4.033 3.833 2.017 1.867 4.833 1.833 4.783 4.35 1.883
    4.567 1.75 4.533 3.317 3.833 2.1 4.633 2 4.8 4.716 1.833 4.833 1.733 4.883
    3.717 1.667 4.567 4.317 2.233 4.5 1.75 4.8 1.817 4.4 4.167 4.7 2.067 4.7
    4.033 1.967 4.5 4 1.983 5.067 2.017 4.567 3.883 3.6 4.133 4.333 4.1 2.633
    4.067 4.933 3.95 4.517 2.167 4 2.2 4.333 1.867 4.817 1.833 4.3 4.667 3.75
    1.867 4.9 2.483 4.367 2.1 4.5 4.05 1.867 4.7 1.783 4.85 3.683 4.733 2.3
    4.9 4.417 1.7 4.633 2.317 4.6 1.817 4.417 2.617 4.067 4.25 1.967 4.6 3.767
    1.917 4.5 2.267 4.65 1.867 4.167 2.8 4.333 1.833 4.383 1.883 4.933 2.033 3.733
    4.233 2.233 4.533 4.817 4.333 1.983 4.633 2.017 5.1 1.8 5.033 4 2.4 4.6
    3.567 4 4.5 4.083 1.8 3.967 2.2 4.15 2 3.833 3.5 4.583 2.367 5
    1.933 4.617 1.917 2.083 4.583 3.333 4.167 4.333 4.5 2.417 4 4.167 1.883 4.583
    4.25 3.767 2.033 4.433 4.083 1.833 4.417 2.183 4.8 1.833 4.8 4.1 3.966 4.233
    3.5 4.366 2.25 4.667 2.1 4.35 4.133 1.867 4.6 1.783 4.367 3.85 1.933 4.5
    2.383 4.7 1.867 3.833 3.417 4.233 2.4 4.8 2 4.15 1.867 4.267 1.75 4.483
    4 4.117 4.083 4.267 3.917 4.55 4.083 2.417 4.183 2.217 4.45 1.883 1.85 4.283
    3.95 2.333 4.15 2.35 4.933 2.9 4.583 3.833 2.083 4.367 2.133 4.35 2.2 4.45
    3.567 4.5 4.15 3.817 3.917 4.45 2 4.283 4.767 4.533 1.85 4.25 1.983 2.25
    4.75 4.117 2.15 4.417 1.817 4.467
    """.split(),
    dtype=float,
)
PRECIP = np.array(
    """
    67 54.7 7 48.5 14 17.2 20.7 13 43.4 40.2 38.9 54.5 59.8 48.3
    22.9 11.5 34.4 35.1 38.7 30.8 30.6 43.1 56.8 40.8 41.8 42.5 31 31.7
    30.2 25.9 49.2 37 35.9 15 30.2 7.2 36.2 45.5 7.8 33.4 36.1 40.2
    42.7 42.5 16.2 39 35 37 31.4 37.6 39.9 36.2 42.8 46.4 24.7 49.1
    46 35.9 7.8 48.2 15.2 32.5 44.7 42.6 38.8 17.4 40.8 29.1 14.6 59.2
    """.split(),
    dtype=float,
)


def bw(x: np.ndarray, rule: str, **kw) -> float:
    return float(kde(pd.Series(x), time=None, bandwidth=rule, **kw).bandwidth["all"])


def test_r_density_printout_for_faithful_eruptions():
    assert len(ERUPTIONS) == 272
    res = kde(pd.Series(ERUPTIONS), time=None, bandwidth="nrd0")
    assert f"{res.bandwidth['all']:.4f}" == "0.3348"
    assert f"{res.grid[0]:.4f}" == "0.5957" and f"{res.grid[-1]:.4f}" == "6.1043"


R_BW = {
    ("precip", "nrd0"): 3.8478922425896878,
    ("precip", "nrd"): 4.5319619746056317,
    ("precip", "sj"): 3.9410502824256901,
    ("precip", "sj_dpi"): 4.0220440847261347,
    ("eruptions", "nrd0"): 0.33477703446394325,
    ("eruptions", "nrd"): 0.39429295170197759,
    ("eruptions", "sj"): 0.13954633957449558,
    ("eruptions", "sj_dpi"): 0.16527277852454081,
}


@pytest.mark.parametrize(("data", "rule"), list(R_BW))
def test_r_bandwidth_rules(data, rule):
    x = {"precip": PRECIP, "eruptions": ERUPTIONS}[data]
    assert bw(x, rule) == pytest.approx(R_BW[(data, rule)], rel=1e-12)


def test_r_sheather_jones_regression_test_with_an_outlier():
    # R tests/reg-tests-1b.R: bw.SJ(c(1:99, 1e6), tol = 1e-3) == 0.725 (tolerance 1e-3)
    assert bw(np.r_[np.arange(1.0, 100.0), 1e6], "sj") == pytest.approx(0.725, rel=1e-3)


def test_binned_pair_counts_for_large_samples():
    # n > 500: R bins the data first (trunc(|x|/d) sign(x)) and counts pairs of bins
    x = np.random.default_rng(5).normal(size=900)
    d, cnt = _pair_counts(x)
    pos = np.trunc(np.abs(x) / d) * np.sign(x)
    i, j = np.triu_indices(len(x), k=1)
    direct = np.bincount(np.abs(pos[i] - pos[j]).astype(int), minlength=1000)
    np.testing.assert_array_equal(cnt, direct[: len(cnt)])
    assert d == pytest.approx((x.max() - x.min()) * 1.01 / 1000)


R_RK = {
    "gaussian": 0.2820948,
    "epanechnikov": 0.2683282,
    "uniform": 0.2886751,  # R's "rectangular"
    "triangular": 0.2721655,
    "biweight": 0.2699746,
}


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "triangular", "biweight"])
def test_kernels_scaled_like_r(kernel):
    # two points far apart: around 0 the estimate is K(x)/2 with bw = 1 = the kernel's sd
    grid = np.linspace(-8.0, 8.0, 1_600_001)
    res = kde(pd.Series([0.0, 1000.0]), time=None, bandwidth=1.0, kernel=kernel, grid=grid)
    f = 2 * res.densities["all"].to_numpy()
    assert f"{np.trapezoid(f * f, grid):.7f}" == f"{R_RK[kernel]:.7f}"
    assert np.trapezoid(f, grid) == pytest.approx(1.0, abs=1e-6)


def test_uniform_kernel_scaled_like_r():
    # piecewise constant: height 1/(2 sqrt 3) on |x| <= sqrt 3, so R(K) = height^2 * 2 sqrt 3
    grid = np.array([-1.8, -1.7, 0.0, 1.7, 1.8])
    res = kde(pd.Series([0.0, 1000.0]), time=None, bandwidth=1.0, kernel="uniform", grid=grid)
    f = 2 * res.densities["all"].to_numpy()
    height = 0.5 / np.sqrt(3)
    np.testing.assert_allclose(f, [0, height, height, height, 0], rtol=1e-14)
    assert f"{f.max() ** 2 * 2 * np.sqrt(3):.7f}" == f"{R_RK['uniform']:.7f}"


@pytest.mark.parametrize(
    ("kernel", "name"),
    [
        ("epanechnikov", "Epanechnikov"),
        ("biweight", "Biweight"),
        ("triangular", "Triangular"),
        ("uniform", "Uniform"),
        ("gaussian", "Gaussian"),
    ],
)
def test_support_scaled_kernels_equal_statsmodels(kernel, name):
    kernels = pytest.importorskip("statsmodels.sandbox.nonparametric.kernels")
    x = np.random.default_rng(0).normal(size=40)
    grid = np.linspace(-1.5, 1.5, 31)
    res = kde(
        pd.Series(x), time=None, bandwidth=0.7, kernel=kernel, kernel_scale="support", grid=grid
    )
    k = getattr(kernels, name)()
    k.seth(0.7)
    ref = np.array([k.density(x, g) for g in grid]).ravel()
    np.testing.assert_allclose(res.densities["all"].to_numpy(), ref, rtol=1e-12, atol=1e-15)


def test_stata_kdensity_default_by_the_manual_formulas():
    x = np.random.default_rng(1).gamma(2.0, 1.5, size=60)
    res = kde(pd.Series(x), time=None, kernel="epanechnikov", bandwidth="stata")
    # [R] summarize: P = n p/100 = 15 and 45 are whole, so each quartile is the mean of
    # the P-th and (P+1)-th order statistics (1-based)
    xs = np.sort(x)
    q25, q75 = (xs[14] + xs[15]) / 2, (xs[44] + xs[45]) / 2
    assert q75 - q25 != pytest.approx(np.subtract(*np.percentile(x, [75, 25])), rel=1e-6)
    m = min(x.std(ddof=1), (q75 - q25) / 1.349)
    h = 0.9 * m / 60**0.2
    assert res.bandwidth["all"] == pytest.approx(h, rel=1e-14)
    z = (res.grid[:, None] - x[None, :]) / h
    k = np.where(np.abs(z) < np.sqrt(5), 3 / (4 * np.sqrt(5)) * (1 - z * z / 5), 0.0)
    np.testing.assert_allclose(
        res.densities["all"], k.sum(axis=1) / (60 * h), rtol=1e-12, atol=1e-15
    )
    assert "sqrt(5)" in res.summary()["variant"].iloc[0]


def test_matlab_ksdensity_rule_by_hand():
    x = np.random.default_rng(2).normal(3, 2, size=75)
    sig = np.median(np.abs(x - np.median(x))) / 0.6745
    assert bw(x, "matlab") == pytest.approx(sig * (4 / (3 * 75)) ** 0.2, rel=1e-14)
    # MATLAB's kernels have unit variance: epanechnikov .75 (1 - z^2/5)/sqrt 5 on |z| <= sqrt 5
    res = kde(pd.Series(x), time=None, kernel="epanechnikov", bandwidth="matlab")
    h = res.bandwidth["all"]
    z = (res.grid[:, None] - x[None, :]) / h
    k = np.where(np.abs(z) <= np.sqrt(5), 0.75 * (1 - 0.2 * z * z) / np.sqrt(5), 0.0)
    ref = k.sum(axis=1) / (75 * h)
    np.testing.assert_allclose(res.densities["all"], ref, rtol=1e-12, atol=1e-15)
    with pytest.warns(UserWarning, match="median absolute deviation is 0"):
        bw(np.r_[np.zeros(10), 1.0, 2.0], "matlab")


def test_kernel_options_checked():
    s = pd.Series(ERUPTIONS)
    with pytest.raises(ValueError, match=r"kernel must be one of \['gaussian', 'epanechnikov'"):
        kde(s, time=None, kernel="epan2")
    with pytest.raises(ValueError, match=r"kernel_scale must be one of \['sd', 'support'\]"):
        kde(s, time=None, kernel="biweight", kernel_scale="width")
    with pytest.raises(ValueError, match="'nrd0'.*'matlab'"):
        kde(s, time=None, bandwidth="ucv")
    default = kde(s, time=None)
    assert default.kernel == "gaussian" and default.summary()["rule"].iloc[0].startswith(
        "silverman"
    )
