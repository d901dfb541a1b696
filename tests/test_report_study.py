"""The two reference study designs end to end, as a new user runs them.

Ten statistics-bureau exports (GBK CSV, 2011-2020, one indicator per file, three totals, the
population, one missing cell: Tibet 2011) are written into tmp_path in the NBS layout read
by geohra.read_nbs (see test_nbs.py). `geohra init` writes a starter config for each design,
the test edits it as a user would, and `geohra report` runs it in Chinese and in English.
The checks read the written HTML, XLSX and DOCX files: the language of every heading,
header and label, the three-line table borders of the Word file, numbered captions, fixed
decimals per column, and numbers that agree with geohra's own functions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from test_nbs import NBS_PROVINCES, nbs_rows, write_csv  # noqa: E402  (the export layout)

YEARS = tuple(range(2020, 2010, -1))  # the NBS prints the latest year first
POP = "年末常住人口"
FILES = {  # file -> (indicator (unit) as the NBS prints it)
    "pop.csv": f"{POP}(万人)",
    "inst.csv": "医疗卫生机构数(个)",
    "beds_total.csv": "医疗卫生机构床位数(万张)",
    "staff.csv": "卫生技术人员数(万人)",
    "beds.csv": "每千人口医疗卫生机构床位数(张)",
    "doctors.csv": "每千人口执业（助理）医师数(人)",
    "nurses.csv": "每千人口注册护士数(人)",
    "spend.csv": "人均卫生总费用(元)",
    "cover.csv": "基本医疗保险参保率(%)",
    "fund.csv": "人均基本医疗保险基金支出(元)",
}
SECURITY = ["人均卫生总费用", "基本医疗保险参保率", "人均基本医疗保险基金支出"]
EN_LABELS = {
    POP: "Year-end population",
    "医疗卫生机构数": "Health institutions",
    "医疗卫生机构床位数": "Beds",
    "卫生技术人员数": "Health technicians",
    "每千人口医疗卫生机构床位数": "Beds per 1,000",
    "每千人口执业（助理）医师数": "Doctors per 1,000",
    "每千人口注册护士数": "Nurses per 1,000",
    "人均卫生总费用": "Health spending per capita",
    "基本医疗保险参保率": "Insurance coverage",
    "人均基本医疗保险基金支出": "Insurance fund spending per capita",
}


def _series(rng, base, growth, noise):
    """One province's values, oldest year first, then reversed to the NBS order."""
    n = len(YEARS)
    t = np.arange(n)
    vals = base * (1 + growth) ** t * (1 + rng.normal(0, noise, n))
    return vals[::-1]


