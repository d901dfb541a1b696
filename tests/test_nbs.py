"""read_nbs on National Bureau of Statistics exports (分省年度数据) built by the tests.

The files reproduce the export layout: title lines, a header 地区,2022年,..., one row
per province (full Chinese names, as the NBS prints them), then note lines.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra.io.panel import DataQualityWarning

# GB/T 2260 codes and the NBS's printed names, written out here (not taken from geohra)
# so that the tests check the matching independently.
NBS_PROVINCES = {
    "北京市": "110000",
    "天津市": "120000",
    "河北省": "130000",
    "山西省": "140000",
    "内蒙古自治区": "150000",
    "辽宁省": "210000",
    "吉林省": "220000",
    "黑龙江省": "230000",
    "上海市": "310000",
    "江苏省": "320000",
    "浙江省": "330000",
    "安徽省": "340000",
    "福建省": "350000",
    "江西省": "360000",
    "山东省": "370000",
    "河南省": "410000",
    "湖北省": "420000",
    "湖南省": "430000",
    "广东省": "440000",
    "广西壮族自治区": "450000",
    "海南省": "460000",
    "重庆市": "500000",
    "四川省": "510000",
    "贵州省": "520000",
    "云南省": "530000",
    "西藏自治区": "540000",
    "陕西省": "610000",
    "甘肃省": "620000",
    "青海省": "630000",
    "宁夏回族自治区": "640000",
    "新疆维吾尔自治区": "650000",
}
YEARS = (2022, 2021, 2020)


def make_values(seed: int, *, empty: dict | None = None) -> dict[str, list]:
    """Distinct values per province and year; `empty` = {name: [year, ...]} left blank."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in NBS_PROVINCES:
        vals = [round(float(v), 2) for v in rng.uniform(2, 9, size=len(YEARS))]
        for y in (empty or {}).get(name, []):
            vals[YEARS.index(y)] = None
        out[name] = vals
    return out


def nbs_rows(indicator: str, values: dict[str, list], years=YEARS) -> list[list]:
    rows = [
        ["数据库：分省年度数据"],
        [f"指标：{indicator}"],
        ["时间：最近3年"],
        ["地区"] + [f"{y}年" for y in years],
    ]
    rows += [[name] + vals for name, vals in values.items()]
    rows += [
        ["注：2022年数据为快报数。"],
        ["数据来源：国家统计局"],
    ]
    return rows


