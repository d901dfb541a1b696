"""Display units and labels of the shipped demo datasets, in English and Chinese.

:mod:`geohra.io.datasets` builds its registry from these tables; a report shows the labels as
column names and the units in its "unit of measure" column, in the report's language.
"""

from __future__ import annotations

_PER_10K_POP = ("per 10,000 population", "每万人口")
_PER_KM2 = ("per km²", "每平方公里")
_MONEY = (
    "money unit not printed, consistent with 100 million yuan",
    "原表未注明货币单位，与亿元相符",
)
_RESOURCES_2013 = {
    "health_care_institutions": ("Health care institutions", "医疗卫生机构数"),
    "health_technical_personnel": ("Health technical personnel", "卫生技术人员数"),
    "beds_health_care_institutions": ("Beds in health care institutions", "医疗卫生机构床位数"),
    "health_investment": ("Health investment", "卫生投入"),
}


def _health_2013(i: int) -> tuple[dict, dict]:
    """(units, labels) of the 2013 table in English (i = 0) or Chinese (i = 1)."""
    units = {
        "population_10k": ("10,000 persons", "万人")[i],
        "area_10k_km2": ("10,000 km²", "万平方公里")[i],
    }
    labels = {"population_10k": ("Population", "人口")[i], "area_10k_km2": ("Area", "面积")[i]}
    for r, names in _RESOURCES_2013.items():
        money = r == "health_investment"
        units[f"{r}_per_10k_pop"] = (
            _PER_10K_POP[i] + ("; ", "；")[i] + _MONEY[i] if money else _PER_10K_POP[i]
        )
        units[f"{r}_per_10k_km2"] = (
            ("per 10,000 km²", "每万平方公里")[i] + ("; ", "；")[i] + _MONEY[i]
            if money
            else _PER_KM2[i]
        )
        area = ("per 10,000 km²", "每万平方公里") if money else _PER_KM2
        if i == 0:
            labels[f"{r}_per_10k_pop"] = f"{names[0]} per 10,000 population"
            labels[f"{r}_per_10k_km2"] = f"{names[0]} {area[0]}"
        else:
            labels[f"{r}_per_10k_pop"] = f"每万人口{names[1]}"
            labels[f"{r}_per_10k_km2"] = f"{area[1]}{names[1]}"
    return units, labels


_NBS = {  # column: (unit en, unit zh, label en, label zh), as the yearbooks print them
    "health_institutions": ("units", "个", "Health institutions", "卫生机构数"),
    "hospitals": ("units", "个", "Hospitals", "医院数"),
    "beds_health_institutions": (
        "10,000 beds",
        "万张",
        "Beds in health institutions",
        "卫生机构床位数",
    ),
    "beds_hospitals": ("10,000 beds", "万张", "Hospital beds", "医院床位数"),
    "health_personnel_total": ("10,000 persons", "万人", "Health personnel", "卫生人员数"),
    "health_technical_personnel": (
        "10,000 persons",
        "万人",
        "Health technical personnel",
        "卫生技术人员数",
    ),
    "doctors": ("10,000 persons", "万人", "Doctors", "医生数"),
    "physicians": ("10,000 persons", "万人", "Physicians", "医师数"),
    "nurses_senior_junior": ("10,000 persons", "万人", "Senior and junior nurses", "护师、护士数"),
    "population_yearend": ("10,000 persons", "万人", "Year-end population", "年末人口"),
}


_UNITS_2013, _LABELS_2013 = _health_2013(0)
_UNITS_2013_ZH, _LABELS_2013_ZH = _health_2013(1)
_GP = {  # column: (unit, label en, label zh)
    "gp_registration_rate_pct": ("%", "GP registration rate", "全科医生注册率"),
    "gp_share_of_practising_assistant_physicians_pct": (
        "%",
        "General practitioners as a share of practising (assistant) physicians",
        "全科医生占执业（助理）医师比例",
    ),
}
_PHYSICIANS = {  # column: (unit en, unit zh, label en, label zh)
    "population_10k": (
        "10,000 persons (the table's label '×10³' is wrong)",
        "万人（原表标注“×10³”有误）",
        "Population",
        "人口",
    ),
    "area_km2": (
        "km² (the table's label '×10³ M2' is wrong)",
        "平方公里（原表标注“×10³ M2”有误）",
        "Area",
        "面积",
    ),
    "physicians_total": ("persons", "人", "Licensed (assistant) physicians", "执业（助理）医师数"),
    "physicians_per_1000_pop": (
        "per 1,000 population",
        "每千人口",
        "Licensed (assistant) physicians per 1,000 population",
        "每千人口执业（助理）医师数",
    ),
    "physicians_per_km2": (
        "per km²",
        "每平方公里",
        "Licensed (assistant) physicians per km²",
        "每平方公里执业（助理）医师数",
    ),
}
