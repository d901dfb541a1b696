"""Report configuration: a TOML file describing one indicator panel and its analysis.

``geohra init`` writes a commented starter file for either study design; the README shows
two complete examples. The keys (every one but ``[data].path`` / ``builtin`` and
``[indicators]`` is optional)::

    title = "..."
    lang = "zh"                       # "en" | "zh" | "auto": the language of the whole report

    [data]
    path = "exports/*.csv"            # a path, a glob pattern or a list of them (relative to this file)
    format = "nbs"                    # "panel" (long/wide table) | "nbs" (statistics-bureau export)
    nan_policy = "raise"              # "raise" | "omit" (units with a missing value leave the panel)

    [boundaries]
    source = "china-provinces"        # "china-counties", or a vector file with id_col

    [rates.beds_per_1000]             # a rate from totals: total / population x per
    total = "医疗卫生机构床位数"
    population = "年末常住人口"
    per = 1000

    [labels]                          # display names of any column (population, totals ...)
    "年末常住人口" = "Year-end population"

    [indicators]                      # name = direction, or a table
    beds_per_1000 = { direction = "positive", subsystem = "resources", label = "Beds per 1,000" }

    [analysis]
    region = "region3"                # region3 | region3_1986 | region4 | region8 | a boundary column
    population = "年末常住人口"          # population column (weighting)
    target = "index"                  # what the analyses below describe: "index", "D" or "U:<subsystem>"
    pooled = true                     # one entropy weight set across years
    coupling = ["security", "resources"]
    coupling_method = "revised"       # "revised" | "traditional" | "power" (with coupling_k > 0)
    permutations = 999; n_resamples = 999; seed = 2024; significance = 0.05

    [index]   # the entropy-weight variant (geohra.entropy_weights), to match a published study
    normalize = "minmax"  # minmax | shifted_minmax (low, high) | proportion | zscore (ddof, shift)
                          # | vector | max; proportion and vector take positive indicators only
    score = "normalized"  # normalized | shifted | proportion | raw
    shift = 0.0; scale = 100  # shift added before p = (z + shift)/sum; scale of the composite index

    [theil]   target, population_weighted (bool), base ("e" | 10 | 2), pairs (bool)
    [dagum]   target
    [moran]   target, lisa_scale ("n-1" | "n"), islands ("include" | "exclude": Moran's I and
              LISA keep islands without neighbours; by default they are joined to the nearest)
    [kde]     target, years = [2011, 2015, 2020], kernel (gaussian | epanechnikov | biweight |
              triangular | uniform), kernel_scale ("sd" | "support"), bandwidth (rule or number)
    [maps]    target, years, scheme, k, bins, breaks ("shared" | "per_year"), class_names =
              ["低密度区", ...], columns, source_note = "审图号：GS(2019)1822号",
              label_style (range | interval | arcgis | arcgis_tilde)
    [obstacle] by = ["indicator", "subsystem"]
    [convergence]  target, sigma (cv | sd_log | gini | theil), beta (absolute | conditional |
              none), controls, spatial (lag | error | durbin), effects, cov_type, impact_draws
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geohra.report import _checks as ck
from geohra.report import _config_variants as cv
from geohra.report._checks import ConfigError
from geohra.report._config_parts import (  # noqa: F401  (DATA_FORMATS ... re-exported)
    DATA_FORMATS,
    NAN_POLICIES,
    Convergence,
    Indicator,
    Rate,
    _convergence,
    _data_kwargs,
    _indicators,
    _rates,
    _target,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DIRECTIONS = ("positive", "negative")
LANGS = ("en", "zh", "auto")
SCHEMES = ("fisher_jenks", "quantiles", "equal_interval", "natural_breaks", "user_defined")
BREAKS = ("shared", "per_year")
THEIL_BASES = ("e", 10, 2)
OBSTACLE_LEVELS = ("indicator", "subsystem")
COUPLING_METHODS = ("revised", "traditional", "power")

_TOP = (
    "title",
    "labels",
    "lang",
    "data",
    "boundaries",
    "rates",
    "indicators",
    "analysis",
    "index",
    "theil",
    "dagum",
    "moran",
    "kde",
    "maps",
    "obstacle",
    "convergence",
)
_ANALYSIS = (
    "region",
    "population",
    "target",
    "pooled",
    "coupling",
    "coupling_method",
    "coupling_k",
    "permutations",
    "seed",
    "significance",
    "n_resamples",
    "per_capita",
    # kept from the first config format (same meaning as in [maps])
    "map_years",
    "scheme",
    "k",
    "bins",
)
_MAPS = (
    "target",
    "years",
    "scheme",
    "k",
    "bins",
    "breaks",
    "class_names",
    "columns",
    "source_note",
    "label_style",
)


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
    nan_policy: str = "raise"
    boundaries: str = "china-provinces"
    id_col: str | None = None
    rates: tuple[Rate, ...] = ()
    region: str | None = "region3"
    population: str | None = None
    target: str = "index"
    pooled: bool = True
    coupling: tuple[str, ...] | None = None
    coupling_method: str = "revised"
    coupling_k: float | None = None  # coupling_method = "power" only
    index: cv.IndexOptions = cv.IndexOptions()  # [index]: the entropy-weight variant
    permutations: int = 999
    n_resamples: int = 999
    seed: int = 2024
    significance: float = 0.05
    per_capita: tuple[str, ...] = ()
    theil_target: str | None = None
    theil_population: bool = False
    theil_base: str | int = "e"
    theil_pairs: bool = False
    dagum_target: str | None = None
    moran_target: str | None = None
    kde_target: str | None = None
    kde_years: tuple[int, ...] | None = None
    kde_kernel: str = "gaussian"
    kde_kernel_scale: str = "sd"
    kde_bandwidth: str | float = "silverman"
    lisa_scale: str | None = None  # None: "n-1", and no per-unit LISA table in the appendix
    lisa_islands: str | None = None  # None: islands joined to their nearest neighbour
    map_target: str | None = None
    map_years: tuple[int, ...] | None = None
    scheme: str = "fisher_jenks"
    k: int = 5
    bins: tuple[float, ...] | None = None
    map_breaks: str = "shared"
    class_names: tuple[str, ...] | None = None
    map_columns: int | None = None
    source_note: str | None = None
    label_style: str | None = None  # None: "range", and no label column in the class table
    obstacle_by: tuple[str, ...] = ("indicator",)
    convergence: Convergence | None = None  # [convergence]; None: no convergence section
    labels: tuple[tuple[str, str], ...] = ()  # column -> display name ([labels])
    source: Path | None = None  # the config file itself (never overwritten by outputs)

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

    def target_for(self, analysis: str) -> str:
        """The target of ``analysis`` ("theil", "dagum", "moran", "kde", "map", "convergence")."""
        if analysis == "convergence":
            return (self.convergence and self.convergence.target) or self.target
        return getattr(self, f"{analysis}_target") or self.target


def _map_kwargs(given: dict, analysis: dict) -> dict:
    """[maps], with the first format's [analysis].map_years / scheme / k / bins."""
    maps = dict(given)  # a copy: legacy keys are merged in below
    ck.unknown("[maps]", maps, _MAPS)
    legacy = {"years": "map_years", "scheme": "scheme", "k": "k", "bins": "bins"}
    for new, old in legacy.items():
        if old in analysis and new in maps:
            raise ConfigError(
                f"config: give the map {new} once, in [maps].{new} (not also [analysis].{old})."
            )
        maps.setdefault(new, analysis.get(old))
    where = {
        new: f"[analysis].{old}" if old in analysis else f"[maps].{new}"
        for new, old in legacy.items()
    }
    scheme = ck.choice(where["scheme"], maps.get("scheme") or "fisher_jenks", SCHEMES)
    bins = ck.numbers(where["bins"], maps.get("bins"))
    if scheme == "user_defined" and not bins:
        raise ConfigError(
            f'config: {where["scheme"]} = "user_defined" needs bins = [upper bounds ...].'
        )
    k = ck.integer(where["k"], 5 if maps.get("k") is None else maps["k"], minimum=2)
    class_names = maps.get("class_names")
    if class_names is not None:
        class_names = ck.strings("[maps].class_names", class_names, min_len=2)
        n_classes = len(bins) if bins else k
        if len(class_names) != n_classes:
            raise ConfigError(
                f"config: [maps].class_names has {len(class_names)} names but the maps have "
                f"{n_classes} classes ([maps].k or the number of bins); give one name per class, "
                "lowest first."
            )
    columns = maps.get("columns")
    return dict(
        map_years=ck.years(where["years"], maps.get("years")),
        scheme=scheme,
        k=k,
        bins=bins,
        map_breaks=ck.choice("[maps].breaks", maps.get("breaks", "shared"), BREAKS),
        class_names=class_names,
        map_columns=None if columns is None else ck.integer("[maps].columns", columns, minimum=1),
        source_note=ck.optional_string("[maps].source_note", maps.get("source_note")),
        label_style=cv.label_style(maps),
    )


