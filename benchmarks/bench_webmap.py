"""Benchmark: the first county web map in a fresh process, before vs after.

Before: geohra at ``--baseline REF`` (default 226d4e9, the main this work started from),
extracted with ``git archive`` into a temporary folder and imported from there:
``shapely.coverage_simplify`` (GEOS, Visvalingam-Whyatt) on the whole layer, and the
geometry written into every layer of the page. After: this checkout: each border that
two units share simplified once (Douglas-Peucker) and the rings rebuilt from the
simplified borders (``geohra/maps/_coverage.py``), and the geometry written once per
page for all its layers.

Each run is a fresh ``python`` process that loads the layer, then times
``web_map(...)`` (the map call: imports folium on first use, prepares the geometry,
builds the layers) and ``m.get_root().render()`` (the HTML), then a second map of the
same layer (warm: the prepared geometry is reused) and a map after
``_prepared.clear()`` (warm process, geometry prepared again). "Cold" is the parent's wall
clock for the whole process: interpreter start, imports, loading, map and HTML. Before
and after runs alternate, so background load hits both alike; the tables give medians.

Layers:

- ``counties``: ``load_boundaries("china-counties")`` (2,848 units, 4.2 M vertices), one
  map of one indicator;
- ``counties, 2 years + LISA``: what ``geohra report`` draws (a long panel, two years,
  each with its LISA layer: four GeoJSON layers);
- ``counties from a GeoPackage``: the same polygons as a user's file, read with
  ``load_boundaries(path, id_col="adcode")`` (no built-in shortcut);
- ``40,000 Voronoi units``: ``bench_scale.voronoi_layer(40_000)`` (straight borders,
  ~280,000 vertices: auto-simplified too).

Run: ``python benchmarks/bench_webmap.py [--runs N] [--baseline REF]`` (default 5 runs;
several minutes). Writes ``benchmarks/results/webmap.md``. Not a test; CI does not run it.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "results" / "webmap.md"
BASELINE = "226d4e9"  # main before the shared-border simplification

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path[:0] = [{repo!r}, {bench!r}]
import numpy as np
import geohra
from geohra.maps import _prepared
assert geohra.__file__.startswith({repo!r}), geohra.__file__
case, path = {case!r}, {path!r}
if case == "voronoi":
    from bench_scale import voronoi_layer
    layer = voronoi_layer(40_000)
elif case == "gpkg":
    layer = geohra.load_boundaries(path, id_col="adcode")
else:
    layer = geohra.load_boundaries("china-counties")
rng = np.random.default_rng(0)
if case == "report":
    import pandas as pd
    labels = np.array(["High-High", "Low-Low", "Low-High", "High-Low", "Not significant"])
    frames = [
        layer.assign(year=y, v=rng.random(len(layer)), cluster=labels[rng.integers(0, 5, len(layer))])
        for y in (2001, 2020)
    ]
    data = pd.concat(frames)
    kwargs = dict(time="year", lisa="cluster")
else:
    data = layer.assign(v=rng.random(len(layer)))
    kwargs = {{}}
t1 = time.perf_counter()
from geohra.maps.web import web_map
m = web_map(data, "v", **kwargs)
t2 = time.perf_counter()
html = m.get_root().render()
t3 = time.perf_counter()
m2 = web_map(data, "v", **kwargs)
m2.get_root().render()
t4 = time.perf_counter()
_prepared.clear()
m3 = web_map(data, "v", **kwargs)
m3.get_root().render()
t5 = time.perf_counter()
geoms = next(iter(_prepared._cache.values()))[1]
import shapely
print(json.dumps(dict(
    load=t1 - t0, map=t2 - t1, render=t3 - t2, warm=t4 - t3, recompute=t5 - t4,
    mb=len(html.encode()) / 1e6,
    vertices_in=int(shapely.get_num_coordinates(np.asarray(layer.geometry.array)).sum()),
    vertices_out=int(shapely.get_num_coordinates(np.asarray(geoms, dtype=object)).sum()),
)))
"""

CASES = {
    "counties": "counties (2,848 units), one map",
    "report": "counties, 2 years + LISA (as `geohra report`)",
    "gpkg": "counties from a GeoPackage (user file)",
    "voronoi": "40,000 Voronoi units",
}


def run(source: Path, case: str, path: str, cache: str = "off") -> dict:
    """One fresh process; ``cache``: GEOHRA_CACHE_DIR (the on-disk geometry cache of the
    new code; "off" = the simplification is computed, as on the first map ever)."""
    import os

    code = CHILD.format(repo=str(source), bench=str(HERE), case=case, path=path)
    env = {**os.environ, "GEOHRA_CACHE_DIR": cache}
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    cold = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{source} {case} failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["cold"] = cold
    return out


