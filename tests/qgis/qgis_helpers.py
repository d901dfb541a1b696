"""Helpers for the QGIS tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)


def owned(lyr):
    """Hand ``lyr`` to the project so C++ owns it: Python-owned layers alive at exitQgis()
    segfault the process; the session fixture clears the project before exitQgis()."""
    QgsProject.instance().addMapLayer(lyr, False)
    return lyr


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what the algorithm reports, to check warnings reach the user."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self.progress: list[float] = []
        self.texts: list[str] = []
        self.progressChanged.connect(self.progress.append)

    def setProgressText(self, text):  # noqa: N802 - QGIS API
        self.texts.append(text)
        super().setProgressText(text)

    def pushWarning(self, text):  # noqa: N802 - QGIS API
        self.warnings.append(text)
        super().pushWarning(text)

    def pushInfo(self, text):  # noqa: N802 - QGIS API
        self.infos.append(text)
        super().pushInfo(text)


def _value(v):
    try:
        if v.isNull():
            return None
    except AttributeError:
        pass
    return v


def layer_rows(lyr) -> list[dict]:
    names = lyr.fields().names()
    return [dict(zip(names, map(_value, f.attributes()), strict=True)) for f in lyr.getFeatures()]


def memory_copy(src, *, crs: str | None = "EPSG:4326", edit=None):
    """A memory-layer copy of ``src`` (optionally without CRS, or with attributes edited)."""
    uri = "MultiPolygon" + (f"?crs={crs}" if crs else "")
    mem = QgsVectorLayer(uri, "copy", "memory")
    if crs is None:  # memory layers otherwise default to EPSG:4326
        mem.setCrs(QgsCoordinateReferenceSystem())
    mem.dataProvider().addAttributes(src.fields().toList())
    mem.updateFields()
    feats = []
    for f in src.getFeatures():
        g = QgsFeature(mem.fields())
        g.setGeometry(f.geometry())
        g.setAttributes(f.attributes())
        if edit is not None:
            edit(g)
        feats.append(g)
    mem.dataProvider().addFeatures(feats)
    return owned(mem)