def _analysis_kwargs(analysis: dict, names: set, subsystems: set) -> dict:
    """[analysis]: region, population, coupling, inference options."""
    coupling = analysis.get("coupling")
    if coupling is not None:
        coupling = ck.strings("[analysis].coupling", coupling, min_len=2)
        unknown = [c for c in coupling if c not in subsystems]
        if unknown:
            raise ConfigError(
                f"config: [analysis].coupling names subsystem(s) {unknown} that no indicator has; "
                f"subsystems in [indicators]: {sorted(subsystems)}."
            )
    per_capita = ck.strings("[analysis].per_capita", analysis.get("per_capita", []))
    if any(c not in names for c in per_capita):
        raise ConfigError(
            f"config: [analysis].per_capita must list indicators from [indicators] "
            f"({sorted(names)}); got {list(per_capita)!r}."
        )
    population = ck.optional_string("[analysis].population", analysis.get("population"))
    if per_capita and not population:
        raise ConfigError(
            "config: [analysis].per_capita needs [analysis].population (the population column)."
        )
    region = analysis.get("region", "region3")
    return dict(
        region=None if region is None else ck.string("[analysis].region", region),
        population=population,
        target=_target("[analysis].target", analysis.get("target", "index"), subsystems, coupling),
        pooled=ck.boolean("[analysis].pooled", analysis.get("pooled", True)),
        coupling=coupling,
        coupling_method=ck.choice(
            "[analysis].coupling_method",
            analysis.get("coupling_method", "revised"),
            COUPLING_METHODS,
        ),
        permutations=ck.integer(
            "[analysis].permutations",
            analysis.get("permutations", 999),
            minimum=1,  # LISA p-values need them
        ),
        n_resamples=ck.integer(
            "[analysis].n_resamples", analysis.get("n_resamples", 999), minimum=1
        ),
        seed=ck.integer("[analysis].seed", analysis.get("seed", 2024), minimum=0),
        significance=ck.number(
            "[analysis].significance",
            analysis.get("significance", 0.05),
            low=0,
            high=1,
            example="0.05",
        ),
        per_capita=per_capita,
    )


