"""Style specs for the QGIS layer outputs, made from geohra's own map colours.

The worker sends a plain dict; the plugin turns it into a QGIS renderer
(``geohra_qgis/styles.py``), so a layer styled in QGIS shows the same classes,
labels and colours as geohra's static and web maps (``geohra.maps._style``):

- ``{"type": "graduated", "field": F, "ranges": [{"lower", "upper", "label", "color"}]}``
- ``{"type": "categorized", "field": F, "categories": [{"value", "label", "color"}]}``

``field`` is the library's column name (or an input field); the plugin maps it to
the output field name. This module never imports qgis.
"""

from __future__ import annotations

from typing import Any

from geohra.coupling import GRADES
from geohra.maps._style import LISA_COLORS, LISA_LABELS, class_colors

# the default colour maps of geohra.maps.static.choropleth and .grade_map
CHOROPLETH_CMAP = "YlOrRd"
GRADE_CMAP = "RdYlGn"

# Gi* hot and cold spots in the LISA convention: hot = High-High red, cold = Low-Low blue
SPOT_COLORS = {
    "Hot spot": LISA_COLORS["High-High"],
    "Cold spot": LISA_COLORS["Low-Low"],
    "Not significant": LISA_COLORS["Not significant"],
}


def graduated(field: str, classification: Any) -> dict:
    """Ranges with geohra's exact bounds and legend labels (a ``geohra.Classification``)."""
    summary = classification.summary()
    colors = class_colors(CHOROPLETH_CMAP, classification.k)
    ranges = [
        {
            "lower": float(row["lower"]),
            "upper": float(row["upper"]),
            "label": str(row["label"]),
            "color": colors[i],
        }
        for i, (_, row) in enumerate(summary.iterrows())
    ]
    return {"type": "graduated", "field": field, "ranges": ranges}


def class_numbers(field: str, k: int) -> dict:
    """Per-year breaks differ between years: one range per class number 0 .. k-1."""
    colors = class_colors(CHOROPLETH_CMAP, k)
    ranges = [
        {
            "lower": float(i),
            "upper": float(i),
            "label": f"class {i + 1} of {k} (breaks of its year)",
            "color": colors[i],
        }
        for i in range(k)
    ]
    return {"type": "graduated", "field": field, "ranges": ranges}


def lisa(field: str) -> dict:
    cats = [{"value": label, "label": label, "color": LISA_COLORS[label]} for label in LISA_LABELS]
    return {"type": "categorized", "field": field, "categories": cats}


def hot_spots(field: str) -> dict:
    cats = [
        {"value": label, "label": label, "color": color} for label, color in SPOT_COLORS.items()
    ]
    return {"type": "categorized", "field": field, "categories": cats}


def coupling_levels(field: str) -> dict:
    """The ten coordination grades, coloured as geohra's grade maps (RdYlGn over all ten)."""
    colors = class_colors(GRADE_CMAP, len(GRADES))
    cats = [
        {"value": level, "label": f"{level} {en} ({zh})", "color": colors[i]}
        for i, (level, (en, zh)) in enumerate(sorted(GRADES.items()))
    ]
    return {"type": "categorized", "field": field, "categories": cats}
