"""QGIS renderers from the worker's style specs, applied on load and saved into GeoPackages.

The worker (``geohra.qgis._styles``) describes a style with geohra's own classes,
labels and colours; here it becomes a ``QgsGraduatedSymbolRenderer`` or a
``QgsCategorizedSymbolRenderer``. The renderer reaches the user two ways:

- a ``QgsProcessingLayerPostProcessorInterface`` sets it when Processing loads the
  output into the project (the dialog's "Open output file after running");
- for a GeoPackage output it is also saved in the file's ``layer_styles`` table as the
  default style, so the layer opens styled later, e.g. after ``qgis_process``.
"""

from __future__ import annotations

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsClassificationCustom,
    QgsGraduatedSymbolRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QColor

# Post-processors must outlive processAlgorithm (QGIS keeps a bare pointer); each
# removes itself once it has run.
_PENDING: list = []


def _symbol(geometry_type, color: str):
    symbol = QgsSymbol.defaultSymbol(geometry_type)
    symbol.setColor(QColor(color))
    return symbol


def renderer(spec: dict, field: str, geometry_type=QgsWkbTypes.PolygonGeometry):
    """The renderer for ``spec`` drawing ``field`` (the output layer's field name)."""
    if spec["type"] == "graduated":
        ranges = [
            QgsRendererRange(r["lower"], r["upper"], _symbol(geometry_type, r["color"]), r["label"])
            for r in spec["ranges"]
        ]
        out = QgsGraduatedSymbolRenderer(field, ranges)
        # geohra's bounds as given ("Custom"), so QGIS never recomputes them
        out.setClassificationMethod(QgsClassificationCustom())
        return out
    if spec["type"] == "categorized":
        cats = [
            QgsRendererCategory(c["value"], _symbol(geometry_type, c["color"]), c["label"])
            for c in spec["categories"]
        ]
        return QgsCategorizedSymbolRenderer(field, cats)
    raise ValueError(f"unknown style type {spec['type']!r}")


def apply(layer, spec: dict, field: str) -> None:
    layer.setRenderer(renderer(spec, field, layer.geometryType()))
    layer.triggerRepaint()


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Sets geohra's renderer on the output layer when Processing loads it."""

    def __init__(self, spec: dict, field: str) -> None:
        super().__init__()
        self.spec = spec
        self.field = field
        _PENDING.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        if isinstance(layer, QgsVectorLayer) and layer.fields().lookupField(self.field) >= 0:
            apply(layer, self.spec, self.field)
        if self in _PENDING:
            _PENDING.remove(self)


def save_in_geopackage(dest: str, spec: dict, field: str, name: str) -> str | None:
    """Store the style as the default in a GeoPackage output; the error text, if any."""
    if ".gpkg" not in dest.lower():
        return None
    layer = QgsVectorLayer(dest, name, "ogr")
    try:
        if not layer.isValid():
            return f"could not reopen {dest} to store its style"
        apply(layer, spec, field)
        error = layer.saveStyleToDatabase(name, "geohra classes and colours", True, "")
        return error or None
    finally:
        del layer
