"""Parsers of the config's parts: data paths (globs), indicators, rates and analysis targets."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geohra.report import _checks as ck
from geohra.report._checks import ConfigError

DIRECTIONS = ("positive", "negative")


@dataclass(frozen=True)
class Indicator:
    name: str
    direction: str = "positive"
    subsystem: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Rate:
    """A derived indicator ``name = total / population x per``."""

    name: str
    total: str
    population: str
    per: float = 1.0
    unit: str | None = None


def _paths(given: Any, base: Path) -> tuple[Path, ...]:
    patterns = ck.strings("[data].path", given, min_len=1)
    out: list[Path] = []
    for pattern in patterns:
        full = Path(pattern) if Path(pattern).is_absolute() else base / pattern
        if glob.has_magic(pattern):
            found = sorted(Path(p) for p in glob.glob(str(full)))
            if not found:
                raise ConfigError(
                    f"config: [data].path pattern {pattern!r} matches no file in {str(full.parent)!r} "
                    "(relative paths are read from the config's folder)."
                )
            out += found
        elif not full.exists():
            raise ConfigError(
                f"config: [data].path: file(s) not found: {[str(full)]} (relative paths are read "
                f"from the config's folder {str(base)!r})."
            )
        else:
            out.append(full)
    return tuple(dict.fromkeys(out))


def _indicators(raw: Any) -> tuple:
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(
            "config: an [indicators] table is required, e.g.\n[indicators]\n"
            'beds_per_10k = "positive"\nwait_days = { direction = "negative", subsystem = "access" }'
        )
    out = []
    for name, spec in raw.items():
        if isinstance(spec, str):
            spec = {"direction": spec}
        if not isinstance(spec, dict):
            raise ConfigError(
                f'config: [indicators].{name} must be "positive", "negative" or a table '
                f"{{ direction = ..., subsystem = ..., label = ... }}; got {spec!r}."
            )
        key = f"[indicators].{name}"
        ck.unknown(key, spec, ("direction", "subsystem", "label"))
        out.append(
            Indicator(
                name,
                ck.choice(f"{key}.direction", spec.get("direction", "positive"), DIRECTIONS),
                ck.optional_string(f"{key}.subsystem", spec.get("subsystem")),
                ck.optional_string(f"{key}.label", spec.get("label")),
            )
        )
    return tuple(out)


def _rates(raw: Any) -> tuple:
    out = []
    for name, spec in ck.table("[rates]", raw).items():
        key = f"[rates].{name}"
        spec = ck.table(key, spec)
        ck.unknown(key, spec, ("total", "population", "per", "unit"))
        for need in ("total", "population"):
            if need not in spec:
                raise ConfigError(
                    f'config: {key} needs {need} = "<column>" (rate = total / population x per).'
                )
        out.append(
            Rate(
                name,
                ck.string(f"{key}.total", spec["total"]),
                ck.string(f"{key}.population", spec["population"]),
                ck.number(f"{key}.per", spec.get("per", 1), low=0, example="1000"),
                ck.optional_string(f"{key}.unit", spec.get("unit")),
            )
        )
    return tuple(out)


def _target(key: str, value: Any, subsystems: set[str], coupling: Any) -> str | None:
    if value is None:
        return None
    value = ck.string(key, value)
    allowed = ["index", "D"] + [f"U:{s}" for s in sorted(subsystems)]
    if value not in allowed:
        raise ConfigError(
            f"config: {key} = {value!r} is not allowed; use one of {allowed} (the composite index, "
            "the coordination degree D, or a subsystem index U)."
        )
    if value == "D" and not coupling:
        raise ConfigError(
            f'config: {key} = "D" needs [analysis].coupling (the subsystems to couple).'
        )
    return value
