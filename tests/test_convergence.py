"""Convergence: β from the fixed-effects regression against the within estimator by hand
and statsmodels' dummy-variable regression; cluster-robust errors against statsmodels;
spatial panel models against spreg's Panel_FE_Lag / Panel_FE_Error on the same data;
σ-convergence measures against PySAL's inequality and numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.convergence import (
    beta_convergence,
    sigma_convergence,
    spatial_beta_convergence,
    speed_half_life,
)

sm = pytest.importorskip("statsmodels.formula.api")


def make_panel(n_units=12, years=range(2010, 2018), seed=1, drop=()) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        a = rng.normal()
        ly = rng.normal(1, 0.5)
        for t in years:
            if (i, t) not in drop:
                rows.append((f"u{i:02d}", t, np.exp(ly), rng.normal(), rng.normal()))
            ly = ly + 0.1 - 0.2 * ly + 0.03 * a + rng.normal(0, 0.05)
    return pd.DataFrame(rows, columns=["adcode", "year", "v", "c1", "c2"])


def growth_by_hand(df: pd.DataFrame) -> pd.DataFrame:
    out = []
    for u, part in df.sort_values("year").groupby("adcode"):
        lv = np.log(part["v"].to_numpy())
        yrs = part["year"].to_numpy()
        for j in range(len(part) - 1):
            if yrs[j + 1] - yrs[j] == 1:
                row = part.iloc[j]
                out.append((u, yrs[j], lv[j], lv[j + 1] - lv[j], row["c1"], row["c2"]))
    return pd.DataFrame(out, columns=["adcode", "year", "log_initial", "growth", "c1", "c2"])


def test_growth_is_the_log_ratio_of_consecutive_years():
    df = make_panel(drop={(3, 2012)})
    res = beta_convergence(df, "v", effects="none")
    hand = growth_by_hand(df).set_index(["adcode", "year"])
    got = res.to_frame()
    assert len(got) == len(hand) == 12 * 7 - 2  # the missing year removes two steps
    pd.testing.assert_series_equal(got["growth"], hand["growth"].loc[got.index])


@pytest.mark.parametrize("effects", ["unit", "twoway"])
def test_beta_equals_within_estimator_by_hand(effects):
    g = growth_by_hand(make_panel())  # balanced: closed-form two-way demeaning
    x, y = g["log_initial"], g["growth"]

    def within(v):
        d = v - v.groupby(g["adcode"]).transform("mean")
        if effects == "twoway":
            d = d - v.groupby(g["year"]).transform("mean") + v.mean()
        return d

    beta_hand = float((within(x) * within(y)).sum() / (within(x) ** 2).sum())
    res = beta_convergence(make_panel(), "v", effects=effects)
    assert res.beta == pytest.approx(beta_hand, rel=1e-12)
    assert res.kind == "absolute"


def lsdv(g: pd.DataFrame, formula: str, **fit):
    return sm.ols(formula, g).fit(**fit)


@pytest.mark.parametrize("effects", ["unit", "time", "twoway"])
def test_unbalanced_conditional_equals_statsmodels_dummy_regression(effects):
    df = make_panel(drop={(2, 2011), (5, 2016), (7, 2010)})
    g = growth_by_hand(df)
    terms = {"unit": "C(adcode)", "time": "C(year)", "twoway": "C(adcode) + C(year)"}[effects]
    ref = lsdv(g, f"growth ~ log_initial + c1 + c2 + {terms}")
    res = beta_convergence(df, "v", controls=["c1", "c2"], effects=effects, cov_type="unadjusted")
    for term in ["log_initial", "c1", "c2"]:
        assert res.coefficients.loc[term, "coef"] == pytest.approx(ref.params[term], rel=1e-10)
        assert res.coefficients.loc[term, "std_error"] == pytest.approx(ref.bse[term], rel=1e-10)
    robust = beta_convergence(df, "v", controls=["c1", "c2"], effects=effects, cov_type="robust")
    ref_hc1 = lsdv(g, f"growth ~ log_initial + c1 + c2 + {terms}", cov_type="HC1")
    assert robust.std_error == pytest.approx(ref_hc1.bse["log_initial"], rel=1e-10)
    assert res.kind == "conditional"


def test_cluster_robust_pooled_equals_statsmodels():
    df = make_panel()
    g = growth_by_hand(df)
    groups = pd.factorize(g["adcode"])[0]
    ref = lsdv(g, "growth ~ log_initial + c1", cov_type="cluster", cov_kwds={"groups": groups})
    res = beta_convergence(df, "v", controls=["c1"], effects="none")
    assert res.coefficients.loc["const", "coef"] == pytest.approx(
        ref.params["Intercept"], rel=1e-10
    )
    for term in ["log_initial", "c1"]:
        assert res.coefficients.loc[term, "std_error"] == pytest.approx(ref.bse[term], rel=1e-10)
    # p-values from t with G - 1 degrees of freedom, as statsmodels' cluster default
    ref_t = lsdv(
        g,
        "growth ~ log_initial + c1",
        cov_type="cluster",
        cov_kwds={"groups": groups},
        use_t=True,
    )
    assert res.pvalue == pytest.approx(ref_t.pvalues["log_initial"], rel=1e-8)


def test_cluster_robust_two_way_is_the_sandwich_with_statas_factor():
    """statsmodels' uncorrected cluster sandwich on the dummy-variable regression, times the
    documented factor G/(G-1)·(N-1)/(N-K), K = slopes + year dummies + 1 (xtreg, fe)."""
    df = make_panel(drop={(4, 2013)})
    g = growth_by_hand(df)
    groups = pd.factorize(g["adcode"])[0]
    raw = lsdv(
        g,
        "growth ~ log_initial + c1 + C(adcode) + C(year)",
        cov_type="cluster",
        cov_kwds={"groups": groups, "use_correction": False},
    )
    res = beta_convergence(df, "v", controls=["c1"])
    n, n_groups, n_years = len(g), g["adcode"].nunique(), g["year"].nunique()
    k = 2 + (n_years - 1) + 1
    factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)
    for term in ["log_initial", "c1"]:
        expected = raw.bse[term] * np.sqrt(factor)
        assert res.coefficients.loc[term, "std_error"] == pytest.approx(expected, rel=1e-10)
    assert res.nobs == n and res.n_units == n_groups and res.n_years == n_years


def test_speed_and_half_life():
    # Barro & Sala-i-Martin's "2 % a year" convergence has a half-life of ln2/0.02 = 34.66 years
    speed, half = speed_half_life(np.exp(-0.02) - 1.0)
    assert speed == pytest.approx(0.02, rel=1e-12)
    assert half == pytest.approx(34.657359, rel=1e-7)
    # a 5-year step: β = e^{-5λ} - 1
    speed, _ = speed_half_life(np.exp(-0.1) - 1.0, step=5)
    assert speed == pytest.approx(0.02, rel=1e-12)
    assert np.isnan(speed_half_life(0.01)[1])  # divergence: no half-life
    assert np.isnan(speed_half_life(-1.2)[0])


def test_result_tables_and_variant():
    res = beta_convergence(make_panel(), "v", controls=["c1"])
    s = res.summary()
    assert list(s.columns[:5]) == ["kind", "effects", "beta", "std_error", "pvalue"]
    assert "unit and year fixed effects" in s["variant"].iloc[0]
    assert "cluster-robust" in s["variant"].iloc[0]
    assert s["speed"].iloc[0] == pytest.approx(-np.log1p(res.beta))
    t = res.table()
    assert list(t["term"]) == ["log_initial", "c1"]  # year dummies not listed
    assert res.to_frame().index.names == ["adcode", "year"]


def test_beta_bad_input():
    df = make_panel()
    with pytest.raises(
        ValueError, match=r"effects must be one of \['none', 'unit', 'time', 'twoway'\]"
    ):
        beta_convergence(df, "v", effects="entity")
    with pytest.raises(ValueError, match="cov_type must be one of"):
        beta_convergence(df, "v", cov_type="HC3")
    with pytest.raises(TypeError):
        beta_convergence(df, "v", k=2)
    bad = df.copy()
    bad.loc[3, "v"] = 0.0
    with pytest.raises(ValueError, match="must be positive"):
        beta_convergence(bad, "v")
    with pytest.raises(ValueError, match="more than once"):
        beta_convergence(pd.concat([df, df.iloc[:1]]), "v")
    with pytest.raises(ValueError, match="not equally spaced"):
        beta_convergence(df[df["year"] != 2011], "v")
    nan = df.copy()
    nan.loc[5, "c1"] = np.nan
    with pytest.raises(ValueError, match="nan_policy='omit'"):
        beta_convergence(nan, "v", controls=["c1"])
    res = beta_convergence(nan, "v", controls=["c1"], nan_policy="omit")
    assert res.omitted == ((nan.loc[5, "adcode"], nan.loc[5, "year"]),)
    with pytest.raises(ValueError, match="collinear"):
        beta_convergence(df.assign(k=df["adcode"].str[1:].astype(float)), "v", controls=["k"])


# ---- σ-convergence -------------------------------------------------------------------


def test_sigma_measures_against_numpy_and_pysal():
    inequality = pytest.importorskip("inequality")
    df = make_panel()
    res = sigma_convergence(df, "v", ddof=1)
    for year, part in df.groupby("year"):
        v = part["v"].to_numpy()
        row = res.dispersion.loc[year]
        assert row["cv"] == pytest.approx(np.std(v, ddof=1) / np.mean(v), rel=1e-12)
        assert row["sd_log"] == pytest.approx(np.std(np.log(v), ddof=1), rel=1e-12)
        assert row["theil"] == pytest.approx(inequality.theil.Theil(v).T, rel=1e-10)
        assert row["gini"] == pytest.approx(inequality.gini.Gini(v).g, rel=1e-10)
    slope = np.polyfit(res.dispersion.index.to_numpy(float), res.dispersion["cv"].to_numpy(), 1)[0]
    assert res.trend.loc["cv", "slope_per_year"] == pytest.approx(slope, rel=1e-10)
    assert res.trend.loc["cv", "converging"] == (slope < 0)
    assert "ddof=1" in res.summary()["variant"].iloc[0]
    assert list(res.table().columns) == ["year", "cv", "sd_log", "gini", "theil", "n_units"]


def test_sigma_bad_input_and_plot():
    df = make_panel()
    with pytest.raises(
        ValueError, match=r"measures must be among \['cv', 'sd_log', 'gini', 'theil'\]"
    ):
        sigma_convergence(df, "v", measures=["variance"])
    with pytest.raises(ValueError, match="ddof"):
        sigma_convergence(df, "v", ddof=2)
    import matplotlib

    matplotlib.use("Agg")
    ax = sigma_convergence(df, "v", measures=["cv", "gini"]).plot()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cv", "gini"]
    assert len(ax.lines) == 2


# ---- spatial β-convergence against spreg ---------------------------------------------


@pytest.fixture(scope="module")
def real():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = geohra.load_demo("gp-2012-2017")
        graph = geohra.spatial_weights(geohra.load_boundaries("china-provinces"), kind="queen")
    return data, graph


def _spreg_fit(res, graph, model, effects):
    spreg = pytest.importorskip("spreg")
    from libpysal.weights import W

    n = len(graph.unique_ids)
    obs = res.to_frame()
    names = ["log_initial"]
    y = obs["growth"].to_numpy()[:, None]
    x = obs[names].to_numpy()
    t = len(y) // n
    if model == "durbin":  # the spatial Durbin model as spreg's lag model with WX added
        wx = np.einsum("ij,tjk->tik", graph.sparse.toarray(), x.reshape(t, n, 1))
        x = np.column_stack([x, wx.reshape(x.shape)])

    def demean(v, axis):
        a = v.reshape(t, n, -1)
        return (a - a.mean(axis=axis, keepdims=True)).reshape(v.shape)

    if effects == "twoway":  # year-demeaned data: spreg's unit demeaning makes it two-way
        y, x = demean(y, 1), demean(x, 1)
    # spreg demeans again (idempotent); passing demeaned x also makes its lag-model
    # information matrix use the demeaned x (it uses the x it was given)
    y, x = demean(y, 0), demean(x, 0)
    cls = spreg.Panel_FE_Error if model == "error" else spreg.Panel_FE_Lag
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(y, x, W.from_sparse(graph.sparse), epsilon=1e-12)


@pytest.mark.parametrize("model", ["lag", "error", "durbin"])
@pytest.mark.parametrize("effects", ["unit", "twoway"])
def test_spatial_models_equal_spreg(real, model, effects):
    data, graph = real
    col = "gp_registration_rate_pct"
    res = spatial_beta_convergence(data, col, graph=graph, model=model, effects=effects)
    ref = _spreg_fit(res, graph, model, effects)
    np.testing.assert_allclose(res.coefficients["coef"], ref.betas.ravel(), rtol=2e-6, atol=1e-8)
    np.testing.assert_allclose(res.coefficients["std_error"], np.sqrt(np.diag(ref.vm)), rtol=2e-6)
    # spreg's log-likelihood uses ln(e'e) where the likelihood has ln(e'e/NT)
    nt = len(res.to_frame())
    assert res.log_likelihood == pytest.approx(ref.logll + nt / 2 * np.log(nt), rel=1e-9)
    assert res.sigma2 == pytest.approx(np.asarray(ref.sig2).item(), rel=1e-6)
    assert res.n_units == 31 and res.n_years == 5


def test_spatial_impacts_identities(real):
    data, graph = real
    col = "gp_registration_rate_pct"
    lag = spatial_beta_convergence(data, col, graph=graph, model="lag")
    # row-standardised W: total effect = β / (1 - ρ)
    assert lag.impacts.loc["log_initial", "total"] == pytest.approx(lag.beta / (1 - lag.spatial))
    w = graph.sparse.toarray()
    s = np.linalg.inv(np.eye(31) - lag.spatial * w) * lag.beta
    assert lag.impacts.loc["log_initial", "direct"] == pytest.approx(np.trace(s) / 31)
    sdm = spatial_beta_convergence(data, col, graph=graph, model="durbin")
    theta = sdm.coefficients.loc["W_log_initial", "coef"]
    assert sdm.impacts.loc["log_initial", "total"] == pytest.approx(
        (sdm.beta + theta) / (1 - sdm.spatial)
    )
    err = spatial_beta_convergence(data, col, graph=graph, model="error")
    assert err.impacts is None and err.spatial_name == "lambda"
    s = err.summary()
    assert s["spatial_parameter"].iloc[0] == "lambda"
    assert "Elhorst" in s["variant"].iloc[0]


def test_spatial_impact_standard_errors(real):
    data, graph = real
    col = "gp_registration_rate_pct"
    lag = spatial_beta_convergence(data, col, graph=graph, model="lag", impact_draws=20000, rng=3)
    # delta method for the total effect beta/(1 - rho) of a row-standardised lag model
    b, r = lag.beta, lag.spatial
    cov = lag.covariance.loc[["log_initial", "rho"], ["log_initial", "rho"]].to_numpy()
    grad = np.array([1 / (1 - r), b / (1 - r) ** 2])
    delta_se = float(np.sqrt(grad @ cov @ grad))
    assert lag.impacts_se.loc["log_initial", "total"] == pytest.approx(delta_se, rel=0.05)
    again = spatial_beta_convergence(data, col, graph=graph, model="lag", impact_draws=20000, rng=3)
    pd.testing.assert_frame_equal(lag.impacts_se, again.impacts_se)
    table = lag.impact_table()
    assert list(table.columns) == ["term", "effect", "estimate", "std_error", "statistic", "pvalue"]
    assert list(table["effect"]) == ["direct", "indirect", "total"]
    assert (table["std_error"] > 0).all()
    none = spatial_beta_convergence(data, col, graph=graph, model="durbin", impact_draws=0)
    assert none.impacts_se is None and "std_error" not in none.impact_table().columns
    assert b / (1 - r) == pytest.approx(lag.impacts.loc["log_initial", "total"])


def test_spatial_bad_input(real):
    data, graph = real
    col = "gp_registration_rate_pct"
    with pytest.raises(ValueError, match=r"model must be one of \['lag', 'error', 'durbin'\]"):
        spatial_beta_convergence(data, col, graph=graph, model="sac")
    with pytest.raises(ValueError, match="effects must be one of"):
        spatial_beta_convergence(data, col, graph=graph, effects="time")
    with pytest.raises(ValueError, match="impact_draws must be 0 or an integer >= 2"):
        spatial_beta_convergence(data, col, graph=graph, impact_draws=1)
    with pytest.raises(TypeError, match="libpysal Graph"):
        spatial_beta_convergence(data, col, graph=np.eye(31))
    gap = data[~((data["adcode"] == "110000") & (data["year"] == 2015))]
    with pytest.raises(ValueError, match="balanced panel"):
        spatial_beta_convergence(gap, col, graph=graph)
    nan = data.copy()
    nan.loc[nan.index[3], col] = np.nan
    dropped = spatial_beta_convergence(nan, col, graph=graph, nan_policy="omit", impact_draws=0)
    unit = nan.loc[nan.index[3], "adcode"]
    assert dropped.dropped_units == (unit,) and dropped.n_units == 30
    assert dropped.omitted == ((unit, nan.loc[nan.index[3], "year"]),)
    extra = pd.concat([data, data.iloc[:6].assign(adcode="999999")])
    with pytest.raises(ValueError, match="not in graph"):
        spatial_beta_convergence(extra, col, graph=graph)


def test_public_names():
    assert geohra.beta_convergence is beta_convergence
    assert geohra.sigma_convergence is sigma_convergence
    assert geohra.spatial_beta_convergence is spatial_beta_convergence