def _method_kwargs(sections: dict, population: str | None, subsystems: set, coupling) -> dict:
    """[theil], [dagum], [moran], [kde], [obstacle] and every analysis' target."""
    theil = sections["theil"]
    ck.unknown("[theil]", theil, ("target", "population_weighted", "base", "pairs"))
    ck.unknown("[dagum]", sections["dagum"], ("target",))
    ck.unknown("[moran]", sections["moran"], ("target", *cv.MORAN_KEYS))
    ck.unknown("[kde]", sections["kde"], ("target", "years", *cv.KDE_KEYS))
    ck.unknown("[obstacle]", sections["obstacle"], ("by",))
    weighted = ck.boolean("[theil].population_weighted", theil.get("population_weighted", False))
    if weighted and not population:
        raise ConfigError(
            "config: [theil].population_weighted = true needs [analysis].population "
            "(the population column)."
        )
    by = ck.strings("[obstacle].by", sections["obstacle"].get("by", ["indicator"]), min_len=1)
    out = dict(
        theil_population=weighted,
        theil_base=ck.choice("[theil].base", theil.get("base", "e"), THEIL_BASES),
        theil_pairs=ck.boolean("[theil].pairs", theil.get("pairs", False)),
        kde_years=ck.years("[kde].years", sections["kde"].get("years")),
        obstacle_by=tuple(ck.choice("[obstacle].by", v, OBSTACLE_LEVELS) for v in by),
        **cv.kde_kwargs(sections["kde"]),
        **cv.moran_kwargs(sections["moran"]),
    )
    for s in ("theil", "dagum", "moran", "kde", "maps"):
        key = "map_target" if s == "maps" else f"{s}_target"
        out[key] = _target(f"[{s}].target", sections[s].get("target"), subsystems, coupling)
    return out


def parse_config(
    raw: dict[str, Any], *, base: Path | None = None, source: Path | None = None
) -> ReportConfig:
    """Validate a config mapping (as read from TOML) into a :class:`ReportConfig`."""
    base = base or Path.cwd()
    ck.unknown("the top level", raw, _TOP)
    data = _data_kwargs(raw, base)
    indicators = _indicators(raw.get("indicators"))
    names = {i.name for i in indicators}
    subsystems = {i.subsystem for i in indicators if i.subsystem}
    analysis = ck.table("[analysis]", raw.get("analysis"))
    ck.unknown("[analysis]", analysis, _ANALYSIS)
    sections = {
        s: ck.table(f"[{s}]", raw.get(s))
        for s in ("theil", "dagum", "moran", "kde", "maps", "obstacle")
    }
    options = _analysis_kwargs(analysis, names, subsystems)
    options["coupling_k"] = cv.coupling_k(analysis, options["coupling_method"])
    negative = tuple(i.name for i in indicators if i.direction == "negative")
    labels = ck.table("[labels]", raw.get("labels"))
    return ReportConfig(
        indicators=indicators,
        title=ck.string("title", raw.get("title", "geohra report")),
        lang=ck.choice("lang", raw.get("lang", "en"), LANGS),
        rates=_rates(raw.get("rates")),
        labels=tuple((str(c), ck.string(f"[labels].{c}", v)) for c, v in labels.items()),
        source=source,
        index=cv.index_options(raw.get("index"), negative),
        convergence=_convergence(raw.get("convergence"), subsystems, options["coupling"]),
        **data,
        **options,
        **_map_kwargs(sections["maps"], analysis),
        **_method_kwargs(sections, options["population"], subsystems, options["coupling"]),
    )


def load_config(path: str | Path) -> ReportConfig:
    """Read and validate a TOML report config (relative paths are read from its folder)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"config file {str(path)!r} not found.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {str(path)!r} is not valid TOML: {exc}") from None
    # paths as the user wrote them, joined to the config's folder (messages stay short)
    return parse_config(raw, base=path.parent, source=path.resolve())


__all__ = [
    "ConfigError",
    "Convergence",
    "Indicator",
    "Rate",
    "ReportConfig",
    "load_config",
    "parse_config",
]
