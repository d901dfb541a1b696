"""``python -m geohra.qgis install [--profile DIR] [--plugins-dir DIR]``

Copies the geohra QGIS plugin into a QGIS profile and records THIS interpreter
(the one where geohra is installed) in the plugin's ``geohra_python.txt``, so the
plugin runs its computations here without further configuration. Enable it
afterwards in QGIS: Plugins > Manage and Install Plugins > Installed > geohra.
Standard library only (it must not need qgis).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from geohra.qgis import PLUGIN_NAME, plugin_path


def default_profile() -> Path:
    """QGIS 3's default user profile folder on this platform."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "QGIS" / "QGIS3" / "profiles" / "default"


def install(plugins_dir: Path, *, python: str = sys.executable) -> Path:
    """Copy the plugin into ``plugins_dir`` (replacing an older copy) and record ``python``."""
    target = Path(plugins_dir) / PLUGIN_NAME
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        plugin_path(), target, ignore=shutil.ignore_patterns("__pycache__", "geohra_python.txt")
    )
    (target / "geohra_python.txt").write_text(python + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m geohra.qgis", description=__doc__.split("\n\n")[1]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="copy the plugin into a QGIS profile")
    p_install.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="QGIS profile folder (default: the 'default' profile)",
    )
    p_install.add_argument(
        "--plugins-dir",
        type=Path,
        default=None,
        help="install into this python/plugins folder instead",
    )
    sub.add_parser("path", help="print the plugin folder shipped with geohra")
    args = parser.parse_args(argv)
    if args.command == "path":
        print(plugin_path())
        return 0
    plugins = args.plugins_dir or (args.profile or default_profile()) / "python" / "plugins"
    target = install(plugins)
    print(f"Installed the geohra QGIS plugin in {target}")
    print(f"Computations will run in {sys.executable}")
    print(
        "Now enable it in QGIS: Plugins > Manage and Install Plugins > Installed > tick 'geohra'."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
