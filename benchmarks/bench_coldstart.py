"""Benchmark: cold-start cost of a LISA in a fresh Python process.

esda's local statistics compile numba code on their first call in every new process;
geohra's ``local_moran`` uses vectorised NumPy instead. Each measurement below runs in a
FRESH subprocess (nothing cached in memory), medians of several runs:

(a) ``import geohra`` + load the 31 provinces and a real indicator (hospital beds per
    10,000 population, 2013, ``geohra.load_demo("health-2013")``) + ``geohra.local_moran``
    (queen weights, 999 conditional permutations);
(b) the same data and weights with ``esda.Moran_Local`` (999 permutations), cold;
(c) ``python -c "import geohra"``; (d) ``geohra --help``;
(e) as (a) but with ``graph=geohra.spatial_weights(g)`` (a libpysal Graph): the cost the
    libpysal-free default weights (``geohra.spatial.weights._LiteGraph``) save a user in every
    fresh process (the CLI, the QGIS worker, a script).

Run: ``python benchmarks/bench_coldstart.py`` (about 2 minutes: (b) pays the numba
compilation every run). Prints a table and writes ``benchmarks/results/coldstart.md``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 3
RUNS_LIGHT = 5
OUT = Path(__file__).parent / "results" / "coldstart.md"
BIN = Path(sys.executable).parent

_SETUP = """
import json, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import geohra
g = geohra.load_boundaries("china-provinces")
demo = geohra.load_demo("health-2013").set_index("adcode")
g["beds"] = demo["beds_health_care_institutions_per_10k_pop"]
t_data = time.perf_counter() - t0
"""

GEOHRA = (
    _SETUP
    + """
t1 = time.perf_counter()
res = geohra.local_moran(g, "beds", permutations=999, rng=0)
t_stat = time.perf_counter() - t1
print(json.dumps({"data": t_data, "stat": t_stat,
                  "hh": int((res.cluster == "High-High").sum())}))
"""
)

GEOHRA_LIBPYSAL = (
    _SETUP
    + """
t1 = time.perf_counter()
w = geohra.spatial_weights(g)  # a libpysal Graph: imports libpysal
res = geohra.local_moran(g, "beds", graph=w, permutations=999, rng=0)
t_stat = time.perf_counter() - t1
print(json.dumps({"data": t_data, "stat": t_stat,
                  "hh": int((res.cluster == "High-High").sum())}))
"""
)

ESDA = (
    _SETUP
    + """
t1 = time.perf_counter()
w = geohra.spatial_weights(g)  # the same queen weights geohra builds by default
import esda
res = esda.Moran_Local(g["beds"].to_numpy(), w, transformation="r", permutations=999,
                       seed=0)
t_stat = time.perf_counter() - t1
print(json.dumps({"data": t_data, "stat": t_stat, "hh": int(((res.q == 1) & (res.p_sim < 0.05)).sum())}))
"""
)


def run(cmd: list[str]) -> tuple[float, dict | None]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return wall, (json.loads(last) if last.startswith("{") else None)


def measure(cmd: list[str], runs: int) -> dict:
    walls, stats = [], []
    for _ in range(runs):
        wall, info = run(cmd)
        walls.append(wall)
        if info:
            stats.append(info["stat"])
    return {
        "wall": statistics.median(walls),
        "walls": walls,
        "stat": statistics.median(stats) if stats else None,
    }


def main() -> None:
    py = sys.executable
    cases = [
        ("(a) geohra.local_moran, fresh process", [py, "-c", GEOHRA], RUNS),
        ("(b) esda.Moran_Local, fresh process", [py, "-c", ESDA], RUNS),
        ("(c) python -c 'import geohra'", [py, "-c", "import geohra"], RUNS_LIGHT),
        ("(d) geohra --help", [str(BIN / "geohra"), "--help"], RUNS_LIGHT),
        (
            "(e) geohra.local_moran with a libpysal Graph, fresh process",
            [py, "-c", GEOHRA_LIBPYSAL],
            RUNS,
        ),
    ]
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else None
    if only:
        cases = [c for c in cases if c[0][1] in only]
    results = {}
    for name, cmd, runs in cases:
        results[name] = r = measure(cmd, runs)
        stat = f"; statistic call {r['stat']:.2f} s" if r["stat"] is not None else ""
        print(
            f"{name:45s} median {r['wall']:6.2f} s (runs: "
            f"{', '.join(f'{w:.2f}' for w in r['walls'])}){stat}",
            flush=True,
        )
    a = results.get("(a) geohra.local_moran, fresh process")
    b = results.get("(b) esda.Moran_Local, fresh process")
    e = results.get("(e) geohra.local_moran with a libpysal Graph, fresh process")
    lines = [
        "# Cold start: LISA on the 31 provinces in a fresh process",
        "",
        f"Python {sys.version.split()[0]}; each run a fresh subprocess; medians of {RUNS} runs "
        f"((a), (b)) and {RUNS_LIGHT} runs ((c), (d)); wall time including interpreter start. "
        "Data: hospital beds per 10,000 population, 2013 (load_demo('health-2013')), queen "
        "contiguity (Hainan linked to Guangdong), 999 permutations. 2-core machine shared "
        "with other jobs. 'Statistic call alone' times, in both cases, building the queen "
        "weights and the statistic: geohra builds its default weights without importing "
        "libpysal; for esda this includes importing libpysal (~1.2 s) and esda and the numba "
        "compilation of its conditional randomisation.",
        "",
        "| case | median wall (s) | runs (s) | statistic call alone (s) |",
        "|---|---:|---|---:|",
    ]
    for name, r in results.items():
        stat = f"{r['stat']:.3f}" if r["stat"] is not None else ""
        lines.append(
            f"| {name} | {r['wall']:.2f} | {', '.join(f'{w:.2f}' for w in r['walls'])} | {stat} |"
        )
    lines.append("")
    if a and b:
        lines.append(
            f"Whole process: esda / geohra = {b['wall'] / a['wall']:.1f}x; the statistic call "
            f"alone: {b['stat'] / a['stat']:.0f}x."
        )
    if a and e:
        lines.append(
            f"Default (libpysal-free) weights vs a libpysal Graph in a fresh process: "
            f"{e['wall']:.2f} s / {a['wall']:.2f} s = {e['wall'] / a['wall']:.1f}x whole process, "
            f"statistic call with weights {e['stat']:.2f} s vs {a['stat']:.2f} s."
        )
    lines.append("")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out = OUT if not only else OUT.with_name(f"coldstart_{'_'.join(only)}.md")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-2:]))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
