"""The formula variants a report config can ask for, end to end on the built-in demo data.

Each variant key must reach geohra's own function: the report's tables are compared with a
direct call of that function with the same variant (and, where the variant changes the
numbers, with the default call, so a key that is silently dropped fails). A config without
the new keys and one that spells out their defaults give byte-identical tables. The method
text and the notes under the tables state the variant in both languages.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.report import parse_config, run_report

sys.path.insert(0, str(Path(__file__).parent))
from test_report_study import check_label, check_prose, html_texts  # noqa: E402

POP = [f"{r}_per_10k_pop" for r in ("health_care_institutions", "health_technical_personnel")]
AREA = [f"{r}_per_10k_km2" for r in ("health_care_institutions", "health_technical_personnel")]
HEALTH = {
    "data": {"builtin": "health-2013"},
    "indicators": {c: {"subsystem": "population"} for c in POP}
    | {c: {"subsystem": "area"} for c in AREA},
    "analysis": {
        "population": "population_10k",
        "coupling": ["population", "area"],
        "permutations": 19,
        "n_resamples": 9,
    },
}
GP = ["gp_registration_rate_pct", "gp_share_of_practising_assistant_physicians_pct"]
GP_PANEL = {
    "data": {"builtin": "gp-2012-2017"},
    "indicators": dict.fromkeys(GP, "positive"),
    "analysis": {"permutations": 19, "n_resamples": 9},
}


# Chinese names of the demo columns and subsystems: a Chinese report shows no English word
ZH_LABELS = {
    POP[0]: "每万人口医疗卫生机构数",
    POP[1]: "每万人口卫生技术人员数",
    AREA[0]: "每万平方公里医疗卫生机构数",
    AREA[1]: "每万平方公里卫生技术人员数",
    "population_10k": "年末常住人口",
    GP[0]: "全科医生注册率",
    GP[1]: "全科医生占执业（助理）医师比例",
}
ZH_SUBSYSTEMS = {"population": "人口维度", "area": "地理维度"}


def _in_chinese(raw: dict) -> dict:
    raw = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    raw["indicators"] = {
        c: {
            **({"subsystem": ZH_SUBSYSTEMS[s["subsystem"]]} if isinstance(s, dict) else {}),
            "label": ZH_LABELS[c],
        }
        for c, s in raw["indicators"].items()
    }
    if "coupling" in raw["analysis"]:
        raw["analysis"]["coupling"] = [ZH_SUBSYSTEMS[s] for s in raw["analysis"]["coupling"]]
    raw["labels"] = ZH_LABELS
    return raw


def check_language(out: Path, lang: str) -> dict:
    """The language checks of test_report_study.check_html on every heading, caption, header,
    row label, sentence and method text; the demo data's own units of measure (English
    descriptions such as "per 10,000 population", printed as the dataset gives them) are
    taken out of the headers first."""
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    texts = html_texts(page)
    units = set()
    for name in ("health-2013", "gp-2012-2017"):
        units |= set(_demo(name).attrs.get("units", {}).values())
    for kind in ("heading", "caption", "header", "row label"):
        assert texts[kind], kind
        for t in texts[kind]:
            for u in units:
                t = t.replace(f"（{u}）", "").replace(f" ({u})", "")
            check_label(t, lang, kind)
    for kind in ("finding", "method"):
        for t in texts[kind]:
            check_prose(t, lang, kind)
    return texts


def _run(raw: dict, out: Path, lang: str = "en") -> Path:
    title = "卫生资源配置" if lang == "zh" else "Health resources"
    raw = {**(_in_chinese(raw) if lang == "zh" else raw), "lang": lang, "title": title}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo data's own data-quality warnings
        run_report(parse_config(raw), out, quiet=True)
    return out


def _table(out: Path, name: str, **kw) -> pd.DataFrame:
    return pd.read_csv(out / "tables" / f"panel_{name}.csv", encoding="utf-8-sig", **kw)


def _demo(name: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geohra.load_demo(name)


def _merge(raw: dict, **sections) -> dict:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for name, values in sections.items():
        out[name] = {**out.get(name, {}), **values}
    return out


# ----------------------------------------------------------------------------- defaults
@pytest.mark.slow
def test_spelled_out_defaults_give_byte_identical_tables(tmp_path):
    """[index], coupling, [kde] defaults spelled out change nothing; [moran] and label_style
    add only their own table / column (the per-unit local Moran, the class labels)."""
    for name, raw in (("health", HEALTH), ("gp", GP_PANEL)):
        plain = _run(raw, tmp_path / f"{name}_plain")
        spelled = _merge(
            raw,
            index={"normalize": "minmax", "score": "normalized", "shift": 0, "scale": 100},
            kde={"kernel": "gaussian", "bandwidth": "silverman"},
            moran={"lisa_scale": "n-1"},
            maps={"label_style": "range"},
        )
        spelled["analysis"]["coupling_method"] = "revised"
        full = _run(spelled, tmp_path / f"{name}_spelled")
        a = sorted(p.name for p in (plain / "tables").glob("*.csv"))
        b = sorted(p.name for p in (full / "tables").glob("*.csv"))
        assert sorted(set(b) - set(a)) == ["panel_lisa_units.csv"] and set(a) <= set(b)
        for f in a:
            if f == "panel_classes.csv":
                continue
            assert (plain / "tables" / f).read_bytes() == (full / "tables" / f).read_bytes(), f
        classes = _table(full, "classes")
        pd.testing.assert_frame_equal(classes.drop(columns="label"), _table(plain, "classes"))


# ----------------------------------------------------------------------------- index, coupling, LISA, labels
@pytest.fixture(scope="module")
def health_variant(tmp_path_factory):
    raw = _merge(
        HEALTH,
        index={"normalize": "shifted_minmax", "low": 0.02, "high": 0.98, "scale": 1},
        moran={"lisa_scale": "n", "islands": "exclude"},
        maps={"label_style": "arcgis_tilde"},
    )
    raw["analysis"].update(coupling_method="power", coupling_k=2)
    root = tmp_path_factory.mktemp("health_variant")
    return {lang: _run(raw, root / lang, lang) for lang in ("en", "zh")}


def test_index_and_coupling_variants_reach_the_library(health_variant):
    out = health_variant["en"]
    data = _table(out, "data", dtype={"adcode": str}).set_index("adcode")
    panel = _demo("health-2013").set_index("adcode").loc[data.index]
    opts = {"normalize": "shifted_minmax", "low": 0.02, "high": 0.98}
    ref = geohra.entropy_weights(panel, POP + AREA, scale=1, **opts)
    weights = _table(out, "entropy_weights", index_col="indicator")
    np.testing.assert_allclose(weights["weight_total"].loc[POP + AREA], ref.weights, rtol=1e-12)
    np.testing.assert_allclose(data["composite_index"], ref.scores, rtol=1e-12)
    default = geohra.entropy_weights(panel, POP + AREA)
    assert not np.allclose(ref.weights, default.weights, rtol=1e-6)  # the variant matters here
    u = {
        s: geohra.entropy_weights(panel, cols, scale=1, **opts).scores
        for s, cols in (("population", POP), ("area", AREA))
    }
    frame = pd.DataFrame(u)
    power = geohra.coupling_coordination(frame, ["population", "area"], method="power", k=2)
    np.testing.assert_allclose(data["coordination_D"], power.to_frame()["D"], rtol=1e-12)
    revised = geohra.coupling_coordination(frame, ["population", "area"])
    assert not np.allclose(power.to_frame()["D"], revised.to_frame()["D"], rtol=1e-6)


def test_lisa_variant_and_label_style_reach_the_library(health_variant):
    from geohra.report.pipeline import flatten_joined

    out = health_variant["en"]
    data = _table(out, "data", dtype={"adcode": str}).set_index("adcode")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        joined, _ = flatten_joined(
            geohra.join(geohra.load_boundaries("china-provinces"), _demo("health-2013"))
        )
        gdf = joined.set_index("adcode").loc[data.index]
        gdf["value"] = data["composite_index"]
        graph = geohra.spatial_weights(gdf, kind="queen", islands="keep")
        kw = dict(graph=graph, permutations=19, significance=0.05, rng=2024)
        ref = geohra.local_moran(gdf, "value", scale="n", islands="exclude", **kw)
        default = geohra.local_moran(gdf, "value", **kw)
        moran = geohra.moran(gdf, "value", graph=graph, permutations=19, rng=2024)
    assert ref.islands == ("460000",)  # Hainan has no land neighbour
    units = _table(out, "lisa_units", dtype={"adcode": str}).set_index("adcode")
    np.testing.assert_allclose(units["local_i"], ref.statistic.loc[units.index], rtol=1e-12)
    np.testing.assert_allclose(units["pvalue"], ref.pvalue.loc[units.index], equal_nan=True)
    assert not np.allclose(units["local_i"], default.statistic.loc[units.index], rtol=1e-6)
    # the global Moran's I uses the same weights (Hainan kept as an island)
    table = _table(out, "moran", index_col="year")
    assert table.loc[2013, "moran_i"] == pytest.approx(moran.statistic, rel=1e-12)
    assert table.loc[2013, "z"] == pytest.approx(moran.z, rel=1e-12)
    classes = _table(out, "classes")
    labels = geohra.classify(data["composite_index"], k=5, label_style="arcgis_tilde").labels
    assert list(classes["label"]) == list(labels) and "~" in labels[0]


@pytest.mark.parametrize(
    "lang, phrases",
    [
        (
            "zh",
            [
                "平移极差标准化（平移量 0.02，z = 0.02 + 0.96×(x - min)/(max - min)",
                "综合指数 = Σ w_j z_ij",
                "幂函数模型 C = {U1U2/[(U1+U2)/2]^2}^k，k = 2",
                "局部莫兰指数 I_i = n z_i Σ_j w_ij z_j / Σ z²",
                "计算局部莫兰指数时不计入均值、方差与样本数",
                "ArcGIS 样式“下限~上限”",
            ],
        ),
        (
            "en",
            [
                "shifted min-max normalisation z = 0.02 + 0.96·(x - min)/(max - min)",
                "index = Σ w_j z_ij",
                "power model C = {U1U2/[(U1+U2)/2]^2}^k with k = 2",
                "local Moran I_i = n z_i Σ_j w_ij z_j / Σ z² (R spdep's default)",
                "in Moran's I and LISA islands are kept without neighbours (spatial lag 0) and "
                "left out of the local Moran's mean, variance and n",
                "ArcGIS style lower~upper",
            ],
        ),
    ],
)
def test_method_texts_and_notes_state_the_variant(health_variant, lang, phrases):
    out = health_variant[lang]
    texts = check_language(out, lang)  # every heading, header, caption, sentence
    methods = " ".join(texts["method"])
    for phrase in phrases:
        assert phrase in methods, phrase
    notes = " ".join(texts["note"])
    power = "幂函数模型" if lang == "zh" else "power: C = {prod U / [(sum U)/n]^n}^k with k = 2"
    shifted = "平移极差标准化（平移量 0.02" if lang == "zh" else "shifted min-max"
    for phrase in (power, shifted, phrases[3]):
        assert phrase in notes, phrase


# ----------------------------------------------------------------------------- normalisations, KDE
@pytest.fixture(scope="module")
def gp_variant(tmp_path_factory):
    raw = _merge(
        GP_PANEL,
        index={"normalize": "zscore", "shift": 3, "ddof": 0, "score": "shifted"},
        kde={"kernel": "epanechnikov", "kernel_scale": "support", "bandwidth": "stata"},
        # islands kept for Moran's I and LISA; the spatial Markov chain still joins them
        moran={"islands": "include"},
    )
    root = tmp_path_factory.mktemp("gp_variant")
    return {lang: _run(raw, root / lang, lang) for lang in ("en", "zh")}


def _gp_reference(out: Path, **options) -> tuple[pd.DataFrame, object]:
    data = _table(out, "data", dtype={"adcode": str})
    panel = (
        _demo("gp-2012-2017")
        .set_index(["adcode", "year"])
        .loc[list(zip(data["adcode"], data["year"], strict=True))]
    )
    panel = panel.reset_index().set_index("adcode")
    ref = geohra.entropy_weights(panel, GP, time="year", pooled=True, **options)
    return data, ref


def test_zscore_index_and_kde_variant_reach_the_library(gp_variant):
    out = gp_variant["en"]
    opts = {"normalize": "zscore", "shift": 3, "ddof": 0, "score": "shifted"}
    data, ref = _gp_reference(out, scale=100, **opts)
    weights = _table(out, "entropy_weights", index_col="indicator")
    np.testing.assert_allclose(weights["weight"].loc[GP], ref.weights, rtol=1e-12)
    np.testing.assert_allclose(data["composite_index"], ref.scores, rtol=1e-12)
    _, ddof1 = _gp_reference(out, scale=100, **{**opts, "ddof": 1})
    assert not np.allclose(ddof1.weights, ref.weights, rtol=1e-9)  # ddof reaches the call
    frame = data.set_index("adcode")[["year", "composite_index"]]
    kde = geohra.kde(
        frame, "composite_index", kernel="epanechnikov", kernel_scale="support", bandwidth="stata"
    )
    feats = _table(out, "kde_features", index_col="year")
    cols = ["mean", "sd", "peak_x", "peak_height", "width", "n_peaks"]
    np.testing.assert_allclose(feats[cols], kde.features[cols], rtol=1e-12)
    gauss = geohra.kde(frame, "composite_index")
    assert not np.allclose(feats["peak_height"], gauss.features["peak_height"], rtol=1e-6)
    assert (out / "tables" / "panel_spatial_markov.csv").exists()
    # z-scores are not in [0, 1]: the obstacle degree is skipped, with the reason
    assert not (out / "tables" / "panel_obstacle.csv").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Skipped: the obstacle degree needs normalised values z in [0, 1]" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zscore_and_kernel_are_stated_in_both_languages(gp_variant, lang):
    out = gp_variant[lang]
    texts = check_language(out, lang)
    methods, notes = " ".join(texts["method"]), " ".join(texts["note"])
    if lang == "zh":
        expected = ["Z-score 标准化", "标准差分母为 n", "Epanechnikov 核", "Stata 默认带宽"]
        expected += ["h 为核函数支撑区间的半宽", "综合指数 = 100 Σ w_j (z_ij + 3)"]
        skipped = "略：障碍度模型要求标准化值 z 位于 [0, 1]"
    else:
        expected = ["Z-score standardisation", "population sd (n)", "Epanechnikov kernel"]
        expected += ["Stata kdensity's default", "half-width of the kernel's support"]
        expected += ["index = 100 Σ w_j (z_ij + 3)"]
        skipped = "Skipped: the obstacle degree"
    for phrase in expected:
        assert phrase in methods, phrase
    kernel = "核函数：Epanechnikov 核；带宽：Stata" if lang == "zh" else "Kernel: Epanechnikov"
    assert kernel in notes and skipped in notes


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        {"normalize": "proportion", "score": "raw"},
        {"normalize": "vector", "score": "proportion", "shift": 0.01},
        {"normalize": "max"},
        {"normalize": "minmax", "score": "shifted", "shift": 0.0001, "scale": 10},
    ],
)
def test_other_normalisations_and_scores_reach_the_library(tmp_path, options):
    out = _run(_merge(GP_PANEL, index=options), tmp_path / "out")
    scale = options.get("scale", 100)
    data, ref = _gp_reference(out, **{**options, "scale": scale})
    weights = _table(out, "entropy_weights", index_col="indicator")
    np.testing.assert_allclose(weights["weight"].loc[GP], ref.weights, rtol=1e-12)
    np.testing.assert_allclose(data["composite_index"], ref.scores, rtol=1e-12)
    _, default = _gp_reference(out, scale=100)
    assert not np.allclose(data["composite_index"], default.scores, rtol=1e-6)
    method = " ".join(html_texts((out / "report.html").read_text(encoding="utf-8"))["method"])
    words = {
        "proportion": "raw proportions without normalisation",
        "vector": "vector normalisation z = x/√(Σx²)",
        "max": "ratio to the maximum z = x/max",
        "minmax": "min-max normalisation",
    }
    assert words[options["normalize"]] in method
