"""The ``geohra`` command line: thin commands over the public functions.

Kept import-light so that ``geohra --help`` is fast: each command imports what it
needs when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def _add_out(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--out", default=default, help=f"output folder (default: {default})")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into OUT even if it already holds files; replaces only files geohra wrote "
        "there before (listed in OUT/.geohra-outputs.json), never inputs or other files",
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
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="report language: en (default) or zh (Chinese: every title, text, table, figure and map)",
    )
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("report", help="run the full analysis described by a TOML config")
    p.add_argument("config", help="path to a report config (TOML)")
    _add_out(p, "geohra-report")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "init",
        help="write a commented starter config for a study design from your data files",
        description="Write a starter report config (TOML, every key commented) for one of the two "
        "study designs, from the data files given: 'regional' (regional differences: entropy "
        "index, maps, population-weighted Theil by region and pairs of regions, kernel density) "
        "or 'coupling' (coupling coordination of two subsystems, obstacle degree, Dagum Gini of D).",
    )
    p.add_argument("design", choices=("regional", "coupling"), help="the study design")
    p.add_argument("data", nargs="+", help="data files (statistics-bureau exports or panel tables)")
    p.add_argument("--out", default="study.toml", help="config file to write (default: study.toml)")
    p.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="report language (default: zh)"
    )
    p.add_argument("--force", action="store_true", help="replace an existing config file")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("gallery", help="build the example gallery (one figure per analysis)")
    _add_out(p, "geohra-gallery")
    p.set_defaults(func=_cmd_gallery)

    p = sub.add_parser(
        "qgis",
        help="install the QGIS Processing plugin (runs its computations in this Python)",
        description="Install the geohra plugin into a QGIS profile: 'geohra qgis install' "
        "(same as 'python -m geohra.qgis install'); 'geohra qgis path' prints the plugin folder; "
        "'geohra qgis sample DIR' writes sample layers for the README's QGIS steps.",
    )
    p.add_argument(
        "qgis_args",
        nargs=argparse.REMAINDER,
        help="install [--profile NAME_OR_DIR | --plugins-dir DIR] | path | sample DIR [--force]",
    )
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
            "Choose an empty or new folder with --out, or pass --force to replace the files "
            "geohra wrote there before (never other files)."
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


# The list of files geohra wrote into an output folder: --force replaces only these.
MANIFEST = ".geohra-outputs.json"


class OutputClash(ValueError):
    """An output would replace a file geohra did not write (or an input file)."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _owned(out: Path) -> dict[str, str]:
    """Files geohra wrote into ``out`` earlier: relative POSIX path -> SHA-256 of what it
    wrote. A file changed since (or a manifest that cannot be read) is not geohra's."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


class _Rewrite(io.TextIOBase):
    """A text stream that shows the final folder instead of the staging folder."""

    def __init__(self, stream, old: str, new: str) -> None:
        self.stream, self.old, self.new = stream, old, new

    def write(self, text: str) -> int:
        self.stream.write(text.replace(self.old, self.new))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "encoding", None)

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())


def write_outputs(
    out: str | Path, produce: Callable[[Path], object], *, force: bool, inputs: Sequence[Path] = ()
) -> list[Path]:
    """Run ``produce(folder)`` into a staging folder inside ``out``, then move the files in.

    Nothing in ``out`` is touched until every output exists. A file already in ``out``
    is replaced only if geohra wrote it and it is unchanged since (it is listed with its
    SHA-256 in ``out/.geohra-outputs.json``) and it is not one of ``inputs``; otherwise nothing is moved and :class:`OutputClash`
    lists the files. On any error the staging folder is removed and ``out`` is unchanged.
    """
    out = prepare_out(out, force=force)
    staging = Path(tempfile.mkdtemp(prefix=".geohra-run-", dir=out))
    try:
        with (
            contextlib.redirect_stdout(_Rewrite(sys.stdout, str(staging), str(out))),
            contextlib.redirect_stderr(_Rewrite(sys.stderr, str(staging), str(out))),
        ):
            produce(staging)
        made = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        owned = _owned(out)
        protected = {Path(p).resolve() for p in inputs}
        clashes = []
        for rel in made:
            target = out / rel
            if target.is_dir() or any(
                (out / part).is_file() for part in rel.parents if part != Path(".")
            ):
                clashes.append(f"{rel.as_posix()} (a folder or file of that name is in the way)")
            elif target.exists() and target.resolve() in protected:
                clashes.append(f"{rel.as_posix()} (an input of this run)")
            elif target.exists() and owned.get(rel.as_posix()) != _digest(target):
                why = (
                    "changed since geohra wrote it"
                    if rel.as_posix() in owned
                    else "not written by geohra"
                )
                clashes.append(f"{rel.as_posix()} ({why})")
        if clashes:
            raise OutputClash(
                f"--force replaces only files geohra wrote into {str(out)!r} before (listed in "
                f"{MANIFEST}), never an input or another file; these outputs would replace "
                f"{len(clashes)} such file(s): {', '.join(clashes[:10])}"
                f"{' ...' if len(clashes) > 10 else ''}. Nothing was written. Move those files "
                "or choose another --out."
            )
        for rel in made:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
        files = {f: h for f, h in owned.items() if (out / f).is_file()}
        files.update({r.as_posix(): _digest(out / r) for r in made})
        (out / MANIFEST).write_text(
            json.dumps(
                {"written_by": "geohra", "files": dict(sorted(files.items()))},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        return [out / r for r in made]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _cmd_demo(args: argparse.Namespace) -> int:
    from geohra.report import run_demo

    write_outputs(args.out, lambda folder: run_demo(folder, lang=args.lang), force=args.force)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from geohra.report import load_config, run_report

    config = load_config(args.config)
    inputs = [Path(args.config), *config.paths]
    if config.boundaries and Path(str(config.boundaries)).exists():
        inputs.append(Path(str(config.boundaries)))
    write_outputs(
        args.out, lambda folder: run_report(config, folder), force=args.force, inputs=inputs
    )
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from geohra.report.init import write_template

    try:
        path = write_template(args.design, args.data, args.out, lang=args.lang, force=args.force)
    except FileExistsError as exc:
        raise SystemExit(str(exc)) from None
    if args.lang == "zh":
        print(f"geohra：已写入 {path}；编辑后运行：geohra report {path} --out results")
    else:
        print(f"geohra: wrote {path}; edit it, then run: geohra report {path} --out results")
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    from geohra.gallery import build_gallery

    write_outputs(args.out, build_gallery, force=args.force)
    return 0


def _os_message(exc: OSError) -> str:
    """One line for an OS error: what failed, on which path, and what to do."""
    if not exc.strerror:  # geohra's own messages (e.g. 'read_panel: ... is a folder')
        return str(exc)
    where = f" {str(exc.filename)!r}" if exc.filename else ""
    hint = {
        PermissionError: "check the permissions, or choose a folder you can write to with --out",
        IsADirectoryError: "a folder was given where a file is expected",
        NotADirectoryError: "part of the path is a file where a folder is expected",
        FileExistsError: "a file is in the way; choose another --out",
        FileNotFoundError: "check the path",
    }.get(type(exc), "check the path and the disk")
    return f"{exc.strerror}:{where} ({hint})."


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
    except OSError as exc:  # permission denied, a folder where a file is expected, disk full
        print(f"geohra: error: {_os_message(exc)}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, TypeError, ImportError) as exc:
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"geohra: error: {text}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # prepare_out's refusals: one line, status 2 like other errors
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
