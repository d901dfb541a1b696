"""Entropy weights against printed output of independent implementations.

The published examples of tests/test_index_variants.py (Xu 2004, Zavadskas & Podvezko
2016, Ersoy 2021, Lee & Chang 2018) cover the raw-proportion form. This file adds printed
output for the interval form of min-max used in Chinese teaching code, where the range is
shrunk to [low, high] so that no proportion is 0 (e.g. [0.002, 0.998]), with a negative
indicator and the 100-point composite score.

Source (teaching software documentation, not a peer-reviewed result): the R package
"mathmodels" by Zhang Jingxin (zhjx19/mathmodels on GitHub, version 0.0.9), whose
``entropy_weight(X, index, epsilon = 0.002)`` rescales positive indicators to
``eps + (1 - 2 eps)(x - min)/(max - min)`` and negative ones to
``eps + (1 - 2 eps)(max - x)/(max - min)`` (R/entropy_weight.R: ``rescale(x, a = epsilon,
b = 1 - epsilon)`` at commit f9a504a; an older stored version, without ``epsilon``, used
[0.002, 0.996], which does not give the printed digits), forms p = z/sum z, e = -sum p ln p / ln n, w = (1-e)/sum(1-e) and
reports ``s = 100 * sum w z``. Its example and printed output are in the pkgdown reference
page docs/reference/entropy_weight.md and in the R CMD check log ..Rcheck/mathmodels-Ex.Rout
of that repository: the computation was run by R, independently of geohra.

In geohra terms that is ``normalize="shifted_minmax", low=eps, high=1-eps`` and
``scale=100`` (score = 100 sum w z). The inputs are printed exactly (small integers), so
the only tolerance is half a unit of the printed last digit.

Still without a printed example with its inputs (searched December 2026, after the
searches listed in tests/test_index_variants.py): plain min-max with 0 ln 0 = 0 (the
default), z-scores with a shift, ratio-to-max with negative indicators and the
score="shifted" | "proportion" | "raw" forms. Looked at: SPSSAU help pages (entropy,
entropy-TOPSIS, coupling: formulas only, case data not printed), SPSSPRO-style case pages
(weights printed, the 100-row data not), Chinese blog pages and teaching code found by
熵权法 / 熵值法 / 极差标准化 (code and formulas, outputs not stored, or data garbled in the
stored copy), the mathmodels teaching book (zhjx19/mathmodels-book: its entropy examples
use data shipped as .rda/.xlsx and a column-wise 0/1 replacement that is not a geohra
variant), GitHub notebooks and READMEs (no stored output next to printed inputs), and R
package documentation (CPP, WtTopsis, creditmodel: raw proportions or examples without
output).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geohra.index import entropy_weights

# mathmodels example: x1 positive, x2 negative ("-")
MATHMODELS_X = {"x1": [3.0, 5.0, 2.0, 7.0], "x2": [10.0, 20.0, 15.0, 25.0]}
MATHMODELS_W = [0.5452618, 0.4547382]  # printed to 7 decimals
MATHMODELS_S = [56.35354, 47.88215, 30.39461, 54.50808]  # printed to 5 decimals


def test_interval_minmax_with_negative_indicator_reproduces_mathmodels():
    df = pd.DataFrame(MATHMODELS_X)
    res = entropy_weights(
        df,
        ["x1", "x2"],
        negative=["x2"],
        normalize="shifted_minmax",
        low=0.002,
        high=0.998,
        scale=100,
    )
    np.testing.assert_allclose(res.weights.to_numpy(), MATHMODELS_W, rtol=0, atol=0.5e-7)
    np.testing.assert_allclose(res.scores.to_numpy(), MATHMODELS_S, rtol=0, atol=0.5e-5)
    # the normalised values are the interval form itself: [0.002, 0.998], x2 reversed
    assert res.normalized["x1"].min() == 0.002 and res.normalized["x1"].max() == 0.998
    assert res.normalized["x2"].idxmax() == df["x2"].idxmin()
    variant = res.summary()["variant"].iloc[0]
    assert "low = 0.002, high = 0.998" in variant and "score = scale*sum w z" in variant


def test_the_printed_output_tells_the_interval_forms_apart():
    # The same data under neighbouring conventions miss the printed digits, so the match
    # above is specific: plain min-max (0 ln 0 = 0), 0.01 + 0.99 z, and [0.002, 1].
    df = pd.DataFrame(MATHMODELS_X)
    for opts in (
        {"normalize": "minmax"},
        {"normalize": "shifted_minmax"},
        {"normalize": "shifted_minmax", "low": 0.002},
    ):
        res = entropy_weights(df, ["x1", "x2"], negative=["x2"], scale=100, **opts)
        off_w = np.abs(res.weights.to_numpy() - MATHMODELS_W).max()
        off_s = np.abs(res.scores.to_numpy() - MATHMODELS_S).max()
        assert off_w > 0.5e-7 or off_s > 0.5e-5, opts
