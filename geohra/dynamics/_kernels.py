"""Kernels and bandwidth rules of :func:`geohra.dynamics.kde`, as registries.

Kernels are written on their canonical scale ``u`` (support ``[-1, 1]``; the Gaussian
has sd 1). ``kernel_scale`` says what the bandwidth ``h`` means:

* ``"sd"`` (default): ``h`` is the kernel's standard deviation, so the support is
  ``±h/sd_K``. This is R's ``density()`` ("the kernels are scaled such that this is the
  standard deviation of the smoothing kernel"), MATLAB's ``ksdensity``/``fitdist`` (its
  kernels "are all probability density functions with unit variance": normal,
  epanechnikov on ``±sqrt 5``, box on ``±sqrt 3``, triangle on ``±sqrt 6``) and Stata's
  default ``epanechnikov`` kernel (on ``±sqrt 5``);
* ``"support"``: ``h`` is the half-width of the support (Stata's ``epan2``,
  ``biweight``, ``triangle``, ``rectangle``; statsmodels' sandbox kernels).

For the Gaussian kernel both are the same.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize


@dataclass(frozen=True)
class Kernel:
    func: Callable[[np.ndarray], np.ndarray]
    sd: float  # standard deviation of the canonical kernel
    formula: str


def _gaussian(u: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)


def _inside(u: np.ndarray) -> np.ndarray:
    return np.abs(u) <= 1.0


KERNELS: dict[str, Kernel] = {
    "gaussian": Kernel(_gaussian, 1.0, "phi(u)"),
    "epanechnikov": Kernel(
        lambda u: np.where(_inside(u), 0.75 * (1 - u * u), 0.0), 1 / math.sqrt(5), "3/4 (1-u^2)"
    ),
    "biweight": Kernel(
        lambda u: np.where(_inside(u), 15 / 16 * (1 - u * u) ** 2, 0.0),
        1 / math.sqrt(7),
        "15/16 (1-u^2)^2",
    ),
    "triangular": Kernel(
        lambda u: np.where(_inside(u), 1 - np.abs(u), 0.0), 1 / math.sqrt(6), "1-|u|"
    ),
    "uniform": Kernel(lambda u: np.where(_inside(u), 0.5, 0.0), 1 / math.sqrt(3), "1/2"),
}

KERNEL_SCALES: dict[str, str] = {
    "sd": "h = standard deviation of the kernel (R density, MATLAB ksdensity, Stata epanechnikov)",
    "support": "h = half-width of the kernel's support (Stata epan2, biweight, triangle, rectangle)",
}


def density(grid: np.ndarray, x: np.ndarray, h: float, kernel: str, scale: str) -> np.ndarray:
    """``f(g) = 1/(n a) Σ K((g - x_i)/a)`` with ``a = h`` or ``h/sd_K``."""
    k = KERNELS[kernel]
    a = h / k.sd if scale == "sd" else h
    f = np.zeros(len(grid))
    for start in range(0, len(x), 4096):  # blocks keep memory at O(grid x 4096)
        f += k.func((grid[:, None] - x[None, start : start + 4096]) / a).sum(axis=1)
    return f / (len(x) * a)


# --------------------------------------------------------------------- bandwidths


def _iqr(x: np.ndarray) -> float:
    q75, q25 = np.percentile(x, [75, 25])  # linear interpolation = R's quantile type 7
    return float(q75 - q25)


def _stata_quartiles(x: np.ndarray) -> tuple[float, float]:
    """The 25th and 75th percentiles of Stata's ``summarize, detail`` (what ``kdensity``
    uses): with P = n p / 100, the mean of x_(P) and x_(P+1) when P is whole, else
    x_(floor(P)+1) -- Hyndman & Fan's definition 2 (numpy's "averaged_inverted_cdf")."""
    q25, q75 = np.percentile(x, [25, 75], method="averaged_inverted_cdf")
    return float(q25), float(q75)


def _stata_iqr(x: np.ndarray) -> float:
    q25, q75 = _stata_quartiles(x)
    return q75 - q25


def _robust(x: np.ndarray, factor: float, divisor: float, iqr: Callable = _iqr) -> float:
    s = float(np.std(x, ddof=1))
    lo = min(s, iqr(x) / divisor)
    return factor * (lo if lo > 0 else s) * len(x) ** (-0.2)


def _silverman(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1)) * (3.0 * len(x) / 4.0) ** (-0.2)


def _scott(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1)) * len(x) ** (-0.2)


def _nrd(x: np.ndarray) -> float:
    return 1.06 * min(float(np.std(x, ddof=1)), _iqr(x) / 1.34) * len(x) ** (-0.2)


def _matlab(x: np.ndarray) -> float:
    sig = float(np.median(np.abs(x - np.median(x)))) / 0.6745
    if not sig > 0:
        sig = float(x.max() - x.min())
        warnings.warn(
            "kde: the median absolute deviation is 0, so the 'matlab' rule uses the range "
            "instead (as ksdensity does).",
            UserWarning,
            stacklevel=4,
        )
    return sig * (4.0 / (3.0 * len(x))) ** 0.2


def _pair_counts(x: np.ndarray, nb: int = 1000) -> tuple[float, np.ndarray]:
    """R's binned pairwise distances (bw_pair_cnts): bin width and counts per lag."""
    n = len(x)
    d = (x.max() - x.min()) * 1.01 / nb
    if n > nb / 2:  # R's binned route: bin the data first, then count pairs of bins
        xx = (np.trunc(np.abs(x) / d) * np.sign(x)).astype(np.int64)
        w = np.bincount(xx - xx.min(), minlength=nb)[:nb].astype(np.float64)
        cnt = np.correlate(w, w, mode="full")[nb - 1 :].copy()
        cnt[0] = (w * (w - 1.0)).sum() / 2.0
        return d, cnt
    ii = np.trunc(x / d).astype(np.int64)
    lags = np.abs(ii[:, None] - ii[None, :])[np.triu_indices(n, k=1)]
    return d, np.bincount(lags, minlength=nb).astype(np.float64)


