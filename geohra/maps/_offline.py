"""Offline web pages: embed the vendored Leaflet 1.9.4 (``geohra/maps/assets``, BSD-2)
inline instead of folium's CDN links, and refuse to save an "offline" page that would
still load anything from the network."""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import folium

__all__ = ["make_offline", "remote_assets", "save_web_map"]


@functools.lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    """(js, css) of the vendored Leaflet, css images inlined as data: URIs."""
    base = resources.files("geohra.maps") / "assets" / "leaflet"
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)  # no request for a .map file
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        data = (base / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w\-]+\.png)\)", inline, css)
    if "</script" in js.lower():  # would end the inline script early
        raise RuntimeError("the vendored leaflet.js contains '</script'; cannot inline it.")
    return js, css


def make_offline(m: folium.Map) -> folium.Map:
    """Make ``m`` self-contained: drop folium's CDN assets, embed Leaflet inline.

    Changes only the given map instance (folium's class-level defaults stay as they are)
    and returns it. Idempotent.
    """
    import folium

    js, css = _leaflet_assets()
    m.default_js = []  # instance attributes shadow folium.Map's class lists
    m.default_css = []
    header = m.get_root().header
    header.add_child(folium.Element(f"<style>{css}</style>"), name="geohra_leaflet_css")
    header.add_child(folium.Element(f"<script>{js}</script>"), name="geohra_leaflet_js")
    m._geohra_offline = True
    return m


_REMOTE = re.compile(
    r"<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*[\"']((?:https?:)?//[^\"']+)[\"']", re.IGNORECASE
)


def remote_assets(page: str) -> list[str]:
    """URLs of scripts and stylesheets an HTML page loads from the network."""
    return _REMOTE.findall(page)


def save_web_map(m: folium.Map, path: Any, *, offline: bool = True) -> None:
    """Write ``m`` as one HTML file; with ``offline=True`` make sure it needs no internet.

    Raises ValueError if, after embedding Leaflet, the page would still load scripts or
    stylesheets from the network (e.g. a folium plugin added by the caller), naming them.
    """
    from pathlib import Path

    if offline:
        make_offline(m)
    page = m.get_root().render()
    if offline:
        remote = remote_assets(page)
        if remote:
            raise ValueError(
                f"the map still loads {len(remote)} asset(s) from the network: {remote[:5]}. "
                "They come from layers or plugins that geohra cannot embed; remove them, or "
                "save with offline=False (the page then needs internet)."
            )
    Path(path).write_text(page, encoding="utf-8")
