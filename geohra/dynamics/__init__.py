"""Distribution dynamics over time: kernel density curves and Markov chains."""

from geohra.dynamics.kde import BANDWIDTH_RULES, KDEResult, kde
from geohra.dynamics.markov import MarkovResult, markov

__all__ = ["BANDWIDTH_RULES", "KDEResult", "MarkovResult", "kde", "markov"]
