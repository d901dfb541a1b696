"""Legend label styles of classify(): range (default), interval, and the ArcGIS styles whose
lower bounds step one unit of the last shown decimal above the previous upper bound, as in the
labels "2.875~4.551 / 4.552~6.632" quoted in issue 11 from a published natural-breaks map."""

from __future__ import annotations

import numpy as np
import pytest

from geohra.classification import LABEL_STYLES, classify

VALUES = [2.875, 3.1, 4.551, 5.0, 6.632]


def cls(style, **kw):
    return classify(
        VALUES, scheme="user_defined", bins=[4.551, 6.632], lower=2.875, label_style=style, **kw
    )


def test_arcgis_tilde_labels_as_printed():
    assert cls("arcgis_tilde", fmt=".3f").labels == ("2.875~4.551", "4.552~6.632")
    # automatic decimals: 3 significant digits
    assert cls("arcgis_tilde").labels == ("2.88~4.55", "4.56~6.63")


def test_arcgis_labels_and_apply_keeps_the_style():
    c = cls("arcgis", fmt=".3f")
    assert c.labels == ("2.875 - 4.551", "4.552 - 6.632")
    assert c.apply([3.0, 6.0]).labels == c.labels
    assert c.summary()["label"].tolist() == list(c.labels)


def test_interval_and_default_range():
    assert cls("interval", fmt=".3f").labels == ("[2.875, 4.551]", "(4.551, 6.632]")
    assert cls("range", fmt=".3f").labels == ("2.875 – 4.551", "4.551 – 6.632")
    assert classify(VALUES, k=2).label_style == "range"


def test_arcgis_step_follows_the_shown_decimals_on_natural_breaks():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 50)
    c = classify(x, k=4, label_style="arcgis", fmt=".2f")
    for prev, label, upper in zip(c.labels[:-1], c.labels[1:], c.bins[:-1], strict=True):
        start = float(label.split(" - ")[0])
        assert start == pytest.approx(round(upper, 2) + 0.01)
        assert prev.endswith(f"{upper:.2f}")


def test_label_style_checked():
    with pytest.raises(ValueError, match=r"label_style must be one of \['range', 'interval'"):
        classify(VALUES, k=2, label_style="esri")
    with pytest.raises(ValueError, match="fixed-point spec"):
        classify(VALUES, k=2, label_style="arcgis", fmt=lambda v: f"{v:.1f}")
    assert set(LABEL_STYLES) == {"range", "interval", "arcgis", "arcgis_tilde"}
