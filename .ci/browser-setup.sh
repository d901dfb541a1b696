#!/usr/bin/env bash
# System packages for the map tests: Debian's headless Chromium (tests/test_web_browser.py,
# driven by the playwright Python package with executable_path=/usr/bin/chromium; never
# `playwright install`) and a small CJK font so Chinese map labels can be drawn
# (tests pass without it too: the fallback path is forced in tests/test_maps_static.py).
# Leaflet is vendored in geohra/maps/assets, so no npm step is needed.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # wait for another apt/dpkg run (up to 20 min) instead of failing on its lock
  $SUDO apt-get -o DPkg::Lock::Timeout=1200 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=1200 install -y -qq --no-install-recommends "${need[@]}"
fi

/usr/bin/chromium --version
