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

from qgis.core import QgsApplication, QgsProject, QgsVectorLayer  # noqa: E402
from qgis_helpers import RecordingFeedback, layer_rows, owned  # noqa: E402

# Health indicators of 2013 (per 10,000 people) with short field names.
INDICATORS = {
    "beds_health_care_institutions_per_10k_pop": "beds",
    "health_technical_personnel_per_10k_pop": "staff",
    "health_care_institutions_per_10k_pop": "inst",
    "health_investment_per_10k_pop": "invest",
    "population_10k": "pop",
}


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory):
    """An empty working directory for the whole session: no algorithm may write into the
    current directory (``clean_cwd`` checks it after every test)."""
    path = tmp_path_factory.mktemp("qgis-cwd")
    old_cwd = os.getcwd()
    os.chdir(path)
    yield path
    os.chdir(old_cwd)


@pytest.fixture(autouse=True)
def clean_cwd(work_dir):
    """Nothing stray: after each test the working directory is still empty."""
    yield
    assert os.getcwd() == str(work_dir)
    assert sorted(os.listdir(work_dir)) == [], "files written into the current directory"


@pytest.fixture(scope="session")
def qgis_app(work_dir):
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
    # Python-owned layers still alive at exitQgis() make the process segfault on exit
    # (a failed test's traceback keeps its frames, and their layers, alive): every layer
    # a test makes is handed to the project, which deletes them here, before exitQgis.
    QgsProject.instance().removeAllMapLayers()
    gc.collect()
    app.exitQgis()


@pytest.fixture(scope="session")
def provinces(tmp_path_factory):
    """(path, GeoDataFrame): the 31 built-in provinces joined to the real 2013 health data,
    written to GeoJSON (the layer QGIS opens) and read back with geopandas (the library's
    reference input: same file, same numbers), indexed by adcode."""
    import geopandas as gpd
    import pandas as pd

    import geohra

    bounds = geohra.load_boundaries("china-provinces")
    demo = geohra.load_demo("health-2013")
    demo = demo.set_index("adcode")[list(INDICATORS)].rename(columns=INDICATORS)
    gdf = bounds[["name_en", "region3", "geometry"]].join(demo, how="inner")
    assert len(gdf) == 31, len(gdf)
    # resource totals for the population-weighted Theil; two [0, 1] scores for coupling
    gdf["beds_total"] = gdf["beds"] * gdf["pop"]
    gdf["u_beds"] = gdf["beds"] / gdf["beds"].max()
    gdf["u_staff"] = gdf["staff"] / gdf["staff"].max()
    gdf["country"] = "China"
    gdf["region_code"] = gdf["region3"].map({"East": 1, "Central": 2, "West": 3}).astype("int64")
    path = tmp_path_factory.mktemp("data") / "provinces.geojson"
    gdf.rename_axis("adcode").reset_index().to_file(path, driver="GeoJSON")
    ref = gpd.read_file(path).set_index("adcode")
    assert isinstance(ref.index, pd.Index) and ref.index.is_unique
    return path, ref


@pytest.fixture(scope="session")
def gp_panel(tmp_path_factory):
    """(path, DataFrame): a long panel layer, one feature per province and year 2012-2017
    (the real general-practitioner data joined to the provinces), and the same rows read
    back with geopandas, indexed by (adcode, year)."""
    import geopandas as gpd

    import geohra

    bounds = geohra.load_boundaries("china-provinces")[["region3", "geometry"]]
    panel = geohra.load_demo("gp-2012-2017").rename(
        columns={
            "gp_registration_rate_pct": "gp_rate",
            "gp_share_of_practising_assistant_physicians_pct": "gp_share",
        }
    )
    gdf = gpd.GeoDataFrame(panel.merge(bounds, left_on="adcode", right_index=True), crs=bounds.crs)
    assert len(gdf) == 31 * 6
    # two [0, 1] scores for coupling coordination (row by row, so a panel needs no year)
    gdf["u_rate"] = gdf["gp_rate"] / gdf["gp_rate"].max()
    gdf["u_share"] = gdf["gp_share"] / gdf["gp_share"].max()
    path = tmp_path_factory.mktemp("panel") / "gp_panel.geojson"
    gdf.to_file(path, driver="GeoJSON")
    ref = gpd.read_file(path).set_index(["adcode", "year"])
    return path, ref


@pytest.fixture
def panel_layer(qgis_app, gp_panel):
    lyr = owned(QgsVectorLayer(str(gp_panel[0]), "gp_panel", "ogr"))
    assert lyr.isValid() and lyr.featureCount() == 186
    yield lyr
    QgsProject.instance().removeMapLayer(lyr.id())


@pytest.fixture
def layer(qgis_app, provinces):
    """The provinces as an OGR layer, owned by the project (see ``owned``)."""
    lyr = owned(QgsVectorLayer(str(provinces[0]), "provinces", "ogr"))
    assert lyr.isValid() and lyr.featureCount() == 31
    yield lyr
    QgsProject.instance().removeMapLayer(lyr.id())


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
            # a temporary output comes back as a memory layer; a path here would be a file
            # written somewhere it was not asked for
            assert isinstance(lyr, QgsVectorLayer), f"output {name} is {lyr!r}, not a layer"
            owned(lyr)
            rows[name] = layer_rows(lyr)
            QgsProject.instance().removeMapLayer(lyr.id())
        del result, lyr
        gc.collect()
        return rows, feedback

    return run
