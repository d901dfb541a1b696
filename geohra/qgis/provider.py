"""``GeohraProvider`` for PyQGIS scripts (imports qgis; see ``geohra.qgis`` for the design).

from qgis.core import QgsApplication
from geohra.qgis.provider import GeohraProvider
QgsApplication.processingRegistry().addProvider(GeohraProvider())
"""

from geohra.qgis.plugin.geohra_qgis.provider import GeohraProvider, python_setting

__all__ = ["GeohraProvider", "python_setting"]
