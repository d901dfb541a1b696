"""Test-session settings shared by every test file."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _own_geometry_cache(tmp_path_factory):
    """The web map's on-disk geometry cache (geohra/maps/_disk_cache.py) goes to a fresh
    folder for the session (also for CLI subprocesses): tests neither write into the
    user's cache nor depend on what an earlier run left there."""
    old = os.environ.get("GEOHRA_CACHE_DIR")
    os.environ["GEOHRA_CACHE_DIR"] = str(tmp_path_factory.mktemp("geohra-cache"))
    yield
    if old is None:
        os.environ.pop("GEOHRA_CACHE_DIR", None)
    else:
        os.environ["GEOHRA_CACHE_DIR"] = old
