"""Fixtures for the tests that run in real QGIS (Debian's qgis + python3-qgis).

These tests run ONLY in a virtual environment made from the system Python with
``--system-site-packages`` (so ``qgis`` imports) and geohra installed into it:
``.ci/qgis-tests.sh`` builds it. Anywhere else this conftest stops the run with a
message saying so, rather than skipping silently.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

try:
    import qgis.core  # noqa: F401
except ImportError as exc:  # pragma: no cover - the message is the point
    pytest.exit(
        f"tests/qgis need QGIS's Python bindings, which this Python ({sys.executable}) cannot "
        f"import ({exc}). Run them with .ci/qgis-tests.sh, which installs Debian's qgis, "
        "python3-qgis and qgis-providers and a venv made with "
        "`/usr/bin/python3 -m venv --system-site-packages`; the main suite runs with "
        "--ignore=tests/qgis.",
        returncode=4,
    )

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# `import processing` (the Processing framework's Python side) lives with QGIS's plugins.
QGIS_PLUGINS = os.environ.get("QGIS_PYTHON_PLUGINS", "/usr/share/qgis/python/plugins")
if QGIS_PLUGINS not in sys.path:
    sys.path.append(QGIS_PLUGINS)

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeature,
    QgsProcessingFeedback,
    QgsVectorLayer,
)

# Health indicators of 2013 (per 10,000 people) with short field names.
INDICATORS = {
    "beds_health_care_institutions_per_10k_pop": "beds",
    "health_technical_personnel_per_10k_pop": "staff",
    "health_care_institutions_per_10k_pop": "inst",
    "health_investment_per_10k_pop": "invest",
    "population_10k": "pop",
}


@pytest.fixture(scope="session")
def qgis_app():
    """One QgsApplication for the session, with Processing and the geohra provider."""
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from geohra.qgis.provider import GeohraProvider

    provider = GeohraProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    yield app
    QgsApplication.processingRegistry().removeProvider(provider)
    # Layers still referenced from Python at exitQgis() make the process segfault.
    gc.collect()
    app.exitQgis()


def _inputs():
    import geopandas as gpd
    import pandas as pd

    import geohra

    if hasattr(geohra, "load_boundaries") and _lands("geohra.boundaries", "load_boundaries"):
        bounds = geohra.load_boundaries("china-provinces")
    else:  # TEMPORARY until load_boundaries lands: the shipped file itself
        bounds = gpd.read_file(Path(__file__).resolve().parents[2] / "boundaries" / "china_provinces.geojson")
        bounds = bounds[bounds["analysis"].astype(bool)].set_index("adcode")
    if _lands("geohra.datasets", "load_demo"):
        demo = geohra.load_demo("health-2013")
        demo = demo.reset_index() if "adcode" not in demo.columns else demo
    else:  # TEMPORARY until load_demo lands
        demo = pd.read_csv(Path(geohra.__file__).parent / "data" / "china_health_2013.csv")
        demo["adcode"] = geohra.match_units(demo["province"]).to_numpy()
    return bounds, demo


def _lands(module, name):
    import importlib

    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


@pytest.fixture(scope="session")
def provinces(tmp_path_factory):
    """(path, GeoDataFrame): the 31 built-in provinces joined to the real 2013 health data,
    written to GeoJSON (the layer QGIS opens) and read back with geopandas (the library's
    reference input: same file, same numbers), indexed by adcode."""
    import geopandas as gpd
    import pandas as pd

    import geohra

    bounds, demo = _inputs()
    demo = demo.set_index("adcode")[list(INDICATORS)].rename(columns=INDICATORS)
    gdf = bounds[["name_en", "region3", "geometry"]].join(demo, how="inner")
    assert len(gdf) == 31, len(gdf)
    # resource totals for the population-weighted Theil; two [0, 1] scores for coupling
    gdf["beds_total"] = gdf["beds"] * gdf["pop"]
    gdf["u_beds"] = gdf["beds"] / gdf["beds"].max()
    gdf["u_staff"] = gdf["staff"] / gdf["staff"].max()
    gdf["country"] = "China"
    path = tmp_path_factory.mktemp("data") / "provinces.geojson"
    gdf.rename_axis("adcode").reset_index().to_file(path, driver="GeoJSON")
    ref = gpd.read_file(path).set_index("adcode")
    assert isinstance(ref.index, pd.Index) and ref.index.is_unique
    return path, ref


@pytest.fixture
def layer(qgis_app, provinces):
    lyr = QgsVectorLayer(str(provinces[0]), "provinces", "ogr")
    assert lyr.isValid() and lyr.featureCount() == 31
    yield lyr
    del lyr


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what the algorithm reports, to check warnings reach the user."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []
        self.infos: list[str] = []

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
    return [dict(zip(names, map(_value, f.attributes()))) for f in lyr.getFeatures()]


@pytest.fixture
def run_alg(qgis_app):
    """run_alg("geohra:moran", {...}) -> (rows per output, feedback); outputs are read into
    plain dicts and the layers released at once (see the exitQgis note above)."""
    import processing

    def run(alg_id: str, params: dict, outputs: tuple[str, ...] = ("OUTPUT",)):
        feedback = RecordingFeedback()
        full = dict(params)
        for name in outputs:
            full.setdefault(name, "TEMPORARY_OUTPUT")
        result = processing.run(alg_id, full, feedback=feedback)
        rows = {}
        for name in outputs:
            lyr = result[name]
            if isinstance(lyr, str):
                lyr = QgsVectorLayer(lyr, name, "ogr")
            rows[name] = layer_rows(lyr)
            del lyr
        del result
        gc.collect()
        return rows, feedback

    return run


def memory_copy(src, *, crs: str | None = "EPSG:4326", edit=None):
    """A memory-layer copy of ``src`` (optionally without CRS, or with attributes edited)."""
    uri = "MultiPolygon" + (f"?crs={crs}" if crs else "")
    mem = QgsVectorLayer(uri, "copy", "memory")
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
    return mem


PLUGIN_DIR = Path(__file__).resolve().parents[2] / "geohra" / "qgis" / "plugin" / "geohra_qgis"
