"""The geohra Processing provider and its one setting (the Python to run geohra in)."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider, QgsSettings

from .algorithms import ALGORITHMS
from .runner import SETTING

SETTING_KEY = f"Processing/Configuration/{SETTING}"


def _processing_config():
    """Processing's settings registry, if the processing plugin is importable here."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig, Setting
    except ImportError:  # standalone scripts without the processing plugin on sys.path
        return None, None
    return ProcessingConfig, Setting


def python_setting() -> str | None:
    """The configured interpreter (Options > Processing > Providers > geohra), if any."""
    config, _ = _processing_config()
    value = config.getSetting(SETTING) if config is not None else None
    if not value:
        # ProcessingConfig stores its settings here; read it directly when the
        # setting is not registered (e.g. the provider was added by a script).
        value = QgsSettings().value(SETTING_KEY, "")
    return str(value).strip() or None


class GeohraProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "geohra"

    def name(self) -> str:
        return "geohra"

    def longName(self) -> str:  # noqa: N802 - QGIS API
        return "geohra — health resource allocation equity"

    def load(self) -> bool:
        config, setting = _processing_config()
        if config is not None:
            config.settingIcons[self.name()] = self.icon()
            config.addSetting(
                setting(
                    self.name(),
                    SETTING,
                    "Python interpreter with geohra installed (empty: find one automatically)",
                    "",
                    valuetype=setting.FILE,
                )
            )
            config.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self) -> None:
        config, _ = _processing_config()
        if config is not None and SETTING in config.settings:
            config.removeSetting(SETTING)

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
