"""Spatial decomposition of the Gini coefficient (Rey & Smith 2013) with a fast,
seeded permutation test.

The sum of absolute differences over all ordered pairs splits into neighbour pairs
(w_ij ≠ 0) and non-neighbour pairs:

    Σ_i Σ_j |x_i − x_j| = Σ_ij [w_ij≠0] |x_i − x_j| + Σ_ij [w_ij=0] |x_i − x_j|
    G = (neighbour sum + non-neighbour sum) / (2 n² μ)

Under the null of no spatial pattern the values are randomly permuted over the units.
The total is permutation-invariant, so only the neighbour sum needs recomputing per
permutation: one gather over the link list for a whole block of permutations at once
(instead of PySAL's Python loop over units per permutation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geohra._common import renamed_arguments, resolve_rng
from geohra._result import Result, fmt, one_row
from geohra.inequality._gini_links import _default_graph, _id_order, _links
from geohra.inequality._prep import check_nonnegative, resolve

__all__ = ["spatial_gini", "SpatialGiniResult"]

VARIANT = (
    "Rey & Smith (2013) spatial Gini: neighbour / non-neighbour split of Σ|x_i−x_j| over "
    "ordered pairs, any non-zero weight = neighbour (binary), self-links ignored; "
    "pseudo p-value folded as in PySAL Gini_Spatial: (min(#{sim ≥ obs}, perms − #{sim ≥ obs}) + 1)/(perms + 1) "
    "on the non-neighbour sum"
)
_INFERENCE_FIELDS = (
    "pvalue",
    "expected_non_neighbour_sum",
    "std_non_neighbour_sum",
    "z",
    "pvalue_normal",
    "polarization_pvalue",
    "simulated",
)
_BLOCK = 1_000_000  # gathered values per block of permutations (8 MB of float64: stays in cache)


def _neighbour_sums(x: np.ndarray, li: np.ndarray, lj: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """Σ over links of |x[perm[i]] − x[perm[j]]| for each row ``perm`` of ``perms`` (k×n)."""
    out = np.empty(perms.shape[0])
    rows = max(1, _BLOCK // max(1, li.size))
    for start in range(0, perms.shape[0], rows):
        xp = x[perms[start : start + rows]]
        out[start : start + rows] = np.abs(xp[:, li] - xp[:, lj]).sum(axis=1)
    return out


def _permutation_blocks(gen: np.random.Generator, permutations: int, n: int, n_links: int):
    """Yield (rows × n) blocks of independent random permutations of 0..n-1."""
    rows = max(1, min(_BLOCK // max(1, n_links), _BLOCK // n))
    done = 0
    while done < permutations:
        r = min(rows, permutations - done)
        block = np.empty((r, n), dtype=np.intp)
        for row in block:  # one permutation per row: about twice as fast as gen.permuted
            row[:] = gen.permutation(n)
        yield block
        done += r


def _inference(
    x: np.ndarray,
    gi: np.ndarray,
    gj: np.ndarray,
    factor: float,
    total_sum: float,
    wg: float,
    scale: float,
    polarization: float,
    blocks: Any,
) -> dict[str, Any]:
    """Permutation inference on the non-neighbour sum, as PySAL's Gini_Spatial defines it."""
    from scipy.special import ndtr

    nb_sim = np.concatenate([factor * _neighbour_sums(x, gi, gj, b) for b in blocks])
    permutations = nb_sim.size
    sim = total_sum - nb_sim
    wcg = total_sum - wg
    # sim ≥ obs ⇔ nb_sim ≤ wg: compare neighbour sums so rounding in total_sum cannot flip ties
    larger = int((nb_sim <= wg).sum())
    larger = min(larger, permutations - larger)
    e, sd = float(sim.mean()), float(sim.std())
    z = (wcg - e) / sd if sd > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        pol_sim = sim / nb_sim * scale
    return dict(
        pvalue=(larger + 1.0) / (permutations + 1.0),
        expected_non_neighbour_sum=e,
        std_non_neighbour_sum=sd,
        z=float(z),
        pvalue_normal=float(ndtr(-z)),  # upper tail; 1 − ndtr(z) loses small p-values
        polarization_pvalue=(int((pol_sim >= polarization).sum()) + 1.0) / (permutations + 1.0),
        simulated=sim,
    )


