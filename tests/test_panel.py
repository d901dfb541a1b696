"""read_panel (every reader path, long/wide, encodings), bad input, join, cross_section."""

from __future__ import annotations

import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.io.panel import DataQualityWarning, cross_section, per_capita, totals_from_rates

# A few provinces written out independently of geohra's table (GB/T 2260 codes).
CODES = {
    "Beijing": "110000",
    "Shanxi": "140000",
    "Inner Mongolia": "150000",
    "Tibet": "540000",
    "Shaanxi": "610000",
}
ZH = {
    "Beijing": "北京市",
    "Shanxi": "山西",
    "Inner Mongolia": "内蒙古自治区",
    "Tibet": "西藏",
    "Shaanxi": "陕西省",
}


def long_frame(years=(2013, 2014)) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(CODES):
        for year in years:
            rows.append(
                {
                    "province": name,
                    "year": year,
                    "beds": 10.0 * i + year - 2000,
                    "doctors": 1.5 * i + (year - 2013) * 0.25,
                }
            )
    return pd.DataFrame(rows)


def expected(df: pd.DataFrame) -> pd.DataFrame:
    """What read_panel must return for long_frame(), computed by hand."""
    out = df.assign(adcode=df["province"].map(CODES)).drop(columns="province")
    out = out[["adcode", "year", "beds", "doctors"]].sort_values(["adcode", "year"])
    return out.reset_index(drop=True).astype(
        {"year": "int64", "beds": "float64", "doctors": "float64"}
    )


def assert_panel(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert got.index.equals(pd.RangeIndex(len(want)))
    assert got["adcode"].tolist() == want["adcode"].tolist()
    assert got["year"].dtype == np.int64
    assert got["year"].tolist() == want["year"].tolist()
    for col in want.columns[2:]:
        assert got[col].dtype == np.float64
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy())


# --- reader paths -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_detected(tmp_path, encoding):
    df = long_frame()
    df["province"] = df["province"].map(ZH)  # Chinese names need the right decoding
    path = tmp_path / "p.csv"
    path.write_bytes(df.to_csv(index=False).encode(encoding))
    assert_panel(geohra.read_panel(path), expected(long_frame()))


def test_csv_explicit_wrong_encoding_explains(tmp_path):
    path = tmp_path / "p.csv"
    df = long_frame()
    df["province"] = df["province"].map(ZH)
    path.write_bytes(df.to_csv(index=False).encode("gbk"))
    with pytest.raises(ValueError, match=r"encoding='utf-8'.*Leave encoding=None"):
        geohra.read_panel(path, encoding="utf-8")


def test_tsv_and_chinese_column_names(tmp_path):
    df = long_frame().rename(columns={"province": "地区", "year": "年份"})
    path = tmp_path / "p.txt"
    path.write_text(df.to_csv(index=False, sep="\t"), encoding="utf-8")
    assert_panel(geohra.read_panel(path), expected(long_frame()))


def test_xlsx_xls_parquet(tmp_path):
    import xlwt

    df = long_frame()
    want = expected(df)
    df.to_excel(tmp_path / "p.xlsx", index=False)
    assert_panel(geohra.read_panel(tmp_path / "p.xlsx"), want)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("data")
    for j, col in enumerate(df.columns):
        ws.write(0, j, col)
        for i, v in enumerate(df[col]):
            ws.write(i + 1, j, v.item() if hasattr(v, "item") else v)
    wb.save(str(tmp_path / "p.xls"))
    assert_panel(geohra.read_panel(tmp_path / "p.xls"), want)
    df.to_parquet(tmp_path / "p.parquet")
    assert_panel(geohra.read_panel(tmp_path / "p.parquet"), want)


def test_xlsx_sheet_choice(tmp_path):
    path = tmp_path / "p.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(xw, sheet_name="cover", index=False)
        long_frame().to_excel(xw, sheet_name="data", index=False)
    assert_panel(geohra.read_panel(path, sheet="data"), expected(long_frame()))
    assert_panel(geohra.read_panel(path, sheet=1), expected(long_frame()))
    with pytest.raises(ValueError, match="sheet 'nope'"):
        geohra.read_panel(path, sheet="nope")


