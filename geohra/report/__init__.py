"""Reports: the full results section of a study, from a TOML config or the built-in demo.

``run_report(config, out)`` and ``run_demo(out)`` write into ``out``: ``report.html``
(every table and figure in order), ``report.xlsx`` (one formatted sheet per table),
``tables/*.csv``, ``figures/*.png`` and web-map ``*.html`` files. Only this package
and the CLI write files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geohra.report.config import ConfigError, ReportConfig, load_config, parse_config
from geohra.report.document import Progress, Report

__all__ = ["ConfigError", "ReportConfig", "load_config", "parse_config", "run_report", "run_demo"]


def read_config_data(cfg: ReportConfig):
    """Read the panel named by a config (built-in dataset, panel file(s) or NBS exports)."""
    import geohra

    if cfg.builtin:
        return geohra.load_demo(cfg.builtin)
    if cfg.data_format == "nbs":
        return geohra.read_nbs([str(p) for p in cfg.paths], encoding=cfg.encoding)
    frames = [
        geohra.read_panel(p, unit=cfg.unit, year=cfg.year, encoding=cfg.encoding, sheet=cfg.sheet)
        for p in cfg.paths
    ]
    if len(frames) == 1:
        return frames[0]
    key = [c for c in ("adcode", "unit", "year") if c in frames[0].columns]
    out = frames[0]
    for f in frames[1:]:
        out = out.merge(f, on=key, how="outer", validate="one_to_one")
    return out


def run_report(cfg: ReportConfig, out: Path, *, quiet: bool = False) -> list[Path]:
    """Run the full analysis for one config and write the report into ``out``."""
    import geohra
    from geohra.report.pipeline import PanelContext, analyse_panel, flatten_joined

    progress = Progress(quiet=quiet)
    with progress.step("reading data"):
        panel = read_config_data(cfg)
        missing = [c for c in cfg.columns + ([cfg.population] if cfg.population else []) if c not in panel.columns]
        if missing:
            raise ConfigError(
                f"config: indicator/population column(s) {missing} are not in the data; "
                f"data columns: {[c for c in panel.columns if c not in ('adcode', 'year')]}."
            )
        boundaries = geohra.load_boundaries(cfg.boundaries, id_col=cfg.id_col) if cfg.id_col else geohra.load_boundaries(cfg.boundaries)
        if cfg.region and cfg.region not in boundaries.columns:
            raise ConfigError(
                f"config: [analysis].region = {cfg.region!r} is not a column of the boundaries; "
                f"available: {[c for c in boundaries.columns if c != 'geometry']}."
            )
        joined = geohra.join(boundaries, panel)
    data, unit = flatten_joined(joined)
    label = "name_zh" if cfg.lang == "zh" and "name_zh" in data.columns else "name_en" if "name_en" in data.columns else None
    report = Report(cfg.title, intro=f"geohra {geohra.__version__} — indicators: {', '.join(cfg.columns)}.")
    ctx = PanelContext("panel", cfg.title, data, cfg, Path(out), progress, unit=unit, label_col=label)
    analyse_panel(report, ctx)
    written = report.write(Path(out))
    _print_written(out, written)
    return written


def _print_written(out, written) -> None:
    out = Path(out)
    figures = sorted(out.glob("figures/*.png"))
    maps = sorted(out.glob("*.html"))
    print(f"geohra wrote {len(written) + len(figures)} files into {out}/:")
    for p in [out / "report.html", out / "report.xlsx"]:
        if p.exists():
            print(f"  {p}")
    print(f"  {out / 'tables'}/ ({len(list(out.glob('tables/*.csv')))} CSV tables)")
    print(f"  {out / 'figures'}/ ({len(figures)} PNG figures)")
    for p in maps:
        if p.name != "report.html":
            print(f"  {p}")
    sys.stdout.flush()


def run_demo(out: Path, *, quiet: bool = False) -> list[Path]:
    """The full analysis on the built-in real data (see :mod:`geohra.report.demo`)."""
    from geohra.report.demo import build_demo

    written = build_demo(Path(out), quiet=quiet)
    _print_written(out, written)
    return written
