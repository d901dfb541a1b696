"""``geohra qgis install [--profile NAME_OR_DIR] [--plugins-dir DIR]``, ``geohra qgis path``,
``geohra qgis sample DIR`` (also ``python -m geohra.qgis ...``)

Copies the geohra QGIS plugin into a QGIS profile and records THIS interpreter
(the one where geohra is installed) in the plugin's ``geohra_python.txt``, so the
plugin runs its computations here without further configuration. Enable it
afterwards in QGIS: Plugins > Manage and Install Plugins > Installed > geohra
(or, for headless use, ``qgis_process plugins enable geohra_qgis``).

Re-installing replaces only the files geohra installed before (listed in the
plugin folder's ``.geohra_installed``); anything else in that folder is kept.
Standard library only (it must not need qgis).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from geohra.qgis import PLUGIN_NAME, plugin_path

MANIFEST = ".geohra_installed"
PYTHON_FILE = "geohra_python.txt"


def qgis_base() -> Path:
    """QGIS 3's user folder (holding ``profiles``) on this platform."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "QGIS" / "QGIS3"


def default_profile() -> Path:
    """QGIS 3's default user profile folder on this platform."""
    return qgis_base() / "profiles" / "default"


def plugins_folder(profile: str | Path | None) -> Path:
    """The ``python/plugins`` folder for ``--profile``, which may be given as

    - a profile name (``default``, ``work``: as QGIS's own ``--profile`` option),
    - a profile folder (``.../QGIS3/profiles/work``),
    - the folder of all profiles (``.../QGIS3/profiles``) or QGIS's user folder
      (``.../QGIS3``, as QGIS's ``--profiles-path``): then the ``default`` profile,
    - the profile's ``python`` or ``python/plugins`` folder.
    """
    if profile is None:
        return default_profile() / "python" / "plugins"
    text = str(profile)
    path = Path(text).expanduser()
    if os.sep not in text and (os.altsep is None or os.altsep not in text) and not path.is_dir():
        return qgis_base() / "profiles" / text / "python" / "plugins"
    if path.name == "plugins" and path.parent.name == "python":
        return path
    if path.name == "python":
        return path / "plugins"
    if path.name == "profiles":
        return path / "default" / "python" / "plugins"
    if (path / "profiles").is_dir() or path.name == "QGIS3":
        return path / "profiles" / "default" / "python" / "plugins"
    return path / "python" / "plugins"


def _shipped() -> list[str]:
    """The plugin's files, relative to its folder (no caches, no recorded interpreter)."""
    root = plugin_path()
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and "__pycache__" not in rel.parts
            and path.suffix != ".pyc"
            and rel.name != PYTHON_FILE
        ):
            out.append(rel.as_posix())
    return out


def install(plugins_dir: Path, *, python: str = sys.executable) -> tuple[Path, list[str]]:
    """Copy the plugin into ``plugins_dir`` and record ``python``.

    Files a previous install left (per its manifest) and no longer shipped are removed;
    files geohra did not install are never touched. Returns the plugin folder and the
    files kept there that geohra did not install.
    """
    target = Path(plugins_dir) / PLUGIN_NAME
    shipped = _shipped()
    manifest = target / MANIFEST
    if manifest.is_file():
        previous = {line for line in manifest.read_text(encoding="utf-8").splitlines() if line}
    else:  # no manifest (a first install, or a copy made by hand): own only our file names
        previous = set(shipped) | {PYTHON_FILE}
    for rel in sorted(previous - set(shipped) - {PYTHON_FILE, MANIFEST}):
        stale = target / rel
        if stale.is_file():
            stale.unlink()
    root = plugin_path()
    for rel in shipped:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, dest)
    (target / PYTHON_FILE).write_text(python + "\n", encoding="utf-8")
    owned = [*shipped, PYTHON_FILE, MANIFEST]
    manifest.write_text("\n".join(owned) + "\n", encoding="utf-8")
    kept = sorted(
        p.relative_to(target).as_posix()
        for p in target.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.relative_to(target).parts
        and p.relative_to(target).as_posix() not in owned
    )
    return target, kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="geohra qgis", description=__doc__.split("\n\n")[1])
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="copy the plugin into a QGIS profile")
    p_install.add_argument(
        "--profile",
        default=None,
        help="a QGIS profile name (e.g. 'work') or folder; default: the 'default' profile",
    )
    p_install.add_argument(
        "--plugins-dir",
        type=Path,
        default=None,
        help="install into this python/plugins folder instead",
    )
    sub.add_parser("path", help="print the plugin folder shipped with geohra")
    p_sample = sub.add_parser(
        "sample", help="write provinces.gpkg and gp_panel.gpkg (real data) to try it on"
    )
    p_sample.add_argument("folder", type=Path, help="folder to write them to")
    p_sample.add_argument(
        "--force", action="store_true", help="replace those two files if they exist"
    )
    args = parser.parse_args(argv)
    if args.command == "path":
        print(plugin_path())
        return 0
    if args.command == "sample":
        from geohra.qgis._sample import write_samples

        try:
            paths = write_samples(args.folder, force=args.force)
        except FileExistsError as exc:
            print(exc, file=sys.stderr)
            return 1
        print("Wrote " + " and ".join(str(p) for p in paths))
        return 0
    plugins = args.plugins_dir or plugins_folder(args.profile)
    target, kept = install(plugins)
    print(f"Installed the geohra QGIS plugin in {target}")
    if kept:
        print(f"Kept {len(kept)} file(s) there that geohra did not install: {', '.join(kept[:10])}")
    print(f"Computations will run in {sys.executable}")
    print("Now enable it in QGIS: Plugins > Manage and Install Plugins > Installed > tick 'geohra'")
    print("(for qgis_process without the QGIS window: qgis_process plugins enable geohra_qgis).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
