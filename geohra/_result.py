"""The one base of every public result: a short repr and a compact HTML view.

A result class is a frozen dataclass declared with ``@dataclass(frozen=True, repr=False)``
(so the repr defined here is used) that inherits :class:`Result` and defines
``_repr_parts()``, the few facts a reader wants first, e.g.
``TheilResult(total=0.0370, within 94.6 %, between 5.4 %, 3 groups)``; the counts of
islands and omitted units, when a result has any, are appended by the base.
Printing a result never dumps per-unit Series; those are in ``.to_frame()``.
"""

from __future__ import annotations

import html
import math
import warnings
from typing import Any

import pandas as pd

__all__ = ["Result", "fmt", "pct", "deprecated_alias", "series_frame"]

HTML_ROWS = 8  # summary rows shown by _repr_html_ (the rest are counted, not shown)


def fmt(x: Any, digits: int = 4) -> str:
    """A number for a repr: fixed decimals for ordinary magnitudes, else 3 significant digits."""
    if x is None:
        return "None"
    x = float(x)
    if math.isnan(x):
        return "nan"
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return f"{x:.{digits}f}"
    return f"{x:.3g}"


def pct(part: Any, whole: Any) -> str:
    """``part`` as a percentage of ``whole``, one decimal (``nan %`` when whole is 0)."""
    if part is None or whole is None or not float(whole) > 0:
        return "nan %"
    return f"{float(part) / float(whole) * 100.0:.1f} %"


class Result:
    """Mixin of every public result: ``__repr__`` and ``_repr_html_`` from ``_repr_parts``."""

    __slots__ = ()

    def _repr_parts(self) -> list[str]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        parts = self._repr_parts()
        # every result that drops units says so, in the same words, last
        for name in ("islands", "omitted"):
            left_out = getattr(self, name, None)
            if isinstance(left_out, tuple | list) and left_out:
                parts.append(f"{len(left_out)} {name}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """Title line, the formula variant, and ``summary()`` (first rows) as a table."""
        title = f"<strong>{html.escape(repr(self))}</strong>"
        summary = getattr(self, "summary", None)
        if summary is None:
            return f"<div>{title}</div>"
        frame = summary()
        variant = None
        if "variant" in frame.columns and frame["variant"].nunique() == 1:
            variant = str(frame["variant"].iloc[0])
            frame = frame.drop(columns="variant")
        variant = variant or frame.attrs.get("variant")
        parts = [title]
        if variant:
            parts.append(f"<br><small>variant: {html.escape(str(variant))}</small>")
        parts.append(frame.head(HTML_ROWS).to_html(border=0, float_format=_float_html))
        if len(frame) > HTML_ROWS:
            parts.append(
                f"<small>{len(frame) - HTML_ROWS} more rows: .summary() has them all</small>"
            )
        return "<div>" + "".join(parts) + "</div>"


def _float_html(x: float) -> str:
    return fmt(x)


def deprecated_alias(new: str, old: str) -> property:
    """A read-only property ``old`` that warns and returns the field ``new`` (one release)."""

    def get(self: Any) -> Any:
        warnings.warn(
            f"{type(self).__name__}.{old} is deprecated and will be removed in geohra 0.3; "
            f"use .{new} (the same value).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}``.")


def one_row(row: dict, measure: str) -> pd.DataFrame:
    """A one-row summary indexed by ``measure`` (the statistic's display name)."""
    return pd.DataFrame([row], index=pd.Index([measure], name="measure"))


def series_frame(result: Any, names: tuple[str, ...]) -> pd.DataFrame:
    """The per-unit Series fields ``names`` of ``result`` as columns, in that order; fields
    that are None (optional columns such as ``pvalue_fdr``) are left out."""
    return pd.DataFrame({n: getattr(result, n) for n in names if getattr(result, n) is not None})
