"""Report configuration: a TOML file describing one indicator panel and its analysis.

Example (every key but ``[data].path`` / ``builtin`` and ``[indicators]`` is optional)::

    title = "Health resources in China's provinces"
    lang = "en"                       # "en" | "zh" | "auto"

    [data]
    path = "panel.csv"                # or a list of paths; or builtin = "health-2013"
    format = "panel"                  # "panel" (long/wide table) | "nbs" (statistics-bureau export)
    unit = "province"                 # unit column (names, English/Chinese, or adcodes)
    year = "year"

    [boundaries]
    source = "china-provinces"        # or a path to a vector file, with id_col
    # id_col = "code"

    [indicators]                      # name = direction, or a table with subsystem
    beds_per_10k = "positive"
    doctors_per_10k = { direction = "positive", subsystem = "population" }

    [analysis]
    region = "region3"                # a boundary column used as the region scheme
    population = "population_10k"     # optional: population-weighted Theil / Gini
    map_years = [2012, 2017]          # years to map (default: first and last)
    scheme = "fisher_jenks"
    k = 5
    pooled = true                     # one entropy weight set across years
    permutations = 999
    n_resamples = 999                 # bootstrap confidence intervals
    seed = 2024
    coupling = ["population", "area"] # two or more subsystems to couple
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DIRECTIONS = ("positive", "negative")
LANGS = ("en", "zh", "auto")
DATA_FORMATS = ("panel", "nbs")
SCHEMES = ("fisher_jenks", "quantiles", "equal_interval", "natural_breaks", "user_defined")

_TOP_KEYS = {"title", "lang", "data", "boundaries", "indicators", "analysis"}
_DATA_KEYS = {"path", "builtin", "format", "unit", "year", "encoding", "sheet"}
_BOUNDARY_KEYS = {"source", "id_col"}
_ANALYSIS_KEYS = {
    "region", "population", "map_years", "scheme", "k", "pooled", "permutations",
    "seed", "coupling", "significance", "bins", "per_capita", "n_resamples",
}


@dataclass(frozen=True)
class Indicator:
    name: str
    direction: str = "positive"
    subsystem: str | None = None


@dataclass(frozen=True)
class ReportConfig:
    """A validated report configuration (see the module docstring for the TOML form)."""

    indicators: tuple[Indicator, ...]
    title: str = "geohra report"
    lang: str = "en"
    paths: tuple[Path, ...] = ()
    builtin: str | None = None
    data_format: str = "panel"
    unit: str | None = None
    year: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    boundaries: str = "china-provinces"
    id_col: str | None = None
    region: str | None = "region3"
    population: str | None = None
    map_years: tuple[int, ...] | None = None
    scheme: str = "fisher_jenks"
    k: int = 5
    bins: tuple[float, ...] | None = None
    pooled: bool = True
    permutations: int = 999
    n_resamples: int = 999
    seed: int = 2024
    significance: float = 0.05
    coupling: tuple[str, ...] | None = None
    per_capita: tuple[str, ...] = ()

    @property
    def negative(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.indicators if i.direction == "negative")

    @property
    def columns(self) -> list[str]:
        return [i.name for i in self.indicators]

    def subsystems(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for ind in self.indicators:
            if ind.subsystem:
                out.setdefault(ind.subsystem, []).append(ind.name)
        return out


class ConfigError(ValueError):
    """A report config key is missing, unknown or has a value that is not allowed."""


def _unknown(section: str, given: dict, allowed: set[str]) -> None:
    extra = sorted(set(given) - allowed)
    if extra:
        raise ConfigError(
            f"config: unknown key(s) {extra} in {section}; allowed keys: {sorted(allowed)}."
        )


def _choice(key: str, value: Any, allowed: tuple) -> Any:
    if value not in allowed:
        raise ConfigError(f"config: {key} = {value!r} is not allowed; use one of {list(allowed)}.")
    return value


def _int(key: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"config: {key} must be an integer >= {minimum}; got {value!r}.")
    return value


def parse_config(raw: dict[str, Any], *, base: Path | None = None) -> ReportConfig:
    """Validate a config mapping (as read from TOML) into a :class:`ReportConfig`."""
    base = base or Path.cwd()
    _unknown("the top level", raw, _TOP_KEYS)
    data = raw.get("data")
    if not isinstance(data, dict):
        raise ConfigError(
            "config: a [data] table is required, with path = \"your_panel.csv\" "
            "(or builtin = \"health-2013\")."
        )
    _unknown("[data]", data, _DATA_KEYS)
    if ("path" in data) == ("builtin" in data):
        raise ConfigError("config: [data] needs exactly one of path = ... or builtin = ...")
    paths: tuple[Path, ...] = ()
    if "path" in data:
        given = data["path"] if isinstance(data["path"], list) else [data["path"]]
        if not given or not all(isinstance(p, str) for p in given):
            raise ConfigError(f"config: [data].path must be a file path or a list of paths; got {data['path']!r}.")
        paths = tuple((base / p) if not Path(p).is_absolute() else Path(p) for p in given)
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise ConfigError(f"config: [data].path: file(s) not found: {missing} (relative paths are read from the config's folder {str(base)!r}).")
    builtin = data.get("builtin")
    if builtin is not None:
        from geohra.io.datasets import DEMO_DATASETS

        _choice("[data].builtin", builtin, tuple(DEMO_DATASETS))

    indicators_raw = raw.get("indicators")
    if not isinstance(indicators_raw, dict) or not indicators_raw:
        raise ConfigError(
            "config: an [indicators] table is required, e.g.\n[indicators]\n"
            "beds_per_10k = \"positive\"\nwait_days = { direction = \"negative\", subsystem = \"access\" }"
        )
    indicators = []
    for name, spec in indicators_raw.items():
        if isinstance(spec, str):
            spec = {"direction": spec}
        if not isinstance(spec, dict):
            raise ConfigError(
                f"config: [indicators].{name} must be \"positive\", \"negative\" or a table "
                f"{{ direction = ..., subsystem = ... }}; got {spec!r}."
            )
        _unknown(f"[indicators].{name}", spec, {"direction", "subsystem"})
        direction = _choice(f"[indicators].{name}.direction", spec.get("direction", "positive"), DIRECTIONS)
        indicators.append(Indicator(name, direction, spec.get("subsystem")))

    boundaries = raw.get("boundaries", {})
    _unknown("[boundaries]", boundaries, _BOUNDARY_KEYS)
    analysis = raw.get("analysis", {})
    _unknown("[analysis]", analysis, _ANALYSIS_KEYS)

    map_years = analysis.get("map_years")
    if map_years is not None:
        if not isinstance(map_years, list) or not all(isinstance(y, int) for y in map_years):
            raise ConfigError(f"config: [analysis].map_years must be a list of years such as [2012, 2017]; got {map_years!r}.")
        map_years = tuple(map_years)
    coupling = analysis.get("coupling")
    subsystems = {i.subsystem for i in indicators if i.subsystem}
    if coupling is not None:
        if not isinstance(coupling, list) or len(coupling) < 2:
            raise ConfigError(f"config: [analysis].coupling must list two or more subsystems; got {coupling!r}.")
        unknown = [c for c in coupling if c not in subsystems]
        if unknown:
            raise ConfigError(
                f"config: [analysis].coupling names subsystem(s) {unknown} that no indicator has; "
                f"subsystems in [indicators]: {sorted(subsystems)}."
            )
        coupling = tuple(coupling)
    per_capita = analysis.get("per_capita", [])
    names = {i.name for i in indicators}
    if not isinstance(per_capita, list) or any(c not in names for c in per_capita):
        raise ConfigError(
            f"config: [analysis].per_capita must list indicators from [indicators] "
            f"({sorted(names)}); got {per_capita!r}."
        )
    if per_capita and not analysis.get("population"):
        raise ConfigError("config: [analysis].per_capita needs [analysis].population (the population column).")
    bins = analysis.get("bins")
    scheme = _choice("[analysis].scheme", analysis.get("scheme", "fisher_jenks"), SCHEMES)
    if scheme == "user_defined" and not bins:
        raise ConfigError("config: [analysis].scheme = \"user_defined\" needs bins = [upper bounds ...].")

    return ReportConfig(
        indicators=tuple(indicators),
        title=str(raw.get("title", "geohra report")),
        lang=_choice("lang", raw.get("lang", "en"), LANGS),
        paths=paths,
        builtin=builtin,
        data_format=_choice("[data].format", data.get("format", "panel"), DATA_FORMATS),
        unit=data.get("unit"),
        year=data.get("year"),
        encoding=data.get("encoding"),
        sheet=data.get("sheet"),
        boundaries=str(boundaries.get("source", "china-provinces")),
        id_col=boundaries.get("id_col"),
        region=analysis.get("region", "region3"),
        population=analysis.get("population"),
        map_years=map_years,
        scheme=scheme,
        k=_int("[analysis].k", analysis.get("k", 5), minimum=2),
        bins=tuple(bins) if bins else None,
        pooled=bool(analysis.get("pooled", True)),
        permutations=_int("[analysis].permutations", analysis.get("permutations", 999), minimum=0),
        n_resamples=_int("[analysis].n_resamples", analysis.get("n_resamples", 999), minimum=1),
        seed=_int("[analysis].seed", analysis.get("seed", 2024), minimum=0),
        significance=float(analysis.get("significance", 0.05)),
        coupling=coupling,
        per_capita=tuple(per_capita),
    )


def load_config(path: str | Path) -> ReportConfig:
    """Read and validate a TOML report config."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"config file {str(path)!r} not found.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {str(path)!r} is not valid TOML: {exc}") from None
    return parse_config(raw, base=path.parent)
