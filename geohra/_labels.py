"""Legend labels of classes in the styles studies print (see :data:`LABEL_STYLES`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np


def _auto_decimals(values: np.ndarray) -> int:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0
    biggest = float(np.max(np.abs(finite)))
    if np.all(finite == np.round(finite)):
        d = 0  # whole numbers read best without decimals
    else:
        d = 0 if biggest == 0 else max(0, 2 - math.floor(math.log10(biggest)))
    distinct = np.unique(finite)
    # more decimals until neighbouring bounds read differently (at most 12)
    while d < 12 and len({f"{v:,.{d}f}" for v in distinct}) < distinct.size:
        d += 1
    return d


#: legend label styles: name -> description
LABEL_STYLES: dict[str, str] = {
    "range": "lower – upper",
    "interval": "[lower, upper] for the first class, (lower, upper] after",
    "arcgis": "lower - upper, a class's lower bound one display unit above the previous upper",
    "arcgis_tilde": "lower~upper, a class's lower bound one display unit above the previous upper",
}


def check_label_style(style: str, fmt: Any) -> None:
    if style not in LABEL_STYLES:
        raise ValueError(f"label_style must be one of {list(LABEL_STYLES)}; got {style!r}.")
    if style.startswith("arcgis") and fmt is not None and _fixed_decimals(fmt) is None:
        raise ValueError(
            f"label_style={style!r} steps the lower bounds by one unit of the last decimal, "
            f"so it needs fmt=None or a fixed-point spec such as '.3f'; got fmt={fmt!r}."
        )


def _fixed_decimals(fmt: Any) -> int | None:
    if not isinstance(fmt, str):
        return None
    m = re.fullmatch(r",?\.(\d+)f", fmt)
    return int(m.group(1)) if m else None


def make_labels(
    upper: np.ndarray,
    lower: float,
    *,
    fmt: str | Callable[[float], str] | None = None,
    style: str = "range",
) -> tuple[str, ...]:
    """Legend labels for each class in ``style`` (:data:`LABEL_STYLES`; ``"≤ b"`` /
    ``"> a"`` when a class is open)."""
    d = _auto_decimals(np.concatenate([[lower], upper])) if fmt is None else _fixed_decimals(fmt)
    if fmt is None:

        def f(v: float) -> str:
            r = round(float(v), d)
            return f"{(0.0 if r == 0 else r):,.{d}f}"  # no "-0.0"
    elif callable(fmt):
        f = fmt
    else:

        def f(v: float) -> str:
            return format(v, fmt)

    labels = []
    lows = [lower, *upper[:-1]]
    for i, (lo, hi) in enumerate(zip(lows, upper, strict=True)):
        if np.isinf(hi):
            labels.append(f"> {f(lo)}")
        elif np.isinf(lo) or (i == 0 and lo > hi):
            labels.append(f"≤ {f(hi)}")
        elif style == "interval":
            labels.append(("[" if i == 0 else "(") + f"{f(lo)}, {f(hi)}]")
        elif style.startswith("arcgis"):
            # the previous upper bound as shown, plus one unit of the last shown decimal
            start = lo if i == 0 else round(float(lo), d) + 10.0 ** (-d)
            sep = "~" if style == "arcgis_tilde" else " - "
            labels.append(f"{f(start)}{sep}{f(hi)}")
        else:
            labels.append(f"{f(lo)} – {f(hi)}")
    return tuple(labels)
