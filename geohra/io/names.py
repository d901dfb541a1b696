"""Unit names: the province table and exact matching of unit identifiers to adcodes.

- :func:`province_table` - the static table of China's 34 provincial-level divisions
  (adcode, names, aliases, the ``analysis`` flag and the region schemes).
- :func:`match_units` - map unit identifiers (Chinese / English names, aliases,
  adcodes) to six-digit adcodes, exactly on normalised keys, never fuzzily.
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import pandas as pd

from geohra.io._provinces import province_table as _static_province_table

__all__ = ["match_units", "province_table"]


def province_table() -> pd.DataFrame:
    """The static table of China's 34 provincial-level divisions.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``adcode`` (GB/T 2260, six-digit str) with columns ``name_zh``
        (full Chinese name, e.g. 内蒙古自治区), ``short_zh`` (内蒙古), ``name_en``
        (Inner Mongolia), ``aliases`` (tuple of other spellings), ``analysis``
        (True for the 31 mainland provinces, False for Hong Kong, Macao and Taiwan)
        and the region schemes ``region3``, ``region3_1986``, ``region4``, ``region8``.
        A fresh copy each call, so it can be modified freely.
    """
    return _static_province_table()


# ---------------------------------------------------------------------------
# name matching
# ---------------------------------------------------------------------------

# Columns of a table whose values name a unit (the index, its id, is always a key too).
_NAME_COLUMNS = ("name_zh", "short_zh", "name_en", "name", "aliases")

# Administrative suffixes a user may add or leave out ("Shaanxi Province", "北京市",
# "宁夏自治区"). Tried one at a time, only after the exact key failed, and the stripped
# key must again match exactly; longest first so "自治区" wins over "区".
_SUFFIXES = tuple(
    sorted(
        (
            "province",
            "sheng",
            "municipality",
            "city",
            "shi",
            "autonomousregion",
            "specialadministrativeregion",
            "sar",
            "省",
            "市",
            "自治区",
            "壮族自治区",
            "回族自治区",
            "维吾尔自治区",
            "特别行政区",
            # the same in traditional characters
            "自治區",
            "壯族自治區",
            "回族自治區",
            "維吾爾自治區",
            "特別行政區",
        ),
        key=len,
        reverse=True,
    )
)

# Suffixes that make a name city-level. Stripped only when the unit they lead to is itself a
# city (a municipality such as 北京市, whose full name ends in 市): 吉林市 is a prefecture-level
# city in Jilin Province, never the province.
_CITY_SUFFIXES = frozenset({"市", "city", "shi", "municipality"})

# Characters that never distinguish two names: whitespace of any width, hyphens,
# underscores, dots (after NFKC full-width forms are already ASCII).
_NOISE = re.compile(r"[\s\-_.·・]+")


def _normalise(text: str) -> str:
    """NFKC (full-width -> ASCII), case-folded, whitespace/hyphens/dots removed."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    return word + "s"