def test_dataframe_input_not_mutated_and_index_ids():
    df = long_frame()
    before = df.copy()
    assert_panel(geohra.read_panel(df), expected(before))
    pd.testing.assert_frame_equal(df, before)
    assert_panel(geohra.read_panel(df.set_index("province")), expected(before))


def test_mixed_identifiers_map_to_the_same_codes():
    df = long_frame()
    forms = {
        "Beijing": 110000,
        "Shanxi": "山西省",
        "Inner Mongolia": "Nei Mongol",
        "Tibet": "Xizang",
        "Shaanxi": " 陕西 ",
    }
    df["province"] = df["province"].map(forms)
    assert_panel(geohra.read_panel(df), expected(long_frame()))


def test_wide_form_year_headers(tmp_path):
    df = long_frame().pivot(index="province", columns="year", values="beds").reset_index()
    df.columns = ["省份", "2013年", "2014 年"]
    path = tmp_path / "wide.csv"
    df.to_csv(path, index=False, encoding="gbk")
    got = geohra.read_panel(path, indicator="beds")
    assert_panel(got, expected(long_frame())[["adcode", "year", "beds"]])
    # Excel writes numeric headers as numbers
    df.columns = ["province", 2013, 2014]
    df.to_excel(tmp_path / "wide.xlsx", index=False)
    got = geohra.read_panel(tmp_path / "wide.xlsx", form="wide")
    assert list(got.columns) == ["adcode", "year", "value"]
    assert_panel(
        got.rename(columns={"value": "beds"}), expected(long_frame())[["adcode", "year", "beds"]]
    )


def test_wide_form_extra_column_refused_or_selected():
    df = long_frame().pivot(index="province", columns="year", values="beds").reset_index()
    df.columns = ["province", "2013", "2014"]
    df["remark"] = "x"
    with pytest.raises(ValueError, match=r"columns \['remark'\].*are not years"):
        geohra.read_panel(df)
    got = geohra.read_panel(df, columns=["2013", "2014"], indicator="beds")
    assert_panel(got, expected(long_frame())[["adcode", "year", "beds"]])


def test_single_cross_section_with_constant_year():
    df = long_frame()
    df = df[df["year"] == 2013].drop(columns="year")
    got = geohra.read_panel(df, year=2013)
    want = expected(long_frame())
    assert_panel(got, want[want["year"] == 2013].reset_index(drop=True))


def test_columns_selects_indicators():
    got = geohra.read_panel(long_frame(), columns=["doctors"])
    assert list(got.columns) == ["adcode", "year", "doctors"]


def test_match_false_keeps_ids_as_given():
    df = pd.DataFrame(
        {
            "unit": ["Ward 1 ", "Ward 2", "Ward 1", "Ward 2"],
            "year": [2020, 2020, 2021, 2021],
            "x": [1, 2, 3, 4],
        }
    )
    got = geohra.read_panel(df, match=False)
    assert got["adcode"].tolist() == ["Ward 1", "Ward 1", "Ward 2", "Ward 2"]
    assert got["x"].tolist() == [1.0, 3.0, 2.0, 4.0]
    # "West" is a unit here, not a regional aggregate
    got = geohra.read_panel(pd.DataFrame({"unit": ["West"], "year": [2020], "x": [1]}), match=False)
    assert got["adcode"].tolist() == ["West"]


def test_match_against_a_table():
    table = pd.DataFrame({"name": ["Alpha County", "Beta County"]}, index=pd.Index(["c1", "c2"]))
    df = pd.DataFrame({"unit": ["beta county", "Alpha County"], "year": [2020, 2020], "x": [2, 1]})
    got = geohra.read_panel(df, match=table)
    assert got["adcode"].tolist() == ["c1", "c2"]
    assert got["x"].tolist() == [1.0, 2.0]


