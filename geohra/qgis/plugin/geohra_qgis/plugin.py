"""The plugin object QGIS creates: adds the provider to the Processing registry.

``initProcessing`` is what QGIS (and ``qgis_process``) call for plugins with
``hasProcessingProvider=yes``; the provider is also added from ``initGui`` for
older QGIS versions, guarded so it is never registered twice.
"""

from __future__ import annotations

from qgis.core import QgsApplication

from .provider import GeohraProvider


class GeohraPlugin:
    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider: GeohraProvider | None = None

    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        if self.provider is None:
            self.provider = GeohraProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        self.initProcessing()

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
