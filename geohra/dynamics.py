"""Distribution dynamics over time: kernel density curves and Markov chains.

* :func:`kde` -- Gaussian kernel density of an indicator per year (and group)
  on one shared grid, with the features studies describe in words (main peak
  location and height, width, number of peaks).
* :func:`markov` -- classic and spatial Markov transition matrices of a
  balanced long panel (unit x year), with user cut-offs (e.g. 70/90/110 % of
  the yearly mean) or quantiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import check_nan_policy, to_numeric
from geohra.index import _labels

__all__ = ["kde", "KDEResult", "markov", "MarkovResult", "BANDWIDTH_RULES"]

# --------------------------------------------------------------------------- KDE

#: rule -> (description, factor(n) multiplying the scale estimate)
BANDWIDTH_RULES: dict[str, str] = {
    "silverman": "h = s * (3n/4)^(-1/5) ~ 1.06 s n^(-1/5), s = sample sd (ddof=1); "
    "scipy.stats.gaussian_kde(bw_method='silverman') in 1-D",
    "scott": "h = s * n^(-1/5), s = sample sd (ddof=1); scipy.stats.gaussian_kde default",
    "silverman_robust": "h = 0.9 * min(s, IQR/1.349) * n^(-1/5) (Silverman 1986 eq. 3.31; "
    "Stata kdensity default)",
}


def _bandwidth(x: np.ndarray, rule: str | float, where: str) -> float:
    if not isinstance(rule, str):
        h = float(rule)
        if not (np.isfinite(h) and h > 0):
            raise ValueError(f"kde: a numeric bandwidth must be a positive number; got {rule!r}.")
        return h
    n = len(x)
    s = np.std(x, ddof=1)
    if rule == "silverman":
        h = s * (3.0 * n / 4.0) ** (-0.2)
    elif rule == "scott":
        h = s * n ** (-0.2)
    else:
        q75, q25 = np.percentile(x, [75, 25])
        spread = min(s, (q75 - q25) / 1.349) if q75 > q25 else s
        h = 0.9 * spread * n ** (-0.2)
    if not h > 0:
        raise ValueError(
            f"kde: {where}all values are equal, so the {rule!r} bandwidth is 0 and no density "
            "can be drawn. Drop that curve or pass a numeric bandwidth."
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


@dataclass(frozen=True)
class KDEResult:
    """Result of :func:`kde`.

    Attributes
    ----------
    grid : the shared evaluation points.
    densities : DataFrame, index = grid, columns = years (or ``(group, year)``
        MultiIndex with ``by``; a single column ``"all"`` without ``time``).
    bandwidth : Series, one bandwidth per curve (same labels as the columns).
    features : DataFrame, one row per curve: n, mean, sd, skewness, bandwidth,
        peak_x, peak_height, width (full width at half maximum of the main
        peak), n_peaks (local maxima at least ``peak_threshold`` x the main
        peak's height).
    peaks : DataFrame, every counted peak per curve (x, height), tallest first.
    """

    grid: np.ndarray
    densities: pd.DataFrame
    bandwidth: pd.Series
    features: pd.DataFrame
    peaks: pd.DataFrame
    rule: str
    peak_threshold: float
    groups: tuple | None = None
    omitted: tuple = ()
    variant: str = "Gaussian kernel; f(x) = 1/(n h) sum_i phi((x - x_i)/h)"

    def to_frame(self) -> pd.DataFrame:
        """The density curves (index = grid)."""
        return self.densities.copy()

    def summary(self) -> pd.DataFrame:
        """The per-curve features, with the bandwidth rule and kernel."""
        out = self.features.copy()
        out["rule"] = self.rule
        out["variant"] = self.variant
        return out

    def plot(self, kind: str = "curves", **kwargs: Any) -> Any:
        """Draw the densities; returns a matplotlib Figure.

        ``kind="curves"``: :func:`geohra.maps.charts.kde_curves` (one line per year, one
        panel per group); ``kind="surface"``: :func:`geohra.maps.charts.kde_surface`
        (year × value × density). Keyword arguments go to that function.
        """
        from geohra.maps import charts

        draw = {"curves": charts.kde_curves, "surface": charts.kde_surface}
        if kind not in draw:
            raise ValueError(f"kind must be one of {list(draw)}; got {kind!r}.")
        return draw[kind](self.densities, **kwargs)


def _resolve_panel(
    data: Any, column: str | None, keys: dict[str, Any], func: str
) -> tuple[pd.Series, dict[str, pd.Series]]:
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "value")
        column = frame.columns[0] if column is None else column
    elif isinstance(data, pd.DataFrame):
        frame = data
        if column is None:
            raise TypeError(f"{func}: data is a DataFrame, so name the column to analyse.")
    else:
        raise TypeError(f"{func}: data must be a DataFrame or Series; got {type(data).__name__}.")
    if column not in frame.columns:
        raise KeyError(
            f"{func}: column {column!r} is not in the data; available: {list(map(str, frame.columns))}."
        )
    values = to_numeric(frame[column], name=f"{func}: {column!r}")
    resolved = {
        name: _labels(frame, key, name=f"{func}: {name}")
        for name, key in keys.items()
        if key is not None
    }
    return values, resolved


def kde(
    data: pd.DataFrame | pd.Series,
    column: str | None = None,
    *,
    time: str | None = "year",
    by: str | None = None,
    bandwidth: str | float = "silverman",
    grid: Sequence[float] | np.ndarray | None = None,
    grid_size: int = 256,
    peak_threshold: float = 0.05,
    nan_policy: str = "raise",
) -> KDEResult:
    """Gaussian kernel density curves per year (and group) on one shared grid.

    Parameters
    ----------
    data : DataFrame (long panel) or Series
    column : str
        The indicator.
    time : str or None
        Year column or index level; ``None`` draws one curve of all rows.
    by : str, optional
        Group column or index level (e.g. region): one curve per group and year.
    bandwidth : {"silverman", "scott", "silverman_robust"} or float
        A rule is applied to every curve with that curve's own sample (its sd,
        IQR and n), so all curves use the same rule; see ``BANDWIDTH_RULES``.
        A number is one common bandwidh ``h`` in data units for every curve
        (unlike scipy, where a number is a factor of the sd).
    grid : array, optional
        Evaluation points (increasing). Default: ``grid_size`` equally spaced
        points from ``min - 3 h_max`` to ``max + 3 h_max`` over all curves, so
        every curve integrates to about 1 on the grid.
    peak_threshold : float
        A local maximum counts as a peak if it is at least this fraction of
        the curve's highest point (default 5 %).
    nan_policy : {"raise", "omit"}

    Returns
    -------
    KDEResult
    """
    check_nan_policy(nan_policy)
    if isinstance(bandwidth, str) and bandwidth not in BANDWIDTH_RULES:
        raise ValueError(
            f"kde: bandwidth must be one of {list(BANDWIDTH_RULES)} or a positive number; "
            f"got {bandwidth!r}."
        )
    if not 0 < peak_threshold < 1:
        raise ValueError(f"kde: peak_threshold must be in (0, 1); got {peak_threshold!r}.")
    if (
        isinstance(data, pd.Series)
        and isinstance(time, str)
        and time not in (data.index.names or [])
    ):
        time = None if time == "year" else time  # a plain Series has no year unless indexed by it
    values, keys = _resolve_panel(data, column, {"time": time, "by": by}, "kde")
    frame = pd.DataFrame({"value": values.to_numpy()}, index=values.index)
    for name, s in keys.items():
        frame[name] = s.to_numpy()
    if not np.isfinite(frame["value"].dropna()).all():
        raise ValueError("kde: infinite values in the data.")
    bad = frame.isna().any(axis=1)
    omitted: tuple = ()
    if bad.any():
        labels = tuple(frame.index[bad])
        if nan_policy == "raise":
            raise ValueError(
                f"kde: {len(labels)} missing value(s) at {list(labels[:8])}; fill or drop them, "
                "or pass nan_policy='omit'."
            )
        frame, omitted = frame[~bad], labels

    group_cols = [c for c in ("by", "time") if c in frame.columns]
    if group_cols:
        parts = list(frame.groupby(group_cols, sort=True)["value"])
        curves = [
            (k if len(group_cols) > 1 else (k[0] if isinstance(k, tuple) else k), v.to_numpy())
            for k, v in parts
        ]
    else:
        curves = [("all", frame["value"].to_numpy())]
    bws = {}
    for key, x in curves:
        if len(x) < 2:
            raise ValueError(
                f"kde: curve {key!r} has {len(x)} value(s); a density needs at least 2."
            )
        bws[key] = _bandwidth(x, bandwidth, f"curve {key!r}: ")

    if grid is None:
        if not (isinstance(grid_size, (int, np.integer)) and grid_size >= 16):
            raise ValueError(f"kde: grid_size must be an integer >= 16; got {grid_size!r}.")
        hmax = max(bws.values())
        g = np.linspace(frame["value"].min() - 3 * hmax, frame["value"].max() + 3 * hmax, grid_size)
    else:
        g = np.asarray(grid, dtype=float)
        if g.ndim != 1 or len(g) < 3 or not (np.diff(g) > 0).all() or not np.isfinite(g).all():
            raise ValueError(
                "kde: grid must be a 1-D strictly increasing array of >= 3 finite points."
            )

    from scipy import stats

    cols, dens, feats, peak_rows = [], [], [], []
    for key, x in curves:
        h = bws[key]
        f = np.zeros(len(g))
        for start in range(0, len(x), 4096):  # blocks keep memory at O(grid x 4096)
            u = (g[:, None] - x[None, start : start + 4096]) / h
            f += np.exp(-0.5 * u * u).sum(axis=1)
        f /= len(x) * h * np.sqrt(2 * np.pi)
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

    names = [{"by": by, "time": time}[c] for c in group_cols] or ["curve"]
    names = [
        n if isinstance(n, str) else c for n, c in zip(names, group_cols or ["curve"], strict=True)
    ]
    if len(names) > 1:
        col_index = pd.MultiIndex.from_tuples(cols, names=names)
    else:
        col_index = pd.Index(cols, name=names[0])
    densities = pd.DataFrame(np.column_stack(dens), index=pd.Index(g, name="x"), columns=col_index)
    features = pd.DataFrame(feats, index=col_index)
    bw = pd.Series([bws[k] for k in cols], index=col_index, name="bandwidth")
    peaks_df = pd.DataFrame(
        [(r, px, ph) for _, r, px, ph in peak_rows],
        columns=["peak", "x", "height"],
        index=pd.MultiIndex.from_tuples(
            [(*k, r) if isinstance(k, tuple) else (k, r) for k, r, _, _ in peak_rows],
            names=[*names, "peak"],
        ),
    )[["x", "height"]]
    rule = bandwidth if isinstance(bandwidth, str) else f"common h = {float(bandwidth):g}"
    return KDEResult(
        grid=g,
        densities=densities,
        bandwidth=bw,
        features=features,
        peaks=peaks_df,
        rule=f"{rule}: {BANDWIDTH_RULES[bandwidth]}" if isinstance(bandwidth, str) else rule,
        peak_threshold=float(peak_threshold),
        groups=tuple(dict.fromkeys(k[0] for k in cols)) if "by" in group_cols else None,
        omitted=omitted,
    )


# ------------------------------------------------------------------------ Markov


@dataclass(frozen=True)
class MarkovResult:
    """Result of :func:`markov`.

    Attributes
    ----------
    transitions : DataFrame k x k of counts (rows: class in year t, columns: class in t+1).
    probabilities : DataFrame k x k, rows sum to 1; a class never left from
        (no unit in it in any year but the last) has a row of NaN.
    steady_state : Series, the stationary distribution, or ``None`` when it is
        not unique or some row is undefined.
    cutoffs : array of the k-1 upper class bounds (for ``quantiles="yearly"``
        a year x bound DataFrame). Classes are right-closed: class i holds
        ``c_{i-1} < y <= c_i``.
    classes : Series of class labels indexed like the input rows.
    spatial : dict lag class -> k x k probabilities (spatial Markov), else ``None``.
    spatial_transitions : dict lag class -> k x k counts, else ``None``.
    lag_classes : Series of the neighbours' class per input row, else ``None``.
    homogeneity : Series with the Bickenbach-Bode Q and LR tests (via giddy)
        that the transition probabilities do not depend on the neighbours' class.
    """

    transitions: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.Series | None
    cutoffs: np.ndarray | pd.DataFrame
    classes: pd.Series
    labels: tuple
    relative: bool
    quantiles: str | None
    spatial: dict | None = None
    spatial_transitions: dict | None = None
    lag_classes: pd.Series | None = None
    lag_cutoffs: np.ndarray | pd.DataFrame | None = None
    homogeneity: pd.Series | None = None
    omitted: tuple = ()
    variant: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Class (and neighbours' class) per input row, indexed like the input."""
        out = self.classes.to_frame("class")
        if self.lag_classes is not None:
            out["lag_class"] = self.lag_classes
        return out

    def summary(self) -> pd.DataFrame:
        """Transition probabilities with the number of transitions per row ``n``;
        for a spatial Markov one block per neighbours' class (first index level
        ``lag``, ``"all"`` for the classic matrix)."""
        blocks = {"all": (self.probabilities, self.transitions)}
        if self.spatial is not None:
            blocks.update({k: (self.spatial[k], self.spatial_transitions[k]) for k in self.spatial})
        frames = []
        for key, (p, t) in blocks.items():
            f = p.copy()
            f["n"] = t.sum(axis=1).astype(int)
            f.index = pd.MultiIndex.from_product([[key], f.index], names=["lag", "from"])
            frames.append(f)
        out = pd.concat(frames)
        out["variant"] = self.variant
        return out


