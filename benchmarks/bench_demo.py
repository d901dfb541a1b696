"""End-to-end timing of `geohra demo` (cold: a fresh process each run, a new output folder).

Run:  python benchmarks/bench_demo.py [--runs 3]
Prints the median and writes benchmarks/results/demo.md. The issue's target is under 30 s
on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    demo, imp, helps = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            demo.append(
                _time([sys.executable, "-m", "geohra.cli", "demo", "--out", f"{tmp}/run{i}"])
            )
            imp.append(_time([sys.executable, "-c", "import geohra"]))
            helps.append(_time([sys.executable, "-m", "geohra.cli", "--help"]))
    rows = [
        ("geohra demo (cold, full report)", demo, 30.0),
        ("python -c 'import geohra'", imp, 1.5),
        ("geohra --help", helps, 1.0),
    ]
    lines = [
        "| command | median (s) | runs (s) | target (s) |",
        "|---|---|---|---|",
    ]
    for name, xs, target in rows:
        lines.append(
            f"| {name} | {statistics.median(xs):.2f} | {', '.join(f'{x:.2f}' for x in xs)} | < {target:g} |"
        )
    table = "\n".join(lines)
    print(table)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "demo.md").write_text(
        f"# geohra demo timing\n\n{time.strftime('%Y-%m-%d')}, {args.runs} runs each, fresh processes.\n\n{table}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
