"""End-to-end timing of `geohra report` on a county panel (issue 12, deliverable 2).

A synthetic but realistic panel: every county of ``load_boundaries("china-counties")``
(2,848) x 20 years x 6 indicators in two subsystems, plus a population column; values are
seeded lognormal with a smooth east-west / north-south trend, a province effect, a unit
effect and a year trend, written as one long CSV keyed by adcode. The config uses the
province of each county as the region (31 groups), 999 permutations, 999 bootstrap
resamples and the default maps.

Each run is a fresh process (cold: imports, boundaries, analysis, all files) in a new output
folder; wall time and the child's peak resident memory (``os.wait4`` rusage) are recorded.

Run:  python benchmarks/bench_county_report.py [--runs 3] [--province 330000] [--keep DIR]
Writes benchmarks/results/county_report.md (full panel only). Targets: < 40 s, < 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
YEARS = range(2003, 2023)
INDICATORS = {  # name: (subsystem, direction, log-mean, log-sd)
    "beds_per_1000": ("resources", "positive", 1.5, 0.35),
    "doctors_per_1000": ("resources", "positive", 0.8, 0.40),
    "nurses_per_1000": ("resources", "positive", 0.9, 0.45),
    "visits_per_capita": ("services", "positive", 1.2, 0.40),
    "bed_occupancy": ("services", "positive", 4.3, 0.15),
    "travel_minutes": ("services", "negative", 3.2, 0.30),
}


def write_panel(folder: Path, province: str | None = None) -> Path:
    """Write panel.csv and report.toml into ``folder``; return the config path."""
    import geohra

    counties = geohra.load_boundaries("china-counties")
    if province:
        counties = counties[counties["province_adcode"] == province]
    rng = np.random.default_rng(12)
    pts = counties.geometry.representative_point()
    lon = ((pts.x - 110) / 10).to_numpy()
    lat = ((pts.y - 33) / 8).to_numpy()
    provs = counties["province_adcode"].to_numpy()
    prov_effect = {p: rng.normal(0, 0.15) for p in np.unique(provs)}
    n, t = len(counties), len(YEARS)
    frame = {
        "adcode": np.repeat(counties.index.to_numpy(), t),
        "year": np.tile(np.array(YEARS), n),
    }
    pop = rng.lognormal(12.5, 0.8, n)
    frame["population"] = np.round(np.repeat(pop, t) * np.tile(1.005 ** np.arange(t), n)).astype(
        np.int64
    )
    trend = 0.25 * lon - 0.1 * lat + np.array([prov_effect[p] for p in provs])
    for name, (_, direction, mu, sd) in INDICATORS.items():
        sign = -1.0 if direction == "negative" else 1.0
        unit_effect = trend * sign + rng.normal(0, sd, n)
        growth = 0.02 * sign * np.arange(t)
        logv = mu + unit_effect[:, None] + growth[None, :] + rng.normal(0, sd / 4, (n, t))
        frame[name] = np.round(np.exp(logv).ravel(), 3)
    pd.DataFrame(frame).to_csv(folder / "panel.csv", index=False)
    indicators = "\n".join(
        f'{name} = {{ direction = "{d}", subsystem = "{s}" }}'
        for name, (s, d, _, _) in INDICATORS.items()
    )
    config = f"""title = "County health resources (synthetic benchmark panel)"
lang = "en"

[data]
path = "panel.csv"
unit = "adcode"

[boundaries]
source = "china-counties"

[indicators]
{indicators}

[analysis]
region = "province_zh"
population = "population"
coupling = ["resources", "services"]
permutations = 999
n_resamples = 999
seed = 2024
"""
    path = folder / "report.toml"
    path.write_text(config, encoding="utf-8")
    return path


def run_once(config: Path, out: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `geohra report` in a fresh process."""
    cmd = [sys.executable, "-m", "geohra.cli", "report", str(config), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if status != 0:
        raise SystemExit(f"geohra report failed (status {status}):\n{err[-4000:]}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--province", help="only this province's counties (a quick check)")
    ap.add_argument("--keep", help="write the panel, config and outputs here instead of a temp dir")
    ap.add_argument("--label", default="", help="a note for the results row (e.g. the commit)")
    args = ap.parse_args()
    # GEOHRA_CACHE_DIR=off: every run simplifies the county layer for its web map anew (the
    # on-disk geometry cache would make runs after the first faster): cold means cold
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "GEOHRA_CACHE_DIR": "off"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        config = write_panel(folder, args.province)
        runs = [run_once(config, folder / f"out{i}", env) for i in range(args.runs)]
        n_csv = len(list((folder / "out0" / "tables").glob("*.csv")))
        xlsx = (folder / "out0" / "report.xlsx").stat().st_size / 1e6
    walls, peaks = [r[0] for r in runs], [r[1] for r in runs]
    row = (
        f"| {time.strftime('%Y-%m-%d %H:%M')} | {args.label} | {statistics.median(walls):.1f} | "
        f"{', '.join(f'{w:.1f}' for w in walls)} | {max(peaks):,.0f} | {n_csv} | {xlsx:.1f} |"
    )
    print(row)
    if args.province:
        return
    out = HERE / "results" / "county_report.md"
    if not out.exists():
        out.write_text(
            "# geohra report on 2,848 counties x 20 years\n\n"
            "`python benchmarks/bench_county_report.py`: synthetic panel (6 indicators in two "
            "subsystems, population, province as region), 999 permutations, 999 bootstrap "
            "resamples, default maps; each run a fresh `geohra report` process on the 2-core "
            "reference machine (shared). Targets: < 40 s cold, < 1,536 MB peak RSS.\n\n"
            "| date (UTC) | version | median (s) | runs (s) | peak RSS (MB) | CSV tables | "
            "report.xlsx (MB) |\n|---|---|---|---|---|---|---|\n",
            encoding="utf-8",
        )
    with out.open("a", encoding="utf-8") as f:
        f.write(row + "\n")


if __name__ == "__main__":
    main()
