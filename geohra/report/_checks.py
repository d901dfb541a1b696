"""Strict type checks for config values: every error names the key, the expected type and
what was given (TOML has booleans and numbers, so ``"false"`` or ``"5%"`` are mistakes)."""

from __future__ import annotations

import difflib
import re
from typing import Any


class ConfigError(ValueError):
    """A report config key is missing, unknown or has a value that is not allowed."""


def _given(value: Any) -> str:
    kind = {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    return f"{value!r} ({kind})"


def unknown(section: str, given: dict, allowed: set[str] | tuple) -> None:
    extra = sorted(set(given) - set(allowed))
    if extra:
        raise ConfigError(
            f"config: unknown key(s) {extra} in {section}; allowed keys: {sorted(allowed)}."
        )


def table(key: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(
            f"config: {key} must be a TOML table ([{key.strip('[]')}]); got {_given(value)}."
        )
    return value


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.lower())


def suggestion(key: str, value: Any, allowed: tuple) -> str:
    """`` Did you mean normalize = "minmax"?`` for a near miss (case, '-', '_', spaces,
    or a close spelling), else ''."""
    if not isinstance(value, str):
        return ""
    names = [a for a in allowed if isinstance(a, str)]
    same = [a for a in names if _squash(a) == _squash(value)]
    close = same or difflib.get_close_matches(value, names, n=1, cutoff=0.75)
    return f' Did you mean {key.split(".")[-1]} = "{close[0]}"?' if close else ""


def choice(key: str, value: Any, allowed: tuple) -> Any:
    if isinstance(value, bool) or value not in allowed:
        raise ConfigError(
            f"config: {key} = {value!r} is not allowed; use one of {list(allowed)}."
            + suggestion(key, value, allowed)
        )
    return value


def boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        hint = (
            f" Write {key.split('.')[-1]} = {str(value).lower()} without quotes."
            if str(value).lower() in ("true", "false")
            else ""
        )
        raise ConfigError(
            f"config: {key} must be true or false (a TOML boolean); got {_given(value)}.{hint}"
        )
    return value


def integer(key: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"config: {key} must be an integer >= {minimum}; got {_given(value)}.")
    return value


def number(
    key: str, value: Any, *, low: float | None = None, high: float | None = None, example: str = ""
) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and ((low is not None and not value > low) or (high is not None and not value < high)):
        ok = False
    if not ok:
        rng = (
            f" between {low} and {high} (exclusive)" if low is not None and high is not None else ""
        )
        raise ConfigError(
            f"config: {key} must be a number{rng}{', e.g. ' + example if example else ''}; got {_given(value)}."
        )
    return float(value)


def string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"config: {key} must be a non-empty string; got {_given(value)}.")
    return value


def optional_string(key: str, value: Any) -> str | None:
    return None if value is None else string(key, value)


def strings(key: str, value: Any, *, min_len: int = 0) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or len(value) < min_len
        or not all(isinstance(v, str) and v for v in value)
    ):
        raise ConfigError(
            f"config: {key} must be a list of {min_len or 'zero'} or more strings; got {_given(value)}."
        )
    return tuple(value)


def years(key: str, value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in value)
    ):
        raise ConfigError(
            f"config: {key} must be a list of years such as [2011, 2020]; got {_given(value)}."
        )
    return tuple(value)


def numbers(key: str, value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise ConfigError(f"config: {key} must be a list of numbers; got {_given(value)}.")
    return tuple(float(v) for v in value)