def _pivot(values: pd.Series, unit: pd.Series, year: pd.Series) -> pd.DataFrame:
    long = pd.DataFrame({"unit": unit.to_numpy(), "year": year.to_numpy(), "v": values.to_numpy()})
    dup = long.duplicated(["unit", "year"])
    if dup.any():
        ex = long.loc[dup, ["unit", "year"]].head(5).to_records(index=False).tolist()
        raise ValueError(
            f"markov: unit-year pairs appear more than once: {ex}; each unit needs one row per year."
        )
    wide = long.pivot(index="unit", columns="year", values="v").sort_index(axis=1)
    holes = wide.isna()
    if holes.any().any():
        ex = [(u, y) for u, y in holes.stack()[holes.stack()].index[:8]]
        raise ValueError(
            f"markov: unbalanced panel: {int(holes.to_numpy().sum())} unit-year(s) missing, "
            f"e.g. (unit, year) {ex}. Markov transitions need every unit in every year; "
            "drop those units or years first."
        )
    return wide


def _classify(y: np.ndarray, cut: np.ndarray) -> np.ndarray:
    # right-closed classes as in mapclassify/giddy: class i holds c_{i-1} < y <= c_i
    return np.searchsorted(cut, y, side="left")


def _quantile_cuts(y: np.ndarray, k: int) -> np.ndarray:
    cut = np.quantile(y, np.arange(1, k) / k)
    if (np.diff(cut) <= 0).any():
        raise ValueError(
            f"markov: {k} quantile classes are not distinct (tied values give cut-offs {cut}); "
            "use fewer classes or explicit cut-offs."
        )
    return cut