class _KeyIndex:
    """Normalised key -> id, plus the display names used for suggestions."""

    def __init__(self, table: pd.DataFrame) -> None:
        keys: dict[str, set[str]] = {}
        display: dict[str, str] = {}
        ids = [str(i) for i in table.index]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})[:5]
            raise ValueError(
                f"match_units: the table's index (unit ids) has duplicates {dup}; "
                "each id must appear once."
            )

        def add(name: Any, uid: str) -> None:
            if name is None or (isinstance(name, float) and math.isnan(name)):
                return
            name = str(name)
            key = _normalise(name)
            if not key:
                return
            keys.setdefault(key, set()).add(uid)
            display.setdefault(key, name)

        columns = [c for c in _NAME_COLUMNS if c in table.columns]
        for uid, (_, row) in zip(ids, table[columns].iterrows(), strict=False):
            add(uid, uid)
            for col in columns:
                value = row[col]
                if isinstance(value, (list, tuple, set, frozenset)):
                    for alias in value:
                        add(alias, uid)
                else:
                    add(value, uid)
        self.ids = frozenset(ids)
        # units that are cities themselves (a city suffix may be stripped to reach them);
        # without a name_zh column nothing tells, so every unit is allowed
        if "name_zh" in table.columns:
            self.cities = frozenset(
                uid
                for uid, name in zip(ids, table["name_zh"], strict=False)
                if isinstance(name, str) and name.strip().endswith("市")
            )
        else:
            self.cities = self.ids
        label_col = next((c for c in ("name_zh", "name", "name_en") if c in table.columns), None)
        self.names = dict(zip(ids, table[label_col], strict=False)) if label_col else {}
        self.keys = keys
        self.display = display
        # Only keys naming a single unit are used for suggestions.
        self.known = sorted(k for k, v in keys.items() if len(v) == 1 and not k.isdigit())

    def lookup(self, value: Any) -> tuple[str | None, set[str], str | None]:
        """Return (id, set(), None) on an exact match, else (None, candidates if ambiguous,
        the unit a city-level name would wrongly reach by dropping its city suffix)."""
        code = self._as_code(value)
        if code is not None:
            return code, set(), None
        if not isinstance(value, str):
            return None, set(), None
        key = _normalise(value)
        found = self.keys.get(key)
        if found is None:
            for suffix in _SUFFIXES:
                if key.endswith(suffix) and len(key) > len(suffix):
                    found = self.keys.get(key[: -len(suffix)])
                    if found is not None and suffix in _CITY_SUFFIXES and not found <= self.cities:
                        # 吉林市 -> 吉林 is Jilin Province: a city is never its province
                        return None, set(), sorted(found)[0]
                    if found is not None:
                        break
        if found is None:
            return None, set(), None
        if len(found) > 1:
            return None, found, None
        return next(iter(found)), set(), None

    def _as_code(self, value: Any) -> str | None:
        """Codes given as int, float with integral value, or digit strings."""
        if isinstance(value, bool):
            return None
        if isinstance(value, numbers.Integral):
            text = str(int(value))
        elif isinstance(value, numbers.Real):
            if not math.isfinite(value) or value != int(value):
                return None
            text = str(int(value))
        elif isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            if re.fullmatch(r"\d+\.0*", text):  # "110000.0" from a float column read as text
                text = text.split(".")[0]
            if not text.isdigit():
                return None
        else:
            return None
        if text in self.ids:
            return text
        # Two-digit province codes (11 -> 110000) and 9/12-digit statistical codes whose
        # tail is zeros (110000000000 -> 110000), only when the target id exists.
        if len(text) == 2 and text + "0000" in self.ids:
            return text + "0000"
        if len(text) in (9, 12) and set(text[6:]) == {"0"} and text[:6] in self.ids:
            return text[:6]
        return None

    def suggest(self, value: Any, n: int = 3) -> list[str]:
        key = _normalise(str(value))
        close = difflib.get_close_matches(key, self.known, n=n, cutoff=0.6)
        return [self.display[k] for k in close]


@functools.lru_cache(maxsize=1)
def _province_keys() -> _KeyIndex:
    return _KeyIndex(_static_province_table())


def match_units(
    values: Iterable[Any] | pd.Series | pd.Index,
    *,
    table: pd.DataFrame | None = None,
    what: str = "unit",
) -> pd.Series:
    """Map unit identifiers to unit ids (for provinces: six-digit adcode strings).

    Matching is exact on normalised keys, never fuzzy, so Shanxi (山西, 140000) and
    Shaanxi (陕西, 610000) can never be confused. A key is normalised by Unicode NFKC
    (full-width letters, digits and spaces become ASCII), case folding, and removing
    whitespace, hyphens, underscores and dots. If a name does not match, one trailing
    administrative suffix ("Province", "Municipality", "Autonomous Region", "SAR",
    省, 市, 自治区, 特别行政区 ...) is removed and the rest must again match exactly.

    Accepted identifiers for the built-in province table: Chinese full and short names
    (北京市/北京, 内蒙古自治区/内蒙古), English names and the aliases of
    :func:`province_table` (Inner Mongolia/Nei Mongol, Tibet/Xizang, Macau ...), and
    adcodes as int, float or str (110000, 110000.0, "110000"), also the two-digit
    province code (11) and zero-padded 12-digit statistical codes.

    Parameters
    ----------
    values
        A Series, Index, list or array of identifiers. A single string is refused
        (wrap it in a list).
    table
        Table of known units, indexed by unit id, whose columns ``name_zh``,
        ``short_zh``, ``name_en``, ``name`` and ``aliases`` (tuples allowed) are used
        when present, e.g. a GeoDataFrame from :func:`load_boundaries`. Default: the
        built-in :func:`province_table`.
    what
        The word used in error messages ("province", "county" ...).

    Returns
    -------
    pandas.Series
        The unit ids as strings, named ``"adcode"``, indexed like ``values`` when it
        is a Series, else by position.

    Raises
    ------
    ValueError
        If any identifier is unknown (all of them are listed, each with the closest
        known names), ambiguous in ``table``, or missing (None/NaN).
    """
    items, index, keys = _validated_items(values, table, what)
    resolved, unknown, ambiguous, cities = _resolve_all(items, keys)
    problems = _problems(unknown, cities, ambiguous, keys, table is None, what)
    if problems:
        raise ValueError("match_units: " + " ".join(problems))

    return pd.Series(
        [resolved[_hashable(v)] for v in items], index=index, name="adcode", dtype="str"
    )


