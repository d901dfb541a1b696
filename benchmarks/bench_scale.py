"""Benchmark: every analysis step at county and township scale, and side-by-side ratios.

Three parts, one run (medians of a few repeats, time.perf_counter):

1. Growth: synthetic units on a random Voronoi tessellation (``shapely.voronoi_polygons``
   of uniform points over 100-120 E, 25-40 N) at several sizes up to 40,000 units,
   20 years of synthetic values. Each step is timed at each size and the table gives
   the growth exponent b of t ∝ n^b between the two largest sizes (1 = linear).
2. The county layer (``geohra.load_boundaries("china-counties")``, 2,848 units) with
   20 years of synthetic values: the same steps, maps with the China context, and the
   per-year loops the report runs (Moran and LISA with 999 permutations for 20 years).
3. Ratios against the reference packages at 3,000 and 30,000 Voronoi units, run
   alternately with geohra so background load hits both sides alike: esda (Moran,
   Moran_Local warm, i.e. after numba compiled), mapclassify (FisherJenks) and
   inequality (Gini, TheilD, Gini_Spatial at 3,000 only: it takes seconds).

Run: ``python benchmarks/bench_scale.py`` (several minutes; ``--quick`` for a smoke run
with small sizes). Writes ``benchmarks/results/scale.md``. Not a test; CI does not run it.
"""

from __future__ import annotations

import math
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from bench_inequality import median_time  # one timing helper for the benchmarks

import geohra

OUT = Path(__file__).parent / "results" / "scale.md"
YEARS = list(range(2001, 2021))
SIZES = (3_000, 10_000, 40_000)
RATIO_SIZES = (3_000, 30_000)
QUICK = "--quick" in sys.argv
if QUICK:
    SIZES, RATIO_SIZES, YEARS = (500, 2_000), (500, 2_000), YEARS[:5]
    OUT = OUT.with_name("scale-quick.md")


def paired(fn_ours, fn_other, repeats: int) -> tuple[float, float]:
    """Medians of alternating runs, so background load hits both sides alike (25 runs
    when both take under 20 ms: one load spike would otherwise decide the median)."""
    if max(median_time(fn_ours, 1), median_time(fn_other, 1)) < 0.02:
        repeats = max(repeats, 25)
    ours, other = [], []
    for _ in range(repeats):
        for fn, acc in ((fn_ours, ours), (fn_other, other)):
            t = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(other)


# ----------------------------------------------------------------------------- data


