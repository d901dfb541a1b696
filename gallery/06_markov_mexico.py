"""Markov transitions of Mexican state income per capita 1940-2000 (libpysal's long panel)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from geohra._gallery._common import save

import geohra


def make(out: Path) -> list[Path]:
    import matplotlib.pyplot as plt
    from libpysal import examples

    wide = pd.read_csv(examples.get_path("mexico.csv")).set_index("State")
    years = [c for c in wide.columns if c.startswith("pcgdp")]
    long = wide[years].stack().rename("gdp_pc").reset_index()
    long["year"] = long["level_1"].str[5:].astype(int)
    long = long.drop(columns="level_1").set_index("State")
    mk = geohra.markov(long, "gdp_pc", time="year", classes=[0.7, 0.9, 1.1], relative=True)
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    p = mk.probabilities
    im = ax.imshow(p.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1)
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            ax.text(j, i, f"{p.iat[i, j]:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(p.shape[1]), [str(c) for c in p.columns], rotation=30)
    ax.set_yticks(range(p.shape[0]), [str(c) for c in p.index])
    ax.set_title("Transition probabilities (classes: % of yearly mean)")
    fig.colorbar(im, ax=ax, shrink=0.8)
    return [save(fig, out, "06_markov")]


if __name__ == "__main__":
    make(Path("."))
