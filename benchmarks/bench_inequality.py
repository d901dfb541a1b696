"""Benchmark of geohra's inequality family against plain / PySAL implementations.

Run:  .venv/bin/python benchmarks/bench_inequality.py
Prints a table of median wall times (time.perf_counter, a few repeats) and the
speed-up ratios, and writes it to benchmarks/results/inequality.md. Not a test.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import geohra
from geohra.inequality.dagum import dagum_core

OUT = Path(__file__).parent / "results" / "inequality.md"


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def paired(fn_ours, fn_other, repeats: int) -> tuple[float, float]:
    """Medians of alternating runs, so background load hits both sides alike."""
    ours, other = [], []
    for _ in range(repeats):
        for fn, acc in ((fn_ours, ours), (fn_other, other)):
            t = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(other)


def _pair_sums(a: np.ndarray, b: np.ndarray, chunk: int = 2000) -> tuple[float, float]:
    """Σ|a_i − b_r| and Σ(a_i − b_r)⁺ over the a×b difference matrix, rows in chunks."""
    absum = pos = 0.0
    for s in range(0, a.size, chunk):
        diff = a[s : s + chunk, None] - b[None, :]
        absum += np.abs(diff).sum()
        pos += np.maximum(diff, 0.0).sum()
    return absum, pos


def dagum_quadratic(y: np.ndarray, g: np.ndarray) -> dict[str, float]:
    """Plain vectorised O(n²) Dagum decomposition, formula by formula: G from the n×n
    difference matrix, G_jj from each group's own, and G_jh, d_jh, p_jh from each pair's
    n_j×n_h matrix (rows in chunks so that n = 30,000 fits in memory)."""
    labels = np.unique(g)
    vals = [y[g == lab] for lab in labels]
    means = np.array([v.mean() for v in vals])
    order = np.argsort(-means)
    vals = [vals[i] for i in order]
    means = means[order]
    n, mu = y.size, y.mean()
    total = _pair_sums(y, y)[0] / (2 * n * n * mu)
    p = np.array([v.size for v in vals]) / n
    s = np.array([v.sum() for v in vals]) / (n * mu)
    within = 0.0
    for j, v in enumerate(vals):
        g_jj = _pair_sums(v, v)[0] / (2 * v.size**2 * means[j])
        within += g_jj * p[j] * s[j]
    net = trans = 0.0
    for j in range(len(vals)):
        for h in range(j + 1, len(vals)):
            absum, d_jh = _pair_sums(vals[j], vals[h])
            _, p_jh = _pair_sums(vals[h], vals[j])
            g_jh = absum / (vals[j].size * vals[h].size * (means[j] + means[h]))
            D = (d_jh - p_jh) / (d_jh + p_jh)
            weight = p[j] * s[h] + p[h] * s[j]
            net += g_jh * weight * D
            trans += g_jh * weight * (1 - D)
    return {"total": total, "within": within, "between_net": net, "transvariation": trans}


def main() -> None:
    rows: list[tuple[str, str, float, float | None, str]] = []
    rng = np.random.default_rng(2024)

    # --- Dagum: O(n log n) vs plain O(n²) -------------------------------------------
    for k in (3, 8):
        for n in (300, 3_000, 30_000):
            y = rng.lognormal(1.0, 0.6, n)
            g = rng.integers(0, k, n)
            fast_rep = 15 if n <= 3_000 else 5
            if n <= 3_000:  # the public call alternating with the baseline as well
                t_fast, _ = paired(
                    lambda y=y, g=g: geohra.dagum_gini(y, by=g),
                    lambda y=y, g=g: dagum_quadratic(y, g),
                    7,
                )
            else:
                t_fast = median_time(lambda y=y, g=g: geohra.dagum_gini(y, by=g), fast_rep)
            if n <= 3_000:
                t_core, t_slow = paired(
                    lambda y=y, g=g, k=k: dagum_core(y, g, k),
                    lambda y=y, g=g: dagum_quadratic(y, g),
                    7,
                )
            else:  # the O(n²) side takes seconds here: one run
                t_core = median_time(lambda y=y, g=g, k=k: dagum_core(y, g, k), fast_rep)
                t_slow = median_time(lambda y=y, g=g: dagum_quadratic(y, g), 1)
            ref = dagum_quadratic(y, g) if n <= 3_000 else None
            if ref is not None:  # the two implementations agree
                res = geohra.dagum_gini(y, by=g)
                assert abs(res.transvariation - ref["transvariation"]) < 1e-9 * max(1, ref["total"])
            rows.append(
                (
                    f"dagum_gini n={n:,} k={k} (public call)",
                    "plain O(n²) NumPy, formula by formula",
                    t_fast,
                    t_slow,
                    "includes input checks and labelled result tables",
                )
            )
            rows.append(
                (
                    f"dagum_gini n={n:,} k={k} (array core)",
                    "plain O(n²) NumPy, formula by formula",
                    t_core,
                    t_slow,
                    "same computation on arrays: the algorithmic ratio",
                )
            )

    # --- fixed cost per call on a small input (31 units as arrays, e.g. one year) ------
    y31 = rng.lognormal(1.0, 0.6, 31)
    g31 = rng.integers(0, 3, 31)
    for label, fn in (
        ("gini", lambda: geohra.gini(y31)),
        ("theil, 3 groups", lambda: geohra.theil(y31, by=g31)),
        ("dagum_gini, 3 groups", lambda: geohra.dagum_gini(y31, by=g31)),
    ):
        fn()
        per_call = median_time(lambda fn=fn: [fn() for _ in range(100)], 7) / 100
        rows.append((f"{label}, n=31 arrays, per call", "target 100 µs", per_call, None, ""))

    # --- gini / theil at n = 300,000 vs PySAL -----------------------------------------
    from inequality.gini import Gini
    from inequality.theil import TheilD

    n = 300_000
    y = rng.lognormal(1.0, 0.6, n)
    g = rng.integers(0, 8, n)
    t_ours, t_ref = paired(lambda: geohra.gini(y), lambda: Gini(y), 9)
    rows.append(("gini n=300,000", "inequality.gini.Gini", t_ours, t_ref, ""))
    t_ours, t_ref = paired(lambda: geohra.theil(y, by=g), lambda: TheilD(y, g), 7)
    rows.append(("theil n=300,000, 8 groups", "inequality.theil.TheilD", t_ours, t_ref, ""))

    # --- spatial Gini at n = 3,025 (55×55 queen lattice), 999 permutations ----------
    from inequality.gini import Gini_Spatial
    from libpysal.weights import lat2W

    w = lat2W(55, 55, rook=False)
    x = rng.lognormal(size=w.n)
    t_ours = median_time(lambda: geohra.spatial_gini(x, weights=w, permutations=999, rng=0), 3)
    np.random.seed(0)
    t_ref = median_time(lambda: Gini_Spatial(x, w, permutations=999), 1)
    rows.append(
        (
            "spatial_gini n=3,025, 999 perms",
            "inequality.gini.Gini_Spatial (1 run)",
            t_ours,
            t_ref,
            "",
        )
    )

    # --- bootstrap of the Dagum decomposition ----------------------------------------
    y = rng.lognormal(1.0, 0.6, 3_000)
    g = rng.integers(0, 8, 3_000)
    t_boot = median_time(
        lambda: geohra.bootstrap_ci("dagum_gini", y, by=g, n_resamples=999, rng=0), 3
    )
    rows.append(("bootstrap_ci dagum n=3,000 k=8, 999 resamples", "—", t_boot, None, "stratified"))

    lines = [
        "# Inequality benchmark",
        "",
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {platform.machine()}, "
        f"median of repeated runs (time.perf_counter); machine shared with other jobs, so "
        "absolute times are noisy, ratios less so.",
        "",
        "| case | compared with | geohra (s) | other (s) | speed-up | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for case, other, t_ours, t_ref, note in rows:
        ratio = f"{t_ref / t_ours:,.1f}×" if t_ref is not None else "—"
        ref_s = f"{t_ref:.4f}" if t_ref is not None else "—"
        ours_s = f"{t_ours:.4f}" if t_ours >= 1e-3 else f"{t_ours * 1e6:.0f} µs"
        lines.append(f"| {case} | {other} | {ours_s} | {ref_s} | {ratio} | {note} |")
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