def voronoi_layer(n: int, seed: int = 0):
    """n random Voronoi cells clipped to a lon/lat box, indexed "v000000".."."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    pts = np.column_stack([rng.uniform(100, 120, n), rng.uniform(25, 40, n)])
    frame = shapely.box(100, 25, 120, 40)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    cells = shapely.intersection(np.asarray(cells.geoms), frame)
    # voronoi_polygons returns cells in its own order: match each cell to its point
    tree = shapely.STRtree(cells)
    hit = tree.query(shapely.points(pts), predicate="within")
    order = np.empty(n, dtype=np.intp)
    order[hit[0]] = hit[1]
    x = pts[:, 0]
    return gpd.GeoDataFrame(
        {"region": np.select([x < 106.7, x < 113.3], ["west", "centre"], "east")},
        geometry=cells[order],
        index=pd.Index([f"v{i:06d}" for i in range(n)], name="adcode"),
        crs="EPSG:4326",
    )


def with_values(layer, seed: int = 1):
    """A long panel (unit x year): a smooth spatial pattern plus noise, growing over time,
    and a population per unit."""
    rng = np.random.default_rng(seed)
    c = layer.geometry.representative_point()
    pattern = np.sin(c.x.to_numpy() / 2.0) + np.cos(c.y.to_numpy() / 3.0)
    n = len(layer)
    frames = []
    for t, year in enumerate(YEARS):
        value = np.exp(0.3 * pattern + rng.normal(0, 0.4, n)) * (1 + 0.03 * t)
        frames.append(pd.DataFrame({"adcode": layer.index, "year": year, "value": value}))
    long = pd.concat(frames, ignore_index=True)
    pop = pd.Series(rng.integers(50_000, 1_500_000, n).astype(float), index=layer.index)
    one = layer.assign(value=long.loc[long["year"] == YEARS[-1], "value"].to_numpy(), pop=pop)
    return one, long


# ----------------------------------------------------------------------------- steps


def steps(one, long, graph, *, maps: bool) -> list[tuple[str, object]]:
    """(name, zero-argument callable) for every step; ``one`` is the last year."""
    from geohra.maps import _prepared, static, web

    gen = np.random.default_rng(0)  # a Generator: no reuse of draws between calls
    y = one["value"]
    region = one["region"]
    out = [
        ("spatial weights (queen)", lambda: geohra.spatial_weights(one, kind="queen")),
        ("Moran's I, 999 perms", lambda: geohra.moran(y, graph=graph, rng=gen)),
        ("LISA, 999 perms", lambda: geohra.local_moran(y, graph=graph, rng=gen)),
        (
            "spatial Gini, 999 perms",
            lambda: geohra.spatial_gini(y, graph=graph, rng=gen),
        ),
        ("Gini", lambda: geohra.gini(y)),
        ("Theil T by region", lambda: geohra.theil(y, by=region)),
        ("Dagum by region", lambda: geohra.dagum_gini(y, by=region)),
        (
            "bootstrap Dagum, 999",
            lambda: geohra.bootstrap_ci("dagum_gini", y, by=region, n_resamples=999, rng=gen),
        ),
        (
            f"natural breaks k=5, {len(YEARS)} years pooled",
            lambda: geohra.classify(long["value"], scheme="fisher_jenks", k=5),
        ),
        (f"KDE, {len(YEARS)} years", lambda: geohra.kde(long, "value", time="year")),
        (
            f"Markov, {len(YEARS)} years",
            lambda: geohra.markov(long, "value", unit="adcode", classes=5),
        ),
        (
            f"spatial Markov, {len(YEARS)} years",
            lambda: geohra.markov(
                long,
                "value",
                unit="adcode",
                classes=5,
                graph=graph,
            ),
        ),
    ]
    if maps:
        import matplotlib.pyplot as plt

        def static_map():
            fig = static.choropleth(one, "value")
            fig.savefig(Path("/tmp") / "geohra-bench-map.png", dpi=100)
            plt.close(fig)

        def web_map():
            m = web.web_map(one, "value")
            m.get_root().render()

        def first(fn):
            def run():
                _prepared.clear()
                fn()

            return run

        out += [
            ("static map + PNG, first", first(static_map)),
            ("static map + PNG, again", static_map),
            ("web map + HTML, first", first(web_map)),
            ("web map + HTML, again", web_map),
        ]
    return out


def growth(sizes, repeats: int = 3) -> tuple[list[str], dict]:
    """Every step at every size, round robin (step by step, size by size, repeated), so
    that changing background load hits all sizes alike; medians per step and size."""
    prepared = {}
    for n in sizes:
        t0 = time.perf_counter()
        one, long = with_values(voronoi_layer(n))
        graph = geohra.spatial_weights(one, kind="queen")
        prepared[n] = steps(one, long, graph, maps=True)
        print(f"n={n:,}: data ready in {time.perf_counter() - t0:.1f} s", flush=True)
    names = [name for name, _ in prepared[sizes[0]]]
    runs: dict[str, dict[int, list[float]]] = {name: {n: [] for n in sizes} for name in names}
    for rep in range(repeats):
        for i, name in enumerate(names):
            for n in sizes:
                fn = prepared[n][i][1]
                t = median_time(fn, 1)
                if t < 0.05:  # fast steps: a median of several calls per round
                    t = median_time(fn, 9)
                runs[name][n].append(t)
            print(f"  [{rep + 1}/{repeats}] {name}: {[round(runs[name][n][-1], 3) for n in sizes]}")
    times = {name: {n: statistics.median(runs[name][n]) for n in sizes} for name in names}
    return names, times


def county_run() -> list[tuple[str, float]]:
    counties = geohra.load_boundaries("china-counties")
    provinces = geohra.load_boundaries("china-provinces")
    counties["region"] = provinces["region3"].reindex(counties["province_adcode"]).to_numpy()
    one, long = with_values(counties[["region", "geometry"]])
    graph = geohra.spatial_weights(one, kind="queen", islands="nearest")
    rows = []
    for name, fn in steps(one, long, graph, maps=True):
        reps = 1 if ", first" in name else 3
        rows.append((name, median_time(fn, reps)))
        print(f"  county {name}: {rows[-1][1]:.3f} s", flush=True)

    def per_year(func):
        def run():
            for year in YEARS:
                part = long.loc[long["year"] == year].set_index("adcode")["value"]
                func(part, graph=graph, rng=2024)  # one int seed, as the report passes

        return run

    rows.append(
        (f"Moran 999 x {len(YEARS)} years (int seed)", median_time(per_year(geohra.moran), 1))
    )
    rows.append(
        (
            f"LISA 999 x {len(YEARS)} years (int seed: draws reused)",
            median_time(per_year(geohra.local_moran), 1),
        )
    )
    print(rows[-2:], flush=True)
    return rows


def ratios(sizes) -> list[tuple[str, str, float, float]]:
    rows = []
    for n in sizes:
        rows += _ratios_at(n)
    # the Dagum decomposition against the plain O(n²) formula (bench_inequality's baseline)
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_inequality import dagum_quadratic

    rng = np.random.default_rng(3)
    yd = rng.lognormal(1.0, 0.6, 3_000)
    gd = rng.integers(0, 8, 3_000)
    t_ours, t_other = paired(
        lambda: geohra.dagum_gini(yd, by=gd), lambda: dagum_quadratic(yd, gd), 7
    )
    rows.append(("Dagum, n=3,000, 8 groups (public call)", "plain O(n²) NumPy", t_ours, t_other))
    return rows


def _ratios_at(n: int) -> list[tuple[str, str, float, float]]:
    import esda
    import mapclassify
    from inequality.gini import Gini, Gini_Spatial
    from inequality.theil import TheilD

    rows = []
    one, _ = with_values(voronoi_layer(n, seed=7))
    graph = geohra.spatial_weights(one, kind="queen")
    w = graph.to_W() if hasattr(graph, "to_W") else graph
    w.transform = "r"
    y = one["value"]
    yv = y.to_numpy()
    codes = pd.factorize(one["region"], sort=True)[0]
    esda.Moran_Local(yv, w, permutations=99, seed=0, n_jobs=1)  # numba compiles here
    gen = np.random.default_rng(0)
    reps = 5 if n <= 3_000 else 3
    cases = [
        (
            "Moran's I, 999 perms",
            "esda.Moran",
            lambda: geohra.moran(y, graph=graph, rng=gen),
            lambda: esda.Moran(yv, w, permutations=999),
        ),
        (
            "LISA, 999 perms",
            "esda.Moran_Local (warm, n_jobs=1)",
            lambda: geohra.local_moran(y, graph=graph, rng=gen),
            lambda: esda.Moran_Local(yv, w, permutations=999, n_jobs=1),
        ),
        (
            "natural breaks k=5",
            "mapclassify.FisherJenks",
            lambda: geohra.classify(y, scheme="fisher_jenks", k=5),
            lambda: mapclassify.FisherJenks(yv, k=5),
        ),
        ("Gini", "inequality.gini.Gini", lambda: geohra.gini(yv), lambda: Gini(yv)),
        (
            "Theil T, 3 groups",
            "inequality.theil.TheilD",
            lambda: geohra.theil(yv, by=codes),
            lambda: TheilD(yv, codes),
        ),
    ]
    for name, other, ours, theirs in cases:
        r = 1 if (name.startswith("natural") and n > 3_000) else reps
        t_ours, t_other = paired(ours, theirs, r)
        rows.append((f"{name}, n={n:,}", other, t_ours, t_other))
        print(rows[-1], flush=True)
    if n <= 3_000:
        t_ours = median_time(lambda: geohra.spatial_gini(y, graph=graph, rng=gen), 3)
        from libpysal.weights import WSP

        w_int = WSP(w.sparse).to_W(silence_warnings=True)  # Gini_Spatial indexes by id
        t_other = median_time(lambda: Gini_Spatial(yv, w_int, permutations=999), 1)
        rows.append(
            (
                f"spatial Gini, 999 perms, n={n:,}",
                "inequality Gini_Spatial (1 run)",
                t_ours,
                t_other,
            )
        )
    return rows


def fmt(t: float) -> str:
    return f"{t:.2g}" if t < 0.01 else f"{t:.3f}" if t < 10 else f"{t:.1f}"


def main() -> None:
    warnings.simplefilter("ignore")
    import matplotlib

    matplotlib.use("Agg")
    started = time.perf_counter()
    names, times = growth(SIZES)
    county = [] if QUICK else county_run()
    ratio_rows = ratios(RATIO_SIZES)

    lines = [
        "# Scale benchmark: counties and townships",
        "",
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {platform.machine()}; "
        "2-core machine shared with other jobs, so absolute times are noisy. Growth: medians "
        "of 3 round-robin runs (each step at every size in turn); counties: medians of 3 "
        "(maps' 'first' runs, which start from an empty geometry cache: 1 run). "
        f"Whole run: {time.perf_counter() - started:.0f} s.",
        "",
        f"## Growth on random Voronoi units ({len(YEARS)} years of synthetic values)",
        "",
        "Per-year steps on the last year; panel steps on all years. b: growth exponent of "
        f"time ∝ n^b between {SIZES[-2]:,} and {SIZES[-1]:,} units (1 = linear).",
        "",
        "| step | " + " | ".join(f"{n:,} (s)" for n in SIZES) + " | b |",
        "|---|" + "---:|" * (len(SIZES) + 1),
    ]
    for name in names:
        t = times[name]
        a, b = SIZES[-2], SIZES[-1]
        exp = math.log(t[b] / t[a]) / math.log(b / a) if t[a] > 0 and t[b] > 0 else math.nan
        lines.append(f"| {name} | " + " | ".join(fmt(t[n]) for n in SIZES) + f" | {exp:.2f} |")
    if county:
        lines += [
            "",
            f"## Counties (2,848 units, real boundaries, {len(YEARS)} years of synthetic values)",
            "",
            "| step | time (s) |",
            "|---|---:|",
            *[f"| {name} | {fmt(t)} |" for name, t in county],
        ]
    lines += [
        "",
        "## Side by side (alternating runs, medians)",
        "",
        "| case | compared with | geohra (s) | other (s) | speed-up |",
        "|---|---|---:|---:|---:|",
        *[
            f"| {case} | {other} | {fmt(a)} | {fmt(b)} | {b / a:,.1f}× |"
            for case, other, a, b in ratio_rows
        ],
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
