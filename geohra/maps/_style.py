"""Colours, label texts and fonts shared by the static (matplotlib) and web (folium) maps.

Keeping them here is what makes a web map and a static map of the same classification
use the very same colour for each class. Nothing in this module draws; matplotlib is
imported inside the functions that need it.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

# Neutral fills (ColorBrewer greys) for units that are drawn but not analysed
# (Hong Kong, Macao, Taiwan) and for units with a missing value.
CONTEXT_COLOR = "#d9d9d9"
MISSING_COLOR = "#ffffff"
MISSING_HATCH = "////"
EDGE_COLOR = "#555555"
CONTEXT_EDGE_COLOR = "#8c8c8c"

# LISA cluster colours as in GeoDa (the convention readers know): High-High red,
# Low-Low blue, Low-High light blue, High-Low pink, not significant light grey.
LISA_LABELS: tuple[str, ...] = ("High-High", "Low-Low", "Low-High", "High-Low", "Not significant")
LISA_COLORS: MappingProxyType = MappingProxyType(
    {
        "High-High": "#ff0000",
        "Low-Low": "#0000ff",
        "Low-High": "#a7adf9",
        "High-Low": "#f4ada8",
        "Not significant": "#eeeeee",
    }
)

_TEXT = {
    "en": {
        "no_data": "No data",
        "context": "Not analysed (HK, Macao, Taiwan)",
        "south_sea": "South China Sea Islands",
        "km": "km",
        "High-High": "High-High",
        "Low-Low": "Low-Low",
        "Low-High": "Low-High",
        "High-Low": "High-Low",
        "Not significant": "Not significant",
        "density": "Density",
        "year": "Year",
        "value": "Value",
        "share": "Contribution (%)",
        "spatial_lag": "Spatial lag",
        "standardised": "Standardised value (z)",
        "moran": "Moran's I",
        "within": "Within",
        "between": "Between",
        "between_net": "Between (net)",
        "transvariation": "Transvariation",
        "all": "All units",
        "total": "Total",
        "north": "N",
        "lisa": "LISA cluster",
    },
    "zh": {
        "no_data": "无数据",
        "context": "港澳台资料暂缺",
        "south_sea": "南海诸岛",
        "km": "千米",
        "High-High": "高-高",
        "Low-Low": "低-低",
        "Low-High": "低-高",
        "High-Low": "高-低",
        "Not significant": "不显著",
        "density": "核密度",
        "year": "年份",
        "value": "数值",
        "share": "贡献率 (%)",
        "spatial_lag": "空间滞后值",
        "standardised": "标准化值 (z)",
        "moran": "莫兰指数",
        "within": "区域内",
        "between": "区域间",
        "between_net": "区域间（净值）",
        "transvariation": "超变密度",
        "all": "全部单元",
        "total": "总体",
        "north": "北",
        "lisa": "LISA 聚类",
    },
}
TEXT: MappingProxyType = MappingProxyType({k: MappingProxyType(v) for k, v in _TEXT.items()})


def text(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` ("en" or "zh"); unknown keys are returned as given."""
    return TEXT[lang].get(key, key)


# Human labels of the columns geohra's own steps write (report, coupling, entropy index,
# local Moran), used as default legend titles; other columns keep their own name.
_COLUMN_LABELS = {
    "composite_index": ("Composite index", "综合指数"),
    "score": ("Composite index", "综合指数"),
    "grade": ("Coordination grade", "协调等级"),
    "grade_en": ("Coordination grade", "协调等级"),
    "grade_zh": ("Coordination grade", "协调等级"),
    "level": ("Coordination grade", "协调等级"),
    "D": ("Coupling coordination degree (D)", "耦合协调度 (D)"),
    "C": ("Coupling degree (C)", "耦合度 (C)"),
    "T": ("Comprehensive index (T)", "综合评价指数 (T)"),
    "cluster": ("LISA cluster", "LISA 聚类"),
}


def column_label(column: Any, lang: str) -> str:
    """The human label of a column geohra writes (``composite_index`` -> "Composite
    index" / "综合指数"); any other column name is returned unchanged."""
    pair = _COLUMN_LABELS.get(str(column))
    if pair is None:
        return str(column)
    return pair[1] if lang == "zh" else pair[0]


