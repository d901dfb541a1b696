"""geohra: measuring how fairly health resources are spread across regions.

Boundaries + an indicator panel (unit x year) -> joined GeoDataFrames -> analyses
(entropy-weight index, Gini / Theil / Dagum decompositions, spatial autocorrelation,
kernel-density dynamics, obstacle degree, coupling coordination) -> maps, tables, reports.

Importing geohra is light: every public name is loaded on first use, so heavy
libraries (geopandas, esda, matplotlib, folium ...) are only imported when needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # foundation
    "load_boundaries": "geohra.io.boundaries",
    "match_units": "geohra.io.names",
    "province_table": "geohra.io.names",
    "read_panel": "geohra.io.panel",
    "read_nbs": "geohra.io.panel",
    "join": "geohra.io.join",
    "cross_section": "geohra.io.join",
    "load_demo": "geohra.io.datasets",
    "per_capita": "geohra.io.panel",
    "per_year": "geohra._yearly",
    "PerYearResult": "geohra._yearly",
    "DataQualityWarning": "geohra._checks",
    # analysis
    "entropy_weights": "geohra.index",
    "gini": "geohra.inequality.gini",
    "spatial_gini": "geohra.inequality.spatial_gini",
    "agglomeration": "geohra.inequality.agglomeration",
    "theil": "geohra.inequality.theil",
    "theil_pairwise": "geohra.inequality.theil",
    "dagum_gini": "geohra.inequality.dagum",
    "bootstrap_ci": "geohra.inequality.bootstrap",
    "coupling_coordination": "geohra.coupling",
    "obstacle_degree": "geohra.obstacle",
    "kde": "geohra.dynamics.kde",
    "markov": "geohra.dynamics.markov",
    "sigma_convergence": "geohra.convergence.sigma",
    "beta_convergence": "geohra.convergence.beta",
    "spatial_beta_convergence": "geohra.convergence.spatial",
    # spatial statistics and classification
    "spatial_weights": "geohra.spatial.weights",
    "moran": "geohra.spatial.autocorrelation",
    "geary": "geohra.spatial.autocorrelation",
    "local_moran": "geohra.spatial.local",
    "getis_ord": "geohra.spatial.local",
    "classify": "geohra.classification",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geohra' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from geohra._checks import DataQualityWarning
    from geohra._yearly import PerYearResult, per_year
    from geohra.classification import classify
    from geohra.convergence.beta import beta_convergence
    from geohra.convergence.sigma import sigma_convergence
    from geohra.convergence.spatial import spatial_beta_convergence
    from geohra.coupling import coupling_coordination
    from geohra.dynamics.kde import kde
    from geohra.dynamics.markov import markov
    from geohra.index import entropy_weights
    from geohra.inequality.agglomeration import agglomeration
    from geohra.inequality.bootstrap import bootstrap_ci
    from geohra.inequality.dagum import dagum_gini
    from geohra.inequality.gini import gini
    from geohra.inequality.spatial_gini import spatial_gini
    from geohra.inequality.theil import theil, theil_pairwise
    from geohra.io.boundaries import load_boundaries
    from geohra.io.datasets import load_demo
    from geohra.io.join import cross_section, join
    from geohra.io.names import match_units, province_table
    from geohra.io.panel import per_capita, read_nbs, read_panel
    from geohra.obstacle import obstacle_degree
    from geohra.spatial.autocorrelation import geary, moran
    from geohra.spatial.local import getis_ord, local_moran
    from geohra.spatial.weights import spatial_weights
