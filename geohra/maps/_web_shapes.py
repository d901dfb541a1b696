"""GeoJSON layers of :func:`geohra.maps.web.web_map`: features with their properties,
and the shapes written once per page when several layers draw them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from geohra.maps._prepared import cached


def _geojson_layer(
    m: Any, geometry: pd.Series, props: pd.DataFrame, shared: bool, **kwargs: Any
) -> Any:
    """A ``folium.GeoJson`` layer of the units of ``props`` (one feature each, with
    these properties), added to ``m``; ``kwargs`` go to ``folium.GeoJson``.

    ``shared``: the map has several layers of these shapes (years, LISA), so the
    geometry is written once, as a script variable (``var geohra_shapes_... = [...]``):
    each feature only names its shape (``{"type": "MultiPolygon", "coordinates": [],
    "geohra_shape": i}``) and a Leaflet ``filter`` swaps the shape in as the feature is
    added. A county map of two years with their LISA layers is then ~6 MB instead of
    ~18 MB, and quicker to write. The layer's ``geohra_shapes`` attribute holds the
    shapes (see :func:`drawn_geometry`).
    """
    import folium
    from folium.utilities import JsCode

    # GeoJSON of the prepared geometry, made once per layer (shared by all maps of it)
    name, shapes, position = cached("geojson", geometry.to_numpy(), (), lambda: _shapes(geometry))
    cols = list(props.columns)
    values = props.astype(object).where(props.notna(), None)
    if shared:
        script = cached("geojson_text", geometry.to_numpy(), (), lambda: _json(shapes))
        m.get_root().script.add_child(folium.Element(f"var {name} = {script};"), name=name)
        kwargs["filter"] = JsCode(
            "function (feature) { var g = feature.geometry; if (g && g.geohra_shape !== "
            f"undefined) {{ feature.geometry = {name}[g.geohra_shape]; }} return true; }}"
        )
    feats = [
        {
            "type": "Feature",
            "id": str(row[0]),
            "properties": dict(zip(cols, row[1:], strict=True)),
            "geometry": (
                {"type": "MultiPolygon", "coordinates": [], "geohra_shape": position[row[0]]}
                if shared
                else shapes[position[row[0]]]
            ),
        }
        for row in values.itertuples(index=True, name=None)
    ]
    layer = folium.GeoJson({"type": "FeatureCollection", "features": feats}, **kwargs)
    layer.geohra_shapes = shapes
    return layer.add_to(m)


def _shapes(geometry: pd.Series) -> tuple[str, list, dict]:
    """A script variable name for the shapes, the GeoJSON geometries (in order) and each
    unit's position among them."""
    import uuid

    from shapely.geometry import mapping

    shapes = [mapping(g) for g in geometry.to_numpy()]
    position = {unit: i for i, unit in enumerate(geometry.index)}
    return f"geohra_shapes_{uuid.uuid4().hex}", shapes, position


def _json(shapes: list) -> str:
    import json

    return json.dumps(shapes, separators=(",", ":"))


def drawn_geometry(layer: Any, feature: dict) -> dict:
    """The GeoJSON geometry a feature of a web-map layer is drawn with (with shared
    shapes ``feature["geometry"]`` only names it; see :func:`_geojson_layer`)."""
    ref = feature["geometry"].get("geohra_shape")
    return feature["geometry"] if ref is None else layer.geohra_shapes[ref]
