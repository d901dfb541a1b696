"""`geohra report` on a county panel end to end (one province's counties, cities as regions),
and the identities the report's fast paths rely on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.cli import main


def test_dagum_total_interval_is_the_stratified_gini_interval():
    """The report bootstraps the Dagum total as "gini" stratified by the regions: the same
    resamples, so the same interval as the full Dagum bootstrap's total."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"v": rng.lognormal(0, 0.5, 300), "g": rng.integers(0, 12, 300).astype(str)},
        index=[f"u{i:03d}" for i in range(300)],
    )
    full = geohra.bootstrap_ci("dagum_gini", frame, "v", by="g", n_resamples=199, rng=7)
    fast = geohra.bootstrap_ci("gini", frame, "v", by="g", n_resamples=199, rng=7)
    np.testing.assert_allclose(
        fast.distribution["gini"], full.distribution["total"], rtol=0, atol=1e-15
    )
    for part in ("lower", "upper", "std_error"):
        assert getattr(fast, part)["gini"] == pytest.approx(getattr(full, part)["total"], abs=1e-15)
    assert fast.estimate["gini"] == pytest.approx(full.estimate["total"], abs=1e-15)


@pytest.fixture(scope="module")
def county_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    counties = geohra.load_boundaries("china-counties")
    zj = counties[counties["province_adcode"] == "330000"]
    rng = np.random.default_rng(5)
    years = (2018, 2019, 2020)
    n = len(zj)
    x = zj.geometry.representative_point().x.to_numpy()
    rows = {
        "adcode": np.repeat(zj.index.to_numpy(), len(years)),
        "year": np.tile(years, n),
        "pop": np.repeat(rng.lognormal(12, 0.6, n).round(), len(years)),
    }
    for name in ("beds", "doctors", "visits"):
        base = np.exp(0.2 * (x - 120) + rng.normal(0, 0.3, n))
        rows[name] = (np.repeat(base, len(years)) * rng.lognormal(0, 0.05, n * 3)).round(4)
    pd.DataFrame(rows).to_csv(folder / "panel.csv", index=False)
    (folder / "report.toml").write_text(
        'lang = "en"\n[data]\npath = "panel.csv"\nunit = "adcode"\n'
        '[boundaries]\nsource = "china-counties"\n'
        "[indicators]\n"
        'beds = { direction = "positive", subsystem = "resources" }\n'
        'doctors = { direction = "positive", subsystem = "resources" }\n'
        'visits = { direction = "positive", subsystem = "services" }\n'
        '[analysis]\nregion = "city_zh"\npopulation = "pop"\n'
        "permutations = 99\nn_resamples = 99\nseed = 11\n",
        encoding="utf-8",
    )
    out = folder / "out"
    assert main(["report", str(folder / "report.toml"), "--out", str(out)]) == 0
    return folder, out, zj


def test_county_report_runs_with_cities_as_regions(county_report):
    folder, out, zj = county_report
    for name in ("report.html", "report.xlsx", "report.docx"):
        assert (out / name).stat().st_size > 0
    data = pd.read_csv(out / "tables" / "panel_data.csv", dtype={"adcode": str})
    assert data["adcode"].nunique() == len(zj) == 90
    assert set(data["year"]) == {2018, 2019, 2020}


def test_county_report_dagum_interval_matches_the_dagum_bootstrap(county_report):
    """The bootstrap table's Dagum rows equal bootstrap_ci("dagum_gini") on the same year."""
    folder, out, zj = county_report
    boot = pd.read_csv(out / "tables" / "panel_bootstrap.csv")
    dagum = pd.read_csv(out / "tables" / "panel_dagum.csv").set_index("year")
    index = pd.read_csv(out / "tables" / "panel_data.csv", dtype={"adcode": str})
    col = next(c for c in index.columns if "index" in c.lower())
    rows = boot[boot["statistic"].str.contains("Dagum")].set_index("year")
    assert len(rows) == 3
    part = index[index["year"] == 2020].set_index("adcode")
    part["region"] = zj.loc[part.index, "city_zh"]
    ref = geohra.bootstrap_ci("dagum_gini", part, col, by="region", n_resamples=99, rng=11)
    assert rows.loc[2020, "lower"] == pytest.approx(ref.lower["total"], abs=1e-12)
    assert rows.loc[2020, "upper"] == pytest.approx(ref.upper["total"], abs=1e-12)
    assert rows.loc[2020, "estimate"] == dagum.loc[2020, "total"]


def test_county_report_word_file_names_wide_tables(county_report):
    """55 city pairs are too wide for a Word table: the document names the CSV."""
    from docx import Document

    folder, out, zj = county_report
    text = "\n".join(p.text for p in Document(str(out / "report.docx")).paragraphs)
    between = pd.read_csv(out / "tables" / "panel_dagum_between.csv")
    assert between.shape[1] > 40
    assert "tables/panel_dagum_between.csv only (too wide for the document)" in text
