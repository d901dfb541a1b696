"""Bad input to the readers and the name matching: rows after a note, missing-value codes,
a cover sheet, a folder as the data path, city names that look like provinces; fuzzing of
read_panel and read_nbs (any failure is a geohra error with a message)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from bad_input_helpers import assert_geohra_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geohra
from geohra import DataQualityWarning

# names as the statistics bureau prints them, with their codes written out independently
SOME = {
    "北京市": "110000",
    "天津市": "120000",
    "河北省": "130000",
    "山西省": "140000",
    "辽宁省": "210000",
    "吉林省": "220000",
    "海南省": "460000",
    "重庆市": "500000",
}


def _nbs(rows_before, rows_after, note="注：2022年数据为快报数。"):
    head = [
        ["数据库：分省年度数据"],
        ["指标：每千人口医疗卫生机构床位数(张)"],
        ["时间：最近2年"],
        ["地区", "2022年", "2021年"],
    ]
    return head + rows_before + [[note]] + rows_after + [["数据来源：国家统计局"]]


def _csv(path, rows, encoding="gbk"):
    path.write_bytes(("\n".join(",".join(map(str, r)) for r in rows) + "\n").encode(encoding))
    return path


# -- rows after a note are never lost ---------------------------------------------------------


def test_rows_after_a_mid_table_note_are_read_with_a_warning(tmp_path):
    names = list(SOME)
    before = [[n, 5.0 + i, 4.0 + i] for i, n in enumerate(names[:5])]
    after = [[n, 7.0 + i, 6.5 + i] for i, n in enumerate(names[5:])]
    path = _csv(tmp_path / "beds.csv", _nbs(before, after))
    with pytest.warns(
        DataQualityWarning, match=r"note line in the middle .*3 row\(s\).*'吉林省' \(line 11\)"
    ):
        panel = geohra.read_nbs(path)
    assert sorted(panel["adcode"].unique()) == sorted(SOME.values())  # all eight provinces
    hainan = panel[(panel.adcode == "460000") & (panel.year == 2022)].iloc[0, 2]
    assert hainan == 8.0
    assert panel.attrs["nbs"][0]["notes"] == ["注：2022年数据为快报数。", "数据来源：国家统计局"]


def test_note_continuation_lines_stay_notes(tmp_path):
    rows = _nbs([[n, 5.0, 4.0] for n in SOME], [])
    rows.insert(-1, ["2. 2021年起口径调整"])  # a continued note: one text cell
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        panel = geohra.read_nbs(_csv(tmp_path / "b.csv", rows))
    assert len(panel) == 2 * len(SOME)
    assert "2. 2021年起口径调整" in panel.attrs["nbs"][0]["notes"]


def test_unknown_row_after_a_note_is_an_error_not_a_loss(tmp_path):
    rows = _nbs([[n, 5.0, 4.0] for n in list(SOME)[:4]], [["火星省", 1.0, 2.0]])
    with pytest.raises(ValueError, match="火星省"):
        geohra.read_nbs(_csv(tmp_path / "b.csv", rows))


# -- missing-value codes ----------------------------------------------------------------------


def test_reader_warns_about_missing_value_codes_naming_unit_and_year(tmp_path):
    rows = [["province", "year", "beds"]] + [[n, 2020, 4.0 + i / 3] for i, n in enumerate(SOME)]
    rows[3][2] = -9999
    with pytest.warns(
        DataQualityWarning, match=r"missing-value codes.*'beds' \(130000 2020: -9999\)"
    ):
        panel = geohra.read_panel(_csv(tmp_path / "p.csv", rows, "utf-8"))
    assert (
        panel.loc[panel.adcode == "130000", "beds"].item() == -9999
    )  # kept as read, never changed


# -- workbooks and paths ------------------------------------------------------------------------


def test_cover_sheet_first_names_sheet_and_lists_sheets(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"说明": ["本表数据来自统计年鉴", "单位：张"]}).to_excel(
            xl, sheet_name="封面", index=False
        )
        pd.DataFrame({"province": list(SOME), "year": 2020, "beds": range(8)}).to_excel(
            xl, sheet_name="data", index=False
        )
    with pytest.raises(
        ValueError, match=r"first sheet .*'封面'.* holds no table.*\['封面', 'data'\].*sheet='data'"
    ):
        geohra.read_panel(path)
    assert len(geohra.read_panel(path, sheet="data")) == 8
    with pytest.raises(ValueError, match=r"no sheet 'Data'; its sheets are \['封面', 'data'\]"):
        geohra.read_panel(path, sheet="Data")


def test_table_on_another_sheet_is_hinted(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["a", "b"], "more": ["c", "d"]}).to_excel(
            xl, sheet_name="about", index=False
        )
        pd.DataFrame({"province": list(SOME), "year": 2020, "beds": range(8)}).to_excel(
            xl, sheet_name="data", index=False
        )
    with pytest.raises(KeyError, match=r"sheets \['about', 'data'\].*pass sheet="):
        geohra.read_panel(path)


@pytest.mark.parametrize("reader", [geohra.read_panel, geohra.read_nbs])
def test_data_path_that_is_a_folder(tmp_path, reader):
    with pytest.raises(IsADirectoryError, match="is a folder; expected a data file"):
        reader(tmp_path)


# -- names: a city is never its province ----------------------------------------------------------


@pytest.mark.parametrize("city", ["吉林市", "Jilin City", "jilin shi", "海南市"])
def test_city_level_name_is_not_matched_to_the_province(city):
    with pytest.raises(ValueError, match=rf"city-level names .*'{city}' \(not .*省, \d{{6}}\)"):
        geohra.match_units([city])


@pytest.mark.parametrize(
    "name, code",
    [
        ("北京市", "110000"),
        ("Beijing City", "110000"),
        ("上海市", "310000"),
        ("天津市", "120000"),
        ("重庆市", "500000"),
        ("Chongqing Municipality", "500000"),
        ("吉林", "220000"),
        ("吉林省", "220000"),
        ("Jilin Province", "220000"),
        ("海南", "460000"),
    ],
)
def test_municipalities_are_provinces_and_provinces_still_match(name, code):
    assert geohra.match_units([name]).tolist() == [code]


def test_city_row_in_a_panel_is_refused(tmp_path):
    rows = [["地区", "year", "beds"], ["吉林市", 2020, 3.0], ["辽宁省", 2020, 4.0]]
    with pytest.raises(ValueError, match="'吉林市'"):
        geohra.read_panel(_csv(tmp_path / "c.csv", rows, "utf-8"))


# -- fuzzing --------------------------------------------------------------------------------------

CELL = st.one_of(
    st.sampled_from(
        [
            "北京",
            "吉林市",
            "Shanxi",
            "全国",
            "110000",
            "2013",
            "2013年",
            "",
            "NA",
            "…",
            "-",
            "1,234",
            "5%",
            "9999",
            "-999",
            "inf",
            "nan",
            "3.5",
            "０．５",
            "注：x",
            '"',
            'a"b',
            "地区",
            "year",
            "数据库：分省年度数据",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=6),
)


def _check(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = call()
        except Exception as exc:  # noqa: BLE001 - every exception is inspected
            assert_geohra_error(exc)
            return None
    assert list(out.columns[:2]) == ["adcode", "year"]
    assert not out.duplicated(["adcode", "year"]).any()
    return out


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=0, max_size=8),
    st.sampled_from(["utf-8", "gbk", "utf-16"]),
)
def test_fuzz_read_panel_csv(tmp_path, rows, encoding):
    text = "\n".join(",".join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", errors="replace")
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _check(lambda: geohra.read_panel(path))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=0, max_size=6), st.booleans())
def test_fuzz_read_nbs(tmp_path, body, with_note):
    rows = [["数据库：分省年度数据"], ["指标：床位数(张)"], ["地区", "2022年", "2021年"]] + body
    cut = len(body) // 2 if with_note else len(body)
    if with_note:
        rows.insert(3 + cut, ["注：说明"])
    path = tmp_path / "nbs.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode("utf-8"))
    out = _check(lambda: geohra.read_nbs(path))
    clean = all(not any(ch in c for ch in ',"\r\n') for r in body for c in r)
    if out is not None and clean:
        # never lost: every non-blank row above the note is a unit of the panel
        prefixes = ("注", "数据来源", "资料来源", "说明", "备注")
        first_note = next((i for i, r in enumerate(body) if r[0].strip().startswith(prefixes)), cut)
        above = [r for r in body[: min(cut, first_note)] if any(c.strip() for c in r)]
        assert out["adcode"].nunique() >= len(above)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300),
    st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PAR1"]),
)
def test_fuzz_read_panel_bytes(tmp_path, blob, magic):
    path = tmp_path / "blob.xlsx"
    path.write_bytes(magic + blob)
    _check(lambda: geohra.read_panel(path))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            CELL, st.integers(-(10**7), 10**13), st.floats(), st.none(), st.lists(CELL, max_size=2)
        ),
        max_size=6,
    )
)
def test_fuzz_match_units(values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = geohra.match_units(values)
        except Exception as exc:  # noqa: BLE001
            assert_geohra_error(exc)
            return
    assert out.str.fullmatch(r"\d{6}").all()


def test_unit_ids_that_are_not_single_values_are_refused():
    # found by fuzzing: a list in the unit column reached pandas' hashing
    df = pd.DataFrame({"unit": [["a"], "b"], "year": [2020, 2020], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"unit ids must be single values .*\['a'\]"):
        geohra.read_panel(df, match=False)
    with pytest.raises(TypeError, match="single name or code"):
        geohra.match_units([["北京"], "天津"])


ANY_CELL = st.one_of(
    CELL,
    st.sampled_from(
        [110000, 2013, 9999, -999, 3.5, 1e308, True, None, float("nan"), float("inf"), b"x"]
    ),
    st.lists(st.integers(0, 3), max_size=2),
    st.datetimes().map(pd.Timestamp),
)
COLUMN = st.sampled_from(
    ["province", "year", "beds", "地区", "年份", 2020, "2021年", "adcode", "x"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda k: st.tuples(
            st.lists(COLUMN, min_size=k, max_size=k, unique=True),
            st.lists(st.lists(ANY_CELL, min_size=k, max_size=k), max_size=5),
        )
    ),
    st.booleans(),
)
def test_fuzz_read_panel_dataframe(columns_rows, match):
    columns, rows = columns_rows
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    _check(lambda: geohra.read_panel(frame, match=match))
