"""The Processing algorithm classes (imports qgis; defined in the plugin folder)."""

from geohra.qgis.plugin.geohra_qgis.algorithms import (
    ALGORITHMS,
    CouplingCoordination,
    DagumGini,
    EntropyIndex,
    GeohraAlgorithm,
    LocalMoran,
    Moran,
    NaturalBreaks,
    ObstacleDegree,
    SpatialGini,
    Theil,
)

__all__ = [
    "ALGORITHMS", "CouplingCoordination", "DagumGini", "EntropyIndex", "GeohraAlgorithm",
    "LocalMoran", "Moran", "NaturalBreaks", "ObstacleDegree", "SpatialGini", "Theil",
]
