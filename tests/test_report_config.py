"""Report config validation: every bad key or value gets an error naming it and the allowed values."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import pytest

from geohra.report import ConfigError, load_config, parse_config


def _cfg(**over):
    raw = {
        "title": "t",
        "data": {"builtin": "health-2013"},
        "indicators": {"beds_health_care_institutions_per_10k_pop": "positive"},
    }
    for k, v in over.items():
        raw[k] = v
    return raw


def test_minimal_config_defaults():
    cfg = parse_config(_cfg())
    assert cfg.builtin == "health-2013"
    assert cfg.columns == ["beds_health_care_institutions_per_10k_pop"]
    assert cfg.scheme == "fisher_jenks" and cfg.k == 5 and cfg.region == "region3"
    assert cfg.negative == ()


def test_indicator_tables_directions_and_subsystems():
    cfg = parse_config(
        _cfg(
            indicators={
                "a": {"direction": "positive", "subsystem": "pop"},
                "b": {"direction": "negative", "subsystem": "area"},
                "c": "negative",
            },
            analysis={"coupling": ["pop", "area"]},
        )
    )
    assert cfg.negative == ("b", "c")
    assert cfg.subsystems() == {"pop": ["a"], "area": ["b"]}
    assert cfg.coupling == ("pop", "area")


@pytest.mark.parametrize(
    "raw, match",
    [
        ({"title": "x", "indicators": {"a": "positive"}}, r"\[data\] table is required"),
        (_cfg(colour="red"), r"unknown key\(s\) \['colour'\] in the top level"),
        (
            _cfg(analysis={"schem": "quantiles"}),
            r"unknown key\(s\) \['schem'\] in \[analysis\].*allowed keys",
        ),
        (
            _cfg(analysis={"scheme": "jenks"}),
            r"scheme = 'jenks' is not allowed; use one of \['fisher_jenks'",
        ),
        (_cfg(analysis={"k": 1}), r"\[analysis\].k must be an integer >= 2; got 1"),
        (_cfg(analysis={"k": "5"}), r"\[analysis\].k must be an integer"),
        (
            _cfg(indicators={"a": "up"}),
            r"\[indicators\].a.direction = 'up' is not allowed; use one of \['positive', 'negative'\]",
        ),
        (_cfg(indicators={}), r"\[indicators\] table is required"),
        (_cfg(data={"builtin": "nope"}), r"\[data\].builtin = 'nope' is not allowed"),
        (_cfg(data={}), r"exactly one of path"),
        (_cfg(lang="fr"), r"lang = 'fr' is not allowed; use one of \['en', 'zh', 'auto'\]"),
        (_cfg(analysis={"coupling": ["x", "y"]}), r"coupling names subsystem\(s\) \['x', 'y'\]"),
        (_cfg(analysis={"map_years": "2013"}), r"map_years must be a list of years"),
        (_cfg(analysis={"scheme": "user_defined"}), r"needs bins"),
        (_cfg(analysis={"per_capita": ["zzz"]}), r"per_capita must list indicators"),
    ],
)
def test_bad_config_names_key_and_allowed_values(raw, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(raw)


def test_missing_data_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"file\(s\) not found: .*nothere.csv"):
        parse_config(_cfg(data={"path": "nothere.csv"}), base=tmp_path)


def test_load_config_from_toml(tmp_path):
    (tmp_path / "panel.csv").write_text("province,year,x\nBeijing,2020,1\n", encoding="utf-8")
    p = tmp_path / "study.toml"
    p.write_text(
        textwrap.dedent(
            """
            title = "Study"
            [data]
            path = "panel.csv"
            unit = "province"
            [indicators]
            x = "positive"
            [analysis]
            map_years = [2020]
            """
        ),
        encoding="utf-8",
    )
    cfg = load_config(p)
    assert cfg.paths == (tmp_path / "panel.csv",)
    assert cfg.map_years == (2020,)
    assert cfg.unit == "province"


def test_invalid_toml_says_so(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("title = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(p)


# ----------------------------------------------------------------------------- strict types
@pytest.mark.parametrize(
    "raw, match",
    [
        (
            _cfg(analysis={"pooled": "false"}),
            r"\[analysis\]\.pooled must be true or false \(a TOML boolean\); got 'false' \(a string\)",
        ),
        (
            _cfg(analysis={"significance": "5%"}),
            r"\[analysis\]\.significance must be a number between 0 and 1.*got '5%' \(a string\)",
        ),
        (
            _cfg(analysis={"significance": 5}),
            r"\[analysis\]\.significance must be a number between 0 and 1",
        ),
        (
            _cfg(analysis={"permutations": 99.0}),
            r"\[analysis\]\.permutations must be an integer >= 1; got 99.0 \(a number\)",
        ),
        (
            # LISA p-values need permutations: 0 used to pass the config and stop the report
            _cfg(analysis={"permutations": 0}),
            r"\[analysis\]\.permutations must be an integer >= 1; got 0",
        ),
        (
            _cfg(theil={"base": "10"}),
            r"\[theil\]\.base = '10' is not allowed; use one of \['e', 10, 2\]",
        ),
        (_cfg(theil={"population_weighted": True}), r"needs \[analysis\]\.population"),
        (
            _cfg(maps={"breaks": "yearly"}),
            r"\[maps\]\.breaks = 'yearly' is not allowed; use one of \['shared', 'per_year'\]",
        ),
        (
            _cfg(maps={"k": 4, "class_names": ["低", "高"]}),
            r"class_names has 2 names but the maps have 4 classes",
        ),
        (_cfg(kde={"years": [2011, "2020"]}), r"\[kde\]\.years must be a list of years"),
        (_cfg(maps={"target": "D"}), r"\[maps\]\.target = \"D\" needs \[analysis\]\.coupling"),
        (
            _cfg(dagum={"target": "U:x"}),
            r"\[dagum\]\.target = 'U:x' is not allowed; use one of \['index', 'D'\]",
        ),
        (_cfg(rates={"r": {"total": "a"}}), r"\[rates\]\.r needs population"),
        (
            _cfg(rates={"r": {"total": "a", "population": "p", "per": "1000"}}),
            r"\[rates\]\.r\.per must be a number",
        ),
        (
            _cfg(data={"builtin": "health-2013", "nan_policy": "drop"}),
            r"\[data\]\.nan_policy = 'drop' is not allowed; use one of \['raise', 'omit'\]",
        ),
        (_cfg(obstacle={"by": ["region"]}), r"\[obstacle\]\.by = 'region' is not allowed"),
        (_cfg(labels={"x": 1}), r"\[labels\]\.x must be a non-empty string"),
    ],
)
def test_config_types_are_checked_strictly(raw, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(raw)


def test_targets_and_section_options():
    cfg = parse_config(
        _cfg(
            indicators={"a": {"subsystem": "s1"}, "b": {"subsystem": "s2", "label": "B"}},
            analysis={"coupling": ["s1", "s2"], "population": "pop", "target": "D"},
            theil={"population_weighted": True, "base": 10, "pairs": True, "target": "index"},
            kde={"years": [2011, 2020], "target": "U:s1"},
            maps={"breaks": "per_year", "k": 3, "class_names": ["低", "中", "高"], "columns": 3},
        )
    )
    assert cfg.target_for("theil") == "index" and cfg.target_for("dagum") == "D"
    assert cfg.target_for("kde") == "U:s1" and cfg.target_for("map") == "D"
    assert cfg.theil_base == 10 and cfg.theil_population and cfg.theil_pairs
    assert cfg.kde_years == (2011, 2020) and cfg.map_breaks == "per_year" and cfg.map_columns == 3
    assert cfg.indicators[1].label == "B"


def test_data_paths_are_relative_to_the_config_and_globs_expand(tmp_path, monkeypatch):
    folder = tmp_path / "study"
    (folder / "exports").mkdir(parents=True)
    for name in ("b.csv", "a.csv", "notes.txt"):
        (folder / "exports" / name).write_text(
            "province,year,x\nBeijing,2020,1\n", encoding="utf-8"
        )
    (folder / "study.toml").write_text(
        '[data]\npath = ["exports/*.csv"]\n[indicators]\nx = "positive"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)  # the config is read from another folder
    cfg = load_config("study/study.toml")
    assert [p.resolve() for p in cfg.paths] == [
        folder / "exports" / "a.csv",
        folder / "exports" / "b.csv",
    ]
    assert cfg.source == folder / "study.toml"
    (folder / "own.toml").write_text(
        '[data]\npath = "exports/a.csv"\n[boundaries]\nsource = "maps/counties.gpkg"\nid_col = "code"\n'
        '[indicators]\nx = "positive"\n',
        encoding="utf-8",
    )
    own = load_config("study/own.toml").boundaries
    assert Path(own).resolve() == folder / "maps" / "counties.gpkg"
    assert load_config("study/study.toml").boundaries == "china-provinces"
    (folder / "none.toml").write_text(
        '[data]\npath = "data/*.xlsx"\n[indicators]\nx = "positive"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"pattern 'data/\*\.xlsx' matches no file"):
        load_config(folder / "none.toml")


# ----------------------------------------------------------------------------- data preparation
def _nbs_1998(**over):
    raw = {
        "lang": "en",
        "data": {"builtin": "nbs-1998-1999"},
        "indicators": {"doctors_per_1000": "positive"},
        "rates": {
            "doctors_per_1000": {
                "total": "doctors",
                "population": "population_yearend",
                "per": 1000,
            }
        },
        "analysis": {"population": "population_yearend"},
    }
    raw.update(over)
    return raw


def test_missing_value_error_names_unit_and_year():
    """Xinjiang's 1998 doctors are missing in the statistics bureau's table."""
    import geohra
    from geohra.report.prepare import prepare

    boundaries = geohra.load_boundaries()
    with pytest.raises(
        ConfigError,
        match=r"1 missing value\(s\): Xinjiang 1998: doctors_per_1000.*nan_policy = \"omit\"",
    ):
        prepare(parse_config(_nbs_1998()), boundaries)
    zh = _nbs_1998(lang="zh")
    with pytest.raises(ConfigError, match=r"新疆 1998: doctors_per_1000"):
        prepare(parse_config(zh), boundaries)
    zh["data"] = {"builtin": "nbs-1998-1999", "nan_policy": "omit"}
    prep = prepare(parse_config(zh), boundaries)
    assert prep.omitted == [("新疆", 1998, "doctors_per_1000")]
    assert "650000" not in set(prep.data["adcode"]) and prep.data["adcode"].nunique() == 30
    # the maps still show the left-out unit, as "No data" (no hole in the country)
    from geohra.report.pipeline import PanelContext

    assert set(prep.left_out["adcode"]) == {"650000"}
    ctx = PanelContext(
        "panel",
        "t",
        prep.data,
        parse_config(zh),
        Path("."),
        None,
        unit=prep.unit,
        left_out=prep.left_out,
    )
    one = ctx.with_left_out(ctx.cross_section(1999), years=1999)
    assert len(one) == 31 and "650000" in one.index
    assert one.loc["650000"].drop(["geometry"]).filter(like="per_1000").isna().all()
    assert one.loc["650000", "geometry"] is not None
    long = ctx.with_left_out(prep.data)
    assert long["adcode"].nunique() == 31 and len(long) == 62


def test_rates_from_totals_and_a_warning_for_totals():
    import geohra
    from geohra.report.prepare import TotalIndicatorWarning, prepare

    boundaries = geohra.load_boundaries()
    raw = _nbs_1998(data={"builtin": "nbs-1998-1999", "nan_policy": "omit"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", TotalIndicatorWarning)
        prep = prepare(parse_config(raw), boundaries)
    demo = geohra.load_demo("nbs-1998-1999")
    row = demo[(demo["adcode"] == "110000") & (demo["year"] == 1999)].iloc[0]
    got = prep.data.loc[
        (prep.data["adcode"] == "110000") & (prep.data["year"] == 1999), "doctors_per_1000"
    ]
    assert got.item() == pytest.approx(row["doctors"] / row["population_yearend"] * 1000)
    raw["indicators"] = {"doctors": "positive"}  # a total (unit '10,000 persons') in the index
    with pytest.warns(
        TotalIndicatorWarning, match=r"'doctors' \(unit '10,000 persons'\) looks like a total"
    ):
        prep = prepare(parse_config(raw), boundaries)
    assert prep.totals == [("doctors", "10,000 persons")]


def test_region8_is_attached_to_the_panel():
    import geohra
    from geohra.report.prepare import prepare

    table = geohra.province_table()
    counts = table["region8"].value_counts().to_dict()
    assert counts == {
        "Northeast": 3,
        "Northern Coast": 4,
        "Eastern Coast": 3,
        "Southern Coast": 3,
        "Middle Yellow River": 4,
        "Middle Yangtze River": 4,
        "Southwest": 5,
        "Northwest": 5,
    }
    assert table.loc[["150000", "450000", "540000"], "region8"].tolist() == [
        "Middle Yellow River",
        "Southwest",
        "Northwest",
    ]
    assert table.loc[["710000", "810000", "820000"], "region8"].isna().all()
    prep = prepare(parse_config(_cfg(analysis={"region": "region8"})), geohra.load_boundaries())
    assert prep.data.groupby("region8")["adcode"].nunique().sum() == 31
    with pytest.raises(
        ConfigError,
        match=r"region = 'region9' is neither a column of the boundaries nor a built-in scheme",
    ):
        prepare(parse_config(_cfg(analysis={"region": "region9"})), geohra.load_boundaries())


def test_county_panel_matches_county_boundaries(tmp_path):
    """One province's districts, named as the statistics yearbook prints them."""
    import geohra
    from geohra.report.prepare import prepare

    counties = geohra.load_boundaries("china-counties")
    bj = counties[counties["province_adcode"] == "110000"]
    # names, except the two that other provinces share (朝阳区, 通州区): those by adcode
    shared = counties["name_zh"].duplicated(keep=False)
    ids = [code if shared[code] else name for code, name in bj["name_zh"].items()]
    rows = [
        f"{u},{year},{3 + i * 0.1 + (year - 2019) * 0.2:.2f}"
        for i, u in enumerate(ids)
        for year in (2019, 2020)
    ]
    (tmp_path / "bj.csv").write_text(
        "区县,年份,每千人口床位数\n" + "\n".join(rows) + "\n", encoding="gbk"
    )
    raw = {
        "lang": "zh",
        "data": {"path": "bj.csv", "unit": "区县"},
        "boundaries": {"source": "china-counties"},
        "indicators": {"每千人口床位数": "positive"},
        "analysis": {"region": "region4"},
    }
    prep = prepare(parse_config(raw, base=tmp_path), counties)
    assert prep.data["adcode"].nunique() == len(bj) == 16
    assert set(prep.data["region4"]) == {"East"} and prep.label_col == "name_zh"