@dataclass(frozen=True, repr=False)
class SpatialGiniResult(Result):
    """Spatial Gini decomposition (Rey & Smith 2013).

    ``total`` = G; ``neighbours`` + ``non_neighbours`` = G (each pair-sum over 2n²μ;
    ``non_neighbours`` is PySAL's ``wcg_share``); ``non_neighbour_share`` = the fraction of
    Σ|x_i − x_j| coming from non-neighbour pairs; ``neighbour_sum`` / ``non_neighbour_sum``
    are the raw sums (PySAL's ``wg`` / ``wcg``). ``polarization`` = (non-neighbour sum /
    neighbour sum) · (neighbour pairs / non-neighbour pairs), expected 1 under no pattern;
    NaN when the neighbour sum is 0 (neighbours all equal) or every pair is a neighbour pair.
    Inference fields are None when ``permutations=0``: ``pvalue`` (folded pseudo p-value of
    the non-neighbour sum), ``expected_non_neighbour_sum``, ``std_non_neighbour_sum``,
    ``z``, ``pvalue_normal`` (upper tail of z), ``polarization_pvalue`` (upper tail),
    ``simulated`` (non-neighbour sums under permutation).
    """

    total: float
    neighbours: float
    non_neighbours: float
    non_neighbour_share: float
    neighbour_sum: float
    non_neighbour_sum: float
    polarization: float
    pvalue: float | None
    expected_non_neighbour_sum: float | None
    std_non_neighbour_sum: float | None
    z: float | None
    pvalue_normal: float | None
    polarization_pvalue: float | None
    permutations: int
    n: int
    n_links: int
    variant: str
    omitted: tuple = ()
    simulated: np.ndarray | None = field(default=None, repr=False)
    units: pd.DataFrame = field(default=None, repr=False)

    def _repr_parts(self) -> list[str]:
        parts = [
            f"G={fmt(self.total)}",
            f"non-neighbours {self.non_neighbour_share * 100.0:.1f} %",
            f"polarization={fmt(self.polarization, 3)}",
        ]
        if self.pvalue is not None:
            parts.append(f"p={fmt(self.pvalue, 3)}")
        parts.append(f"n={self.n}")
        return parts

    def summary(self) -> pd.DataFrame:
        """One row (index ``measure``) with every scalar field and the variant."""
        keys = [
            "total",
            "neighbours",
            "non_neighbours",
            "non_neighbour_share",
            "neighbour_sum",
            "non_neighbour_sum",
            "polarization",
            "pvalue",
            "expected_non_neighbour_sum",
            "std_non_neighbour_sum",
            "z",
            "pvalue_normal",
            "polarization_pvalue",
            "permutations",
            "n",
            "n_links",
        ]
        row = {k: getattr(self, k) for k in keys}
        row["n_omitted"] = len(self.omitted)
        row["variant"] = self.variant
        return one_row(row, "Spatial Gini")

    def to_frame(self) -> pd.DataFrame:
        """Per unit, indexed like the input: value, number of neighbours and Σ_j∈N(i) |x_i − x_j|."""
        return self.units.copy()


@renamed_arguments(weights="graph")
def spatial_gini(
    data: Any,
    column: str | None = None,
    *,
    graph: Any = None,
    permutations: int = 999,
    rng: None | int | np.random.Generator = None,
    nan_policy: str = "raise",
) -> SpatialGiniResult:
    """Rey & Smith (2013) spatial Gini decomposition with a permutation test.

    Parameters
    ----------
    data
        A Series, or a (Geo)DataFrame together with ``column``; index labels are unit ids.
    column
        The value column when ``data`` is a DataFrame.
    graph
        A ``libpysal.graph.Graph`` or ``libpysal.weights.W`` whose ids are the data's index
        labels (any order; missing or extra ids raise). Only the neighbour structure is used:
        any non-zero weight is a neighbour link, so row-standardised weights give the same
        answer as binary ones. Default (a GeoDataFrame only): queen contiguity, islands
        linked to their nearest unit (as :func:`geohra.spatial_weights`, with a warning).
    permutations
        Number of random permutations of the values over the units (0: no inference).
    rng
        ``None``, an int seed or a ``numpy.random.Generator``; the same seed gives the same
        p-value.
    nan_policy
        ``"raise"`` or ``"omit"``: omitted units are removed together with their links.

    Returns
    -------
    SpatialGiniResult
        Values equal PySAL's ``inequality.gini.Gini_Spatial`` on the same data and binary
        weights (``g``, ``wg``, ``wcg``, ``wcg_share``, ``polarization``; with the same
        permutations, also ``p_sim``, ``e_wcg``, ``s_wcg``, ``z_wcg``, ``p_z_sim``).
        Differences: self-links are not counted as neighbour pairs, and the number of
        neighbour pairs in ``polarization`` counts links, not the sum of weights ``s0``.
    """
    _check_gini_permutations(permutations)
    inp = resolve(data, column, func="spatial_gini", nan_policy=nan_policy)
    frame = inp.frame
    _check_gini_values(frame["value"])
    if graph is None:
        graph = _default_graph(data)  # here, not in a helper: its warning counts frames
    li, lj = _links(graph, frame.index, inp.omitted, "spatial_gini")
    if li.size == 0:
        raise ValueError("spatial_gini: the weights have no neighbour links among these units.")
    # work in the weights' unit order, so a seed gives the same permutations (and p-value)
    # whatever the row order of the data
    present = frame.index.get_indexer(pd.Index([i for i in _id_order(graph) if i in frame.index]))
    x, li, lj = _in_weights_order(frame["value"].to_numpy(np.float64), present, li, lj)
    parts = _gini_arrays(x, li, lj)
    inference: dict[str, Any] = dict.fromkeys(_INFERENCE_FIELDS)  # None without permutations
    if permutations:
        gi, gj, factor = parts["gi"], parts["gj"], parts["factor"]
        blocks = _permutation_blocks(resolve_rng(rng), int(permutations), x.size, gi.size)
        inference.update(
            _inference(
                x,
                gi,
                gj,
                factor,
                parts["total_sum"],
                parts["wg"],
                parts["scale"],
                parts["polarization"],
                blocks,
            )
        )
    return _gini_result(
        x, li, lj, parts, frame.index, present, inp.omitted, permutations, inference
    )