def test_explicit_missing_tokens_are_nan(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "province,year,beds\nBeijing,2013,\nShanxi,2013,NA\nShaanxi,2013,5\n", encoding="utf-8"
    )
    with pytest.warns(DataQualityWarning, match=r"'beds' 2013: 110000, 140000"):
        got = geohra.read_panel(path)
    assert got["beds"].isna().tolist() == [True, True, False]


# --- bad input ----------------------------------------------------------------------------


def test_unknown_unit_names_listed_with_suggestion():
    df = long_frame()
    df.loc[df["province"] == "Inner Mongolia", "province"] = "内蒙"
    with pytest.raises(ValueError, match=r"'内蒙' \(did you mean '内蒙古'"):
        geohra.read_panel(df)


def test_duplicate_unit_year_rows_listed(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "province,year,beds\n北京,2013,1\n北京市,2013,1\nShanxi,2013,2\nShanxi,2013,3\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError,
        match=r"2 duplicate\(s\): 北京/北京市 -> 110000 in 2013 \(line 2, line 3\); "
        r"Shanxi -> 140000 in 2013 \(line 4, line 5\)",
    ):
        geohra.read_panel(path)


def test_non_numeric_cell_named(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "province,year,beds,doctors\nBeijing,2013,1,2\nShanxi,2013,2,…\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"column 'doctors', line 3 \(Shanxi, 2013\): '…'"):
        geohra.read_panel(path)
    df = long_frame().astype({"beds": object})
    df.loc[3, "beds"] = "12%"
    with pytest.raises(ValueError, match=r"column 'beds', index 3 \(Shanxi, 2014\): '12%'"):
        geohra.read_panel(df)


def test_text_column_among_indicators_refused():
    df = long_frame().assign(region=["East"] * 2 + ["Central"] * 2 + ["West"] * 6)
    with pytest.raises(ValueError, match=r"column 'region'.*'East'.*columns="):
        geohra.read_panel(df)


@pytest.mark.parametrize("bad", ["2013a", 1.5, 3000, "13", None])
def test_year_column_that_is_not_a_year(bad):
    df = long_frame().astype({"year": object})
    df.loc[2, "year"] = bad
    with pytest.raises(
        ValueError,
        match=rf"year column 'year'.*must hold years.*got {repr(bad).replace('.', r'[.]')} \(index 2\)",
    ):
        geohra.read_panel(df)


def test_year_column_accepts_year_forms():
    df = long_frame().astype({"year": object})
    df["year"] = [
        f"{y}年" if i % 3 == 0 else (float(y) if i % 3 == 1 else str(y))
        for i, y in enumerate(df["year"])
    ]
    assert_panel(geohra.read_panel(df), expected(long_frame()))


def test_nbs_export_given_to_read_panel(tmp_path):
    path = tmp_path / "nbs.csv"
    path.write_text(
        "数据库：分省年度数据\n指标：床位数(万张)\n时间：最近3年\n地区,2022年\n北京市,1\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError, match=r"National Bureau of Statistics export; read it with geohra.read_nbs"
    ):
        geohra.read_panel(path)


def test_binary_html_and_broken_workbook(tmp_path):
    png = tmp_path / "map.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    with pytest.raises(
        ValueError, match=r"'map.csv' is a binary file.*expected CSV, XLSX, XLS or Parquet"
    ):
        geohra.read_panel(png)
    html = tmp_path / "export.xls"
    html.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    with pytest.raises(ValueError, match=r"HTML/XML page, not a table file"):
        geohra.read_panel(html)
    fake = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(ValueError, match=r"could not be read as a workbook"):
        geohra.read_panel(fake)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ValueError, match=r"'e.csv' is empty.*header row"):
        geohra.read_panel(empty)
    head = tmp_path / "h.csv"
    head.write_text("province,year,beds\n")
    with pytest.raises(
        ValueError, match=r"has a header \(\['province', 'year', 'beds'\]\) but no data rows"
    ):
        geohra.read_panel(head)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such file"):
        geohra.read_panel("/nonexistent/panel.csv")


