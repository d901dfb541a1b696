"""Parsers of the formula-variant keys, so a report can match a published study:

- ``[index]``: the entropy-weight variant (``normalize``, ``score``, ``low``, ``shift``,
  ``scale``, ``ddof``), passed to :func:`geohra.entropy_weights`;
- ``[analysis].coupling_k``: the exponent of ``coupling_method = "power"``;
- ``[kde]``: ``kernel``, ``kernel_scale``, ``bandwidth`` for :func:`geohra.kde`;
- ``[moran]``: ``lisa_scale`` and ``islands`` for :func:`geohra.local_moran`;
- ``[maps]``: ``label_style`` of the class labels (:func:`geohra.classify`).

The allowed values are the library's own registries, so config and library never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geohra._entropy_options import NORMALIZATIONS, SCORES
from geohra._labels import LABEL_STYLES
from geohra.dynamics._kernels import KERNEL_SCALES, KERNELS
from geohra.dynamics.kde import BANDWIDTH_RULES
from geohra.report import _checks as ck
from geohra.report._checks import ConfigError
from geohra.spatial.local import ISLAND_RULES, LOCAL_SCALES

INDEX_KEYS = ("normalize", "score", "low", "high", "shift", "scale", "ddof")
KDE_KEYS = ("kernel", "kernel_scale", "bandwidth")
MORAN_KEYS = ("lisa_scale", "islands")
#: normalisations whose values lie in [0, 1] with 1 the best value (the obstacle model's z)
OBSTACLE_READY = ("minmax", "shifted_minmax", "max")


@dataclass(frozen=True)
class IndexOptions:
    """The [index] table: the entropy-weight variant (defaults: the library's, index 0-100)."""

    normalize: str = "minmax"
    score: str = "normalized"
    low: float | None = None  # shifted_minmax only (library default 0.01)
    high: float | None = None  # shifted_minmax only (library default 1)
    shift: float = 0.0
    scale: float = 100.0  # of the composite index; subsystem indices U keep scale 1
    ddof: int | None = None  # zscore only (library default 1)

    def kwargs(self) -> dict:
        """Keyword arguments of :func:`geohra.entropy_weights` (without ``scale``)."""
        out: dict[str, Any] = {"normalize": self.normalize, "score": self.score}
        out["shift"] = self.shift
        if self.low is not None:
            out["low"] = self.low
        if self.high is not None:
            out["high"] = self.high
        if self.ddof is not None:
            out["ddof"] = self.ddof
        return out

    @property
    def effective_low(self) -> float:
        return 0.01 if self.low is None else self.low

    @property
    def effective_high(self) -> float:
        return 1.0 if self.high is None else self.high

    @property
    def effective_ddof(self) -> int:
        return 1 if self.ddof is None else self.ddof


def _number(key: str, value: Any, *, low: float, inclusive: bool, high: float | None = None):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value >= low if inclusive else value > low) and (high is None or value < high)
    if not ok:
        bound = f">= {low:g}" if inclusive else f"> {low:g}"
        if high is not None:
            bound += f" and < {high:g}"
        raise ConfigError(f"config: {key} must be a finite number {bound}; got {ck._given(value)}.")
    return float(value)


def _only_for(given: dict, option: str, needed: str, normalize: str, what: str) -> None:
    if option in given and normalize != needed:
        raise ConfigError(
            f'config: [index].{option} applies to normalize = "{needed}" only ({what}); '
            f'got normalize = {normalize!r}. Remove {option} or set normalize = "{needed}".'
        )


