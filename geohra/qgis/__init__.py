"""QGIS Processing adapter for geohra: the only part of geohra that imports qgis.

Layout and why
--------------
- ``plugin/geohra_qgis/`` is the QGIS plugin (``metadata.txt``, ``classFactory``,
  ``hasProcessingProvider=yes``, the provider and its algorithms). It imports only
  qgis and the standard library, so it loads in any QGIS, whether or not geohra's
  scientific stack is installed in QGIS's own Python.
- ``worker.py`` runs the computation: ``python -m geohra.qgis.worker REQ RESP`` in a
  SEPARATE Python process that imports geohra (never qgis). Inside the QGIS
  executable, the GEOS/GDAL/PROJ libraries bundled with shapely/pyogrio/pyproj
  wheels bind to QGIS's own older copies (measured with Debian's QGIS 3.22: NaN
  centroids, GEOS exceptions, then ``double free or corruption``); a separate
  process never mixes them, on any platform, and the numbers are the library's.
  ``_ops.py`` holds its operations (per-year runs through ``geohra.per_year``),
  ``_styles.py`` the style specs made from geohra's map colours (the plugin turns them
  into QGIS renderers).
- ``provider.py`` / ``algorithms.py`` re-export the plugin's classes for scripts
  that run PyQGIS in a normal Python (``from geohra.qgis.provider import GeohraProvider``).
- ``__main__.py``: ``geohra qgis install`` (with a manifest, so re-installing never
  deletes a user's files), ``path`` and ``sample`` (``_sample.py``: two real layers).

Importing ``geohra.qgis`` itself imports nothing heavy: the worker process imports
this package first.
"""

from __future__ import annotations

from pathlib import Path

PLUGIN_NAME = "geohra_qgis"


def plugin_path() -> Path:
    """The folder of the installable QGIS plugin shipped with geohra."""
    return Path(__file__).resolve().parent / "plugin" / PLUGIN_NAME