def _counts(cls: np.ndarray, k: int) -> np.ndarray:
    t = np.zeros((k, k))
    np.add.at(t, (cls[:, :-1].ravel(), cls[:, 1:].ravel()), 1)
    return t


def _probs(t: np.ndarray) -> np.ndarray:
    rows = t.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, t / np.where(rows > 0, rows, 1.0), np.nan)


def _steady(p: np.ndarray) -> np.ndarray | None:
    if np.isnan(p).any():
        return None
    vals, vecs = np.linalg.eig(p.T)
    one = np.isclose(vals, 1.0, atol=1e-10)
    if one.sum() != 1:
        return None  # several closed classes: the long-run distribution depends on the start
    v = np.real(vecs[:, one][:, 0])
    v = v / v.sum()
    return np.where(np.abs(v) < 1e-14, 0.0, v)


def _interval_labels(cut: np.ndarray) -> list[str]:
    c = [f"{x:.4g}" for x in cut]
    return (
        [f"<={c[0]}"] + [f"({a}, {b}]" for a, b in zip(c[:-1], c[1:], strict=True)] + [f">{c[-1]}"]
    )


def _row_standardised_lag(w: Any, units: pd.Index, wide: np.ndarray) -> np.ndarray:
    from scipy import sparse

    try:
        from libpysal.graph import Graph
        from libpysal.weights import W
    except ImportError as err:  # pragma: no cover
        raise ImportError(
            "markov(spatial_weights=...) needs libpysal: pip install libpysal"
        ) from err
    if isinstance(w, W):
        w = Graph.from_W(w)
    if not isinstance(w, Graph):
        raise TypeError(
            "markov: spatial_weights must be a libpysal Graph or W; "
            f"got {type(w).__name__}. Build one with geohra.spatial_weights(...)."
        )
    ids = pd.Index(w.unique_ids)
    only_w = [u for u in ids if u not in set(units)][:6]
    only_d = [u for u in units if u not in set(ids)][:6]
    if only_w or only_d or len(ids) != len(units):
        raise ValueError(
            "markov: spatial_weights ids do not match the panel's units: only in the weights "
            f"{only_w}, only in the panel {only_d}. Build the weights on the same unit ids."
        )
    adj = w.adjacency
    focal = units.get_indexer(adj.index.get_level_values(0))
    neigh = units.get_indexer(adj.index.get_level_values(1))
    vals = adj.to_numpy(dtype=float)
    m = sparse.csr_matrix((vals, (focal, neigh)), shape=(len(units), len(units)))
    rs = np.asarray(m.sum(axis=1)).ravel()
    if (rs <= 0).any():
        isl = list(units[rs <= 0][:8])
        raise ValueError(
            f"markov: units {isl} have no neighbours, so their neighbours' class is undefined. "
            "Use weights without islands (e.g. k-nearest neighbours) or drop them."
        )
    # the neighbours' average: row-standardised on a copy, the caller's weights stay as given
    return sparse.diags(1.0 / rs) @ m @ wide


