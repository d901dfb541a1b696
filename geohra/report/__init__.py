"""Reports: the full results section of a study, from a TOML config or the built-in demo.

``run_report(config, out)`` and ``run_demo(out)`` write into ``out``: ``report.html``
(findings, tables and figures in order), ``report.xlsx`` (one formatted sheet per table),
``report.docx`` (three-line tables, numbered captions, figures), ``tables/*.csv`` (full
precision), ``figures/*.png`` and web-map ``*.html`` files, in the config's language.
Only this package and the CLI write files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geohra.report.config import ConfigError, ReportConfig, load_config, parse_config
from geohra.report.document import Progress, Report
from geohra.report.prepare import read_config_data

__all__ = [
    "ConfigError",
    "ReportConfig",
    "load_config",
    "parse_config",
    "read_config_data",
    "run_report",
    "run_demo",
]


def run_report(cfg: ReportConfig, out: Path, *, quiet: bool = False) -> list[Path]:
    """Run the full analysis for one config and write the report into ``out``.

    Outputs never replace an input file (the config or a data file), with or without ``--force``.
    """
    import warnings

    import geohra
    from geohra.report.i18n import tr
    from geohra.report.pipeline import PanelContext, analyse_panel
    from geohra.report.prepare import prepare

    if cfg.lang == "auto":  # Chinese when the indicators are named in Chinese
        from dataclasses import replace

        cjk = any("\u4e00" <= ch <= "\u9fff" for name in cfg.columns for ch in name)
        cfg = replace(cfg, lang="zh" if cjk else "en")
    lang = "zh" if cfg.lang == "zh" else "en"
    out = Path(out)
    inputs = [*cfg.paths, *([cfg.source] if cfg.source else [])]
    _check_inputs_outside(out, inputs)
    progress = Progress(quiet=quiet, lang=lang)
    with progress.step(tr("sec_data", lang)):
        boundaries = (
            geohra.load_boundaries(cfg.boundaries, id_col=cfg.id_col)
            if cfg.id_col
            else geohra.load_boundaries(cfg.boundaries)
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            prep = prepare(cfg, boundaries)
    for w in caught:
        if not issubclass(w.category, DeprecationWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    labels = {**dict(cfg.labels), **{i.name: i.label for i in cfg.indicators if i.label}}
    indicators = ("、" if lang == "zh" else ", ").join(labels.get(c, c) for c in cfg.columns)
    report = Report(
        cfg.title,
        intro=tr("intro", lang, version=geohra.__version__, indicators=indicators),
        lang=lang,
    )
    ctx = PanelContext(
        "panel",
        cfg.title,
        prep.data,
        cfg,
        out,
        progress,
        unit=prep.unit,
        label_col=prep.label_col,
        units=prep.units,
        omitted=prep.omitted,
        totals=prep.totals,
        left_out=prep.left_out,
    )
    analyse_panel(report, ctx)
    written = report.write(out, protected=inputs)
    _print_written(out, written, lang)
    return written


def _check_inputs_outside(out: Path, inputs: list[Path]) -> None:
    """Refuse an output folder whose report files would land on an input file."""
    out = out.resolve()
    names = {"report.html", "report.xlsx", "report.docx"}
    for p in inputs:
        p = Path(p).resolve()
        inside = out in p.parents
        if inside and (
            p.parent == out
            and (p.name in names or p.name.endswith("_webmap.html"))
            or p.parent.name in ("tables", "figures")
            and p.parent.parent == out
        ):
            raise ValueError(
                f"refusing to write the report into {str(out)!r}: it would replace the input file "
                f"{str(p)!r}. Choose another --out folder."
            )


def _print_written(out, written, lang: str = "en") -> None:
    out = Path(out)
    figures = sorted(out.glob("figures/*.png"))
    maps = sorted(out.glob("*.html"))
    n_csv = len(list(out.glob("tables/*.csv")))
    if lang == "zh":
        print(f"geohra 已在 {out}/ 写入 {len(written) + len(figures)} 个文件：")
    else:
        print(f"geohra wrote {len(written) + len(figures)} files into {out}/:")
    for p in [out / "report.html", out / "report.xlsx", out / "report.docx"]:
        if p.exists():
            print(f"  {p}")
    print(f"  {out / 'tables'}/ ({n_csv} {'个CSV表格' if lang == 'zh' else 'CSV tables'})")
    print(f"  {out / 'figures'}/ ({len(figures)} {'幅PNG图' if lang == 'zh' else 'PNG figures'})")
    for p in maps:
        if p.name != "report.html":
            print(f"  {p}")
    sys.stdout.flush()


def run_demo(out: Path, *, lang: str = "en", quiet: bool = False) -> list[Path]:
    """The full analysis on the built-in real data, in ``lang`` ("en" | "zh"; see
    :mod:`geohra.report.demo`)."""
    from geohra.report.demo import build_demo

    written = build_demo(Path(out), lang=lang, quiet=quiet)
    _print_written(out, written, lang)
    return written
