"""Spatial weights, global and local spatial autocorrelation.

Modules, in import order (no cycles): :mod:`~geohra.spatial.weights` (building weights),
:mod:`~geohra.spatial._prep` (data matched to weights, permutations, per-year loop),
:mod:`~geohra.spatial.autocorrelation` (Moran's I, Geary's C),
:mod:`~geohra.spatial._conditional` (conditional randomisation for local statistics),
:mod:`~geohra.spatial._getis` (Getis-Ord Gi*) and :mod:`~geohra.spatial.local` (local Moran;
re-exports Getis-Ord).
"""

from geohra._yearly import PerYearResult as PanelResult  # the old name, kept for 0.2
from geohra.spatial.autocorrelation import GearyResult, MoranResult, geary, moran
from geohra.spatial.local import GetisOrdResult, LocalMoranResult, getis_ord, local_moran
from geohra.spatial.weights import IslandWarning, spatial_weights

__all__ = [
    "GearyResult",
    "GetisOrdResult",
    "IslandWarning",
    "LocalMoranResult",
    "MoranResult",
    "PanelResult",
    "geary",
    "getis_ord",
    "local_moran",
    "moran",
    "spatial_weights",
]
