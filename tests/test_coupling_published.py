"""Coupling coordination against tables printed in published papers.

Papers print the subsystem indices U rounded (here to 3 decimals) and C, T, D computed
from the unrounded U, then rounded. A printed row is reproduced "to the printed digits"
when some U within half a unit of the printed inputs gives a result within half a unit
of the printed output: geohra is evaluated on the corners and centre of that input box
(C, T and D are smooth, so on a box of width 0.001 their range is reached at the
corners) and the printed value must lie in [min - h, max + h], h = half a printed unit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from geohra.coupling import coupling_coordination

# Table 4 of: "Urban-Rural Logistics Coupling Coordinated Development and Urban-Rural
# Integrated Development: Measurement, Influencing Factors, and Countermeasures",
# Mathematical Problems in Engineering 2022, article 2969206 (Hindawi), "Coupling and
# coupling coordination type of the urban-rural logistics composite systems".
# Columns as printed: year, Uu, Ur, C, T, D (3 decimals); the printed T is (Uu + Ur)/2.
LOGISTICS_2022 = [
    (2011, 0.101, 0.280, 0.882, 0.190, 0.410),
    (2012, 0.165, 0.406, 0.906, 0.286, 0.509),
    (2013, 0.187, 0.427, 0.920, 0.307, 0.532),
    (2014, 0.238, 0.511, 0.931, 0.374, 0.590),
    (2015, 0.424, 0.421, 1.000, 0.422, 0.650),
    (2016, 0.538, 0.407, 0.990, 0.473, 0.684),
    (2017, 0.591, 0.466, 0.993, 0.528, 0.724),
    (2018, 0.694, 0.581, 0.996, 0.638, 0.797),
    (2019, 0.892, 0.662, 0.989, 0.777, 0.877),
    (2020, 0.879, 0.637, 0.987, 0.758, 0.865),
]


def box_range(u: tuple[float, ...], half: float, **options) -> pd.DataFrame:
    """min and max of C, T, D over the corners and centre of the box u +- half."""
    corners = [
        np.asarray(u) + half * np.asarray(s) for s in itertools.product([-1, 1], repeat=len(u))
    ]
    pts = pd.DataFrame([np.asarray(u), *corners], columns=[f"u{j}" for j in range(len(u))])
    table = coupling_coordination(pts, list(pts.columns), **options).table[["C", "T", "D"]]
    return table.agg(["min", "max"])


def test_traditional_two_systems_reproduces_logistics_2022_table_4():
    # 3-decimal inputs and outputs: half a unit is 0.0005 on both sides
    for year, uu, ur, *printed in LOGISTICS_2022:
        rng = box_range((uu, ur), 0.0005, method="traditional")
        for name, value in zip(["C", "T", "D"], printed, strict=True):
            lo, hi = rng.loc["min", name] - 0.0005, rng.loc["max", name] + 0.0005
            assert lo <= value <= hi, (year, name, value, lo, hi)


def test_traditional_at_the_printed_inputs_is_within_a_rounding_step():
    # the same table read plainly: at the printed inputs every C, T, D is within
    # 0.001 of the printed value (one unit of the last printed digit)
    df = pd.DataFrame(LOGISTICS_2022, columns=["year", "uu", "ur", "C", "T", "D"])
    res = coupling_coordination(df, ["uu", "ur"], method="traditional").table
    for name in ["C", "T", "D"]:
        np.testing.assert_allclose(res[name], df[name], atol=0.001, rtol=0)
    np.testing.assert_allclose(res["D"], np.sqrt(res["C"] * res["T"]), rtol=1e-12)


def test_power_form_with_k_one_half_reproduces_the_same_table():
    # For two systems {U1 U2 / [(U1 + U2)/2]^2}^(1/2) is the traditional C, and many
    # papers write it that way. This checks method="power", k=0.5 against the printed
    # table; it does not exercise k != 1/2, for which no published table with printed
    # inputs was found (see tests/test_coupling_power.py).
    for year, uu, ur, *printed in LOGISTICS_2022:
        rng = box_range((uu, ur), 0.0005, method="power", k=0.5)
        for name, value in zip(["C", "T", "D"], printed, strict=True):
            lo, hi = rng.loc["min", name] - 0.0005, rng.loc["max", name] + 0.0005
            assert lo <= value <= hi, (year, name, value, lo, hi)