def markov(
    data: pd.DataFrame | pd.Series,
    column: str | None = None,
    *,
    time: str = "year",
    unit: str | None = None,
    classes: int | Sequence[float] = 4,
    relative: bool = False,
    quantiles: str = "pooled",
    labels: Sequence[str] | None = None,
    spatial_weights: Any = None,
    lag_classes: int | Sequence[float] | None = None,
    nan_policy: str = "raise",
) -> MarkovResult:
    """Markov transition matrices of classes over consecutive years.

    Parameters
    ----------
    data : DataFrame (long panel: one row per unit and year) or Series
    column : str
        The indicator.
    time : str
        Year column or index level. Transitions are counted between
        consecutive years present in the data.
    unit : str, optional
        Unit column or index level. Default: the index level that is not
        ``time`` (MultiIndex) or the index itself.
    classes : int or list of float
        An int ``k``: quantile classes (see ``quantiles``). A list: explicit
        increasing cut-offs, applied to the values (or to the relative values
        with ``relative=True``: ``classes=[0.7, 0.9, 1.1], relative=True`` gives
        the common <=70 %, 70-90 %, 90-110 %, >110 % of the yearly mean).
        Classes are right-closed ``(c_{i-1}, c_i]``, as in mapclassify/giddy.
    relative : bool
        Divide each year's values by that year's (unweighted) mean first.
    quantiles : {"pooled", "yearly"}
        With an int ``classes``: cut-offs from all unit-years pooled (classes
        comparable over time, giddy's ``fixed=True``) or from each year
        separately (relative ranks).
    labels : list of str, optional
        Class names (default: the intervals, or Q1..Qk for yearly quantiles).
    spatial_weights : libpysal Graph or W, optional
        Spatial Markov (Rey 2001): transitions conditioned on the class of the
        neighbours' average in the starting year (the lag uses row-standardised
        weights; ids must be the panel's unit ids, matched by label).
    lag_classes : int or list of float, optional
        Classes of the neighbours' average; default the same cut-offs as the values.
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops every unit with a missing value (keeping the panel
        balanced) and lists them in ``.omitted``.
    """
    check_nan_policy(nan_policy)
    if quantiles not in ("pooled", "yearly"):
        raise ValueError(f"markov: quantiles must be 'pooled' or 'yearly'; got {quantiles!r}.")
    if isinstance(data, (pd.DataFrame, pd.Series)) and unit is None:
        names = [n for n in data.index.names if n != time]
        if isinstance(data.index, pd.MultiIndex):
            if len(names) != 1 or time not in data.index.names:
                raise ValueError(
                    f"markov: cannot tell the unit level in index levels {data.index.names}; "
                    "pass unit=."
                )
            unit = names[0]
    values, keys = _resolve_panel(data, column, {"time": time, "unit": unit}, "markov")
    years = keys["time"]
    units = keys.get("unit")
    if units is None:
        units = pd.Series(values.index, index=values.index)
    if years.isna().any() or units.isna().any():
        raise ValueError("markov: missing unit or year labels.")
    omitted: tuple = ()
    if values.isna().any():
        bad_units = tuple(dict.fromkeys(units[values.isna()]))
        if nan_policy == "raise":
            ex = list(zip(units[values.isna()], years[values.isna()], strict=True))[:8]
            raise ValueError(
                f"markov: missing values at (unit, year) {ex}; fill them, or pass "
                "nan_policy='omit' to drop those units entirely."
            )
        keep = ~units.isin(bad_units)
        values, years, units, omitted = values[keep], years[keep], units[keep], bad_units
    if not np.isfinite(values).all():
        raise ValueError("markov: infinite values in the data.")
    wide = _pivot(values, units, years)
    n_units, n_years = wide.shape
    if n_years < 2 or n_units < 2:
        raise ValueError(
            f"markov: need at least 2 units and 2 years; got {n_units} unit(s), {n_years} year(s)."
        )
    y = wide.to_numpy(dtype=float)
    if relative:
        mean = y.mean(axis=0)
        if not (mean > 0).all():
            bad = list(wide.columns[~(mean > 0)])
            raise ValueError(
                f"markov: relative=True needs a positive yearly mean; years {bad} have none."
            )
        y = y / mean

    def make_cuts(arr: np.ndarray, spec: Any) -> tuple[np.ndarray | pd.DataFrame, np.ndarray, int]:
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            if spec < 2:
                raise ValueError(f"markov: classes must be at least 2; got {spec}.")
            if quantiles == "pooled":
                cut = _quantile_cuts(arr.ravel(), int(spec))
                return cut, _classify(arr, cut), int(spec)
            cuts = np.vstack([_quantile_cuts(arr[:, t], int(spec)) for t in range(arr.shape[1])])
            cls = np.column_stack([_classify(arr[:, t], cuts[t]) for t in range(arr.shape[1])])
            return pd.DataFrame(cuts, index=wide.columns), cls, int(spec)
        cut = np.asarray(spec, dtype=float)
        if (
            cut.ndim != 1
            or len(cut) < 1
            or not (np.diff(cut) > 0).all()
            or not np.isfinite(cut).all()
        ):
            raise ValueError(
                f"markov: class cut-offs must be a strictly increasing list of numbers; got {spec!r}."
            )
        return cut, _classify(arr, cut), len(cut) + 1

    cutoffs, cls, k = make_cuts(y, classes)
    if labels is None:
        if isinstance(cutoffs, pd.DataFrame):
            names_ = [f"Q{i + 1}" for i in range(k)]
        else:
            names_ = _interval_labels(cutoffs)
    else:
        names_ = [str(x) for x in labels]
        if len(names_) != k or len(set(names_)) != k:
            raise ValueError(f"markov: expected {k} distinct labels; got {list(labels)}.")
    t_all = _counts(cls, k)
    p_all = _probs(t_all)
    ss = _steady(p_all)

    def frame(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            a, index=pd.Index(names_, name="from"), columns=pd.Index(names_, name="to")
        )

    # class per input row, back on the caller's index
    pos_u = wide.index.get_indexer(units.to_numpy())
    pos_t = wide.columns.get_indexer(years.to_numpy())
    lab = np.asarray(names_, dtype=object)
    row_classes = pd.Series(lab[cls[pos_u, pos_t]], index=values.index, name="class")

    spatial = spatial_t = lag_series = lag_cut = homog = None
    variant = (
        f"classic Markov, {k} classes, right-closed; "
        + ("values / yearly mean; " if relative else "")
        + (
            "yearly quantiles"
            if isinstance(cutoffs, pd.DataFrame)
            else "pooled quantiles"
            if isinstance(classes, (int, np.integer))
            else "user cut-offs"
        )
    )
    if spatial_weights is not None:
        lag = _row_standardised_lag(spatial_weights, wide.index, y)
        if lag_classes is None:
            if isinstance(cutoffs, pd.DataFrame):
                lcls = np.column_stack(
                    [_classify(lag[:, t], cutoffs.iloc[t].to_numpy()) for t in range(n_years)]
                )
            else:
                lcls = _classify(lag, cutoffs)
            lag_cut, m, lnames = cutoffs, k, names_
        else:
            lag_cut, lcls, m = make_cuts(lag, lag_classes)
            lnames = (
                [f"L{i + 1}" for i in range(m)]
                if isinstance(lag_cut, pd.DataFrame)
                else _interval_labels(lag_cut)
            )
        tt = np.zeros((m, k, k))
        start = lcls[:, :-1].ravel()
        np.add.at(tt, (start, cls[:, :-1].ravel(), cls[:, 1:].ravel()), 1)
        spatial = {lnames[i]: frame(_probs(tt[i])) for i in range(m)}
        spatial_t = {lnames[i]: frame(tt[i]) for i in range(m)}
        lag_series = pd.Series(
            np.asarray(lnames, dtype=object)[lcls[pos_u, pos_t]],
            index=values.index,
            name="lag_class",
        )
        homog = _homogeneity(tt)
        variant = (
            variant.replace("classic", "spatial") + "; lag = row-standardised neighbours' mean"
        )

    return MarkovResult(
        transitions=frame(t_all),
        probabilities=frame(p_all),
        steady_state=None
        if ss is None
        else pd.Series(ss, index=pd.Index(names_), name="steady_state"),
        cutoffs=cutoffs,
        classes=row_classes,
        labels=tuple(names_),
        relative=bool(relative),
        quantiles=quantiles if isinstance(classes, (int, np.integer)) else None,
        spatial=spatial,
        spatial_transitions=spatial_t,
        lag_classes=lag_series,
        lag_cutoffs=lag_cut,
        homogeneity=homog,
        omitted=omitted,
        variant=variant,
    )


def _homogeneity(tt: np.ndarray) -> pd.Series | None:
    """Bickenbach & Bode (2003) Q and LR tests across lag classes, via giddy."""
    try:
        from giddy.markov import Homogeneity_Results
    except ImportError:  # pragma: no cover - giddy is optional for the counts
        return None
    nonempty = [t for t in tt if t.sum() > 0]
    if len(nonempty) < 2:
        return None
    r = Homogeneity_Results(np.asarray(nonempty))
    return pd.Series(
        {"Q": r.Q, "Q_pvalue": r.Q_p_value, "LR": r.LR, "LR_pvalue": r.LR_p_value, "dof": r.dof},
        name="homogeneity",
    )