# ----------------------------------------------------------------------------- documents
def test_big_tables_go_to_csv_only(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    from geohra.report.document import MAX_SHEET_ROWS, Report, Table

    report = Report("t", lang="en")
    sec = report.section("s")
    big = pd.DataFrame({"unit": range(MAX_SHEET_ROWS + 1), "value": 0.5})
    sec.items.append(Table("big", "Per-unit values", big.set_index("unit")))
    sec.items.append(Table("small", "Summary", pd.DataFrame({"value": [0.123456, 12.5]})))
    report.write(tmp_path)
    assert len(pd.read_csv(tmp_path / "tables" / "big.csv")) == MAX_SHEET_ROWS + 1
    wb = load_workbook(tmp_path / "report.xlsx")
    assert wb["Table 1"].max_row < 5 and "tables/big.csv only" in wb["Table 1"]["A3"].value
    assert [c.number_format for c in wb["Table 2"]["A"][3:5]] == ["#,##0.00", "#,##0.00"]


def test_report_never_overwrites_an_input_file(tmp_path):
    """A data file called report.xlsx in the output folder is refused, even with --force."""
    import pandas as pd

    from geohra.cli import main

    pd.DataFrame({"province": ["北京", "天津"], "year": [2020, 2020], "x": [1.0, 2.0]}).to_excel(
        tmp_path / "report.xlsx", index=False
    )
    (tmp_path / "c.toml").write_text(
        '[data]\npath = "report.xlsx"\n[indicators]\nx = "positive"\n', encoding="utf-8"
    )
    before = (tmp_path / "report.xlsx").read_bytes()
    assert main(["report", str(tmp_path / "c.toml"), "--out", str(tmp_path), "--force"]) == 2
    assert (tmp_path / "report.xlsx").read_bytes() == before


def test_map_source_note_reaches_every_map():
    """Passed as source_note= to map functions that take it, drawn under the figure otherwise."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geohra.report.pipeline import PanelContext, map_kwargs, note_on_figure

    cfg = parse_config(_cfg(lang="zh", maps={"source_note": "审图号：GS(2019)1822号"}))
    ctx = PanelContext("p", "t", None, cfg, None, None)

    def with_note(gdf, column, *, lang="auto", source_note=None):
        return None

    def without_note(gdf, column, *, lang="auto"):
        return None

    assert map_kwargs(with_note, ctx) == {"lang": "zh", "source_note": "审图号：GS(2019)1822号"}
    assert map_kwargs(without_note, ctx) == {"lang": "zh"}
    fig = plt.figure()
    note_on_figure(fig, ctx, with_note)
    assert not fig.texts  # the map function draws it
    note_on_figure(fig, ctx, without_note)
    assert [t.get_text() for t in fig.texts] == ["审图号：GS(2019)1822号"]
    plt.close(fig)
    plain = PanelContext("p", "t", None, parse_config(_cfg()), None, None)
    assert map_kwargs(with_note, plain) == {"lang": "en"}


# ----------------------------------------------------------------------------- [convergence]
def _conv(**keys):
    return _cfg(convergence=keys)


@pytest.mark.parametrize(
    "raw, match",
    [
        (_cfg(convergence="yes"), r"\[convergence\] must be a TOML table.*got 'yes' \(a string\)"),
        (_conv(sigmas=["cv"]), r"unknown key\(s\) \['sigmas'\] in \[convergence\]"),
        (
            _conv(sigma=["cv", "variance"]),
            r"\[convergence\]\.sigma = 'variance' is not allowed; use one of "
            r"\['cv', 'sd_log', 'gini', 'theil'\]",
        ),
        (_conv(sigma=["cv", "cv"]), r"\[convergence\]\.sigma names a value twice"),
        (
            _conv(sigma=[1]),
            r"\[convergence\]\.sigma must be a list of zero or more strings; got \[1\] \(a list\)",
        ),
        (
            _conv(beta="relative"),
            r"\[convergence\]\.beta = 'relative' is not allowed; use one of "
            r"\['absolute', 'conditional', 'none'\]",
        ),
        (_conv(beta=True), r"\[convergence\]\.beta = True is not allowed"),
        (_conv(beta="conditional"), r"beta = \"conditional\" needs controls = \[\"<column>\""),
        (_conv(controls=["x"]), r"controls are used only with beta = \"conditional\"; got beta"),
        (
            _conv(beta="conditional", controls={"x": 1}),
            r"\[convergence\]\.controls must be a list of zero or more strings; got \{'x': 1\} "
            r"\(a table\)",
        ),
        (_conv(beta="conditional", controls=["x", "x"]), r"controls names a column twice"),
        (
            _conv(spatial=["sar"]),
            r"\[convergence\]\.spatial = 'sar' is not allowed; use one of "
            r"\['lag', 'error', 'durbin'\]",
        ),
        (
            _conv(spatial=["lag"], beta="none"),
            r"\[convergence\]\.spatial needs beta = \"absolute\"",
        ),
        (
            _conv(spatial=["error"], effects="time"),
            r"effects = 'time' is not available for the spatial models \['error'\]; "
            r"use one of \['twoway', 'unit'\]",
        ),
        (_conv(effects="fixed"), r"\[convergence\]\.effects = 'fixed' is not allowed"),
        (_conv(cov_type="hc3"), r"\[convergence\]\.cov_type = 'hc3' is not allowed"),
        (_conv(impact_draws=1), r"impact_draws must be 0 .* or an integer >= 2; got 1"),
        (
            _conv(impact_draws=100.0),
            r"\[convergence\]\.impact_draws must be an integer >= 0; got 100.0 \(a number\)",
        ),
        (_conv(sigma=[], beta="none"), r"\[convergence\] asks for nothing"),
        (_conv(target="D"), r"\[convergence\]\.target = \"D\" needs \[analysis\]\.coupling"),
        (_conv(target="U:x"), r"\[convergence\]\.target = 'U:x' is not allowed"),
    ],
)
def test_convergence_config_is_checked_strictly(raw, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(raw)


def test_convergence_config_defaults_and_options():
    assert parse_config(_cfg()).convergence is None  # no table: no section
    cfg = parse_config(_conv())
    conv = cfg.convergence
    assert conv.sigma == ("cv", "gini", "theil") and conv.beta == "absolute"
    assert conv.spatial == () and conv.effects == "twoway" and conv.cov_type == "cluster"
    assert cfg.target_for("convergence") == "index"
    cfg = parse_config(
        _cfg(
            indicators={"a": {"subsystem": "s1"}, "b": {"subsystem": "s2"}},
            analysis={"coupling": ["s1", "s2"]},
            convergence={
                "target": "U:s1",
                "sigma": ["sd_log"],
                "beta": "conditional",
                "controls": ["pop"],
                "spatial": ["durbin", "lag"],
                "effects": "unit",
                "impact_draws": 0,
            },
        )
    )
    conv = cfg.convergence
    assert cfg.target_for("convergence") == "U:s1" and cfg.target_for("theil") == "index"
    assert conv.controls == ("pop",) and conv.spatial == ("durbin", "lag")
    assert conv.effects == "unit" and conv.impact_draws == 0 and conv.sigma == ("sd_log",)


def test_convergence_controls_are_read_and_checked_like_indicators():
    """Controls must be data columns, and their missing values meet nan_policy (naming them)."""
    import geohra
    from geohra.report.prepare import prepare

    boundaries = geohra.load_boundaries()
    conv = {"beta": "conditional", "controls": ["hospital_beds"]}
    with pytest.raises(
        ConfigError,
        match=r"\[convergence\]\.controls \['hospital_beds'\] are not columns of the data; "
        r"data columns: \[.*'beds_hospitals'",
    ):
        prepare(parse_config(_nbs_1998(convergence=conv)), boundaries)
    # Xinjiang's 1998 health personnel are missing: the control is checked with the indicators
    conv["controls"] = ["health_personnel_total"]
    with pytest.raises(
        ConfigError,
        match=r"2 missing value\(s\): Xinjiang 1998: doctors_per_1000; "
        r"Xinjiang 1998: health_personnel_total",
    ):
        prepare(parse_config(_nbs_1998(convergence=conv)), boundaries)
    raw = _nbs_1998(convergence=conv, data={"builtin": "nbs-1998-1999", "nan_policy": "omit"})
    prep = prepare(parse_config(raw), boundaries)
    assert prep.data["health_personnel_total"].notna().all()
    assert ("Xinjiang", 1998, "health_personnel_total") in prep.omitted


# ----------------------------------------------------------------------------- formula variants
_SUBS = {"a": {"subsystem": "s1"}, "b": {"subsystem": "s2"}}


@pytest.mark.parametrize(
    "raw, match",
    [
        (
            _cfg(index={"normalize": "min-max"}),
            r"\[index\]\.normalize = 'min-max' is not allowed; use one of \['minmax', "
            r"'shifted_minmax', 'proportion', 'zscore', 'vector', 'max'\]\. "
            r'Did you mean normalize = "minmax"\?',
        ),
        (
            _cfg(index={"normalize": "Z-Score", "shift": 3}),
            r'\[index\]\.normalize = .* Did you mean normalize = "zscore"\?',
        ),
        (_cfg(index={"score": "index"}), r"\[index\]\.score = 'index' is not allowed"),
        (
            _cfg(index={"low": 0.01}),
            r'\[index\]\.low applies to normalize = "shifted_minmax" only.*got normalize = '
            r"'minmax'\. Remove low or set normalize = \"shifted_minmax\"",
        ),
        (
            _cfg(index={"normalize": "shifted_minmax", "low": 1}),
            r"\[index\]\.low must be a finite number >= 0 and < 1; got 1",
        ),
        (_cfg(index={"ddof": 0}), r'\[index\]\.ddof applies to normalize = "zscore" only'),
        (_cfg(index={"high": 0.99}), r'\[index\]\.high applies to normalize = "shifted_minmax"'),
        (
            _cfg(index={"normalize": "shifted_minmax", "high": 1.5}),
            r"\[index\]\.high must be a number <= 1; got 1\.5",
        ),
        (
            _cfg(index={"normalize": "shifted_minmax", "low": 0.5, "high": 0.5}),
            r"\[index\]\.low must be below \[index\]\.high \(0 <= low < high <= 1\); got low = "
            r"0\.5, high = 0\.5",
        ),
        (
            _cfg(index={"normalize": "zscore", "shift": 3, "score": "shifted", "ddof": 2}),
            r"\[index\]\.ddof = 2 is not allowed; use one of \[0, 1\]",
        ),
        (_cfg(index={"shift": -0.01}), r"\[index\]\.shift must be a finite number >= 0"),
        (_cfg(index={"shift": "0.01"}), r"\[index\]\.shift must be a finite number .*a string"),
        (_cfg(index={"scale": 0}), r"\[index\]\.scale must be a finite number > 0; got 0"),
        (_cfg(index={"scale": float("inf")}), r"\[index\]\.scale must be a finite number > 0"),
        (_cfg(index={"normalize": "zscore"}), r'normalize = "zscore" needs \[index\]\.shift > 0'),
        (
            _cfg(index={"normalize": "zscore", "shift": 3}),
            r'"zscore" with score = "normalized" gives negative index values.*score = "shifted"',
        ),
        (_cfg(index={"score": "shifted"}), r'\[index\]\.score = "shifted" scores z \+ shift'),
        (
            _cfg(indicators={"a": "positive", "b": "negative"}, index={"normalize": "proportion"}),
            r"\[index\]\.normalize = 'proportion' has no reversed form for the negative "
            r"indicators \['b'\]",
        ),
        (
            _cfg(indicators={"a": "positive", "b": "negative"}, index={"score": "raw"}),
            r'\[index\]\.score = "raw" adds raw values, so the negative indicators \[\'b\'\]',
        ),
        (_cfg(index={"normalise": "minmax"}), r"unknown key\(s\) \['normalise'\] in \[index\]"),
        (_cfg(index="minmax"), r"\[index\] must be a TOML table"),
        (
            _cfg(indicators=_SUBS, analysis={"coupling": ["s1", "s2"], "coupling_method": "Power"}),
            r"\[analysis\]\.coupling_method = \'Power\' is not allowed.*Did you mean "
            r'coupling_method = "power"\?',
        ),
        (
            _cfg(indicators=_SUBS, analysis={"coupling": ["s1", "s2"], "coupling_method": "power"}),
            r'coupling_method = "power" needs coupling_k',
        ),
        (
            _cfg(indicators=_SUBS, analysis={"coupling": ["s1", "s2"], "coupling_k": 2}),
            r'\[analysis\]\.coupling_k applies to coupling_method = "power" only; got '
            r"coupling_method = 'revised'",
        ),
        (
            _cfg(analysis={"coupling_method": "power", "coupling_k": 0}),
            r"\[analysis\]\.coupling_k must be a finite number > 0; got 0",
        ),
        (
            _cfg(kde={"kernel": "Epanechnikov"}),
            r"\[kde\]\.kernel = 'Epanechnikov' is not allowed; use one of \['gaussian', "
            r"'epanechnikov', 'biweight', 'triangular', 'uniform'\]\. Did you mean kernel = "
            r'"epanechnikov"\?',
        ),
        (
            _cfg(kde={"kernel_scale": "support"}),
            r'\[kde\]\.kernel_scale = "support" applies to the compact kernels',
        ),
        (
            _cfg(kde={"kernel": "biweight", "kernel_scale": "half-width"}),
            r"\[kde\]\.kernel_scale = 'half-width' is not allowed; use one of \['sd', 'support'\]",
        ),
        (
            _cfg(kde={"bandwidth": "silvermann"}),
            r"\[kde\]\.bandwidth = 'silvermann' is not allowed; use one of \['silverman', .*"
            r'Did you mean bandwidth = "silverman"\?',
        ),
        (
            _cfg(kde={"bandwidth": -0.5}),
            r"\[kde\]\.bandwidth must be a rule name \['silverman'.* or a positive number",
        ),
        (_cfg(kde={"bandwidth": True}), r"\[kde\]\.bandwidth must be a rule name"),
        (
            _cfg(moran={"lisa_scale": "n - 1"}),
            r"\[moran\]\.lisa_scale = 'n - 1' is not allowed; use one of \['n-1', 'n'\]\. "
            r'Did you mean lisa_scale = "n-1"\?',
        ),
        (
            _cfg(moran={"islands": "drop"}),
            r"\[moran\]\.islands = 'drop' is not allowed; use one of \['include', 'exclude'\]",
        ),
        (_cfg(moran={"scale": "n"}), r"unknown key\(s\) \['scale'\] in \[moran\]"),
        (
            _cfg(maps={"label_style": "ArcGIS"}),
            r"\[maps\]\.label_style = 'ArcGIS' is not allowed; use one of \['range', 'interval', "
            r"'arcgis', 'arcgis_tilde'\]\. Did you mean label_style = \"arcgis\"\?",
        ),
    ],
)
def test_variant_keys_are_checked_strictly(raw, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(raw)


def test_variant_keys_default_to_the_library_defaults():
    from geohra.report._config_variants import IndexOptions

    cfg = parse_config(_cfg())
    assert cfg.index == IndexOptions() and cfg.index.scale == 100
    assert cfg.index.kwargs() == {"normalize": "minmax", "score": "normalized", "shift": 0.0}
    assert (cfg.coupling_method, cfg.coupling_k) == ("revised", None)
    assert (cfg.kde_kernel, cfg.kde_kernel_scale, cfg.kde_bandwidth) == (
        "gaussian",
        "sd",
        "silverman",
    )
    assert cfg.lisa_scale is None and cfg.lisa_islands is None and cfg.label_style is None


def test_variant_keys_are_read():
    cfg = parse_config(
        _cfg(
            indicators=_SUBS,
            analysis={"coupling": ["s1", "s2"], "coupling_method": "power", "coupling_k": 0.5},
            index={
                "normalize": "shifted_minmax",
                "low": 0.02,
                "high": 0.98,
                "scale": 1,
                "shift": 0.0001,
            },
            kde={"kernel": "triangular", "kernel_scale": "support", "bandwidth": 0.8},
            moran={"lisa_scale": "n", "islands": "exclude"},
            maps={"label_style": "interval"},
        )
    )
    assert cfg.index.kwargs() == {
        "normalize": "shifted_minmax",
        "score": "normalized",
        "shift": 0.0001,
        "low": 0.02,
        "high": 0.98,
    }
    assert cfg.index.scale == 1 and cfg.coupling_k == 0.5
    assert (cfg.kde_kernel, cfg.kde_kernel_scale, cfg.kde_bandwidth) == (
        "triangular",
        "support",
        0.8,
    )
    assert (cfg.lisa_scale, cfg.lisa_islands, cfg.label_style) == ("n", "exclude", "interval")
    z = parse_config(_cfg(index={"normalize": "zscore", "shift": 3, "ddof": 0, "score": "shifted"}))
    assert z.index.kwargs() == {"normalize": "zscore", "score": "shifted", "shift": 3.0, "ddof": 0}
    assert parse_config(_cfg(kde={"bandwidth": "sj_dpi"})).kde_bandwidth == "sj_dpi"
