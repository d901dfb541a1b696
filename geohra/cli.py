"""The ``geohra`` command line: thin commands over the public functions.

Kept import-light so that ``geohra --help`` is fast: each command imports what it
needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _add_out(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--out", default=default, help=f"output folder (default: {default})")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into OUT even if it already holds files (existing files may be replaced)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geohra",
        description=(
            "geohra: health resource allocation equity - boundaries + indicator panels -> "
            "inequality decompositions, spatial statistics, maps and reports."
        ),
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="run the full analysis on the built-in real data")
    _add_out(p, "geohra-demo")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("report", help="run the full analysis described by a TOML config")
    p.add_argument("config", help="path to a report config (TOML)")
    _add_out(p, "geohra-report")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("gallery", help="build the example gallery (one figure per analysis)")
    _add_out(p, "geohra-gallery")
    p.set_defaults(func=_cmd_gallery)

    p = sub.add_parser(
        "qgis",
        help="install the QGIS Processing plugin (runs its computations in this Python)",
        description="Install the geohra plugin into a QGIS profile: 'geohra qgis install' "
        "(same as 'python -m geohra.qgis install'); 'geohra qgis path' prints the plugin folder.",
    )
    p.add_argument("qgis_args", nargs=argparse.REMAINDER, help="install [--profile DIR | --plugins-dir DIR] | path")
    p.set_defaults(func=_cmd_qgis)
    return parser


def _cmd_qgis(args: argparse.Namespace) -> int:
    from geohra.qgis.__main__ import main as qgis_main

    return qgis_main(args.qgis_args or ["--help"])


def prepare_out(out: str | Path, *, force: bool) -> Path:
    """Create the output folder; refuse a non-empty one unless ``force``."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise SystemExit(
            f"geohra: --out {str(path)!r} is a file, not a folder. Choose another --out."
        )
    if path.is_dir() and any(path.iterdir()) and not force:
        raise SystemExit(
            f"geohra: output folder {str(path)!r} is not empty; refusing to overwrite. "
            "Choose an empty or new folder with --out, or pass --force to write into it."
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cmd_demo(args: argparse.Namespace) -> int:
    from geohra.report import run_demo

    out = prepare_out(args.out, force=args.force)
    run_demo(out)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from geohra.report import load_config, run_report

    config = load_config(args.config)
    out = prepare_out(args.out, force=args.force)
    run_report(config, out)
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    from geohra.gallery import build_gallery

    out = prepare_out(args.out, force=args.force)
    build_gallery(out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from geohra import __version__

        print(f"geohra {__version__}")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (ValueError, KeyError, TypeError, FileNotFoundError, ImportError) as exc:
        print(f"geohra: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
