"""``geohra demo --lang zh|en``: every heading, header, row label, sheet name, caption,
sentence and progress line in the chosen language; indicators by their labels (never a
snake_case column name) with units in that language; and the wording of a one-year panel."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_report_study import (
    CJK,
    check_docx,
    check_html,
    check_progress,
    check_prose,
    check_xlsx,
    html_texts,
)

from geohra.cli import main
from geohra.io.datasets import DEMOS, demo_sources
from geohra.report import run_report
from geohra.report.config import parse_config

SNAKE = re.compile(r"\b[a-z]{2,}(?:_[a-z0-9]+)+\b")  # a column name such as beds_per_10k_pop


def _run(lang, out, capsys):
    assert main(["demo", "--out", str(out), "--lang", lang]) == 0
    return capsys.readouterr()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_in_one_language(tmp_path, lang, capsys):
    out = tmp_path / "demo"
    captured = _run(lang, out, capsys)
    check_progress(captured, lang)
    texts = check_html(out, lang)
    check_xlsx(out, lang)
    check_docx(out, lang, n_figures=len(list((out / "figures").glob("*.png"))))
    page = (out / "report.html").read_text(encoding="utf-8")
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", page, flags=re.S)
    ]
    notes = [n for n in texts["note"] if not n.startswith(("全精度CSV", "Full-precision CSV"))]
    labels = {c: d.text("labels", lang)[c] for d in DEMOS.values() for c in d.labels}
    if lang == "zh":
        for n in notes:
            check_prose(n, lang, "note")
        # the units of measure are Chinese (the describe tables of both panels)
        describe = pd.read_csv(out / "tables" / "health2013_describe.csv", encoding="utf-8-sig")
        assert set(describe["unit_label"]) >= {"每万人口", "每平方公里"}
        assert not any("per 10,000" in c or "population" in c for c in cells)
        # provinces by their Chinese names, regions in Chinese
        assert "北京" in texts["row label"] and "Beijing" not in page
        assert "东部" in texts["header"]
        # the indicators by their labels, with the caveats in Chinese
        assert "每万人口医疗卫生机构数" in texts["row label"]
        assert "全科医生占执业（助理）医师比例" in texts["row label"]
        assert any("2013年与2014年" in c for c in cells)  # the GP caveat, translated
    else:
        assert "Health care institutions per 10,000 population" in texts["row label"]
        assert "Beijing" in texts["row label"]
    # no column name anywhere a reader looks: headings, captions, headers, cells, sentences
    shown = texts["heading"] + texts["caption"] + texts["header"] + texts["finding"]
    formulas = [n for n in notes if "Formula:" in n]  # symbols such as weight_g, sum_i
    shown += texts["method"] + [n for n in notes if n not in formulas]
    shown += [c for c in cells if not c.endswith(".csv")]
    raw = sorted({m for t in shown for m in SNAKE.findall(t)} - {"nan_policy"})
    assert not raw, raw
    snake_columns = [c for c in labels if "_" in c]
    assert not [c for c in snake_columns if re.search(rf"(?<![\w/]){c}(?![\w.])", page)]
    # the obstacle factors are named by label (and the per-unit degrees sum to 100 %)
    top = pd.read_csv(out / "tables" / "gp_obstacle_top.csv", encoding="utf-8-sig")
    first = str(top.iloc[0, 1])
    assert any(first.startswith(labels[c]) for c in DEMOS["gp-2012-2017"].labels), first


def test_single_year_wording(tmp_path):
    """One year of data: '31 units, 2013', a one-year table title, no movement sentences."""
    for lang in ("en", "zh"):
        cfg = parse_config(
            {
                "title": "t",
                "lang": lang,
                "data": {"builtin": "health-2013"},
                "indicators": {
                    "health_care_institutions_per_10k_pop": {"subsystem": "a"},
                    "health_technical_personnel_per_10k_pop": {"subsystem": "a"},
                    "beds_health_care_institutions_per_10k_km2": {"subsystem": "b"},
                    "health_investment_per_10k_km2": {"subsystem": "b"},
                },
                "analysis": {"coupling": ["a", "b"]},
            }
        )
        out = tmp_path / lang
        run_report(cfg, out, quiet=True)
        page = (out / "report.html").read_text(encoding="utf-8")
        texts = html_texts(page)
        sentences = " ".join(texts["finding"] + texts["method"] + texts["caption"])
        for bad in ("2013–2013", "2013 and 2013", "2013年与2013年", "→", "moved from", "由2013年"):
            assert bad not in sentences, (lang, bad)
        # the skipped kernel-density section says why, without describing the unused method
        assert "Silverman" not in " ".join(texts["method"]), lang
        assert ("needs two or more years" if lang == "en" else "需要两个及以上年份") in page
        if lang == "en":
            assert "31 units, 2013." in sentences
            assert "Descriptive statistics of the indicators, 2013" in sentences
            assert "Mean subsystem indices U in 2013: a " in sentences
            assert "In 2013 the Theil index was" in sentences
            assert "In 2013 Moran's I was" in sentences
        else:
            assert "研究单元31个，2013年。" in sentences
            assert "2013年各指标描述性统计" in sentences
            assert "2013年子系统指数U均值：a" in sentences
            assert "2013年泰尔指数为" in sentences and "2013年全局莫兰指数为" in sentences
            # a Chinese report of a built-in dataset shows its Chinese units
            describe = pd.read_csv(out / "tables" / "panel_describe.csv", encoding="utf-8-sig")
            assert set(describe["unit_label"]) == {
                "每万人口",
                "每平方公里",
                "每万平方公里；原表未注明货币单位，与亿元相符",
            }


def test_demo_datasets_say_everything_in_both_languages():
    for d in DEMOS.values():
        assert set(d.units) == set(d.units_zh) == set(d.labels) == set(d.labels_zh), d.name
        assert len(d.caveats_zh) == len(d.caveats) and d.title_zh and d.source_zh
        for text in [d.title_zh, *d.units_zh.values(), *d.labels_zh.values(), *d.caveats_zh]:
            assert CJK.search(text) or text == "%", (d.name, text)
        for text in [d.title, *d.units.values(), *d.labels.values(), *d.caveats]:
            assert not CJK.search(text), (d.name, text)
        assert not any(SNAKE.search(t) for t in d.labels.values())
    zh = demo_sources("zh")
    assert zh.loc["gp-2012-2017", "title"] == "2012—2017年中国31个省份全科医生"
    assert "新疆" in zh.loc["nbs-1998-1999", "caveats"]
    with pytest.raises(ValueError, match="lang must be 'en' or 'zh'"):
        DEMOS["gp-2012-2017"].text("title", "fr")


def test_demo_language_is_checked(tmp_path, capsys):
    from geohra.report.demo import build_demo

    with pytest.raises(ValueError, match="lang must be 'en' or 'zh', got 'fr'"):
        build_demo(tmp_path / "out", lang="fr")
    assert not (tmp_path / "out").exists()  # refused before anything is written
    with pytest.raises(SystemExit):
        main(["demo", "--out", str(tmp_path / "cli"), "--lang", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err