def make_exports(folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(20240601)
    names = list(NBS_PROVINCES)
    pop = {n: _series(rng, rng.uniform(330, 11000), 0.005, 0.002) for n in names}
    rates = {
        "beds.csv": {n: _series(rng, rng.uniform(3.6, 5.6), 0.045, 0.02) for n in names},
        "doctors.csv": {n: _series(rng, rng.uniform(1.4, 2.9), 0.04, 0.02) for n in names},
        "nurses.csv": {n: _series(rng, rng.uniform(1.2, 2.9), 0.07, 0.02) for n in names},
        "spend.csv": {n: _series(rng, rng.uniform(1500, 5200), 0.10, 0.03) for n in names},
        "cover.csv": {
            n: np.minimum(_series(rng, rng.uniform(90, 96), 0.003, 0.005), 99.9) for n in names
        },
        "fund.csv": {n: _series(rng, rng.uniform(400, 1400), 0.09, 0.03) for n in names},
    }
    totals = {
        "inst.csv": {n: pop[n] * _series(rng, rng.uniform(4, 10), 0.01, 0.01) for n in names},
        "beds_total.csv": {n: pop[n] * rates["beds.csv"][n] / 1000 for n in names},
        "staff.csv": {
            n: pop[n] * _series(rng, rng.uniform(5, 8.5), 0.05, 0.01) / 1000 for n in names
        },
    }
    digits = {
        "pop.csv": 0,
        "inst.csv": 0,
        "beds_total.csv": 2,
        "staff.csv": 2,
        "spend.csv": 1,
        "fund.csv": 1,
    }
    out = {}
    for file, indicator in FILES.items():
        values = {"pop.csv": pop, **rates, **totals}[file]
        d = digits.get(file, 2)
        table = {n: [round(float(v), d) if d else int(round(v)) for v in values[n]] for n in names}
        if file == "doctors.csv":
            table["西藏自治区"][YEARS.index(2011)] = None  # the one empty cell
        out[file] = write_csv(
            folder / "exports" / file, nbs_rows(indicator, table, YEARS), encoding="gbk"
        )
    return out


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study")
    (folder / "exports").mkdir()
    make_exports(folder)
    return folder


# ----------------------------------------------------------------------------- configs
def _set(text: str, section: str, key: str, value: str) -> str:
    """Set key = value in [section] of a TOML text (replacing the line or adding it)."""
    lines = text.splitlines()
    start = lines.index(f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    for i in range(start + 1, end):
        if re.match(rf"^#?\s*{re.escape(key)}\s*=", lines[i]):
            lines[i] = f"{key} = {value}"
            return "\n".join(lines) + "\n"
    lines.insert(start + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _uncomment(text: str, section: str) -> str:
    """Turn on a commented-out table of the template: remove one '# ' from each of its lines."""
    lines = text.splitlines()
    start = lines.index(f"# [{section}]")
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("# ")), len(lines))
    lines[start:end] = [line[2:] for line in lines[start:end]]
    return "\n".join(lines) + "\n"


def init_config(study: Path, design: str, lang: str) -> Path:
    cfg = study / f"{design}_{lang}.toml"
    code = main(
        [
            "init",
            design,
            *[str(p) for p in sorted((study / "exports").glob("*.csv"))],
            "--out",
            str(cfg),
            "--lang",
            lang,
            "--force",
        ]
    )
    assert code == 0
    text = cfg.read_text(encoding="utf-8")
    # edits a user makes: leave Tibet out (its 2011 doctors are missing), fewer permutations
    text = _set(text, "data", "nan_policy", '"omit"')
    text = _set(text, "data", "path", '"exports/*.csv"')  # a glob, relative to the config
    text = _set(text, "analysis", "permutations", "19")
    text = _set(text, "analysis", "n_resamples", "9")
    text = _set(
        text,
        "maps",
        "source_note",
        '"审图号：GS(2019)1822号"' if lang == "zh" else '"Base map: GS(2019)1822"',
    )
    if design == "coupling":
        subs = ("医疗保障", "医疗资源") if lang == "zh" else ("security", "resources")
        text = re.sub(
            r'^(".*?") = \{ direction = "positive", subsystem = ".*?" \}$',
            lambda m: (
                f'{m.group(1)} = {{ direction = "positive", subsystem = '
                f'"{subs[0] if m.group(1).strip(chr(34)) in SECURITY else subs[1]}" }}'
            ),
            text,
            flags=re.M,
        )
    if design == "regional":  # convergence: conditional on the population, three spatial models
        text = _uncomment(text, "convergence")
        text = _set(text, "convergence", "sigma", '["cv", "sd_log", "gini", "theil"]')
        text = _set(text, "convergence", "beta", '"conditional"')
        text = _set(text, "convergence", "controls", f'["{POP}"]')
        text = _set(text, "convergence", "impact_draws", "99")
    if design == "coupling" and lang == "en":
        text = _set(text, "maps", "breaks", '"per_year"')  # one set of breaks per mapped year
    if lang == "en":
        labels = "\n".join(f'"{k}" = "{v}"' for k, v in EN_LABELS.items())
        rates = {f"{k}_per_1000": f"{v} per 1,000" for k, v in EN_LABELS.items()}
        labels += "\n" + "\n".join(f'"{k}" = "{v}"' for k, v in rates.items())
        text += f"\n[labels]\n{labels}\n"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_init_writes_a_commented_config_for_each_design(study, capsys):
    from geohra.report import load_config

    for design in ("regional", "coupling"):
        cfg_path = init_config(study, design, "zh")
        text = cfg_path.read_text(encoding="utf-8")
        assert text.count("\n# ") >= 20  # every key explained
        cfg = load_config(cfg_path)
        assert len(cfg.paths) == 10 and all(p.parent == study / "exports" for p in cfg.paths)
        assert cfg.population == POP and cfg.data_format == "nbs" and cfg.nan_policy == "omit"
        # totals became rates per 1,000 people, with `per` from the units (个/万人 -> 0.1); the
        # bed total is left out (commented) because the exports already hold beds per 1,000
        rates = {r.total: r for r in cfg.rates}
        assert set(rates) == {"医疗卫生机构数", "卫生技术人员数"}
        assert rates["医疗卫生机构数"].per == pytest.approx(0.1)
        assert rates["卫生技术人员数"].per == pytest.approx(1000)  # 万人 / 万人 x 1000
        assert '# "医疗卫生机构床位数" = "positive"' in text
        assert {r.name for r in cfg.rates} <= set(cfg.columns)
        assert not set(rates) & set(cfg.columns) and POP not in cfg.columns
        if design == "coupling":  # the template's [convergence] is off until uncommented
            assert cfg.convergence is None and "\n# [convergence]\n" in text
            assert f'# # controls = ["{POP}"]' in text
        else:  # ... as init_config does for the regional design
            assert cfg.convergence.controls == (POP,) and cfg.convergence.beta == "conditional"
            assert cfg.convergence.spatial == ("lag", "error", "durbin")
        # the formula-variant keys, commented out with their defaults: turned on, they
        # change nothing
        for line in ('# normalize = "minmax"', "# scale = 100", '# kernel = "gaussian"'):
            assert line in text
        keys = "normalize|score|shift|scale|kernel|kernel_scale|bandwidth|lisa_scale|label_style"
        on = re.sub(rf"^# (({keys}) = .*)$", r"\1", text, flags=re.M)
        assert on.count("\n# ") == text.count("\n# ") - 9
        on_path = cfg_path.with_name(f"on_{cfg_path.name}")
        on_path.write_text(on, encoding="utf-8")
        on_cfg = load_config(on_path)
        assert on_cfg.index == cfg.index and on_cfg.lisa_scale == "n-1"
        assert (on_cfg.kde_kernel, on_cfg.kde_kernel_scale, on_cfg.kde_bandwidth) == (
            cfg.kde_kernel,
            cfg.kde_kernel_scale,
            cfg.kde_bandwidth,
        )
        assert on_cfg.label_style == "range"
        if design == "regional":
            assert cfg.theil_population and cfg.theil_base == 10 and cfg.theil_pairs
            assert cfg.map_years == (2011, 2020) and cfg.kde_years[0] == 2011
        else:
            assert cfg.coupling == ("医疗保障", "医疗资源") and cfg.target == "D"
            assert set(cfg.subsystems()["医疗保障"]) == set(SECURITY)
            assert cfg.obstacle_by == ("indicator", "subsystem")
    # never over an existing file without --force, never over a data file
    capsys.readouterr()
    assert (
        main(["init", "regional", str(study / "exports" / "pop.csv"), "--out", str(cfg_path)]) == 2
    )
    assert "already exists" in capsys.readouterr().err
    assert (
        main(
            [
                "init",
                "regional",
                str(study / "exports" / "pop.csv"),
                "--out",
                str(study / "exports" / "pop.csv"),
                "--force",
            ]
        )
        == 2
    )


# ----------------------------------------------------------------------------- language
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
EPONYMS = {"Dagum", "LISA", "Fisher", "Jenks", "Queen"}  # kept as they are in Chinese papers
EPONYMS |= {"CSV", "PNG"}  # file formats
# names of kernels, bandwidth rules and programs, kept as they are in Chinese papers
# (Epanechnikov 核, Silverman 经验法则, Stata 默认带宽, ArcGIS 样式, Z-score 标准化)
EPONYMS |= {"Epanechnikov", "Silverman", "Scott", "Sheather", "Jones", "Stata", "MATLAB"}
EPONYMS |= {"ArcGIS", "score"}
# symbols of the agglomeration degrees, authors (Rey & Smith), DOI and the program name
EPONYMS |= {"HRAD", "PAD", "DOI", "geohra", "Rey", "Smith"}


def english_words(text: str, min_len: int = 2) -> list[str]:
    text = re.sub(
        r"(?<![A-Za-z])[A-Za-z]_[A-Za-z]+", "", str(text)
    )  # symbols with subscripts: G_jj, O_ij
    return [w for w in re.findall(rf"[A-Za-z]{{{min_len},}}", text) if w not in EPONYMS]


def check_label(text, lang: str, where: str) -> None:
    """A heading, header, caption or row label: Chinese without English words, or English without CJK."""
    if lang == "zh":
        assert not english_words(text), f"English in a Chinese {where}: {text!r}"
    else:
        assert not CJK.search(str(text)), f"Chinese in an English {where}: {text!r}"


def check_prose(text, lang: str, where: str) -> None:
    """Sentences and notes: formulas may use ln, max ...; no English word of 4+ letters in zh."""
    if lang == "zh":
        assert CJK.search(text) and not english_words(text, 4), f"not Chinese {where}: {text!r}"
    else:
        assert not CJK.search(text), f"Chinese in an English {where}: {text!r}"


def html_texts(page: str) -> dict[str, list[str]]:
    import html as h

    def grab(pattern):
        return [
            h.unescape(re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(pattern, page, flags=re.S)
        ]

    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page, flags=re.S)
    return {
        "heading": grab(r"<h[123][^>]*>(.*?)</h[123]>") + grab(r"<li><a[^>]*>(.*?)</a></li>"),
        "caption": grab(r"<p class='caption'[^>]*>(.*?)</p>")
        + grab(r"<figcaption>(.*?)</figcaption>"),
        "header": grab(r"<th[^>]*>(.*?)</th>"),
        "row label": [h.unescape(r).strip() for r in rows],
        "finding": grab(r"<p class='finding'>(.*?)</p>"),
        "method": grab(r"<p class='method'>(.*?)</p>"),
        "note": grab(r"<p class='note'>(.*?)</p>"),
    }


def check_html(out: Path, lang: str) -> dict:
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    texts = html_texts(page)
    for kind in ("heading", "caption", "header", "row label"):
        assert texts[kind], kind
        for t in texts[kind]:
            check_label(t, lang, kind)
    for kind in ("finding", "method"):
        for t in texts[kind]:
            check_prose(t, lang, kind)
    # captions numbered 表1, 表2 ... / Figure 1, 2 ... in order
    word_t, word_f = ("表", "图") if lang == "zh" else ("Table ", "Figure ")
    numbers = [int(m) for c in texts["caption"] for m in re.findall(rf"^{word_t}(\d+)", c)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    figures = [int(m) for c in texts["caption"] for m in re.findall(rf"^{word_f}(\d+)", c)]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 5
    # every section opens with findings computed from the numbers
    assert len(texts["finding"]) >= 6
    return texts


def check_xlsx(out: Path, lang: str) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx")
    contents, *sheets = wb.sheetnames
    assert contents == ("目录" if lang == "zh" else "Contents")
    for name in sheets:
        check_label(name, lang, "sheet name")
        ws = wb[name]
        check_label(ws["A1"].value, lang, "sheet title")
        headers = [c.value for c in ws[3] if c.value is not None]
        for h in headers:
            check_label(h, lang, f"header of sheet {name}")
        for row in ws.iter_rows(min_row=4, max_row=ws.max_row, max_col=1):
            v = row[0].value
            if isinstance(v, str) and not v.startswith(("注", "Note")):
                check_label(v, lang, f"row label of sheet {name}")
        # one fixed number format per numeric column
        for col in ws.iter_cols(min_row=4, max_row=ws.max_row):
            formats = {c.number_format for c in col if isinstance(c.value, float)}
            assert len(formats) <= 1, (name, formats)
    appendix = [s for s in sheets if s.startswith(("附表", "Appendix"))]
    assert appendix and sheets[-len(appendix) :] == appendix  # the joined data come last


def check_docx(out: Path, lang: str, n_figures: int) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(out / "report.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert len(headings) >= 8
    for h in headings:
        check_label(h, lang, "docx heading")
    captions = [
        p.text
        for p in doc.paragraphs
        if re.match(r"^(表\d|图\d|Table \d|Figure \d|附表\d|Appendix \d)", p.text)
    ]
    for c in captions:
        check_label(c, lang, "docx caption")
    assert len(doc.inline_shapes) == n_figures
    assert len(doc.tables) >= 8
    for table in doc.tables:
        # 三线表: thick top and bottom rules, no vertical or inner lines ...
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        edge = {child.tag.split("}")[1]: child for child in borders}
        for side in ("top", "bottom"):
            assert edge[side].get(qn("w:val")) == "single" and edge[side].get(qn("w:sz")) == "12"
        for side in ("left", "right", "insideH", "insideV"):
            assert edge[side].get(qn("w:val")) == "nil"
        # ... and a thin rule under the header row only
        for cell in table.rows[0].cells:
            bottom = cell._tc.tcPr.find(qn("w:tcBorders")).find(qn("w:bottom"))
            assert bottom.get(qn("w:val")) == "single" and bottom.get(qn("w:sz")) == "6"
            check_label(cell.text, lang, "docx header")
        for row in table.rows[1:]:
            assert (
                row.cells[0]._tc.tcPr is None
                or row.cells[0]._tc.tcPr.find(qn("w:tcBorders")) is None
            )
            check_label(row.cells[0].text, lang, "docx row label")


def check_progress(captured, lang: str) -> None:
    """One line per step on stderr ("  label ... 0.3 s" / "0.3 秒") and the file list, in lang."""
    steps = [
        line for line in captured.err.splitlines() if line.startswith("  ") and " ... " in line
    ]
    assert len(steps) >= 8
    for line in steps:
        label, _, timing = line.strip().partition(" ... ")
        check_label(label, lang, "progress line")
        assert re.fullmatch(r"\d+\.\d (秒)" if lang == "zh" else r"\d+\.\d s", timing), line
    lines = captured.out.splitlines()
    assert any(line.startswith("geohra 已在" if lang == "zh" else "geohra wrote") for line in lines)
    for line in lines:
        text = re.sub(r"geohra report \S+ --out \S+", "", line)  # a command to type stays as it is
        check_label(re.sub(r"\S*/\S*", "", text.replace("geohra", "")), lang, "printed line")


def run_study(study: Path, design: str, lang: str) -> Path:
    cfg = init_config(study, design, lang)
    out = study / f"out_{design}_{lang}"
    assert main(["report", str(cfg), "--out", str(out)]) == 0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regional_differences_study(study, lang, capsys, monkeypatch):
    from geohra.report import pipeline

    # figure file -> per axes: (y-limits, highest curve point, x-limits, visible x-range:
    # where some curve of the figure is above 0.1 % of the figure's highest peak; the flat
    # tails beyond it may be cut off, nothing visible may)
    seen = {}
    save = pipeline._save

    def visible(ax, floor):
        xs = [np.asarray(ln.get_xdata())[np.asarray(ln.get_ydata()) > floor] for ln in ax.lines]
        xs = np.concatenate([x for x in xs if x.size]) if any(x.size for x in xs) else None
        return (xs.min(), xs.max()) if xs is not None else (np.inf, -np.inf)

    def recording_save(fig, path):
        drawn = [ax for ax in fig.axes if ax.lines]
        floor = 1e-3 * max((max(ln.get_ydata()) for ax in drawn for ln in ax.lines), default=0)
        seen[path.name] = [
            (
                ax.get_ylim(),
                max(max(line.get_ydata()) for line in ax.lines),
                ax.get_xlim(),
                visible(ax, floor),
            )
            for ax in drawn
        ]
        save(fig, path)

    monkeypatch.setattr(pipeline, "_save", recording_save)
    out = run_study(study, "regional", lang)
    # kernel-density panels: no peak clipped (every panel's y-axis reaches above its highest
    # curve), every visible part of the curves inside the x-axis, one panel per region (East, Central, West)
    regions = seen["panel_kde_regions.png"]
    assert len(regions) == 3
    for (y0, y1), peak, (x0, x1), (lo, hi) in regions + seen["panel_kde_curves.png"]:
        assert y0 <= 0 < peak <= y1 and x0 <= lo and hi <= x1
    assert max(p for _, p, _, _ in regions) <= min(y1 for (_, y1), _, _, _ in regions)
    check_progress(capsys.readouterr(), lang)
    texts = check_html(out, lang)
    n_figures = len(list((out / "figures").glob("*.png")))
    check_xlsx(out, lang)
    check_docx(out, lang, n_figures)
    # Tibet left out (its 2011 doctors are missing), and the report says so, naming unit and year
    data = pd.read_csv(
        out / "tables" / "panel_data.csv", encoding="utf-8-sig", dtype={"adcode": str}
    )
    assert "540000" not in set(data["adcode"]) and data["adcode"].nunique() == 30
    assert any(("西藏 2011" if lang == "zh" else "Tibet 2011") in t for t in texts["method"])
    # rates from totals: institutions per 1,000 people = count / (10,000 persons) x 0.1
    inst = "每千人口医疗卫生机构数" if lang == "zh" else "医疗卫生机构数_per_1000"
    assert data[inst].between(0.3, 1.2).all()
    # the Theil table is the population-weighted Theil T, base 10, of the index by region3:
    # recomputed here from the appendix data with numpy
    theil = pd.read_csv(out / "tables" / "panel_theil.csv", encoding="utf-8-sig", index_col=0)
    pairs = pd.read_csv(out / "tables" / "panel_theil_pairs.csv", encoding="utf-8-sig", index_col=0)
    regions = geohra.province_table()["region3"]
    for year in (2011, 2020):
        part = data[data["year"] == year]
        y = (part["composite_index"] * part[POP]).to_numpy()
        p = part[POP].to_numpy()
        s, q = y / y.sum(), p / p.sum()
        assert theil.loc[year, "total"] == pytest.approx(np.sum(s * np.log10(s / q)), rel=1e-9)
        g = part["adcode"].map(regions).to_numpy()
        for a, b, label in (("East", "West", ("东部–西部", "East–West")),):
            keep = np.isin(g, [a, b])
            yy, pp, gg = y[keep], p[keep], g[keep]
            S = np.array([yy[gg == r].sum() for r in (a, b)]) / yy.sum()
            P = np.array([pp[gg == r].sum() for r in (a, b)]) / pp.sum()
            assert pairs.loc[year, label[lang == "en"]] == pytest.approx(
                np.sum(S * np.log10(S / P)), rel=1e-9
            )
    # the bootstrap intervals are of the same population-weighted, base-10 Theil
    boot = pd.read_csv(out / "tables" / "panel_bootstrap.csv", encoding="utf-8-sig")
    row = boot[
        (boot["year"] == 2020) & (boot["statistic"] == ("泰尔指数" if lang == "zh" else "Theil T"))
    ]
    assert row["estimate"].item() == pytest.approx(theil.loc[2020, "total"], rel=1e-12)
    # KDE of the selected years only
    kde = pd.read_csv(out / "tables" / "panel_kde_features.csv", encoding="utf-8-sig")
    assert list(kde["year"]) == [2011, 2016, 2020]
    check_convergence(out, data, lang, texts)


def check_convergence(out: Path, data: pd.DataFrame, lang: str, texts: dict) -> None:
    """σ measures recomputed with numpy from the appendix data; β of the two-way fixed-effects
    growth regression as the within estimator computed here by hand (double demeaning of the
    balanced panel); the sentences state the numbers of the tables."""
    wide = data.pivot(index="adcode", columns="year", values="composite_index").sort_index(axis=1)
    sigma = pd.read_csv(out / "tables" / "panel_sigma.csv", encoding="utf-8-sig", index_col=0)
    assert list(sigma.index) == list(range(2011, 2021)) and (sigma["units"] == 30).all()
    for year in (2011, 2020):
        y = wide[year].to_numpy()
        s = y / y.mean()
        gini = np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean())
        assert sigma.loc[year, "cv"] == pytest.approx(y.std() / y.mean(), rel=1e-12)
        assert sigma.loc[year, "sd_log"] == pytest.approx(np.log(y).std(), rel=1e-12)
        assert sigma.loc[year, "gini"] == pytest.approx(gini, rel=1e-10)
        assert sigma.loc[year, "theil"] == pytest.approx(np.mean(s * np.log(s)), rel=1e-10)
    cv0, cv1 = sigma.loc[2011, "cv"], sigma.loc[2020, "cv"]
    opening = "σ收敛" if lang == "zh" else "σ-convergence"
    assert any(
        t.startswith(opening) and f"{cv0:.4f}" in t and f"{cv1:.4f}" in t for t in texts["finding"]
    )
    lny = np.log(wide.to_numpy())
    pop = data.pivot(index="adcode", columns="year", values=POP).sort_index(axis=1).to_numpy()

    def within(a):  # unit and year effects removed (balanced panel)
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    growth = lny[:, 1:] - lny[:, :-1]
    x = np.column_stack([within(lny[:, :-1]).ravel(), within(pop[:, :-1]).ravel()])
    b = np.linalg.lstsq(x, within(growth).ravel(), rcond=None)[0][0]
    beta = pd.read_csv(out / "tables" / "panel_beta.csv", encoding="utf-8-sig", index_col=0)
    names = (
        ["双向固定效应模型", "空间滞后模型", "空间误差模型", "空间杜宾模型"]
        if lang == "zh"
        else [
            "Two-way fixed effects",
            "Spatial lag model",
            "Spatial error model",
            "Spatial Durbin model",
        ]
    )
    assert list(beta.index) == names
    fe = beta.loc[names[0]]
    speed = -np.log1p(b)
    assert fe["beta"] == pytest.approx(b, rel=1e-8)
    assert fe["speed_pct"] == pytest.approx(100 * speed, rel=1e-8)
    assert fe["half_life"] == pytest.approx(np.log(2) / speed, rel=1e-8)
    assert fe["n_obs"] == growth.size and fe["pvalue"] < 0.05
    finding = next(t for t in texts["finding"] if t.startswith(names[0]))
    assert f"β = {b:.4f}" in finding and f"{np.log(2) / speed:.1f}" in finding
    # coefficients of every model; effects of the lag and Durbin models (2 terms x 3 effects)
    coef = pd.read_csv(out / "tables" / "panel_beta_coefficients.csv", encoding="utf-8-sig")
    assert list(dict.fromkeys(coef["model"])) == names
    imp = pd.read_csv(out / "tables" / "panel_beta_impacts.csv", encoding="utf-8-sig")
    assert list(dict.fromkeys(imp["model"])) == [names[1], names[3]] and len(imp) == 12
    assert (out / "figures" / "panel_sigma.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coupling_coordination_study(study, lang, capsys):
    out = run_study(study, "coupling", lang)
    check_progress(capsys.readouterr(), lang)
    texts = check_html(out, lang)
    assert not any("收敛" in h or "onvergence" in h for h in texts["heading"])  # not asked for
    n_figures = len(list((out / "figures").glob("*.png")))
    check_xlsx(out, lang)
    check_docx(out, lang, n_figures)
    data = pd.read_csv(
        out / "tables" / "panel_data.csv", encoding="utf-8-sig", dtype={"adcode": str}
    )
    # Dagum of the coordination degree D by region3, as geohra.dagum_gini gives it
    dagum = pd.read_csv(out / "tables" / "panel_dagum.csv", encoding="utf-8-sig", index_col=0)
    regions = geohra.province_table()["region3"]
    part = data[data["year"] == 2020].set_index("adcode")
    ref = geohra.dagum_gini(part.assign(r=part.index.map(regions)), "coordination_D", by="r")
    assert dagum.loc[2020, "total"] == pytest.approx(ref.total, rel=1e-12)
    assert dagum.loc[2020, "within"] + dagum.loc[2020, "between_net"] + dagum.loc[
        2020, "transvariation"
    ] == pytest.approx(ref.total)
    assert data["coordination_D"].between(0, 1).all()
    # subsystem weights are shown and sum to one within each subsystem
    weights = pd.read_csv(out / "tables" / "panel_entropy_weights.csv", encoding="utf-8-sig")
    for _, grp in weights.groupby("subsystem"):
        assert grp["weight_subsystem"].sum() == pytest.approx(1.0)
    # obstacle degree per subsystem: the two subsystems share 100 %
    sub = pd.read_csv(
        out / "tables" / "panel_obstacle_subsystem.csv", encoding="utf-8-sig", index_col=0
    )
    assert sub.sum().to_numpy() == pytest.approx([100.0, 100.0])


def test_convergence_with_two_years_says_what_it_skips(tmp_path):
    """Two years: σ by year (no p-value of a trend), β-convergence named as skipped."""
    from geohra.report import parse_config, run_report

    raw = {
        "lang": "en",
        "data": {"builtin": "nbs-1998-1999", "nan_policy": "omit"},
        "rates": {
            "doctors_per_1000": {
                "total": "doctors",
                "population": "population_yearend",
                "per": 1000,
            }
        },
        "indicators": {"doctors_per_1000": "positive"},
        "analysis": {"population": "population_yearend", "permutations": 9, "n_resamples": 1},
        "convergence": {"spatial": ["lag"]},
    }
    out = tmp_path / "out"
    run_report(parse_config(raw), out, quiet=True)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "β-convergence skipped: the growth regressions with fixed effects need three" in page
    sigma = pd.read_csv(out / "tables" / "panel_sigma_trend.csv", index_col=0)
    assert sigma["pvalue"].isna().all() and list(sigma.index) == [
        "Coefficient of variation",
        "Gini coefficient",
        "Theil index",
    ]
    assert not (out / "tables" / "panel_beta.csv").exists()
    finding = next(t for t in html_texts(page)["finding"] if t.startswith("σ-convergence"))
    assert "p =" not in finding and "from 1998 to 1999" in finding