def _check_gini_permutations(permutations: Any) -> None:
    if not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise ValueError(
            f"spatial_gini: permutations must be a non-negative integer; got {permutations!r}."
        )


def _check_gini_values(value: pd.Series) -> None:
    """Non-negative values, not all zero (the Gini is a ratio to the mean)."""
    check_nonnegative(
        value,
        func="spatial_gini",
        what="values",
        why="the Gini compares shares of a total",
    )
    if not value.sum() > 0:
        raise ValueError("spatial_gini: all values are zero; the Gini is 0/0 and undefined.")


def _in_weights_order(
    value: np.ndarray, present: np.ndarray, li: np.ndarray, lj: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values and link positions re-ordered so position k is the k-th unit of the weights."""
    n = value.size
    inverse = np.empty(n, dtype=np.intp)
    inverse[present] = np.arange(n)
    return value[present], inverse[li], inverse[lj]


def _gini_arrays(x: np.ndarray, li: np.ndarray, lj: np.ndarray) -> dict[str, Any]:
    """The Gini, its neighbour / non-neighbour sums and polarization from values and links."""
    n = x.size
    # symmetric links (contiguity): gather each unordered pair once and double it
    code = li.astype(np.int64) * n + lj
    rev = np.sort(lj.astype(np.int64) * n + li)
    symmetric = np.array_equal(np.sort(code), rev)
    gi, gj, factor = (li[li < lj], lj[li < lj], 2.0) if symmetric else (li, lj, 1.0)

    xs = np.sort(x)
    k = np.arange(1, n, dtype=np.float64)
    total_sum = 2.0 * float(
        np.dot(np.diff(xs), k * (n - k))
    )  # Σ over ordered pairs, no cancellation
    den = 2.0 * n * n * x.mean()
    wg = factor * float(np.abs(x[gi] - x[gj]).sum())
    wcg = total_sum - wg
    n_pairs = n * (n - 1) / 2.0
    nb_pairs = int(li.size) / 2.0
    scale = nb_pairs / (n_pairs - nb_pairs) if n_pairs > nb_pairs else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        # no difference between neighbours: the ratio is undefined (NaN), not an error
        polarization = float(wcg / wg * scale) if wg > 0 else float("nan")
    return dict(
        gi=gi,
        gj=gj,
        factor=factor,
        total_sum=total_sum,
        den=den,
        wg=wg,
        wcg=wcg,
        scale=scale,
        polarization=polarization,
    )


def _gini_result(
    x: np.ndarray,
    li: np.ndarray,
    lj: np.ndarray,
    parts: dict[str, Any],
    index: pd.Index,
    present: np.ndarray,
    omitted: tuple,
    permutations: int,
    inference: dict[str, Any],
) -> SpatialGiniResult:
    """The result, with the per-unit table indexed like the data."""
    n = x.size
    total_sum, den, wg, wcg = parts["total_sum"], parts["den"], parts["wg"], parts["wcg"]
    local = np.bincount(li, weights=np.abs(x[li] - x[lj]), minlength=n)
    units = pd.DataFrame(
        {"value": x, "n_neighbours": np.bincount(li, minlength=n), "neighbour_abs_diff": local},
        index=index[present],
    ).reindex(index)
    return SpatialGiniResult(
        total=total_sum / den,
        neighbours=wg / den,
        non_neighbours=wcg / den,
        non_neighbour_share=wcg / total_sum if total_sum > 0 else np.nan,
        neighbour_sum=wg,
        non_neighbour_sum=wcg,
        polarization=parts["polarization"],
        permutations=int(permutations),
        n=n,
        n_links=int(li.size),
        variant=VARIANT,
        omitted=omitted,
        units=units,
        **inference,
    )
