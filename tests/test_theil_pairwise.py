"""Pairwise between-region Theil: hand computation on group totals and PySAL's TheilD on
each two-region subset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.inequality.theil import theil, theil_pairwise


def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 15
    return pd.DataFrame(
        {
            "beds": rng.uniform(10, 100, n),
            "pop": rng.uniform(1, 9, n),
            "region": np.repeat(["east", "central", "west"], 5),
        },
        index=[f"p{i}" for i in range(n)],
    )


def test_weighted_pairs_by_hand_from_group_totals():
    df = data()
    res = theil_pairwise(df, "beds", population="pop", by="region")
    assert len(res.table) == 3
    tot = df.groupby("region")[["beds", "pop"]].sum()
    for row in res.table.itertuples():
        pair = tot.loc[[row.region_a, row.region_b]]
        s = pair["beds"] / pair["beds"].sum()
        q = pair["pop"] / pair["pop"].sum()
        assert row.between == pytest.approx(float((s * np.log(s / q)).sum()), rel=1e-12)
    m = res.matrix()
    assert m.loc["east", "west"] == m.loc["west", "east"] > 0
    assert m.loc["east", "east"] == 0


def test_unweighted_pairs_equal_pysal_theild_on_each_subset():
    inequality = pytest.importorskip("inequality")
    df = data()
    res = theil_pairwise(df, "beds", by="region")
    for row in res.table.itertuples():
        part = df[df["region"].isin([row.region_a, row.region_b])]
        ref = inequality.theil.TheilD(part["beds"].to_numpy(), part["region"].to_numpy())
        assert row.between == pytest.approx(float(np.asarray(ref.bg).ravel()[0]), rel=1e-10)
        assert row.total == pytest.approx(float(np.asarray(ref.T).ravel()[0]), rel=1e-10)


def test_two_regions_equal_the_ordinary_decomposition_and_variant():
    df = data()
    two = df[df["region"] != "central"]
    pair = theil_pairwise(two, "beds", population="pop", by="region")
    full = theil(two, "beds", population="pop", by="region")
    assert pair.table.loc[0, "between"] == pytest.approx(full.between, rel=1e-14)
    assert "pairwise between-region" in pair.summary()["variant"].iloc[0]
    assert geohra.theil_pairwise is theil_pairwise
    with pytest.raises(ValueError, match="fewer than two groups"):
        theil_pairwise(df[df["region"] == "east"], "beds", by="region")