def write_csv(path, rows, encoding="gbk"):
    text = "\n".join(",".join("" if c is None else str(c) for c in r) for r in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_xls(path, rows):
    import xlwt  # test extra (xlwt writes real BIFF .xls files, as the NBS site exports)

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            if c is not None:
                ws.write(i, j, c)
    wb.save(str(path))
    return path


def expected_long(values: dict[str, list], years=YEARS) -> dict[tuple[str, int], float]:
    return {
        (NBS_PROVINCES[name], y): (math.nan if v is None else v)
        for name, vals in values.items()
        for y, v in zip(years, vals, strict=True)
    }


def check_against(df: pd.DataFrame, column: str, values: dict[str, list]) -> None:
    exp = expected_long(values)
    assert len(df) == len(exp)
    got = {(a, int(y)): v for a, y, v in zip(df["adcode"], df["year"], df[column], strict=True)}
    assert set(got) == set(exp)
    for key, v in exp.items():
        if math.isnan(v):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == v, key


IND = "每千人口医疗卫生机构床位数(张)"


@pytest.mark.parametrize(
    "writer, suffix",
    [
        (lambda p, r: write_csv(p, r, "gbk"), ".csv"),
        (lambda p, r: write_csv(p, r, "utf-8"), ".csv"),
        (lambda p, r: write_csv(p, r, "utf-8-sig"), ".csv"),
        (write_xlsx, ".xlsx"),
        (write_xls, ".xls"),
    ],
    ids=["csv-gbk", "csv-utf8", "csv-utf8-bom", "xlsx", "xls"],
)
def test_read_nbs_each_format(tmp_path, writer, suffix):
    values = make_values(1)
    path = writer(tmp_path / f"beds{suffix}", nbs_rows(IND, values))
    df = geohra.read_nbs(path)
    assert list(df.columns) == ["adcode", "year", "每千人口医疗卫生机构床位数"]
    assert df["year"].dtype == np.int64
    assert df["每千人口医疗卫生机构床位数"].dtype == np.float64
    assert df["adcode"].nunique() == 31
    check_against(df, "每千人口医疗卫生机构床位数", values)
    assert df.attrs["units"] == {"每千人口医疗卫生机构床位数": "张"}
    meta = df.attrs["nbs"][0]
    assert meta["database"] == "分省年度数据"
    assert meta["time"] == "最近3年"
    assert meta["notes"] == ["注：2022年数据为快报数。", "数据来源：国家统计局"]
    # sorted by (adcode, year), RangeIndex
    assert df.index.equals(pd.RangeIndex(len(df)))
    assert list(df[["adcode", "year"]].itertuples(index=False)) == sorted(
        df[["adcode", "year"]].itertuples(index=False)
    )


def test_shanxi_and_shaanxi_never_confused(tmp_path):
    values = make_values(2)
    values["山西省"] = [1.11, 1.12, 1.13]
    values["陕西省"] = [6.11, 6.12, 6.13]
    df = geohra.read_nbs(write_csv(tmp_path / "x.csv", nbs_rows(IND, values)))
    col = "每千人口医疗卫生机构床位数"
    shanxi = df[df["adcode"] == "140000"].set_index("year")[col]
    shaanxi = df[df["adcode"] == "610000"].set_index("year")[col]
    assert shanxi.to_dict() == {2020: 1.13, 2021: 1.12, 2022: 1.11}
    assert shaanxi.to_dict() == {2020: 6.13, 2021: 6.12, 2022: 6.11}


def test_empty_cells_are_nan_never_zero_and_reported(tmp_path):
    values = make_values(3, empty={"西藏自治区": [2022], "海南省": [2021, 2020]})
    path = write_csv(tmp_path / "x.csv", nbs_rows(IND, values))
    with pytest.warns(DataQualityWarning, match=r"2022: 540000") as rec:
        df = geohra.read_nbs(path)
    text = str(rec[0].message)
    assert "2021: 460000" in text and "2020: 460000" in text
    col = "每千人口医疗卫生机构床位数"
    assert df[col].isna().sum() == 3
    assert (df[col] == 0).sum() == 0
    check_against(df, col, values)


def test_several_files_combine_into_one_panel(tmp_path):
    beds = make_values(4)
    docs = make_values(5)
    p1 = write_csv(tmp_path / "beds.csv", nbs_rows(IND, beds), "gbk")
    p2 = write_xlsx(tmp_path / "docs.xlsx", nbs_rows("每千人口执业(助理)医师(人)", docs))
    df = geohra.read_nbs([p1, p2])
    assert list(df.columns) == [
        "adcode",
        "year",
        "每千人口医疗卫生机构床位数",
        "每千人口执业(助理)医师",
    ]
    assert len(df) == 31 * 3
    check_against(df, "每千人口医疗卫生机构床位数", beds)
    check_against(df, "每千人口执业(助理)医师", docs)
    assert df.attrs["units"] == {"每千人口医疗卫生机构床位数": "张", "每千人口执业(助理)医师": "人"}
    assert [m["file"] for m in df.attrs["nbs"]] == ["beds.csv", "docs.xlsx"]


def test_files_with_different_years_outer_join_with_nan(tmp_path):
    beds = make_values(6)
    rows2 = nbs_rows(
        "卫生技术人员数(万人)", {k: [v[0]] for k, v in make_values(7).items()}, years=(2019,)
    )
    p1 = write_csv(tmp_path / "a.csv", nbs_rows(IND, beds))
    p2 = write_csv(tmp_path / "b.csv", rows2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no year is partly missing: nothing to warn about
        df = geohra.read_nbs([p1, p2])
    assert sorted(df["year"].unique()) == [2019, 2020, 2021, 2022]
    assert len(df) == 31 * 4
    assert df.loc[df["year"] == 2019, "每千人口医疗卫生机构床位数"].isna().all()
    assert df.loc[df["year"] != 2019, "卫生技术人员数"].isna().all()


def test_same_indicator_twice_raises(tmp_path):
    p1 = write_csv(tmp_path / "a.csv", nbs_rows(IND, make_values(1)))
    p2 = write_csv(tmp_path / "b.csv", nbs_rows(IND, make_values(2)))
    with pytest.raises(ValueError, match=r"每千人口医疗卫生机构床位数.*both 'a.csv' and 'b.csv'"):
        geohra.read_nbs([p1, p2])


def test_full_width_parentheses_in_unit(tmp_path):
    path = write_csv(tmp_path / "x.csv", nbs_rows("医疗卫生机构数（个）", make_values(1)), "utf-8")
    df = geohra.read_nbs(path)
    assert df.attrs["units"] == {"医疗卫生机构数": "个"}


# --- bad input -------------------------------------------------------------------------


def test_plain_csv_is_not_an_nbs_export(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("province,year,beds\nBeijing,2013,5.1\n", encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"not in the NBS export layout.*数据库：分省年度数据.*starts with "
        r"\['province', 'Beijing'\].*use geohra.read_panel",
    ):
        geohra.read_nbs(path)


def test_binary_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="binary"):
        geohra.read_nbs(path)


def test_empty_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"'x.csv' is empty \(0 bytes\)"):
        geohra.read_nbs(path)


def test_missing_indicator_line(tmp_path):
    rows = [r for r in nbs_rows(IND, make_values(1)) if not str(r[0]).startswith("指标")]
    with pytest.raises(ValueError, match="no '指标：' line"):
        geohra.read_nbs(write_csv(tmp_path / "x.csv", rows))


def test_non_numeric_cell_names_row_and_column(tmp_path):
    values = make_values(1)
    values["湖南省"][1] = "12,3"  # a decimal comma: refused, not guessed
    rows = nbs_rows(IND, values)
    text = "\n".join(
        ",".join(f'"{c}"' if c == "12,3" else ("" if c is None else str(c)) for c in r)
        for r in rows
    )
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(ValueError, match=r"line \d+ \(湖南省\), column '2021年': '12,3'"):
        geohra.read_nbs(path)


def test_unknown_province_name_is_listed(tmp_path):
    values = make_values(1)
    values["内蒙"] = values.pop("内蒙古自治区")
    with pytest.raises(ValueError, match="内蒙"):
        geohra.read_nbs(write_csv(tmp_path / "x.csv", nbs_rows(IND, values)))


def test_national_total_row_is_refused_not_dropped(tmp_path):
    values = {"全国": [1.0, 2.0, 3.0], **make_values(1)}
    with pytest.raises(ValueError, match=r"\['全国'\].*totals or regional aggregates"):
        geohra.read_nbs(write_csv(tmp_path / "x.csv", nbs_rows(IND, values)))


def test_region_as_rows_layout_explained(tmp_path):
    rows = [
        ["数据库：分省年度数据"],
        ["地区：北京市"],
        ["时间：最近3年"],
        ["指标", "2022年", "2021年"],
        ["医疗卫生机构数(个)", 1, 2],
    ]
    with pytest.raises(ValueError, match="地区 for the rows"):
        geohra.read_nbs(write_csv(tmp_path / "x.csv", rows))


def test_header_year_not_a_year(tmp_path):
    rows = nbs_rows(IND, make_values(1))
    rows[3] = ["地区", "2022年", "2021a年", "2020年"]
    with pytest.raises(ValueError, match=r"must be '地区' followed by years.*2021a年"):
        geohra.read_nbs(write_csv(tmp_path / "x.csv", rows))


def test_no_paths():
    with pytest.raises(ValueError, match="empty list"):
        geohra.read_nbs([])


def test_header_with_region_time_corner_cell(tmp_path):
    values = make_values(8)
    rows = nbs_rows(IND, values)
    rows[3][0] = "地区/时间"
    df = geohra.read_nbs(write_xlsx(tmp_path / "x.xlsx", rows))
    check_against(df, "每千人口医疗卫生机构床位数", values)