def _validated_items(
    values: Iterable[Any] | pd.Series | pd.Index, table: pd.DataFrame | None, what: str
) -> tuple[list, pd.Index, _KeyIndex]:
    """The identifiers as a list with their index, and the key index of ``table``;
    raises on a single string, a DataFrame, unhashable or missing identifiers."""
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"match_units: expected a list, array or Series of identifiers; got the single "
            f"string {values!r}. Wrap it in a list: match_units([{values!r}])."
        )
    if isinstance(values, pd.DataFrame):
        raise TypeError(
            "match_units: expected one column of identifiers; got a DataFrame. "
            "Pass the column, e.g. match_units(df['province'])."
        )
    if isinstance(values, pd.Series):
        index = values.index
        items = list(values)
    else:
        items = list(values)
        index = pd.RangeIndex(len(items))
    keys = _province_keys() if table is None else _KeyIndex(table)

    unhashable = [pos for pos, v in enumerate(items) if isinstance(v, (list, dict, set))]
    if unhashable:
        shown = ", ".join(f"{index[p]!r}: {items[p]!r}" for p in unhashable[:8])
        raise TypeError(
            f"match_units: each {what} identifier must be a single name or code; got lists, "
            f"dicts or sets at {shown}. Pass one value per unit."
        )
    missing_pos = [pos for pos, v in enumerate(items) if _is_missing(v)]
    if missing_pos:
        shown = ", ".join(repr(index[p]) for p in missing_pos[:8])
        more = " ..." if len(missing_pos) > 8 else ""
        raise ValueError(
            f"match_units: {len(missing_pos)} {what} identifier(s) are missing (empty/NaN) at "
            f"{shown}{more}. Fill in the {what} name or code, or drop those rows first."
        )
    return items, index, keys


def _resolve_all(
    items: list, keys: _KeyIndex
) -> tuple[dict[Any, str], list[Any], list[tuple[Any, set[str]]], list[tuple[Any, str]]]:
    """Each distinct identifier looked up once: (resolved, unknown, ambiguous, city names)."""
    resolved: dict[Any, str] = {}
    unknown: list[Any] = []
    ambiguous: list[tuple[Any, set[str]]] = []
    cities: list[tuple[Any, str]] = []
    for v in items:
        hashable = _hashable(v)
        if hashable in resolved:
            continue
        uid, candidates, city_of = keys.lookup(v)
        if uid is not None:
            resolved[hashable] = uid
        elif city_of is not None:
            if all(c[0] != v for c in cities):
                cities.append((v, city_of))
        elif candidates:
            if all(a[0] != v for a in ambiguous):
                ambiguous.append((v, candidates))
        elif v not in unknown:
            unknown.append(v)
    return resolved, unknown, ambiguous, cities


def _problems(
    unknown: list[Any],
    cities: list[tuple[Any, str]],
    ambiguous: list[tuple[Any, set[str]]],
    keys: _KeyIndex,
    builtin: bool,
    what: str,
) -> list[str]:
    """One sentence per kind of failure (unknown, city-level, ambiguous names)."""
    problems = []
    if unknown:
        parts = []
        for v in unknown:
            hint = keys.suggest(v)
            tail = f" (did you mean {' or '.join(map(repr, hint))}?)" if hint else ""
            parts.append(f"{v!r}{tail}")
        noun = what if len(unknown) == 1 else _plural(what)
        verb = "is" if len(unknown) == 1 else "are"
        source = "the built-in province table" if builtin else "the given table"
        problems.append(
            f"{len(unknown)} {noun} {verb} not known in {source}: {', '.join(parts)}. "
            "Fix the spelling (see geohra.province_table(): name_zh, short_zh, name_en, aliases) "
            "or pass six-digit adcodes instead of names."
            if builtin
            else f"{len(unknown)} {noun} {verb} not known in {source}: {', '.join(parts)}. "
            "Fix the spelling or pass the unit ids (the table's index) instead of names."
        )
    if cities:
        parts = [f"{v!r} (not {keys.names.get(city, city)}, {city})" for v, city in cities]
        problems.append(
            f"{len(cities)} name(s) are city-level names that only look like a "
            f"{what}'s short name plus 市/City, so they match nothing: {', '.join(parts)}. A city such as 吉林市 (a "
            "prefecture-level city in Jilin Province) is never matched to its province; the "
            "municipalities 北京市, 天津市, 上海市 and 重庆市 are the exception. If the row "
            f"really is the {what}, write its full or short name (吉林省, 吉林) or its adcode; "
            "for city-level data pass boundaries of those cities (match=table)."
        )
    if ambiguous:
        parts = [f"{v!r} -> {sorted(c)}" for v, c in ambiguous]
        problems.append(
            f"{len(ambiguous)} name(s) match several {_plural(what)}: {', '.join(parts)}. "
            "Pass the unit ids (adcodes) for these instead of names."
        )
    return problems


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not _NOISE.sub("", unicodedata.normalize("NFKC", value))


def _hashable(value: Any) -> Any:
    # 110000 and "110000" resolve the same, but keep them apart in the memo so the
    # lookup of each one is honest; numpy scalars hash like Python numbers.
    return (type(value).__name__, value) if not isinstance(value, str) else ("str", value)
