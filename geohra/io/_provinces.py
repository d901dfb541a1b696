"""The static table of China's provincial-level divisions.

One row per unit: GB/T 2260 adcode, Chinese full and short names, the English
name used in the statistical yearbooks, known alternative spellings, whether the
unit belongs to the default analysis set (the 31 mainland provinces), and the
three region schemes described in the README:

- ``region3``: East (11) / Central (8) / West (12), as in most current studies.
- ``region3_1986``: the Seventh Five-Year Plan belts applied to today's provinces:
  East (12, adds Guangxi), Central (9, adds Inner Mongolia), West (10).
- ``region4``: the National Bureau of Statistics' East (10) / Central (6) /
  West (12) / Northeast (3).
- ``region8``: the eight comprehensive economic regions (八大综合经济区) proposed by the
  Development Research Center of the State Council (国务院发展研究中心, 2005, in its
  report on regional coordinated development strategy for the 11th Five-Year Plan):
  Northeast, Northern Coast, Eastern Coast, Southern Coast, Middle Yellow River,
  Middle Yangtze River, Southwest, Northwest.

Hong Kong, Macao and Taiwan are present (``analysis=False``) so that maps can
draw them; their region columns are empty because no scheme assigns them.
"""

from __future__ import annotations

# adcode, name_zh, short_zh, name_en, aliases (English / pinyin / other), analysis,
# region3, region3_1986, region4
PROVINCES: tuple[tuple, ...] = (
    ("110000", "北京市", "北京", "Beijing", ("Peking",), True, "East", "East", "East"),
    ("120000", "天津市", "天津", "Tianjin", (), True, "East", "East", "East"),
    ("130000", "河北省", "河北", "Hebei", (), True, "East", "East", "East"),
    ("140000", "山西省", "山西", "Shanxi", (), True, "Central", "Central", "Central"),
    (
        "150000",
        "内蒙古自治区",
        "内蒙古",
        "Inner Mongolia",
        ("Nei Mongol", "Neimenggu", "Nei Menggu", "Inner Mongolia Autonomous Region"),
        True,
        "West",
        "Central",
        "West",
    ),
    ("210000", "辽宁省", "辽宁", "Liaoning", (), True, "East", "East", "Northeast"),
    ("220000", "吉林省", "吉林", "Jilin", (), True, "Central", "Central", "Northeast"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang", (), True, "Central", "Central", "Northeast"),
    ("310000", "上海市", "上海", "Shanghai", (), True, "East", "East", "East"),
    ("320000", "江苏省", "江苏", "Jiangsu", (), True, "East", "East", "East"),
    ("330000", "浙江省", "浙江", "Zhejiang", (), True, "East", "East", "East"),
    ("340000", "安徽省", "安徽", "Anhui", (), True, "Central", "Central", "Central"),
    ("350000", "福建省", "福建", "Fujian", (), True, "East", "East", "East"),
    ("360000", "江西省", "江西", "Jiangxi", (), True, "Central", "Central", "Central"),
    ("370000", "山东省", "山东", "Shandong", (), True, "East", "East", "East"),
    ("410000", "河南省", "河南", "Henan", (), True, "Central", "Central", "Central"),
    ("420000", "湖北省", "湖北", "Hubei", (), True, "Central", "Central", "Central"),
    ("430000", "湖南省", "湖南", "Hunan", (), True, "Central", "Central", "Central"),
    ("440000", "广东省", "广东", "Guangdong", ("Canton",), True, "East", "East", "East"),
    (
        "450000",
        "广西壮族自治区",
        "广西",
        "Guangxi",
        ("Guangxi Zhuang Autonomous Region", "Guangxi Zhuangzu"),
        True,
        "West",
        "East",
        "West",
    ),
    ("460000", "海南省", "海南", "Hainan", (), True, "East", "East", "East"),
    ("500000", "重庆市", "重庆", "Chongqing", ("Chungking",), True, "West", "West", "West"),
    ("510000", "四川省", "四川", "Sichuan", ("Szechuan", "Szechwan"), True, "West", "West", "West"),
    ("520000", "贵州省", "贵州", "Guizhou", (), True, "West", "West", "West"),
    ("530000", "云南省", "云南", "Yunnan", (), True, "West", "West", "West"),
    (
        "540000",
        "西藏自治区",
        "西藏",
        "Tibet",
        ("Xizang", "Tibet Autonomous Region", "Xizang Autonomous Region"),
        True,
        "West",
        "West",
        "West",
    ),
    ("610000", "陕西省", "陕西", "Shaanxi", ("Shaanxi Province",), True, "West", "West", "West"),
    ("620000", "甘肃省", "甘肃", "Gansu", (), True, "West", "West", "West"),
    ("630000", "青海省", "青海", "Qinghai", (), True, "West", "West", "West"),
    (
        "640000",
        "宁夏回族自治区",
        "宁夏",
        "Ningxia",
        ("Ningxia Hui Autonomous Region", "Ningxia Huizu"),
        True,
        "West",
        "West",
        "West",
    ),
    (
        "650000",
        "新疆维吾尔自治区",
        "新疆",
        "Xinjiang",
        ("Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur", "Sinkiang"),
        True,
        "West",
        "West",
        "West",
    ),
    ("710000", "台湾省", "台湾", "Taiwan", (), False, None, None, None),
    (
        "810000",
        "香港特别行政区",
        "香港",
        "Hong Kong",
        ("Hongkong", "Hong Kong SAR", "Xianggang"),
        False,
        None,
        None,
        None,
    ),
    (
        "820000",
        "澳门特别行政区",
        "澳门",
        "Macao",
        ("Macau", "Macao SAR", "Aomen"),
        False,
        None,
        None,
        None,
    ),
)

# Traditional-character short names, where they differ from the simplified ones (data from
# Hong Kong, Macao and Taiwan sources); matched like any other alias.
TRADITIONAL_SHORT: dict[str, tuple[str, ...]] = {
    "150000": ("內蒙古",),
    "210000": ("遼寧",),
    "230000": ("黑龍江",),
    "320000": ("江蘇",),
    "370000": ("山東",),
    "440000": ("廣東",),
    "450000": ("廣西",),
    "500000": ("重慶",),
    "520000": ("貴州",),
    "530000": ("雲南",),
    "610000": ("陝西",),
    "620000": ("甘肅",),
    "640000": ("寧夏",),
    "710000": ("臺灣", "台灣"),
    "820000": ("澳門",),
}

COLUMNS = (
    "adcode",
    "name_zh",
    "short_zh",
    "name_en",
    "aliases",
    "analysis",
    "region3",
    "region3_1986",
    "region4",
)

# The eight comprehensive economic regions of the Development Research Center of the State
# Council (国务院发展研究中心《地区协调发展的战略和政策》, 2005): name -> two-digit province codes.
REGION8_MEMBERS: dict[str, tuple[str, ...]] = {
    "Northeast": ("21", "22", "23"),  # 东北综合经济区
    "Northern Coast": ("11", "12", "13", "37"),  # 北部沿海综合经济区
    "Eastern Coast": ("31", "32", "33"),  # 东部沿海综合经济区
    "Southern Coast": ("35", "44", "46"),  # 南部沿海综合经济区
    "Middle Yellow River": ("14", "15", "41", "61"),  # 黄河中游综合经济区
    "Middle Yangtze River": ("34", "36", "42", "43"),  # 长江中游综合经济区
    "Southwest": ("45", "50", "51", "52", "53"),  # 大西南综合经济区
    "Northwest": ("54", "62", "63", "64", "65"),  # 大西北综合经济区
}

# Region labels in Chinese, in each scheme's canonical order (the order tables and charts use).
REGION_NAMES_ZH: dict[str, str] = {
    "East": "东部",
    "Central": "中部",
    "West": "西部",
    "Northeast": "东北",
    "Northern Coast": "北部沿海",
    "Eastern Coast": "东部沿海",
    "Southern Coast": "南部沿海",
    "Middle Yellow River": "黄河中游",
    "Middle Yangtze River": "长江中游",
    "Southwest": "大西南",
    "Northwest": "大西北",
}
REGION_ORDER: dict[str, tuple[str, ...]] = {
    "region3": ("East", "Central", "West"),
    "region3_1986": ("East", "Central", "West"),
    "region4": ("East", "Central", "West", "Northeast"),
    "region8": tuple(REGION8_MEMBERS),
}

REGION_SCHEMES = ("region3", "region3_1986", "region4", "region8")


def province_table():
    """Return the table as a pandas DataFrame indexed by adcode (str)."""
    import pandas as pd

    df = pd.DataFrame(list(PROVINCES), columns=COLUMNS).set_index("adcode")
    df["aliases"] = [
        tuple(aliases) + TRADITIONAL_SHORT.get(code, ()) for code, aliases in df["aliases"].items()
    ]
    region8 = {code: name for name, codes in REGION8_MEMBERS.items() for code in codes}
    df["region8"] = [region8.get(code[:2]) for code in df.index]
    return df
