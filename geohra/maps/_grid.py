"""A grid of maps on one page (``small_multiples``): the page width, the shared legend
under the maps, the source note under the legend, and the figure height fitted to the
maps' shape."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from geohra.maps import _layout
from geohra.maps._draw import _draw_source_note, _legend
from geohra.maps._style import font_for

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# A journal's text width (16 cm): the default width of a grid of maps.
PAGE_WIDTH_IN = 16 / 2.54


def finish_grid(
    fig: Figure,
    maps: list[Axes],
    entries: list[tuple[str, str, str | None]],
    *,
    lang: str,
    legend_title: str | None,
    title: str | None,
    source_note: str | None,
    ncols: int,
    panel_height: float | None,
) -> None:
    """Shared legend under a grid of maps, the source note under it, the title above;
    the figure height fitted to the maps' shape (``panel_height=None``) or to
    ``panel_height`` per row; then the inset labels placed."""
    nrows = math.ceil(len(maps) / ncols)
    width = fig.get_figwidth()
    leg = None
    for cols in range(min(len(entries), 4), 0, -1):  # fewest legend rows that fit the width
        if leg is not None:
            leg.remove()
        leg = _legend(fig, entries, lang=lang, title=legend_title, loc="lower center", ncols=cols)
        if leg.get_window_extent().width <= 0.98 * width * fig.dpi:
            break
    note = _draw_source_note(fig, source_note, lang) if source_note else None
    if title:
        fig.suptitle(title, fontproperties=font_for([title], lang, 14))
    if panel_height is None:
        x0, x1 = maps[0].get_xlim()
        y0, y1 = maps[0].get_ylim()
        panel_height = width / ncols * (y1 - y0) / (x1 - x0) + 0.3  # + the year above
    legend_h = leg.get_window_extent().height / fig.dpi + 0.08
    note_h = 0.0 if note is None else note.get_window_extent().height / fig.dpi + 0.08
    title_h = 0.45 if title else 0.0
    fig.set_size_inches(width, nrows * panel_height + legend_h + note_h + title_h)
    height = fig.get_figheight()
    # The legend sits above the note; the maps are laid out above both.
    leg.set_bbox_to_anchor((0.5, note_h / height), transform=fig.transFigure)
    bottom = (legend_h + note_h) / height
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom))
    _layout.settle(fig)
    for ax in maps:
        for inset in ax.child_axes:
            if inset.get_gid() == "inset":
                _layout.place_inset_label(inset)
