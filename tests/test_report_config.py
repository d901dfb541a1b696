"""Report config validation: every bad key or value gets an error naming it and the allowed values."""

from __future__ import annotations

import textwrap

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
        (_cfg(analysis={"schem": "quantiles"}), r"unknown key\(s\) \['schem'\] in \[analysis\].*allowed keys"),
        (_cfg(analysis={"scheme": "jenks"}), r"scheme = 'jenks' is not allowed; use one of \['fisher_jenks'"),
        (_cfg(analysis={"k": 1}), r"\[analysis\].k must be an integer >= 2; got 1"),
        (_cfg(analysis={"k": "5"}), r"\[analysis\].k must be an integer"),
        (_cfg(indicators={"a": "up"}), r"\[indicators\].a.direction = 'up' is not allowed; use one of \['positive', 'negative'\]"),
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
