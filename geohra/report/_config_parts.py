"""Parsers of the config's parts: data paths (globs), indicators, rates and analysis targets."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geohra.report import _checks as ck
from geohra.report._checks import ConfigError

DIRECTIONS = ("positive", "negative")
DATA_FORMATS = ("panel", "nbs")
NAN_POLICIES = ("raise", "omit")
_DATA = ("path", "builtin", "format", "unit", "year", "encoding", "sheet", "nan_policy")


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


def _data_kwargs(raw: dict, base: Path) -> dict:
    """[data] and [boundaries]."""
    data = raw.get("data")
    if not isinstance(data, dict):
        raise ConfigError(
            'config: a [data] table is required, with path = "your_panel.csv" '
            '(or builtin = "health-2013").'
        )
    ck.unknown("[data]", data, _DATA)
    if ("path" in data) == ("builtin" in data):
        raise ConfigError("config: [data] needs exactly one of path = ... or builtin = ...")
    builtin = data.get("builtin")
    if builtin is not None:
        from geohra.io.datasets import DEMO_DATASETS

        ck.choice("[data].builtin", builtin, tuple(DEMO_DATASETS))
    boundaries = ck.table("[boundaries]", raw.get("boundaries"))
    ck.unknown("[boundaries]", boundaries, ("source", "id_col"))
    bsource = ck.string("[boundaries].source", boundaries.get("source", "china-provinces"))
    if not bsource.startswith("china-") and not Path(bsource).is_absolute():
        bsource = str(base / bsource)  # a file of the user's, next to the config
    return dict(
        paths=_paths(data["path"], base) if "path" in data else (),
        builtin=builtin,
        data_format=ck.choice("[data].format", data.get("format", "panel"), DATA_FORMATS),
        unit=ck.optional_string("[data].unit", data.get("unit")),
        year=ck.optional_string("[data].year", data.get("year")),
        encoding=ck.optional_string("[data].encoding", data.get("encoding")),
        sheet=data.get("sheet"),
        nan_policy=ck.choice("[data].nan_policy", data.get("nan_policy", "raise"), NAN_POLICIES),
        boundaries=bsource,
        id_col=ck.optional_string("[boundaries].id_col", boundaries.get("id_col")),
    )


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


SIGMA_MEASURES = ("cv", "sd_log", "gini", "theil")
BETA_KINDS = ("absolute", "conditional", "none")
SPATIAL_MODELS = ("lag", "error", "durbin")
BETA_EFFECTS = ("twoway", "unit", "time", "none")
SPATIAL_EFFECTS = ("twoway", "unit")
COV_TYPES = ("cluster", "robust", "unadjusted")
_CONVERGENCE = (
    "target",
    "sigma",
    "beta",
    "controls",
    "spatial",
    "effects",
    "cov_type",
    "impact_draws",
)


@dataclass(frozen=True)
class Convergence:
    """The [convergence] table: σ-convergence measures, β-convergence kind and models."""

    target: str | None = None
    sigma: tuple[str, ...] = ("cv", "gini", "theil")
    beta: str = "absolute"
    controls: tuple[str, ...] = ()
    spatial: tuple[str, ...] = ()
    effects: str = "twoway"
    cov_type: str = "cluster"
    impact_draws: int = 1000


def _distinct(key: str, values: tuple, allowed: tuple) -> tuple:
    for v in values:
        ck.choice(key, v, allowed)
    if len(set(values)) != len(values):
        raise ConfigError(f"config: {key} names a value twice; got {list(values)!r}.")
    return values


def _convergence(raw: Any, subsystems: set[str], coupling: Any) -> Convergence | None:
    """[convergence] (None when the table is absent: the report has no convergence section)."""
    if raw is None:
        return None
    raw = ck.table("[convergence]", raw)
    ck.unknown("[convergence]", raw, _CONVERGENCE)
    sigma = _distinct(
        "[convergence].sigma",
        ck.strings("[convergence].sigma", raw.get("sigma", ["cv", "gini", "theil"])),
        SIGMA_MEASURES,
    )
    beta = ck.choice("[convergence].beta", raw.get("beta", "absolute"), BETA_KINDS)
    controls = ck.strings("[convergence].controls", raw.get("controls", []))
    if beta == "conditional" and not controls:
        raise ConfigError(
            'config: [convergence].beta = "conditional" needs controls = ["<column>", ...] '
            "(the conditioning variables, columns of the data)."
        )
    if controls and beta != "conditional":
        raise ConfigError(
            f'config: [convergence].controls are used only with beta = "conditional"; got '
            f'beta = {beta!r}. Set beta = "conditional" or remove controls.'
        )
    if len(set(controls)) != len(controls):
        raise ConfigError(f"config: [convergence].controls names a column twice: {list(controls)}.")
    spatial = _distinct(
        "[convergence].spatial",
        ck.strings("[convergence].spatial", raw.get("spatial", [])),
        SPATIAL_MODELS,
    )
    if spatial and beta == "none":
        raise ConfigError(
            'config: [convergence].spatial needs beta = "absolute" or "conditional" (spatial '
            'β-convergence is β-convergence with a spatial model); got beta = "none".'
        )
    effects = ck.choice("[convergence].effects", raw.get("effects", "twoway"), BETA_EFFECTS)
    if spatial and effects not in SPATIAL_EFFECTS:
        raise ConfigError(
            f"config: [convergence].effects = {effects!r} is not available for the spatial "
            f"models {list(spatial)}; use one of {list(SPATIAL_EFFECTS)}."
        )
    if not sigma and beta == "none":
        raise ConfigError(
            'config: [convergence] asks for nothing (sigma = [] and beta = "none"); '
            "name σ measures or a β-convergence kind, or remove the table."
        )
    draws = ck.integer("[convergence].impact_draws", raw.get("impact_draws", 1000), minimum=0)
    if draws == 1:
        raise ConfigError(
            "config: [convergence].impact_draws must be 0 (no standard errors of the effects) "
            "or an integer >= 2; got 1 (an integer)."
        )
    return Convergence(
        target=_target("[convergence].target", raw.get("target"), subsystems, coupling),
        sigma=sigma,
        beta=beta,
        controls=controls,
        spatial=spatial,
        effects=effects,
        cov_type=ck.choice("[convergence].cov_type", raw.get("cov_type", "cluster"), COV_TYPES),
        impact_draws=draws,
    )
