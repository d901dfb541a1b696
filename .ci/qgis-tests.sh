#!/usr/bin/env bash
# QGIS Processing tests in real QGIS (Debian's packages), headless.
#
# 1. apt: qgis, python3-qgis, qgis-providers (idempotent; ~1 minute on a fresh machine)
# 2. a venv from Debian's /usr/bin/python3 with --system-site-packages, so `qgis` imports,
#    with geohra installed (non-editable) and matplotlib>=3.8 (Debian's matplotlib is built
#    against NumPy 1 and breaks once pip brings NumPy 2 into the venv)
# 3. pytest tests/qgis with QT_QPA_PLATFORM=offscreen; the tests call
#    /usr/bin/qgis_process.bin directly (the /usr/bin/qgis_process wrapper fails with
#    "Command --noversioncheck not known!" in QGIS 3.22).
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

# python3-venv: the venv below is made from Debian's python3
installed=$(dpkg-query -W -f='${Status}\n' qgis python3-qgis qgis-providers python3-venv 2>/dev/null | grep -c "install ok installed" || true)
if [ "$installed" = "4" ]; then
  echo "qgis-tests: qgis, python3-qgis, qgis-providers and python3-venv already installed"
else
  $SUDO apt-get -o DPkg::Lock::Timeout=1200 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=1200 install -y -qq qgis python3-qgis qgis-providers python3-venv >/dev/null
fi
test -x /usr/bin/qgis_process.bin

VENV="${GEOHRA_QGIS_VENV:-${TMPDIR:-/tmp}/geohra-qgis-venv}"
rm -rf "$VENV"
/usr/bin/python3 -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q . "matplotlib>=3.8" "pytest>=8"
"$VENV/bin/python" -c "import qgis.core, geohra; print('qgis-tests: QGIS', qgis.core.Qgis.QGIS_VERSION, '/ geohra', geohra.__version__)"

export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# the pytest script (not `python -m pytest`) so the installed geohra is imported, not ./geohra;
# addopts cleared so an `--ignore=tests/qgis` meant for the main suite cannot hide these tests
"$VENV/bin/pytest" -p no:cacheprovider -o addopts="" -ra -q --durations=15 tests/qgis