# Region names of the built-in schemes (region3, region3_1986, region4) in their
# canonical order (East, Central, West, Northeast), with the Chinese names and the
# "...地区" forms used in statistical yearbooks.
_REGIONS = (
    ("East", "东部", ("东部地区", "Eastern")),
    ("Central", "中部", ("中部地区",)),
    ("West", "西部", ("西部地区", "Western")),
    ("Northeast", "东北", ("东北地区",)),
)
_REGION_RANK = {
    str(name): rank
    for rank, (en, zh, aliases) in enumerate(_REGIONS)
    for name in (en, zh, *aliases)
}


def region_label(name: Any, lang: str) -> str:
    """A region of the built-in schemes in ``lang`` ("East" -> "东部"); other names unchanged."""
    rank = _REGION_RANK.get(str(name))
    if rank is None:
        return str(name)
    en, zh, _ = _REGIONS[rank]
    return zh if lang == "zh" else en


def region_order(names: Sequence[Any]) -> list[Any]:
    """``names`` with the regions of the built-in schemes first, in canonical order
    (East, Central, West, Northeast); other names keep their order after them."""
    known = sorted((n for n in names if str(n) in _REGION_RANK), key=lambda n: _REGION_RANK[str(n)])
    return known + [n for n in names if str(n) not in _REGION_RANK]


# ---------------------------------------------------------------------------
# colours
# ---------------------------------------------------------------------------


def class_colors(cmap: str | Sequence[str], k: int) -> tuple[str, ...]:
    """Hex colours of classes ``0 .. k-1``: the colormap sampled at ``k`` evenly spaced points.

    Class ``i`` gets ``cmap(i / (k - 1))`` (the lightest/first colour for the lowest
    class, the darkest/last for the highest), so the static and the web map agree.
    ``cmap`` may also be a sequence of at least ``k`` colours, used in order.
    """
    import matplotlib
    from matplotlib.colors import to_hex

    if k < 1:
        raise ValueError(f"class_colors: expected at least one class; got k={k}.")
    if not isinstance(cmap, str):
        colours = list(cmap)
        if len(colours) < k:
            raise ValueError(
                f"class_colors: {k} classes need {k} colours; got {len(colours)} in cmap. "
                "Pass more colours or a matplotlib colormap name such as 'YlOrRd'."
            )
        return tuple(to_hex(c) for c in colours[:k])
    try:
        colormap = matplotlib.colormaps[cmap]
    except KeyError:
        raise ValueError(
            f"class_colors: unknown colormap {cmap!r}. Use a matplotlib colormap name "
            "(e.g. 'YlOrRd', 'Blues', 'viridis') or a list of colours."
        ) from None
    if k == 1:
        return (to_hex(colormap(1.0)),)
    return tuple(to_hex(colormap(i / (k - 1))) for i in range(k))


def colors_for_classes(classes: pd.Series, palette: Sequence[str]) -> pd.Series:
    """Map integer classes (NaN for missing) to hex colours; missing stays NaN."""
    out = pd.Series(pd.NA, index=classes.index, dtype="object")
    present = classes.notna()
    out[present] = [palette[int(c)] for c in classes[present]]
    return out


# ---------------------------------------------------------------------------
# fonts and language
# ---------------------------------------------------------------------------

# Family names of common CJK fonts, most preferred first.
CJK_FONT_NAMES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
# File names of the same fonts, to find fonts installed after matplotlib built its cache.
_CJK_FILE_PATTERN = re.compile(
    r"(notosanscjk|notoserifcjk|notosanssc|sourcehansans|wqy|wenquanyi|msyh|simhei|pingfang|"
    r"hiragino.*gb|stheiti|uming)",
    re.IGNORECASE,
)
_PROBE = "中国无数据"  # glyphs every usable font must have

