"""Placement of the texts of a static map once the figure layout is final: the legend
(a corner free of units, else outside the map), the South China Sea label (off the
maritime line) and unit names (no two overlapping).

Sizes of texts are known only in display units (points), and where the axes end up is
known only after the layout engine has run, so every step here first settles the layout
(``Figure.draw_without_rendering``) and then works in display coordinates. Nothing here
computes map data; it only moves artists that ``_draw`` created.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

# Free space kept around a text, in points.
_PAD_PT = 1.5
# Where the legend goes when every corner covers units: right of the map (axes fraction).
_OUTSIDE = ("upper left", (1.01, 1.0))
# A corner whose legend box is covered by units up to this fraction (a unit's tip under
# the end of a label) is taken rather than moving the legend out and shrinking the map.
_LEGEND_TOLERANCE = 0.02


def root_figure(artist: Any) -> Figure:
    """The top-level Figure of an artist, also inside a SubFigure (which cannot be drawn
    or measured on its own; ``get_figure(root=True)`` needs matplotlib 3.10)."""
    fig = artist.figure
    while fig.figure is not fig:
        fig = fig.figure
    return fig


def settle(fig: Figure) -> None:
    """Run the layout engine (and every draw-time computation) without drawing pixels."""
    fig.draw_without_rendering()


def renderer(fig: Figure) -> Any:
    """A renderer to measure texts with. ``get_window_extent()`` without one makes a new
    Agg renderer per call (about 10 ms each, a second for a county map's names), so one
    is made once; matplotlib offers no public call for this, hence the private method,
    with the slow public path as fallback."""
    try:
        return fig._get_renderer()
    except AttributeError:  # pragma: no cover - older or future matplotlib
        return None


def _display_box(artist: Any, rend: Any = None) -> tuple[float, float, float, float]:
    bb = artist.get_window_extent(rend)
    return (bb.x0, bb.y0, bb.x1, bb.y1)


def _data_box(ax: Axes, box: tuple[float, float, float, float]) -> Any:
    """A display-coordinate box as a shapely box in the data coordinates of ``ax``."""
    from shapely.geometry import box as shp_box

    inv = ax.transData.inverted()
    (x0, y0), (x1, y1) = inv.transform([(box[0], box[1]), (box[2], box[3])])
    return shp_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        inner[0] >= outer[0] - 0.5
        and inner[1] >= outer[1] - 0.5
        and inner[2] <= outer[2] + 0.5
        and inner[3] <= outer[3] + 0.5
    )


# ---------------------------------------------------------------------------
# legend
# ---------------------------------------------------------------------------


def place_legend(
    ax: Axes, leg: Legend, geoms: Any, candidates: list[tuple[str, tuple[float, float]]]
) -> str:
    """Move ``leg`` to the first candidate corner whose box covers no geometry and no
    other map furniture (inset, north arrow, scale bar); else to the corner covering
    least, if units fill at most ``_LEGEND_TOLERANCE`` of its box; else outside the
    map, right of the axes. Returns the position used (a ``loc``, or ``"outside"``).

    ``geoms`` are the drawn units and context polygons in data coordinates.
    """
    import shapely

    tree = shapely.STRtree(np.asarray(geoms, dtype=object))
    rend = renderer(root_figure(ax))
    furniture = [_display_box(a, rend) for a in _furniture(ax)]
    axes_box = _display_box(ax, rend)
    covered = {}
    for loc, anchor in candidates:
        leg.set_loc(loc)
        leg.set_bbox_to_anchor(anchor, transform=ax.transAxes)
        box = _display_box(leg, rend)
        if not _inside(box, axes_box) or any(_overlaps(box, f) for f in furniture):
            continue
        area = _data_box(ax, box)
        hits = tree.query(area, predicate="intersects")
        if len(hits) == 0:
            return loc
        # clip_by_rect: several times faster than a general intersection on county outlines
        inside = shapely.clip_by_rect(tree.geometries[hits], *area.bounds)
        covered[loc, anchor] = shapely.area(inside).sum() / area.area
    best = min(covered, key=covered.get, default=None)
    if best is not None and covered[best] <= _LEGEND_TOLERANCE:
        leg.set_loc(best[0])
        leg.set_bbox_to_anchor(best[1], transform=ax.transAxes)
        return best[0]
    leg.set_loc(_OUTSIDE[0])
    leg.set_bbox_to_anchor(_OUTSIDE[1], transform=ax.transAxes)
    settle(root_figure(ax))  # the axes shrink to make room: lay out again
    return "outside"


def _furniture(ax: Axes) -> list[Any]:
    """Artists of the map a legend must not cover: inset axes, north arrow, scale bar."""
    found: list[Any] = [a for a in ax.child_axes if a.get_gid() == "inset"]
    found += [a for a in ax.texts if a.get_gid() in ("north-arrow", "scale-bar")]
    found += [p for p in ax.patches if p.get_gid() == "scale-bar"]
    return found


# ---------------------------------------------------------------------------
# South China Sea label
# ---------------------------------------------------------------------------

# (x, y, ha) in axes fraction of the inset, bottom-aligned: lower right first, the place
# of the label on the standard maps, then lower centre and lower left.
_INSET_LABEL_SPOTS = ((0.98, 0.015, "right"), (0.5, 0.015, "center"), (0.02, 0.015, "left"))


def place_inset_label(inset: Axes) -> None:
    """Put the inset's label (gid ``"south-sea-label"``) where its box, with a margin of
    ``2 * _PAD_PT`` if possible, crosses neither the maritime line nor the islands (gids
    ``"south-sea-line"``, ``"south-sea-islands"``), compared in display coordinates. In a
    small inset (a grid of maps) a label of several words goes on two lines and the type
    gets smaller, down to 60 %, until it fits; if it never does the label stays in the
    lower right at its size."""
    label = next((t for t in inset.texts if t.get_gid() == "south-sea-label"), None)
    if label is None:
        return
    paths = [
        (path.transformed(inset.transData), coll.get_gid() == "south-sea-islands")
        for coll in inset.collections
        if coll.get_gid() in ("south-sea-line", "south-sea-islands")
        for path in coll.get_paths()
    ]
    rend = renderer(root_figure(inset))
    margin = 2 * _PAD_PT * root_figure(inset).dpi / 72
    size, one_line = label.get_fontsize(), label.get_text()
    # English ("South China Sea Islands") is as wide as a small inset: try it on two lines
    words = one_line.split()
    texts = [one_line]
    if len(words) > 1:
        half = (len(words) + 1) // 2
        texts.append(" ".join(words[:half]) + "\n" + " ".join(words[half:]))
    tries = itertools.product((margin, 0.0), (1.0, 0.85, 0.7, 0.6), texts, _INSET_LABEL_SPOTS)
    for pad, scale, txt, (x, y, ha) in tries:
        label.set_fontsize(size * scale)
        label.set_text(txt)
        label.set_multialignment("right")
        label.set_position((x, y))
        label.set_horizontalalignment(ha)
        box = label.get_window_extent(rend).padded(pad)
        if not any(path.intersects_bbox(box, filled=filled) for path, filled in paths):
            return
    x, y, ha = _INSET_LABEL_SPOTS[0]
    label.set_fontsize(size)
    label.set_text(one_line)
    label.set_position((x, y))
    label.set_horizontalalignment(ha)


# ---------------------------------------------------------------------------
# unit names
# ---------------------------------------------------------------------------

# Units up to this many get leader lines for names moved out of their unit; on bigger
# maps such a name is left out (with a warning), or the map fills with lines.
_MAX_LEADERS = 100
_RINGS = 12  # candidate offsets up to this many text heights from the label point


def label_points(geoms: Any) -> Any:
    """A point well inside each unit: the pole of inaccessibility of its largest part
    (``shapely.polylabel``), which unlike the centroid is always inside, and unlike the
    representative point is away from the edges."""
    import geopandas as gpd
    import shapely

    out = []
    for geom in geoms:
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda p: p.area)
        tolerance = max(math.sqrt(largest.area) / 50, 1e-9)
        try:
            out.append(shapely.polylabel(largest, tolerance))
        except Exception:  # degenerate ring: fall back to a point on the surface
            out.append(geom.representative_point())
    return gpd.GeoSeries(out, index=geoms.index, crs=getattr(geoms, "crs", None))


def _offsets() -> np.ndarray:
    """Candidate offsets of a label centre in text heights, nearest first (0, 0 first)."""
    r = np.arange(-_RINGS, _RINGS + 1)
    dx, dy = np.meshgrid(r * 1.0, r * 0.6)  # finer steps vertically: labels are wide
    grid = np.column_stack([dx.ravel(), dy.ravel()])
    return grid[np.argsort(np.hypot(grid[:, 0], grid[:, 1]), kind="stable")]


def place_names(ax: Axes, units: Any, texts: pd.Series) -> list[tuple[Any, Any]]:
    """Move the name texts (one per unit, at its label point) so that no two overlap.

    Names keep off the legend, north arrow, scale bar and inset.
    Greedy, smallest units first (they have the least room): a name stays at its label
    point when that is free, else moves to the nearest free spot whose centre is still
    inside its unit, else (maps of at most ``_MAX_LEADERS`` units) to the nearest free
    spot outside, joined to its unit by a leader line. A name with no free spot is
    hidden; a warning counts them. Returns (text, point) pairs of names moved out of
    their unit, for the leader lines.
    """
    import shapely

    to_display = ax.transData.transform
    to_data = ax.transData.inverted().transform
    rend = renderer(root_figure(ax))
    axes_box = _display_box(ax, rend)
    pad = _PAD_PT * root_figure(ax).dpi / 72
    areas = pd.Series(shapely.area(np.asarray(units.loc[texts.index], dtype=object)), texts.index)
    order = areas.sort_values(kind="stable").index
    offsets = _offsets()
    # the legend, north arrow, scale bar and inset are taken places from the start
    furniture = _furniture(ax) + ([ax.get_legend()] if ax.get_legend() is not None else [])
    placed = np.array([_display_box(a, rend) for a in furniture]).reshape(-1, 4)
    moved_out: list[tuple[Any, Any]] = []
    hidden = 0
    for uid in order:
        t = texts[uid]
        x0, y0, x1, y1 = _display_box(t, rend)
        w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
        centre = to_display(t.get_position())
        cands = centre + offsets * h
        boxes = np.column_stack(
            [cands[:, 0] - w / 2, cands[:, 1] - h / 2, cands[:, 0] + w / 2, cands[:, 1] + h / 2]
        )
        ok = (
            (boxes[:, 0] >= axes_box[0])
            & (boxes[:, 1] >= axes_box[1])
            & (boxes[:, 2] <= axes_box[2])
            & (boxes[:, 3] <= axes_box[3])
        )
        near = placed[
            (placed[:, 2] > boxes[:, 0].min())
            & (placed[:, 0] < boxes[:, 2].max())
            & (placed[:, 3] > boxes[:, 1].min())
            & (placed[:, 1] < boxes[:, 3].max())
        ]
        if len(near):
            hit = (
                (boxes[:, None, 0] < near[None, :, 2])
                & (boxes[:, None, 2] > near[None, :, 0])
                & (boxes[:, None, 1] < near[None, :, 3])
                & (boxes[:, None, 3] > near[None, :, 1])
            ).any(axis=1)
            ok &= ~hit
        if not ok.any():
            t.set_visible(False)
            hidden += 1
            continue
        inside = np.zeros(len(cands), dtype=bool)
        inside[ok] = shapely.contains_xy(units[uid], *to_data(cands[ok]).T)
        if inside.any():
            pick = int(np.argmax(inside))
        elif len(units) <= _MAX_LEADERS:
            pick = int(np.argmax(ok))
            moved_out.append((t, t.get_position()))
        else:
            t.set_visible(False)
            hidden += 1
            continue
        t.set_position(tuple(to_data(cands[pick])))
        placed = np.vstack([placed, boxes[pick]])
    if hidden:
        warnings.warn(
            f"{hidden} of {len(texts)} unit names were not drawn: they overlap other names "
            "and there is no free place near their unit. A larger figure (figsize=) or "
            "fewer units shows them.",
            UserWarning,
            stacklevel=5,
        )
    return moved_out


def leader_end(point: Any, box: tuple[float, float, float, float]) -> tuple[float, float]:
    """Where the line from ``point`` to the centre of ``box`` meets the box's edge."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    dx, dy = cx - point[0], cy - point[1]
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    scale = min(
        half_w / abs(dx) if dx else math.inf,
        half_h / abs(dy) if dy else math.inf,
    )
    return (cx - dx * min(scale, 1.0), cy - dy * min(scale, 1.0))


def draw_names(ax: Axes, units: Any, names: pd.Series, colors: pd.Series) -> None:
    """Write each unit's name at its label point, move names apart (:func:`place_names`),
    join names moved out of their unit with a leader line; white on dark fills.

    Call once the layout is final (:func:`settle`)."""
    from matplotlib.font_manager import FontProperties

    from geohra.maps import _style

    family = _style.font_family("zh" if _style.has_cjk(names) else "en")
    fp = FontProperties(family=family, size=6 if len(units) <= 60 else 3)
    shown = names.reindex(units.index).fillna("").astype(str)
    shown = shown[shown != ""]
    points = label_points(units.loc[shown.index])
    texts = {}
    for uid, pt in points.items():
        t = ax.text(pt.x, pt.y, shown[uid], ha="center", va="center", fontproperties=fp, zorder=4)
        t.set_gid("unit-name")
        t.set_clip_on(True)
        t.set_in_layout(False)  # inside the map: must not move the axes
        texts[uid] = t
    moved_out = place_names(ax, units, pd.Series(texts, dtype=object))
    for uid, t in texts.items():
        t.set_color(_ink(_fill_under(units, colors, uid, t.get_position())))
    rend = renderer(root_figure(ax))
    for t, point in moved_out:
        box = _display_box(t, rend)
        start = ax.transData.transform(point)
        end = ax.transData.inverted().transform(leader_end(start, box))
        (line,) = ax.plot(
            [point[0], end[0]], [point[1], end[1]], color="#333333", lw=0.4, zorder=3.9
        )
        line.set_gid("unit-name-leader")
        t.set_color("black")


def _fill_under(units: Any, colors: pd.Series, uid: Any, xy: tuple[float, float]) -> Any:
    """The fill colour under a name: its own unit's, or the unit it was moved onto."""
    import shapely

    if shapely.contains_xy(units[uid], *xy):
        return colors.get(uid)
    hits = [i for i, g in zip(units.index, units, strict=True) if shapely.contains_xy(g, *xy)]
    return colors.get(hits[0]) if hits else None


def _ink(fill: Any) -> str:
    """Black text, or white on a dark fill (relative luminance below 0.35)."""
    from matplotlib.colors import to_rgb

    if not isinstance(fill, str):
        return "black"
    r, g, b = to_rgb(fill)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.35 else "black"
