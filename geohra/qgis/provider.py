"""``GeohraProvider`` for PyQGIS scripts (imports qgis; see ``geohra.qgis`` for the design).

Keep a reference to the provider while it is registered (QGIS does not take ownership
of a provider created in Python)::

    provider = GeohraProvider()
    QgsApplication.processingRegistry().addProvider(provider)

The README's QGIS section has a complete script.
"""

from geohra.qgis.plugin.geohra_qgis.provider import GeohraProvider, python_setting

__all__ = ["GeohraProvider", "python_setting"]
