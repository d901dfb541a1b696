"""Array core of :func:`geohra.dynamics.kde`: bandwidth per curve, the shared grid,
densities and the features of each curve (numpy and scipy only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geohra.dynamics._kernels import BANDWIDTHS, density


def _bandwidth(x: np.ndarray, rule: str | float, where: str) -> float:
    if not isinstance(rule, str):
        h = float(rule)
        if not (np.isfinite(h) and h > 0):
            raise ValueError(f"kde: a numeric bandwidth must be a positive number; got {rule!r}.")
        return h
    if np.ptp(x) == 0:
        raise ValueError(
            f"kde: {where}all values are equal, so the {rule!r} bandwidth is 0 and no density "
            "can be drawn. Drop that curve or pass a numeric bandwidth."
        )
    h = BANDWIDTHS[rule][0](x)
    if not h > 0:
        raise ValueError(
            f"kde: {where}the {rule!r} bandwidth is 0 for these values (too many ties); "
            "pass a numeric bandwidth or another rule."
        )
    return float(h)


def _features(grid: np.ndarray, dens: np.ndarray, threshold: float) -> tuple[dict, list]:
    from scipy.signal import find_peaks

    top = int(np.argmax(dens))
    height = float(dens[top])
    # pad with zeros so a maximum at the grid edge still counts as a peak
    padded = np.concatenate([[0.0], dens, [0.0]])
    idx, props = find_peaks(padded, height=threshold * height)
    idx = idx - 1
    order = np.argsort(-dens[idx], kind="stable")
    peaks = [(float(grid[i]), float(dens[i])) for i in idx[order]]
    # full width at half maximum of the main peak, crossings linearly interpolated
    half = height / 2.0
    left = top
    while left > 0 and dens[left] >= half:
        left -= 1
    right = top
    while right < len(dens) - 1 and dens[right] >= half:
        right += 1
    if dens[left] >= half or dens[right] >= half:
        width = np.nan  # the curve does not fall to half its peak inside the grid
    else:
        xl = grid[left] + (half - dens[left]) * (grid[left + 1] - grid[left]) / (
            dens[left + 1] - dens[left]
        )
        xr = grid[right - 1] + (dens[right - 1] - half) * (grid[right] - grid[right - 1]) / (
            dens[right - 1] - dens[right]
        )
        width = float(xr - xl)
    return {
        "peak_x": float(grid[top]),
        "peak_height": height,
        "width": width,
        "n_peaks": len(peaks),
    }, peaks


def _grid(grid: Any, grid_size: int, values: pd.Series, bws: dict[Any, float]) -> np.ndarray:
    """The evaluation points: the given ``grid`` checked, or ``grid_size`` points
    from ``min - 3 h_max`` to ``max + 3 h_max``."""
    if grid is None:
        if not (isinstance(grid_size, (int, np.integer)) and grid_size >= 16):
            raise ValueError(f"kde: grid_size must be an integer >= 16; got {grid_size!r}.")
        hmax = max(bws.values())
        return np.linspace(values.min() - 3 * hmax, values.max() + 3 * hmax, grid_size)
    g = np.asarray(grid, dtype=float)
    if g.ndim != 1 or len(g) < 3 or not (np.diff(g) > 0).all() or not np.isfinite(g).all():
        raise ValueError("kde: grid must be a 1-D strictly increasing array of >= 3 finite points.")
    return g


def _kde_core(
    curves: list[tuple[Any, np.ndarray]],
    bws: dict[Any, float],
    g: np.ndarray,
    kernel: str,
    kernel_scale: str,
    peak_threshold: float,
) -> tuple[list, list[np.ndarray], list[dict], list[tuple]]:
    """Density on ``g`` and features of each curve: the curve keys, the densities,
    one feature dict per curve and ``(key, rank, x, height)`` per counted peak."""
    from scipy import stats

    cols, dens, feats, peak_rows = [], [], [], []
    for key, x in curves:
        h = bws[key]
        f = density(g, x, h, kernel, kernel_scale)
        feat, peaks = _features(g, f, peak_threshold)
        row = {
            "n": len(x),
            "mean": float(x.mean()),
            "sd": float(x.std(ddof=1)),
            "skewness": float(stats.skew(x, bias=False)) if len(x) > 2 else np.nan,
            "bandwidth": h,
            **feat,
        }
        cols.append(key)
        dens.append(f)
        feats.append(row)
        for rank, (px, ph) in enumerate(peaks, start=1):
            peak_rows.append((key, rank, px, ph))
    return cols, dens, feats, peak_rows
