"""Convergence of regional levels: σ-convergence (dispersion over time), β-convergence
on a panel with fixed effects, and spatial β-convergence with spatial panel models."""

from geohra.convergence.beta import BetaResult, beta_convergence, speed_half_life
from geohra.convergence.sigma import SigmaResult, sigma_convergence
from geohra.convergence.spatial import SpatialBetaResult, spatial_beta_convergence

__all__ = [
    "BetaResult",
    "SigmaResult",
    "SpatialBetaResult",
    "beta_convergence",
    "sigma_convergence",
    "spatial_beta_convergence",
    "speed_half_life",
]