def _phi(cnt: np.ndarray, d: float, n: int, h: float, order: int) -> float:
    delta = (np.arange(len(cnt)) * d / h) ** 2
    keep = delta < 1000.0
    dl, c = delta[keep], cnt[keep]
    if order == 4:
        s = 2 * (np.exp(-dl / 2) * (dl * dl - 6 * dl + 3) * c).sum() + 3 * n
        return s / (n * (n - 1) * h**5 * math.sqrt(2 * math.pi))
    s = 2 * (np.exp(-dl / 2) * (dl**3 - 15 * dl * dl + 45 * dl - 15) * c).sum() - 15 * n
    return s / (n * (n - 1) * h**7 * math.sqrt(2 * math.pi))


def _sheather_jones(x: np.ndarray, method: str) -> float:
    n = len(x)
    d, cnt = _pair_counts(x)
    scale = min(float(np.std(x, ddof=1)), _iqr(x) / 1.349)
    a, b = 1.24 * scale * n ** (-1 / 7), 1.23 * scale * n ** (-1 / 9)
    c1 = 1 / (2 * math.sqrt(math.pi) * n)
    td = -_phi(cnt, d, n, b, 6)
    if not (np.isfinite(td) and td > 0):
        raise ValueError("kde: the sample is too sparse for the Sheather-Jones bandwidth.")
    if method == "dpi":
        return (c1 / _phi(cnt, d, n, (2.394 / (n * td)) ** (1 / 7), 4)) ** 0.2
    alph2 = 1.357 * (_phi(cnt, d, n, a, 4) / td) ** (1 / 7)

    def fsd(h: float) -> float:
        return (c1 / _phi(cnt, d, n, alph2 * h ** (5 / 7), 4)) ** 0.2 - h

    hmax = 1.144 * scale * n ** (-0.2)
    lower, upper = 0.1 * hmax, hmax
    for i in range(99):  # widen the bracket as R does
        if fsd(lower) * fsd(upper) <= 0:
            break
        if i % 2 == 0:
            upper *= 1.2
        else:
            lower /= 1.2
    else:
        raise ValueError("kde: no Sheather-Jones bandwidth found in the searched range.")
    return float(optimize.brentq(fsd, lower, upper, xtol=1e-12, rtol=1e-14))


#: rule -> (function of the sample, description)
BANDWIDTHS: dict[str, tuple[Callable[[np.ndarray], float], str]] = {
    "silverman": (
        _silverman,
        "h = s (3n/4)^(-1/5) ~ 1.06 s n^(-1/5), s = sample sd (ddof=1); "
        "scipy.stats.gaussian_kde(bw_method='silverman') in 1-D",
    ),
    "scott": (_scott, "h = s n^(-1/5), s = sample sd (ddof=1); scipy.stats.gaussian_kde default"),
    "silverman_robust": (
        lambda x: _robust(x, 0.9, 1.349),
        "h = 0.9 min(s, IQR/1.349) n^(-1/5) (Silverman 1986 eq. 3.31), "
        "quartiles interpolated linearly (R's quantile type 7)",
    ),
    "stata": (
        lambda x: _robust(x, 0.9, 1.349, _stata_iqr),
        "Stata kdensity's default width h = 0.9 min(s, IQR/1.349) n^(-1/5) (s when that is 0), "
        "quartiles as Stata's summarize, detail (mean of the two middle order statistics "
        "when np/100 is whole, else the next one)",
    ),
    "nrd0": (
        lambda x: _robust(x, 0.9, 1.34),
        "R bw.nrd0: h = 0.9 min(s, IQR/1.34) n^(-1/5) (s when IQR = 0)",
    ),
    "nrd": (_nrd, "R bw.nrd: h = 1.06 min(s, IQR/1.34) n^(-1/5)"),
    "matlab": (
        _matlab,
        "MATLAB ksdensity / fitdist 'Kernel': h = (MAD/0.6745) (4/(3n))^(1/5), "
        "MAD = median |x - median x| (range when MAD = 0); MATLAB's kernels have sd h",
    ),
    "sj": (
        lambda x: _sheather_jones(x, "ste"),
        "R bw.SJ (solve-the-equation, binned, nb = 1000), root found to full precision "
        "(R's default tol = 0.1*lower stops earlier)",
    ),
    "sj_dpi": (lambda x: _sheather_jones(x, "dpi"), "R bw.SJ(method = 'dpi'), nb = 1000"),
}
