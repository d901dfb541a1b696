"""Unit-name matching: names, aliases, codes -> six-digit adcodes (geohra.match_units)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geohra
from geohra import match_units, province_table

# GB/T 2260 codes with the full Chinese, short Chinese and English names, typed out
# independently of geohra/_provinces.py so a typo there is caught here.
GBT2260 = [
    ("110000", "北京市", "北京", "Beijing"),
    ("120000", "天津市", "天津", "Tianjin"),
    ("130000", "河北省", "河北", "Hebei"),
    ("140000", "山西省", "山西", "Shanxi"),
    ("150000", "内蒙古自治区", "内蒙古", "Inner Mongolia"),
    ("210000", "辽宁省", "辽宁", "Liaoning"),
    ("220000", "吉林省", "吉林", "Jilin"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang"),
    ("310000", "上海市", "上海", "Shanghai"),
    ("320000", "江苏省", "江苏", "Jiangsu"),
    ("330000", "浙江省", "浙江", "Zhejiang"),
    ("340000", "安徽省", "安徽", "Anhui"),
    ("350000", "福建省", "福建", "Fujian"),
    ("360000", "江西省", "江西", "Jiangxi"),
    ("370000", "山东省", "山东", "Shandong"),
    ("410000", "河南省", "河南", "Henan"),
    ("420000", "湖北省", "湖北", "Hubei"),
    ("430000", "湖南省", "湖南", "Hunan"),
    ("440000", "广东省", "广东", "Guangdong"),
    ("450000", "广西壮族自治区", "广西", "Guangxi"),
    ("460000", "海南省", "海南", "Hainan"),
    ("500000", "重庆市", "重庆", "Chongqing"),
    ("510000", "四川省", "四川", "Sichuan"),
    ("520000", "贵州省", "贵州", "Guizhou"),
    ("530000", "云南省", "云南", "Yunnan"),
    ("540000", "西藏自治区", "西藏", "Tibet"),
    ("610000", "陕西省", "陕西", "Shaanxi"),
    ("620000", "甘肃省", "甘肃", "Gansu"),
    ("630000", "青海省", "青海", "Qinghai"),
    ("640000", "宁夏回族自治区", "宁夏", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "新疆", "Xinjiang"),
    ("710000", "台湾省", "台湾", "Taiwan"),
    ("810000", "香港特别行政区", "香港", "Hong Kong"),
    ("820000", "澳门特别行政区", "澳门", "Macao"),
]
CODES = [row[0] for row in GBT2260]


def test_table_matches_independent_list():
    table = province_table()
    assert table.index.tolist() == CODES
    assert table["name_zh"].tolist() == [r[1] for r in GBT2260]
    assert table["short_zh"].tolist() == [r[2] for r in GBT2260]
    assert table["name_en"].tolist() == [r[3] for r in GBT2260]
    assert int(table["analysis"].sum()) == 31
    assert not table.loc[["710000", "810000", "820000"], "analysis"].any()


def test_province_table_is_public_and_a_copy():
    a = geohra.province_table()
    a.loc["110000", "name_en"] = "changed"
    assert geohra.province_table().loc["110000", "name_en"] == "Beijing"


@pytest.mark.parametrize("column", [1, 2, 3], ids=["name_zh", "short_zh", "name_en"])
def test_every_province_name_maps_to_its_adcode(column):
    names = [row[column] for row in GBT2260]
    out = match_units(names)
    assert out.tolist() == CODES
    assert out.name == "adcode"
    assert out.index.equals(pd.RangeIndex(len(names)))


def test_every_alias_in_the_table_maps_to_its_own_adcode():
    table = province_table()
    pairs = [(alias, code) for code, aliases in table["aliases"].items() for alias in aliases]
    assert len(pairs) >= 20
    out = match_units([a for a, _ in pairs])
    assert out.tolist() == [c for _, c in pairs]


@pytest.mark.parametrize(
    "name, code",
    [
        ("Inner Mongolia", "150000"),
        ("Nei Mongol", "150000"),
        ("Tibet", "540000"),
        ("Xizang", "540000"),
        ("Macau", "820000"),
        ("Macao", "820000"),
        ("Hong Kong", "810000"),
        ("Hongkong", "810000"),
        ("Xinjiang Uygur Autonomous Region", "650000"),
        ("Guangxi Zhuang Autonomous Region", "450000"),
        ("Ningxia Hui Autonomous Region", "640000"),
    ],
)
def test_english_and_pinyin_aliases(name, code):
    assert match_units([name]).iloc[0] == code


@pytest.mark.parametrize(
    "name, code",
    [
        ("  北京  ", "110000"),
        ("beijing", "110000"),
        ("BEIJING", "110000"),
        ("Ｂｅｉｊｉｎｇ", "110000"),  # full-width letters
        ("\u3000北京市\u3000", "110000"),  # full-width (ideographic) spaces
        ("北\u3000京", "110000"),
        ("Inner   Mongolia", "150000"),
        ("inner\tmongolia", "150000"),
        ("Inner-Mongolia", "150000"),
        ("Hebei Province", "130000"),
        ("Guangdong Sheng", "440000"),
        ("Beijing Municipality", "110000"),
        ("Tibet Autonomous Region", "540000"),
        ("Hong Kong SAR", "810000"),
        ("宁夏自治区", "640000"),
        ("新疆自治区", "650000"),
        ("广西自治区", "450000"),
        ("香港特别行政区", "810000"),
        ("河北省", "130000"),
    ],
)
def test_spacing_case_width_and_suffix_variants(name, code):
    assert match_units([name]).iloc[0] == code


@pytest.mark.parametrize(
    "value",
    [
        110000,
        "110000",
        110000.0,
        np.int64(110000),
        np.float64(110000.0),
        "110000.0",
        "１１００００",
        " 110000 ",
        11,
        "11",
        110000000000,
    ],
)
def test_adcodes_as_int_float_and_string(value):
    assert match_units([value]).iloc[0] == "110000"


def test_codes_in_an_integer_array_and_series():
    codes = np.array([int(c) for c in CODES])
    assert match_units(codes).tolist() == CODES
    assert match_units(pd.Series(codes, dtype="float64")).tolist() == CODES


@pytest.mark.parametrize(
    "name",
    ["Shanxi", "Shanxi ", " shanxi", "SHANXI", "山西", "山西省", "Shanxi Province", 140000, "14"],
)
def test_shanxi_is_never_shaanxi(name):
    assert match_units([name]).iloc[0] == "140000"


@pytest.mark.parametrize(
    "name", ["Shaanxi", "shaanxi", " Shaanxi ", "陕西", "陕西省", "Shaanxi Province", 610000, "61"]
)
def test_shaanxi_is_never_shanxi(name):
    assert match_units([name]).iloc[0] == "610000"


@pytest.mark.parametrize("name", ["Shannxi", "Shanxii", "Shan xi xi", "Shaanx", "山陕"])
def test_near_misses_of_shanxi_shaanxi_are_refused_not_guessed(name):
    with pytest.raises(ValueError, match="not known"):
        match_units([name])


def test_series_index_is_kept_and_input_not_mutated():
    s = pd.Series(["陕西", "Shanxi", "北京"], index=["r1", "r2", "r3"])
    before = s.copy()
    out = match_units(s)
    assert out.index.tolist() == ["r1", "r2", "r3"]
    assert out.tolist() == ["610000", "140000", "110000"]
    pd.testing.assert_series_equal(s, before)


def test_repeated_values_in_a_long_panel():
    names = ["北京", "Beijing", 110000, "山西", "陕西"] * 200
    out = match_units(names)
    assert len(out) == 1000
    assert out.value_counts().to_dict() == {"110000": 600, "140000": 200, "610000": 200}


def test_unknown_names_are_all_listed_with_suggestions():
    with pytest.raises(ValueError) as info:
        match_units(["北京", "内蒙", "Beijin", "Atlantis", "北京"], what="province")
    text = str(info.value)
    assert "3 provinces are not known" in text
    assert "'内蒙' (did you mean '内蒙古'" in text
    assert "'Beijin' (did you mean 'Beijing'" in text
    assert "'Atlantis'" in text
    assert "adcode" in text  # says how to fix


def test_unknown_code_is_refused():
    with pytest.raises(ValueError, match="999999"):
        match_units([999999])
    with pytest.raises(ValueError, match="110000.5"):
        match_units([110000.5])


def test_missing_identifiers_raise():
    with pytest.raises(ValueError, match="missing"):
        match_units(["北京", None])
    with pytest.raises(ValueError, match="missing"):
        match_units(["北京", float("nan")])
    with pytest.raises(ValueError, match="missing"):
        match_units(["北京", "  "])


def test_single_string_and_dataframe_are_refused():
    with pytest.raises(TypeError, match=r"match_units\(\['北京'\]\)"):
        match_units("北京")
    with pytest.raises(TypeError, match="DataFrame"):
        match_units(pd.DataFrame({"a": ["北京"]}))


def test_custom_table_with_ambiguous_names():
    table = pd.DataFrame(
        {"name_zh": ["朝阳区", "朝阳区", "海淀区"], "name_en": ["Chaoyang", "Chaoyang", "Haidian"]},
        index=["110105", "220104", "110108"],
    )
    assert match_units(["海淀区", "Haidian", 110105], table=table).tolist() == [
        "110108",
        "110108",
        "110105",
    ]
    with pytest.raises(ValueError, match=r"match several count.*110105.*220104"):
        match_units(["朝阳区"], table=table, what="county")
    with pytest.raises(ValueError, match="1 county is not known in the given table"):
        match_units(["Xicheng"], table=table, what="county")


def test_custom_table_with_duplicate_ids_is_refused():
    table = pd.DataFrame({"name_zh": ["a", "b"]}, index=["1", "1"])
    with pytest.raises(ValueError, match="duplicates"):
        match_units(["a"], table=table)


# --- property: presentation variants never change the match ------------------------

_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@st.composite
def _presented(draw):
    """A province name as a messy spreadsheet might hold it, and its adcode."""
    code, full, short, english = draw(st.sampled_from(GBT2260))
    name = draw(st.sampled_from([full, short, english]))
    chars = []
    for ch in name:
        if ch.isascii() and ch.isalpha():
            ch = ch.upper() if draw(st.booleans()) else ch.lower()
        if draw(st.integers(0, 4)) == 0:
            ch = _FULLWIDTH.get(ch, ch)
        chars.append(ch)
        if draw(st.integers(0, 6)) == 0:
            chars.append(draw(st.sampled_from([" ", "\u3000", "\t", "  "])))
    pad = st.sampled_from(["", " ", "\u3000", " \t"])
    return draw(pad) + "".join(chars) + draw(pad), code


@settings(max_examples=300, deadline=None)
@given(_presented())
def test_case_width_and_spacing_never_change_the_match(item):
    text, code = item
    assert match_units([text]).iloc[0] == code


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(CODES), min_size=1, max_size=40))
def test_codes_round_trip_in_any_order(codes):
    s = pd.Series([int(c) for c in codes], index=[f"r{i}" for i in range(len(codes))])
    out = match_units(s)
    assert out.tolist() == codes
    assert out.index.tolist() == s.index.tolist()


@pytest.mark.parametrize(
    "name, adcode",
    [
        ("廣東", "440000"),
        ("廣東省", "440000"),
        ("臺灣", "710000"),
        ("台灣", "710000"),
        ("澳門特別行政區", "820000"),
        ("內蒙古自治區", "150000"),
        ("陝西", "610000"),
        ("陝西省", "610000"),
        ("山西省", "140000"),
        ("新疆維吾爾自治區", "650000"),
        ("廣西壯族自治區", "450000"),
        ("寧夏回族自治區", "640000"),
        ("黑龍江省", "230000"),
    ],
)
def test_traditional_character_names(name, adcode):
    assert match_units([name]).tolist() == [adcode]