def test_missing_unit_or_year_column_lists_available():
    df = long_frame().rename(columns={"province": "where"})
    with pytest.raises(
        KeyError,
        match=r"unit column.*available columns: \['where', 'year', 'beds', 'doctors'\].*unit=",
    ):
        geohra.read_panel(df)
    with pytest.raises(KeyError, match=r"unit column 'prov' is not in.*available columns"):
        geohra.read_panel(long_frame(), unit="prov")
    df = long_frame().rename(columns={"year": "when"})
    with pytest.raises(
        KeyError,
        match=r"could not find a year column.*\['province', 'when', 'beds', 'doctors'\].*year=",
    ):
        geohra.read_panel(df)
    with pytest.raises(KeyError, match=r"form='long' needs a year column"):
        geohra.read_panel(df, form="long")


def test_ambiguous_unit_columns():
    df = long_frame().assign(adcode=lambda d: d["province"].map(CODES))
    with pytest.raises(ValueError, match=r"several columns.*\['province', 'adcode'\].*unit="):
        geohra.read_panel(df)
    got = geohra.read_panel(df, unit="adcode", columns=["beds", "doctors"])
    assert_panel(got, expected(long_frame()))


def test_aggregate_rows_refused():
    df = pd.concat(
        [
            long_frame(),
            pd.DataFrame({"province": ["全国"], "year": [2013], "beds": [1], "doctors": [1]}),
        ]
    )
    with pytest.raises(ValueError, match=r"\['全国'\], which look like totals"):
        geohra.read_panel(df)


