"""Coupling coordination against tables printed in published papers.

Papers print the subsystem indices U rounded (here to 3 decimals) and C, T, D computed
from the unrounded U, then rounded. A printed row is reproduced "to the printed digits"
when some U within half a unit of the printed inputs gives a result within half a unit
of the printed output: geohra is evaluated on the corners and centre of that input box
(C, T and D are smooth, so on a box of width 0.001 their range is reached at the
corners) and the printed value must lie in [min - h, max + h], h = half a printed unit.

For method="revised" (Wang et al. 2021) the paper's own Table 8 (Journal of Natural
Resources 36(3), table page T7 of the article) prints the original and the revised C of
13 Beijing-Tianjin-Hebei cities for 2008-2017, but the stored copies give no table of
the subsystem indices U behind them; with two systems the two printed C values fix
U1/U2 and |U1 - U2|, so solving them for U and recomputing would test nothing. The
revised form is checked instead against the printed output of two independent R
implementations (below; software documentation, not a paper).
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


# Printed output of two independent R implementations of the revised coupling degree of
# Wang Shujia et al. 2021 (method="revised"), with the traditional form alongside. These
# are software documentation (independent computations printed publicly), not
# peer-reviewed results.
#
# (1) R package "coupling" (Wenbo Lyu; CRAN 0.1, stscl/coupling on GitHub), vignette
# "Coupling Coordination Degree Model and Metacoupling Analysis" (articles/ccd.md,
# stscl.github.io/coupling/articles/ccd.html): the first six of 118 Guangzhou units, four
# subsystems min-max normalised and printed to 7 decimals (head(dt)), then
# coupling::ccd(dt) ("standard") and coupling::ccd(dt, method = "wang") with C and D
# printed to 7 decimals (equal weights).
LYU_U = [
    (0.8179733, 0.3246648, 0.6590316, 0.1308531),
    (0.3020233, 0.1318888, 0.4046987, 0.5173794),
    (0.9209903, 0.3353516, 0.6921477, 0.3141320),
    (0.9604095, 0.3914758, 0.7099999, 0.4316421),
    (0.9061589, 0.3473603, 0.7297774, 0.6909494),
    (0.9456379, 0.4391423, 0.7304117, 0.4792905),
]
LYU_STANDARD = [  # C, D
    (0.8051958, 0.6237105),
    (0.8914577, 0.5497290),
    (0.8999423, 0.7134825),
    (0.9346128, 0.7632959),
    (0.9440912, 0.7944703),
    (0.9519923, 0.7858001),
]
LYU_WANG = [  # C, D
    (0.4722274, 0.4776480),
    (0.6211236, 0.4588675),
    (0.5375842, 0.5514412),
    (0.5861986, 0.6045044),
    (0.6640321, 0.6662930),
    (0.6319211, 0.6402164),
]


def test_revised_four_systems_reproduces_the_coupling_package_vignette():
    # inputs and outputs printed to 7 decimals: half a unit is 5e-8 on both sides. The
    # revised C has kinks only where two U are equal or the maximum changes, far outside
    # these boxes (the U of a row differ by more than 0.01), so the box corners bound it.
    half = 0.5e-7
    for method, printed in (("revised", LYU_WANG), ("traditional", LYU_STANDARD)):
        for u, (c, d) in zip(LYU_U, printed, strict=True):
            rng = box_range(u, half, method=method)
            for name, value in (("C", c), ("D", d)):
                lo, hi = rng.loc["min", name] - half, rng.loc["max", name] + half
                assert lo <= value <= hi, (method, u, name, value, lo, hi)


# (2) R package "mathmodels" (Zhang Jingxin, zhjx19/mathmodels on GitHub, 0.0.9): the
# example of coupling_degree() in its R CMD check log (..Rcheck/mathmodels-Ex.Rout, also
# the pkgdown page of system_evaluation): three subsystems given exactly (4 decimals),
# coupling_degree(df) with equal weights and coupling_degree(df, c(0.4, 0.3, 0.3),
# type = "adjusted") (the documentation names Wang et al. 2021 for "adjusted"); the tibble
# prints coupling, coord and coupling_coord to 3 significant digits.
MATHMODELS_U = {
    "s1": [0.0162, 0.1782, 0.5490, 0.6730, 0.0207, 0.9875],
    "s2": [0.2720, 0.6824, 0.0593, 0.4812, 0.8891, 0.5573],
    "s3": [0.2655, 0.3721, 0.5729, 0.9082, 0.2017, 0.8984],
}
MATHMODELS_STANDARD = [  # coupling (C), coord (T), coupling_coord (D)
    (0.571, 0.185, 0.325),
    (0.867, 0.411, 0.597),
    (0.674, 0.394, 0.515),
    (0.967, 0.687, 0.815),
    (0.418, 0.370, 0.393),
    (0.971, 0.814, 0.889),
]
MATHMODELS_ADJUSTED = [  # weights 0.4, 0.3, 0.3
    (0.447, 0.168, 0.274),
    (0.501, 0.388, 0.440),
    (0.455, 0.409, 0.432),
    (0.669, 0.686, 0.678),
    (0.175, 0.336, 0.242),
    (0.715, 0.832, 0.771),
]


def test_revised_three_systems_with_weights_reproduces_mathmodels():
    df = pd.DataFrame(MATHMODELS_U, index=list("ABCDEF"))
    cols = list(MATHMODELS_U)
    runs = (
        (MATHMODELS_STANDARD, {"method": "traditional"}),
        (MATHMODELS_ADJUSTED, {"method": "revised", "weights": [0.4, 0.3, 0.3]}),
    )
    for printed, options in runs:
        table = coupling_coordination(df, cols, **options).table[["C", "T", "D"]]
        expected = np.asarray(printed)
        # 3 significant digits; every printed value is in [0.1, 1), so half a unit is 5e-4.
        # Row E has T = (0.0207 + 0.8891 + 0.2017)/3 = 0.3705 exactly, a rounding tie
        # printed as 0.370, hence the 1e-12 allowance for the tie in binary arithmetic.
        assert ((expected >= 0.1) & (expected < 1)).all()
        np.testing.assert_allclose(table.to_numpy(), expected, rtol=0, atol=0.5e-3 + 1e-12)