def check_new_layer() -> str:
    """The new way's county layer is a clean coverage (checked once, outside the timing)."""
    import numpy as np
    import shapely

    import geohra
    from geohra.maps._web_layers import _prepare_geometry

    counties = geohra.load_boundaries("china-counties")
    geoms = np.asarray(_prepare_geometry(counties, None, 5).to_numpy(), dtype=object)
    valid = bool(shapely.is_valid(geoms).all())
    coverage = bool(shapely.coverage_is_valid(geoms))
    union = shapely.union_all(geoms).area
    overlap = abs(shapely.area(geoms).sum() - union) / union
    return (
        f"New county layer: every unit valid: {valid}; `shapely.coverage_is_valid`: {coverage}; "
        f"(sum of areas − area of union) / area of union = {overlap:.1e}."
    )


def baseline_source(ref: str, folder: Path) -> Path:
    """geohra at ``ref`` (``git archive``), unpacked into ``folder``."""
    import io
    import tarfile

    tar = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        try:
            archive.extractall(folder, filter="data")
        except TypeError:  # Python < 3.10.12 / 3.11.4: no extraction filters
            archive.extractall(folder)
    return folder


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    ref = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else BASELINE
    started = time.perf_counter()
    modes = ("old", "new", "new, disk cache")
    results: dict = {(c, m): [] for c in CASES for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        import geohra

        base = baseline_source(ref, Path(tmp) / "baseline")
        sources = {"old": base, "new": REPO, "new, disk cache": REPO}
        warm = str(Path(tmp) / "cache")
        caches = {"old": "off", "new": "off", "new, disk cache": warm}
        path = str(Path(tmp) / "counties.gpkg")
        geohra.load_boundaries("china-counties").reset_index().to_file(path)
        for case in CASES:  # fill the disk cache once (untimed): a layer used before
            run(REPO, case, path, warm)
        for i in range(runs):
            for case in CASES:
                for mode in modes if i % 2 == 0 else modes[::-1]:
                    r = run(sources[mode], case, path, caches[mode])
                    results[case, mode].append(r)
                    print(
                        f"[{i + 1}/{runs}] {case:8s} {mode:15s}: map {r['map']:.2f} s, "
                        f"render {r['render']:.2f} s, cold {r['cold']:.2f} s, {r['mb']:.1f} MB",
                        flush=True,
                    )
    valid = check_new_layer()

    def med(case, mode, key):
        return statistics.median(r[key] for r in results[case, mode])

    lines = [
        "# Web map: first map of a layer in a fresh process, before vs after",
        "",
        f"`python benchmarks/bench_webmap.py --runs {runs}`; Python "
        f"{sys.version.split()[0]}, {platform.machine()}, the shared 2-core machine (other "
        "jobs running: absolute times vary by 2-3×, the ratios less). Medians of "
        f"{runs} fresh processes per version and layer, old and new alternating. Whole run: "
        f"{time.perf_counter() - started:.0f} s.",
        "",
        f"Old: geohra at {ref} (`shapely.coverage_simplify` of the whole layer, geometry "
        "written into every layer). New: this checkout (each shared border simplified "
        "once, `geohra/maps/_coverage.py`; geometry written once per page). "
        "Map: the `web_map(...)` call in a "
        "fresh process after the layer is loaded (includes importing folium). HTML: "
        "`m.get_root().render()`. Cold: the whole process (start, imports, loading, map, "
        "HTML). Warm: a second map of the same layer (prepared geometry reused). "
        'Recompute: a map after `_prepared.clear()` in the warm process. "new" runs with '
        "the on-disk geometry cache off (`GEOHRA_CACHE_DIR=off`: the first map of a layer "
        'ever); "new, disk cache" with a cache filled by one earlier process (any later run '
        "on the same boundaries; its recompute reads the disk cache too).",
        "",
        "| layer | version | map (s) | map + HTML (s) | cold (s) | warm map + HTML (s) | "
        "recompute (s) | HTML (MB) | vertices drawn |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, label in CASES.items():
        for mode in modes:
            first = [r["map"] + r["render"] for r in results[case, mode]]
            lines.append(
                f"| {label} | {mode} | {med(case, mode, 'map'):.2f} | "
                f"{statistics.median(first):.2f} | {med(case, mode, 'cold'):.2f} | "
                f"{med(case, mode, 'warm'):.2f} | {med(case, mode, 'recompute'):.2f} | "
                f"{med(case, mode, 'mb'):.1f} | {int(med(case, mode, 'vertices_out')):,} "
                f"of {int(med(case, mode, 'vertices_in')):,} |"
            )
    lines += [
        "",
        "Ratios (old / new, medians; in brackets old / new with the disk cache):",
        "",
        "| layer | map | map + HTML | cold | recompute |",
        "|---|---:|---:|---:|---:|",
    ]
    for case, label in CASES.items():

        def ratio(key, mode, case=case):
            return med(case, "old", key) / med(case, mode, key)

        def both(key):
            return f"{ratio(key, 'new'):.1f}× ({ratio(key, 'new, disk cache'):.1f}×)"

        first = {
            m: statistics.median(r["map"] + r["render"] for r in results[case, m]) for m in modes
        }
        lines.append(
            f"| {label} | {both('map')} | {first['old'] / first['new']:.1f}× "
            f"({first['old'] / first['new, disk cache']:.1f}×) | {both('cold')} | "
            f"{both('recompute')} |"
        )
    lines += ["", valid]
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
