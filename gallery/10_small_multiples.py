"""Small multiples on shared breaks: GP share of physicians, 2012 vs 2017."""

from __future__ import annotations

from pathlib import Path

from geohra._gallery._common import provinces_with, save

from geohra.maps import static


def make(out: Path) -> list[Path]:
    gdf = provinces_with("gp-2012-2017")
    fig = static.small_multiples(
        gdf,
        "gp_share_of_practising_assistant_physicians_pct",
        time="year",
        years=[2012, 2017],
        title="GP share of practising (assistant) physicians, %",
        lang="en",
    )
    return [save(fig, out, "10_small_multiples")]


if __name__ == "__main__":
    make(Path("."))
