"""Core of ``bootstrap_ci``: rows in label order and their strata (checked), resampled
positions drawn within strata, the built-in statistics evaluated on chunks of resamples at
once (see ``_resample``), and the named components of a statistic's value."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from geohra._checks import DataQualityWarning
from geohra._common import align
from geohra.inequality import _resample
from geohra.inequality.theil import _BASES

_INDEX_BLOCK = 2_000_000  # resampled indices drawn at once (16 MB)
_WORK_BLOCK = 1 << 20  # matrix cells per evaluated chunk of resamples


def _check_strata(strata: list[np.ndarray], labels: pd.Index | None) -> None:
    """Refuse resampling that cannot vary; warn about groups of one unit.

    A group with one unit is redrawn as itself in every resample, so it adds no
    variation: when every group is like that the interval has zero width, which
    would look like certainty where there is no information at all.
    """
    sizes = np.array([len(s) for s in strata])
    if (sizes <= 1).all():
        what = (
            "the data have one unit"
            if labels is None
            else (f"every group has a single unit ({len(sizes)} groups)")
        )
        raise ValueError(
            f"bootstrap_ci: {what}, so every resample equals the data and the interval would "
            "have zero width. Resampling within groups needs groups of two or more units: "
            "merge small groups, or drop by= to resample all units together."
        )
    single = [labels[i] for i in np.flatnonzero(sizes == 1)] if labels is not None else []
    if single:
        warnings.warn(
            f"bootstrap_ci: {len(single)} group(s) have a single unit and never vary across "
            f"resamples: {single[:10]}{' ...' if len(single) > 10 else ''}. The interval "
            "ignores the uncertainty of these groups; merge them with a neighbouring group "
            "or drop by= for an honest interval.",
            DataQualityWarning,
            stacklevel=4,
        )


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by label (when labels sort), so a seed draws the same units whatever
    the row order of the data."""
    try:
        return frame.sort_index(kind="stable")
    except TypeError:  # unorderable labels: keep the given order
        return frame


def resolve_by(frame: pd.DataFrame, by: Any) -> pd.Series:
    if isinstance(by, pd.Series):
        align({"data": frame.iloc[:, 0], "by": by})
        return by.reindex(frame.index)
    arr = np.asarray(by)
    if arr.shape != (len(frame),):
        raise ValueError(f"bootstrap_ci: by has shape {arr.shape}; expected {len(frame)} labels.")
    return pd.Series(arr, index=frame.index)


