"""The Processing algorithm classes (imports qgis; defined in the plugin folder)."""

from geohra.qgis.plugin.geohra_qgis.algorithms import (
    ALGORITHMS,
    CouplingCoordination,
    DagumGini,
    EntropyIndex,
    GetisOrd,
    LocalMoran,
    Moran,
    NaturalBreaks,
    ObstacleDegree,
    SpatialGini,
    Theil,
)
from geohra.qgis.plugin.geohra_qgis.base import GeohraAlgorithm

__all__ = [
    "ALGORITHMS",
    "CouplingCoordination",
    "DagumGini",
    "EntropyIndex",
    "GetisOrd",
    "GeohraAlgorithm",
    "LocalMoran",
    "Moran",
    "NaturalBreaks",
    "ObstacleDegree",
    "SpatialGini",
    "Theil",
]