def test_ragged_csv_row(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("province,year,beds\nBeijing,2013,1,7\n")
    with pytest.raises(ValueError, match=r"line 2 .* has 4 cells but the header has 3 columns"):
        geohra.read_panel(path)


def test_title_line_above_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("表1 各地区卫生机构数\nprovince,year,beds\nBeijing,2013,1\n", encoding="gbk")
    with pytest.raises(
        ValueError, match=r"'表1 各地区卫生机构数'\) looks like a title, not a header row"
    ):
        geohra.read_panel(path)


def test_bad_options():
    with pytest.raises(ValueError, match="form must be"):
        geohra.read_panel(long_frame(), form="tall")
    with pytest.raises(TypeError, match="expected a file path"):
        geohra.read_panel([1, 2, 3])


# --- data-quality warnings ----------------------------------------------------------------


def test_identical_years_warned():
    df = long_frame()
    df.loc[df["year"] == 2014, "doctors"] = df.loc[df["year"] == 2013, "doctors"].to_numpy()
    with pytest.warns(
        DataQualityWarning,
        match=r"'doctors' has identical values in years 2013 and 2014 for every unit \(5 units\)",
    ):
        got = geohra.read_panel(df)
    # kept as given
    assert (
        got.loc[got["year"] == 2014, "doctors"].tolist()
        == got.loc[got["year"] == 2013, "doctors"].tolist()
    )


def test_time_invariant_column_not_warned():
    df = long_frame(years=(2013, 2014, 2015))
    df = df.assign(area=df["province"].map({k: i + 1.0 for i, k in enumerate(CODES)}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geohra.read_panel(df)


def test_missing_unit_year_row_warned():
    df = long_frame().iloc[1:]
    with pytest.warns(DataQualityWarning, match=r"no row for 1 unit-year\(s\): 110000 2013"):
        geohra.read_panel(df)


# --- join and cross-sections ----------------------------------------------------------------


def boundaries(include_hk: bool = False):
    import geopandas as gpd
    from shapely.geometry import box

    ids = list(CODES.values()) + (["810000"] if include_hk else [])
    return gpd.GeoDataFrame(
        {
            "name_en": list(CODES) + (["Hong Kong"] if include_hk else []),
            "analysis": [True] * 5 + ([False] if include_hk else []),
            "region3": ["East", "Central", "West", "West", "West"] + ([None] if include_hk else []),
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(len(ids))],
        index=pd.Index(ids, name="adcode"),
        crs="EPSG:4326",
    )


def test_join_shape_attributes_geometry():
    import geopandas as gpd

    b = boundaries()
    panel = geohra.read_panel(long_frame())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        j = geohra.join(b, panel)
    assert isinstance(j, gpd.GeoDataFrame)
    assert j.crs == b.crs
    assert list(j.columns) == [
        "adcode",
        "year",
        "name_en",
        "analysis",
        "region3",
        "beds",
        "doctors",
        "geometry",
    ]
    assert len(j) == 10
    for row in j.itertuples():
        assert row.geometry.equals(b.geometry[row.adcode])
        assert row.name_en == b.loc[row.adcode, "name_en"]
    merged = j.merge(panel, on=["adcode", "year"], suffixes=("", "_p"))
    np.testing.assert_array_equal(merged["beds"], merged["beds_p"])


def test_join_units_missing_from_panel_warned_and_nan():
    b = boundaries(include_hk=True)
    panel = geohra.read_panel(long_frame()[lambda d: d["province"] != "Tibet"])
    with pytest.warns(
        DataQualityWarning,
        match=r"1 unit\(s\) of the boundaries have no data in the panel: 540000 \(西藏\)",
    ) as rec:
        j = geohra.join(b, panel)
    assert "810000" not in str(rec[0].message)  # not in the analysis set: no noise
    tibet = j[j["adcode"] == "540000"]
    assert len(tibet) == 2 and tibet["beds"].isna().all()
    assert len(j) == 12  # Hong Kong kept (drawn grey), with NaN
    with pytest.warns(DataQualityWarning, match="left out"):
        inner = geohra.join(b, panel, how="inner")
    assert set(inner["adcode"]) == set(panel["adcode"])


def test_join_unit_year_gaps_warned():
    panel = geohra.read_panel(long_frame()).iloc[1:]
    with pytest.warns(DataQualityWarning, match=r"1 unit-year\(s\) have no row: 110000 2013"):
        j = geohra.join(boundaries(), panel)
    assert j.loc[(j["adcode"] == "110000") & (j["year"] == 2013), "beds"].isna().all()


def test_join_panel_units_missing_from_boundaries_raise():
    b = boundaries().drop(index=["610000", "140000"])
    panel = geohra.read_panel(long_frame())
    with pytest.raises(
        ValueError,
        match=r"2 unit\(s\) in the panel are not in the boundaries: 140000 \(山西\), 610000 \(陕西\)",
    ):
        geohra.join(b, panel)


def test_join_type_mismatch_and_overlap_and_wrong_order():
    b = boundaries()
    b.index = b.index.astype(int)
    panel = geohra.read_panel(long_frame())
    with pytest.raises(ValueError, match="convert one to the other's type"):
        geohra.join(b, panel)
    with pytest.raises(ValueError, match=r"columns \['name_en'\] are in both"):
        geohra.join(boundaries(), panel.assign(name_en=1.0))
    with pytest.raises(TypeError, match=r"join\(boundaries, panel\)"):
        geohra.join(panel, boundaries())


def test_cross_section():
    import geopandas as gpd

    panel = geohra.read_panel(long_frame())
    j = geohra.join(boundaries(), panel)
    cs = cross_section(j, 2014)
    assert isinstance(cs, gpd.GeoDataFrame)
    assert cs.index.name == "adcode" and "year" not in cs.columns
    assert sorted(cs.index) == sorted(CODES.values())
    want = (
        long_frame()
        .query("year == 2014")
        .set_index(long_frame().query("year == 2014")["province"].map(CODES))
    )
    np.testing.assert_array_equal(cs["beds"].sort_index(), want["beds"].sort_index())
    plain = cross_section(panel.set_index(["adcode", "year"]), 2013)
    assert plain.index.name == "adcode" and list(plain.columns) == ["beds", "doctors"]
    with pytest.raises(
        ValueError, match=r"no rows for year 2020; the data has years \[2013, 2014\]"
    ):
        cross_section(panel, 2020)


def test_per_capita_and_totals_are_inverse():
    df = pd.DataFrame({"beds": [100.0, 250.0, np.nan], "pop_10k": [2.0, 5.0, 1.0]})
    pc = per_capita(df, ["beds"], population="pop_10k", per=1000, population_unit=10_000)
    np.testing.assert_allclose(pc["beds_per_1000"], [5.0, 5.0, np.nan])  # 100 / 20,000 * 1000
    back = totals_from_rates(
        pc, {"beds_per_1000": "beds2"}, population="pop_10k", per=1000, population_unit=10_000
    )
    np.testing.assert_allclose(back["beds2"], df["beds"])
    assert "beds_per_1000" not in df.columns  # input untouched
    with pytest.raises(ValueError, match="population must be positive"):
        per_capita(df.assign(pop_10k=[1.0, 0.0, 1.0]), ["beds"], population="pop_10k")
    with pytest.raises(KeyError, match="population column 'pop'"):
        per_capita(df, ["beds"], population="pop")


def test_join_with_builtin_boundaries_end_to_end():
    b = geohra.load_boundaries()
    panel = geohra.load_demo("health-2013")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        j = geohra.join(b, panel)
        j_all = geohra.join(geohra.load_boundaries(include_other=True), panel)
    assert len(j) == 31 and len(j_all) == 34
    assert j_all.loc[~j_all["analysis"], "beds_health_care_institutions_per_10k_pop"].isna().all()
    cs = cross_section(j, 2013)
    assert cs.crs == b.crs
    # region attributes came along: the NBS four-region scheme has 3 Northeast provinces
    assert (cs["region4"] == "Northeast").sum() == 3
    assert cs.loc["610000", "population_10k"] == 3764  # Shaanxi, not Shanxi
    with pytest.warns(DataQualityWarning, match=r"650000 \(新疆\)"):
        geohra.join(b, panel[panel["adcode"] != "650000"])


# --- property: any panel survives a CSV round trip in either form and encoding -------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FINITE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@pytest.mark.filterwarnings("ignore::geohra.io.panel.DataQualityWarning")  # drawn values may repeat
@settings(max_examples=25, deadline=None)
@given(
    n_units=st.integers(1, 5),
    years=st.lists(st.integers(1950, 2050), min_size=1, max_size=4, unique=True),
    data=st.data(),
    wide=st.booleans(),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-8-sig"]),
)
def test_round_trip_csv(tmp_path_factory, n_units, years, data, wide, encoding):
    names = list(ZH.values())[:n_units]
    codes = [CODES[k] for k in list(ZH)[:n_units]]
    values = data.draw(
        st.lists(_FINITE, min_size=n_units * len(years), max_size=n_units * len(years))
    )
    long = pd.DataFrame(
        [
            (nm, y, values[i * len(years) + j])
            for i, nm in enumerate(names)
            for j, y in enumerate(years)
        ],
        columns=["地区", "年份", "x"],
    )
    order = data.draw(st.permutations(range(len(long))))
    long = long.iloc[list(order)]
    path = tmp_path_factory.mktemp("rt") / "p.csv"
    if wide:
        table = long.pivot(index="地区", columns="年份", values="x")
        table.columns = [f"{y}年" for y in table.columns]
        table.reset_index().to_csv(path, index=False, encoding=encoding, float_format="%.17g")
        got = geohra.read_panel(path, indicator="x")
    else:
        long.to_csv(path, index=False, encoding=encoding, float_format="%.17g")
        got = geohra.read_panel(path)
    want = long.assign(adcode=long["地区"].map(dict(zip(names, codes, strict=True)))).sort_values(
        ["adcode", "年份"]
    )
    assert got["adcode"].tolist() == want["adcode"].tolist()
    assert got["year"].tolist() == want["年份"].tolist()
    np.testing.assert_array_equal(got["x"].to_numpy(), want["x"].to_numpy())