def _resample_indices(gen: np.random.Generator, strata: list[np.ndarray], n: int, n_resamples: int):
    """Yield blocks of resampled positions (rows × n), drawing within each stratum."""
    rows = max(1, _INDEX_BLOCK // n)
    done = 0
    while done < n_resamples:
        r = min(rows, n_resamples - done)
        parts = [m[gen.integers(0, m.size, size=(r, m.size))] for m in strata]
        yield np.concatenate(parts, axis=1)
        done += r


def _components_of(value: Any) -> dict[str, float]:
    """Turn a custom statistic's return value into named numbers."""
    if isinstance(value, Mapping):
        return {str(k): float(v) for k, v in value.items()}
    if hasattr(value, "summary"):
        row = value.summary()
        if len(row) != 1:
            raise ValueError("bootstrap_ci: the statistic's summary() must have one row.")
        num = row.select_dtypes("number").iloc[0]
        return {str(k): float(v) for k, v in num.items() if not isinstance(v, (bool, np.bool_))}
    return {"value": float(value)}


def _chosen(name: str, est: dict[str, float], components: Any) -> dict[str, float]:
    """The estimate's components restricted to ``components`` (checked), in that order."""
    if components is None:
        return est
    wanted = [components] if isinstance(components, str) else list(components)
    unknown = [c for c in wanted if c not in est]
    if not wanted or unknown:
        raise ValueError(
            f"bootstrap_ci: {name} has no component(s) {unknown or wanted!r} here; its "
            f"components are {list(est)}. Pass some of these as components=, or None for all."
        )
    return {c: est[c] for c in wanted}


def _components_of_builtin(name: str, res: Any) -> dict[str, float]:
    if name == "gini":
        return {"gini": float(res)}
    if name == "theil":
        out = {"total": res.total}
        if res.within is not None:
            out["within"] = res.within
            out["between"] = res.between
            out["between_pct"] = res.between / res.total * 100.0 if res.total > 0 else np.nan
        return out
    c = res.contributions
    return {
        "total": res.total,
        "within": res.within,
        "between_net": res.between_net,
        "transvariation": res.transvariation,
        "within_pct": c["within"],
        "between_net_pct": c["between_net"],
        "transvariation_pct": c["transvariation"],
    }


def _resample_builtin(
    name: str,
    gen: np.random.Generator,
    strata: list[np.ndarray],
    y: np.ndarray,
    w: np.ndarray | None,
    codes: np.ndarray | None,
    k: int,
    opts: dict[str, Any],
    n_resamples: int,
    wanted: set[str] | None = None,
) -> dict[str, np.ndarray]:
    """Every resample's components, evaluated in chunks of resamples on the data sorted
    once (see ``_resample``); NaN where a resample makes a component undefined.

    ``wanted``: when only the total is wanted, a Theil skips its group parts and a Dagum
    decomposition is evaluated as its total, the Gini (the same arithmetic either way);
    the strata, and so the resamples, stay the same."""
    total_only = wanted is not None and wanted <= {"total"}
    n = y.size
    order = np.argsort(y, kind="stable")
    ys = y[order]
    ws = None if w is None else w[order]
    cs = None if codes is None else codes[order]
    plan = _resample.dagum_plan(cs, k) if name == "dagum_gini" and not total_only else None
    cells = n * (k if name == "dagum_gini" else max(k, 1) + 2)
    chunk = max(1, _WORK_BLOCK // cells)
    parts: dict[str, list[np.ndarray]] = {}
    # the matrix products here are small: BLAS threads only contend (on a loaded machine a
    # 31 x 2,848 product took 400 ms with two OpenBLAS threads and 1 ms with one)
    with threadpool_limits(1, user_api="blas"):
        for block in _resample_indices(gen, strata, n, n_resamples):
            for s in range(0, block.shape[0], chunk):
                m = _resample.multiplicities(block[s : s + chunk], n)[:, order]
                for key, val in _evaluate(name, ys, ws, cs, k, m, plan, opts, total_only).items():
                    parts.setdefault(key, []).append(val)
    return {key: np.concatenate(v) for key, v in parts.items()}


def _evaluate(name, ys, ws, cs, k, m, plan, opts, total_only=False) -> dict[str, np.ndarray]:
    if total_only and name != "gini":
        cs = None  # the total does not depend on the groups
        if name == "dagum_gini":  # dagum_many's total is gini_many of the same rows
            return {"total": _resample.gini_many(ys, m)}
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "gini":
            eff = m if ws is None else m * ws
            valid = (eff.sum(axis=1) > 0) & (eff @ ys > 0)
            return {"gini": np.where(valid, _resample.gini_many(ys, eff), np.nan)}
        if name == "theil":
            q = np.ones_like(ys) if ws is None else ws
            r = _resample.theil_many(ys, q, m, cs, k, opts["index"])
            scale = _BASES[opts["base"]]
            out = {key: v / scale for key, v in r.items()}
            if cs is not None:
                out["between_pct"] = np.where(
                    r["total"] > 0, r["between"] / r["total"] * 100.0, np.nan
                )
            return out
        r = _resample.dagum_many(ys, m, plan)
        t = r["total"]
        out = dict(r)
        for key in ("within", "between_net", "transvariation"):
            out[f"{key}_pct"] = np.where(t > 0, r[key] / t * 100.0, np.nan)
        return out
