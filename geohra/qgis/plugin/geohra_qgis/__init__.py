"""QGIS plugin entry point: registers the geohra Processing provider.

This folder is self-contained (it imports only qgis and the standard library);
copy it into a QGIS profile's ``python/plugins`` folder, or run
``python -m geohra.qgis install`` from the Python environment where geohra is
installed. The computations run in that environment (see ``runner.py``).
"""


def classFactory(iface):  # noqa: N802 - name fixed by QGIS
    from .plugin import GeohraPlugin

    return GeohraPlugin(iface)
