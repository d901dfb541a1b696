"""The shipped real datasets: loading, provenance, surfaced caveats, derived totals."""

from __future__ import annotations

import hashlib
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.io.datasets import DEMOS, demo_sources, health_2013_totals, sources_text
from geohra.io.panel import DataQualityWarning, per_capita

ALL_31 = {
    "110000",
    "120000",
    "130000",
    "140000",
    "150000",
    "210000",
    "220000",
    "230000",
    "310000",
    "320000",
    "330000",
    "340000",
    "350000",
    "360000",
    "370000",
    "410000",
    "420000",
    "430000",
    "440000",
    "450000",
    "460000",
    "500000",
    "510000",
    "520000",
    "530000",
    "540000",
    "610000",
    "620000",
    "630000",
    "640000",
    "650000",
}


def raw_csv(name: str) -> pd.DataFrame:
    """The shipped file read plainly with pandas, for independent comparisons."""
    with resources.as_file(resources.files("geohra") / "data" / DEMOS[name].file) as p:
        return pd.read_csv(p)


def load_quiet(name: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return geohra.load_demo(name)


@pytest.mark.parametrize("name", list(DEMOS))
def test_each_demo_loads_as_tidy_panel(name):
    df = load_quiet(name)
    raw = raw_csv(name)
    assert set(df["adcode"]) == ALL_31
    assert sorted(df["year"].unique()) == list(DEMOS[name].years)
    assert len(df) == 31 * len(DEMOS[name].years) == len(raw)
    assert list(df.columns) == ["adcode", "year"] + [
        c for c in raw.columns if c not in ("province", "year")
    ]
    assert (df.dtypes.iloc[2:] == np.float64).all()
    # the values are the file's values, row for row (matched by year and unit name)
    names = {
        "Beijing": "110000",
        "Shanxi": "140000",
        "Shaanxi": "610000",
        "Tibet": "540000",
        "Inner Mongolia": "150000",
        "Xinjiang": "650000",
    }
    for prov, code in names.items():
        for year in DEMOS[name].years:
            a = raw[(raw["province"] == prov) & (raw["year"] == year)].drop(
                columns=["province", "year"]
            )
            b = df[(df["adcode"] == code) & (df["year"] == year)].drop(columns=["adcode", "year"])
            np.testing.assert_array_equal(a.to_numpy(float), b.to_numpy(float))
    assert df.attrs["source"] == DEMOS[name].source
    assert df.attrs["caveats"] == DEMOS[name].caveats
    assert set(df.attrs["units"]) == set(raw.columns) - {"province", "year"}


def test_shipped_files_are_byte_identical_to_shared_data():
    # sha256 of the files in ../shared/data as delivered (recorded when they were copied)
    expected = {
        "SOURCES.md": "23b051af8558b8c4e2974e2bcccac6ef2c487e4c5379199c8bdc85b6c62ba401",
        "china_gp_2012_2017.csv": "c929468705b84c529968f1c563cb143bf22f0f74bd78f617555771e5d9500988",
        "china_health_2013.csv": "53e6dc56585b4dce935ab2b9106f3f02ebf40fd3d3180979f1d187055806dd22",
        "china_nbs_1998_1999.csv": "a6c2f01a6c744021328ceafbdc3218aefd3fb6b23eec3cfb7f061730f370719f",
        "china_physicians_2018.csv": "09bdec132cf7869255812a568e88518364e0131de188f2b2ca69ea5112dbcc27",
    }
    for fname, digest in expected.items():
        data = (resources.files("geohra") / "data" / fname).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, fname
    assert (
        sources_text().encode("utf-8")
        == (resources.files("geohra") / "data" / "SOURCES.md").read_bytes()
    )


def test_gp_duplicated_year_is_surfaced():
    with pytest.warns(
        DataQualityWarning,
        match=r"'gp_share_of_practising_assistant_physicians_pct' has identical "
        r"values in years 2013 and 2014 for every unit \(31 units\)",
    ) as rec:
        df = geohra.load_demo("gp-2012-2017")
    # only that column, only that pair
    texts = [str(w.message) for w in rec if issubclass(w.category, DataQualityWarning)]
    assert len(texts) == 1 and "gp_registration_rate_pct" not in texts[0]
    # kept as published
    g = df.pivot(
        index="adcode", columns="year", values="gp_share_of_practising_assistant_physicians_pct"
    )
    assert (g[2013] == g[2014]).all() and not (g[2012] == g[2013]).all()
    assert any("2013 and 2014" in c for c in df.attrs["caveats"])


def test_nbs_1998_missing_values_are_surfaced():
    with pytest.warns(DataQualityWarning) as rec:
        df = geohra.load_demo("nbs-1998-1999")
    text = " ".join(str(w.message) for w in rec)
    assert "'beds_hospitals' 1998: 460000, 650000" in text  # Hainan excluded, Xinjiang missing
    assert "'health_institutions' 1998: 650000" in text
    y98 = df[df["year"] == 1998]
    assert y98["beds_health_institutions"].notna().sum() == 30
    assert y98["beds_hospitals"].notna().sum() == 29
    assert (
        y98.set_index("adcode").loc["650000", "population_yearend"] == 1747
    )  # population is there
    # years in which an indicator is not reported at all are empty, not zero
    assert df.loc[df["year"] == 1999, "hospitals"].isna().all()
    assert df.loc[df["year"] == 1998, "physicians"].isna().all()
    assert not (df.drop(columns=["adcode", "year"]) == 0).any().any()


def test_clean_demos_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geohra.load_demo("health-2013")
        geohra.load_demo("physicians-2018")


def test_shanxi_and_shaanxi_in_health_2013():
    # SOURCES.md: the row with population 3764 is Shaanxi, 3630 is Shanxi
    df = geohra.load_demo("health-2013").set_index("adcode")
    assert df.loc["610000", "population_10k"] == 3764
    assert df.loc["140000", "population_10k"] == 3630


def test_unknown_demo_name():
    with pytest.raises(
        ValueError, match=r"unknown demo dataset 'health2013'.*Did you mean 'health-2013'"
    ):
        geohra.load_demo("health2013")


def test_demo_sources_table():
    src = demo_sources()
    assert list(src.index) == ["health-2013", "gp-2012-2017", "physicians-2018", "nbs-1998-1999"]
    assert src.loc["gp-2012-2017", "doi"] == "10.1186/s12960-021-00561-8"
    assert "Xinjiang" in src.loc["nbs-1998-1999", "caveats"]
    assert "Hainan" in src.loc["nbs-1998-1999", "caveats"]


def test_health_2013_totals_reproduce_the_published_per_area_table():
    """Totals come from Table 2 (per capita) x population; Table 3 (per area) is independent.

    totals / area must give Table 3's values up to the 2-decimal rounding of both tables:
    |derived - printed| <= 0.005 (Table 3 rounding) + 0.005 * population / area (Table 2 rounding),
    in 10,000 per 10,000 km2 for counts and money per 10,000 km2 for investment.
    """
    tot = health_2013_totals()
    raw = load_quiet("health-2013")
    assert list(tot["adcode"]) == list(raw["adcode"])
    for res, scale in [
        ("health_care_institutions", 1e4),
        ("health_technical_personnel", 1e4),
        ("beds_health_care_institutions", 1e4),
        ("health_investment", 1.0),
    ]:
        derived = tot[res] / tot["area_10k_km2"] / scale
        bound = 0.005 + 0.005 * tot["population_10k"] / tot["area_10k_km2"] / scale + 1e-9
        err = (derived - raw[f"{res}_per_10k_km2"]).abs()
        assert (err <= bound).all(), (res, err.max())
    # Anhui: 39.14 beds per 10,000 x 60.30 million people = 236,014 beds
    anhui = tot.set_index("adcode").loc["340000"]
    assert anhui["beds_health_care_institutions"] == pytest.approx(39.14 * 6030)
    assert "population_10k" in tot.attrs["derived"]


def test_physicians_per_capita_reproduces_published_rate():
    # per_capita on the total and population must give the table's own per-1,000 column
    df = geohra.load_demo("physicians-2018")
    pc = per_capita(
        df,
        {"physicians_total": "rate"},
        population="population_10k",
        per=1000,
        population_unit=10_000,
    )
    assert (pc["rate"] - df["physicians_per_1000_pop"]).abs().max() <= 0.005 + 1e-9
