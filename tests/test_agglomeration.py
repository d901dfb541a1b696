"""geohra.agglomeration: HRAD / PAD / ratio against hand-computed values and identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra import agglomeration


@pytest.fixture
def provinces():
    return pd.DataFrame(
        {
            "beds": [100.0, 300.0, 600.0],
            "pop": [50.0, 150.0, 800.0],
            "area": [10.0, 40.0, 50.0],
        },
        index=pd.Index(["110000", "120000", "130000"], name="adcode"),
    )


def test_hand_computed(provinces):
    res = agglomeration(provinces, "beds", population="pop", area="area")
    # shares: beds .1 .3 .6; pop .05 .15 .8; area .1 .4 .5
    np.testing.assert_allclose(res.hrad.to_numpy(), [1.0, 0.75, 1.2])
    np.testing.assert_allclose(res.pad.to_numpy(), [0.5, 0.375, 1.6])
    np.testing.assert_allclose(res.ratio.to_numpy(), [2.0, 2.0, 0.75])
    # ratio is per-capita resource over the all-unit per-capita level (1000 beds / 1000 people)
    np.testing.assert_allclose(res.ratio, res.per_capita / 1.0)
    np.testing.assert_allclose(res.density.to_numpy(), [10.0, 7.5, 12.0])
    s = res.summary()
    assert s["n_ratio_above_1"].iloc[0] == 2 and s["n_pad_above_1"].iloc[0] == 1
    assert "HRAD" in s["variant"].iloc[0]


def test_identities_random():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "beds": rng.gamma(2, 100, 31),
            "pop": rng.gamma(2, 1000, 31),
            "area": rng.gamma(2, 50, 31),
        },
        index=[f"u{i}" for i in range(31)],
    )
    res = agglomeration(df, "beds", population="pop", area="area")
    np.testing.assert_allclose(res.ratio, res.hrad / res.pad)
    # area-weighted mean of HRAD (and PAD) is 1: Σ (A_i/A)·HRAD_i = Σ R_i/R
    a = df["area"] / df["area"].sum()
    assert (a * res.hrad).sum() == pytest.approx(1.0)
    assert (a * res.pad).sum() == pytest.approx(1.0)
    # doubling every unit's area changes nothing (unit-free shares)
    res2 = agglomeration(df.assign(area=df["area"] * 1e6), "beds", population="pop", area="area")
    pd.testing.assert_series_equal(res.hrad, res2.hrad)


def test_index_alignment_series_and_frame(provinces):
    res = agglomeration(provinces, "beds", population="pop", area="area")
    tab = res.to_frame()
    assert list(tab.index) == list(provinces.index)
    joined = provinces.join(tab[["hrad", "pad", "ratio"]])
    assert joined["hrad"].notna().all()
    # population/area as Series in another order are aligned by label
    res2 = agglomeration(
        provinces,
        provinces["beds"],
        population=provinces["pop"].iloc[::-1],
        area=provinces["area"].iloc[::-1],
    )
    pd.testing.assert_series_equal(res.hrad, res2.hrad)
    res3 = agglomeration(provinces, "beds", population=provinces["pop"].to_numpy(), area="area")
    pd.testing.assert_series_equal(res.ratio, res3.ratio)


def test_bad_inputs(provinces):
    with pytest.raises(ValueError, match="area must be positive"):
        agglomeration(provinces.assign(area=[0.0, 1.0, 2.0]), "beds", population="pop", area="area")
    with pytest.raises(ValueError, match="population must be positive"):
        agglomeration(provinces.assign(pop=[0.0, 1.0, 2.0]), "beds", population="pop", area="area")
    with pytest.raises(ValueError, match="non-negative"):
        agglomeration(
            provinces.assign(beds=[-1.0, 1.0, 2.0]), "beds", population="pop", area="area"
        )
    with pytest.raises(ValueError, match="does not match the data.s index"):
        agglomeration(
            provinces, "beds", population=pd.Series([1.0, 2.0, 3.0], index=list("abc")), area="area"
        )
    with pytest.raises(KeyError):
        agglomeration(provinces, "beds", population="people", area="area")
    holed = provinces.assign(beds=[100.0, np.nan, 600.0])
    with pytest.raises(ValueError, match="missing value"):
        agglomeration(holed, "beds", population="pop", area="area")
    res = agglomeration(holed, "beds", population="pop", area="area", nan_policy="omit")
    assert res.omitted == ("120000",) and res.n == 2


def test_per_year(provinces):
    panel = pd.concat(
        [provinces.assign(year=2012), provinces.assign(year=2013, beds=provinces["beds"] * 2)]
    )
    table = geohra.per_year(
        agglomeration, panel, "beds", population="pop", area="area", time="year"
    ).summary()
    assert list(table["year"]) == [2012, 2013]
    assert table["per_capita_overall"].tolist() == pytest.approx([1.0, 2.0])
