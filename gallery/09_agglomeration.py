"""Agglomeration degrees: do physicians follow people (PAD) or land (HRAD)? 2018."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from geohra._gallery._common import provinces_with, save

import geohra
from geohra import cross_section


def make(out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    gdf = cross_section(provinces_with("physicians-2018"), 2018)
    agg = geohra.agglomeration(
        gdf, "physicians_total", population="population_10k", area="area_km2"
    ).to_frame()
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.scatter(agg["pad"], agg["hrad"], s=18, color="#b2182b")
    for code, row in agg.iterrows():
        ax.annotate(
            gdf.loc[code, "name_en"],
            (row["pad"], row["hrad"]),
            fontsize=7,
            xytext=(3, 2),
            textcoords="offset points",
        )
    lim = [agg[["pad", "hrad"]].min().min() * 0.8, agg[["pad", "hrad"]].max().max() * 1.2]
    ax.plot(lim, lim, color="grey", lw=0.8, ls="--", label="HRAD = PAD (resources follow people)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("population agglomeration degree (PAD)")
    ax.set_ylabel("physician agglomeration degree (HRAD)")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("Physicians 2018: HRAD vs PAD (log scales)")
    assert np.isfinite(agg[["pad", "hrad"]].to_numpy()).all()
    return [save(fig, out, "09_agglomeration")]


if __name__ == "__main__":
    make(Path("."))