_warned_no_cjk = False


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except Exception:  # unreadable font file: not usable
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def _search_cache() -> str | None:
    from matplotlib import font_manager

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in CJK_FONT_NAMES:
        path = by_name.get(name)
        if path is not None and _has_glyphs(path):
            return name
    return None


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs, or None.

    Looks up known CJK families in matplotlib's font cache and checks that the font
    really holds Chinese glyphs (so a placeholder font never draws empty boxes). A font
    installed after matplotlib built its cache is found by scanning the system font
    files once and registering the match.
    """
    name = _search_cache()
    if name is not None:
        return name
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if _CJK_FILE_PATTERN.search(path.rsplit("/", 1)[-1]) and _has_glyphs(path):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:  # a broken file: keep looking
                continue
    return _search_cache()


def looks_chinese(frame: Any) -> bool:
    """True when the units are Chinese: a ``name_zh`` column or six-digit adcodes as index."""
    if isinstance(frame, pd.DataFrame) and "name_zh" in frame.columns:
        return True
    index = getattr(frame, "index", None)
    if index is None or len(index) == 0:
        return False
    from geohra.io._provinces import PROVINCES

    prefixes = {row[0][:2] for row in PROVINCES}
    return all(
        isinstance(i, str) and len(i) == 6 and i.isdigit() and i[:2] in prefixes for i in index
    )


def has_cjk(strings: Any) -> bool:
    """True if any of the strings contains a CJK ideograph."""
    return any(any("\u4e00" <= ch <= "\u9fff" for ch in str(s)) for s in strings)


def resolve_lang(lang: str, frame: Any = None, *, chinese: bool | None = None) -> str:
    """Turn ``lang`` ("auto", "zh", "en") into "zh" or "en".

    "auto" means Chinese labels for Chinese units (see :func:`looks_chinese`; or when
    ``chinese`` is True, e.g. chart labels written in Chinese), English otherwise.
    Chinese needs a CJK font: without one, warn once (how to install one) and use
    English, so a figure never shows empty boxes.
    """
    global _warned_no_cjk
    if lang not in ("auto", "zh", "en"):
        raise ValueError(f"lang must be 'auto', 'zh' or 'en'; got {lang!r}.")
    if lang == "en":
        return "en"
    if lang == "auto" and not (looks_chinese(frame) if chinese is None else chinese):
        return "en"
    if find_cjk_font() is not None:
        return "zh"
    if not _warned_no_cjk:
        _warned_no_cjk = True
        warnings.warn(
            "No font with Chinese glyphs is installed, so map labels are drawn in English. "
            "To get Chinese labels install one, e.g. on Debian/Ubuntu "
            "`apt-get install fonts-noto-cjk` (or the smaller `fonts-wqy-zenhei`); on Windows "
            "(Microsoft YaHei, SimHei) and macOS (PingFang SC) the system fonts are used. "
            "Pass lang='en' to silence this message.",
            UserWarning,
            stacklevel=3,
        )
    return "en"


def font_family(lang: str) -> list[str]:
    """Font family list for text in ``lang``; DejaVu Sans is the fallback for glyphs
    (such as the minus sign U+2212) a CJK font may lack."""
    if lang == "zh":
        cjk = find_cjk_font()
        if cjk is not None:
            return [cjk, "DejaVu Sans"]
    return ["DejaVu Sans"]


class _WeightNoteFilter:
    """Drop matplotlib's "Failed to find font weight normal for <CJK font>, now using 500"
    notes: some CJK families (WenQuanYi Zen Hei) ship one 'medium' face, which is the
    right one to use, and the note would be logged for every text drawn."""

    def __init__(self, family: str) -> None:
        self.family = family

    def filter(self, record: Any) -> bool:
        msg = record.getMessage()
        return not (msg.startswith("findfont: Failed to find font weight") and self.family in msg)


@functools.lru_cache(maxsize=4)
def _quiet_weight_notes(family: str) -> None:
    import logging

    logging.getLogger("matplotlib.font_manager").addFilter(_WeightNoteFilter(family))


def font_props(lang: str, size: float | None = None) -> Any:
    from matplotlib.font_manager import FontProperties

    family = font_family(lang)
    if len(family) > 1:
        _quiet_weight_notes(family[0])
    return FontProperties(family=family, size=size)


def font_for(texts: Any, lang: str, size: float | None = None) -> Any:
    """The font for ``lang``, or a Chinese one for texts written in Chinese (region names,
    a title or grade names in Chinese on an English figure), when one is installed: a
    Chinese label never falls back to a Latin font that draws empty boxes."""
    return font_props("zh" if has_cjk(list(texts)) else lang, size)


def format_number(x: float, *, digits: int = 3) -> str:
    """A compact number for legends and tooltips: 3 significant digits, thousands commas."""
    if pd.isna(x):
        return ""
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax == 0:
        return "0"
    return f"{x:.{digits}g}" if ax >= 1e-3 else f"{x:.2e}"