def index_options(raw: Any, negative: tuple[str, ...]) -> IndexOptions:
    """[index]: the entropy-weight normalisation, score form and their options."""
    given = ck.table("[index]", raw)
    ck.unknown("[index]", given, INDEX_KEYS)
    normalize = ck.choice(
        "[index].normalize", given.get("normalize", "minmax"), tuple(NORMALIZATIONS)
    )
    score = ck.choice("[index].score", given.get("score", "normalized"), tuple(SCORES))
    _only_for(given, "low", "shifted_minmax", normalize, "the lowest normalised value")
    _only_for(given, "high", "shifted_minmax", normalize, "the highest normalised value")
    _only_for(given, "ddof", "zscore", normalize, "the degrees of freedom of the sd")
    low = given.get("low")
    if low is not None:
        low = _number("[index].low", low, low=0, inclusive=True, high=1)
    high = given.get("high")
    if high is not None:
        high = _number("[index].high", high, low=0, inclusive=False)
        if high > 1:
            raise ConfigError(f"config: [index].high must be a number <= 1; got {high:g}.")
    if (low if low is not None else 0.01) >= (high if high is not None else 1.0):
        raise ConfigError(
            f"config: [index].low must be below [index].high (0 <= low < high <= 1); got low = "
            f"{0.01 if low is None else low:g}, high = {1.0 if high is None else high:g}."
        )
    ddof = given.get("ddof")
    if ddof is not None:
        ddof = ck.choice("[index].ddof", ddof, (0, 1))
    shift = _number("[index].shift", given.get("shift", 0.0), low=0, inclusive=True)
    scale = _number("[index].scale", given.get("scale", 100.0), low=0, inclusive=False)
    if normalize == "zscore" and shift == 0:
        raise ConfigError(
            'config: [index].normalize = "zscore" needs [index].shift > 0: z-scores are negative '
            "below the mean and proportions p = (z + shift)/Σ(z + shift) must not be; studies add "
            "e.g. shift = 3 or 5."
        )
    if normalize == "zscore" and score == "normalized":
        raise ConfigError(
            'config: [index].normalize = "zscore" with score = "normalized" gives negative '
            "index values, which the report's inequality measures (Theil, Gini) cannot take; "
            'use score = "shifted" (scale·Σ w (z + shift), as studies report it) or "proportion".'
        )
    if negative and not NORMALIZATIONS[normalize].directions:
        raise ConfigError(
            f"config: [index].normalize = {normalize!r} has no reversed form for the negative "
            f"indicators {list(negative)}. Reverse them in the data (e.g. a rate 1/x) and mark "
            'them "positive", or use normalize = "minmax".'
        )
    if negative and score == "raw":
        raise ConfigError(
            f'config: [index].score = "raw" adds raw values, so the negative indicators '
            f'{list(negative)} would raise the index; use score = "normalized".'
        )
    if score == "shifted" and shift == 0:
        raise ConfigError(
            'config: [index].score = "shifted" scores z + shift; give [index].shift > 0 '
            '(e.g. 0.0001) or use score = "normalized".'
        )
    return IndexOptions(normalize, score, low, high, shift, scale, ddof)


def coupling_k(analysis: dict, method: str) -> float | None:
    """[analysis].coupling_k: required by coupling_method = "power", refused otherwise."""
    k = analysis.get("coupling_k")
    if method == "power":
        if k is None:
            raise ConfigError(
                'config: [analysis].coupling_method = "power" needs coupling_k, the exponent of '
                "C = {U1U2/[(U1+U2)/2]^2}^k (e.g. coupling_k = 2, or 0.5)."
            )
        return _number("[analysis].coupling_k", k, low=0, inclusive=False)
    if k is not None:
        raise ConfigError(
            f'config: [analysis].coupling_k applies to coupling_method = "power" only; got '
            f'coupling_method = {method!r}. Remove coupling_k or set coupling_method = "power".'
        )
    return None


def kde_kwargs(kde: dict) -> dict:
    """[kde].kernel, kernel_scale and bandwidth (a rule name or a positive number)."""
    kernel = ck.choice("[kde].kernel", kde.get("kernel", "gaussian"), tuple(KERNELS))
    scale = kde.get("kernel_scale")
    if scale is not None:
        scale = ck.choice("[kde].kernel_scale", scale, tuple(KERNEL_SCALES))
        if kernel == "gaussian" and scale == "support":
            raise ConfigError(
                'config: [kde].kernel_scale = "support" applies to the compact kernels '
                "(epanechnikov, biweight, triangular, uniform); the Gaussian kernel has no "
                "bounded support and its h is its sd. Remove kernel_scale or choose another "
                'kernel, e.g. kernel = "epanechnikov".'
            )
    bandwidth = kde.get("bandwidth", "silverman")
    if isinstance(bandwidth, str):
        bandwidth = ck.choice("[kde].bandwidth", bandwidth, tuple(BANDWIDTH_RULES))
    else:
        try:
            bandwidth = _number("[kde].bandwidth", bandwidth, low=0, inclusive=False)
        except ConfigError:
            raise ConfigError(
                f"config: [kde].bandwidth must be a rule name {list(BANDWIDTH_RULES)} or a "
                f"positive number (one h in data units for every curve); got "
                f"{ck._given(bandwidth)}."
            ) from None
    return dict(kde_kernel=kernel, kde_kernel_scale=scale or "sd", kde_bandwidth=bandwidth)


def moran_kwargs(moran: dict) -> dict:
    """[moran].lisa_scale and islands (None when not given: the report's defaults)."""
    scale, islands = moran.get("lisa_scale"), moran.get("islands")
    return dict(
        lisa_scale=None
        if scale is None
        else ck.choice("[moran].lisa_scale", scale, tuple(LOCAL_SCALES)),
        lisa_islands=None
        if islands is None
        else ck.choice("[moran].islands", islands, tuple(ISLAND_RULES)),
    )


def label_style(maps: dict) -> str | None:
    style = maps.get("label_style")
    return None if style is None else ck.choice("[maps].label_style", style, tuple(LABEL_STYLES))
