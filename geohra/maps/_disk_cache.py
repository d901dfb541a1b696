"""An on-disk cache of the web map's simplified layer, shared by every process.

Simplifying the county layer (4.2 M vertices) for a web map takes 1-2 s; the in-memory
cache of :mod:`geohra.maps._prepared` keeps the result for the rest of a run, and this
one keeps it for the next run: a script, a notebook or ``geohra report`` started again
on the same boundaries reads the simplified layer (~160,000 vertices) instead.

* Key: a BLAKE2b digest of the input geometries' WKB (every coordinate, part and ring,
  in order), the simplification parameters and :data:`VERSION`. Any change of the
  geometry (one vertex) or the parameters gives another key; the cache never answers
  for geometry it was not made from.
* Where: ``$GEOHRA_CACHE_DIR`` if set, else the user's cache folder (``$XDG_CACHE_HOME``
  or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on
  Windows) under ``geohra/``. ``GEOHRA_CACHE_DIR=off`` (or ``0``, ``none``) turns the
  cache off. Nothing is written inside the package or next to the user's files.
* Format: no pickle (a cache folder may be shared): one ``.npz`` of the WKB bytes and
  their offsets, read back with ``shapely.from_wkb`` (exact float64 coordinates and the
  same geometry types).
* Safety: written to a temporary file and renamed, so a reader never sees half a file;
  a file that cannot be read (damaged, another version) is ignored and replaced; a
  folder that cannot be written is skipped silently (the map is made as without the
  cache). At most :data:`MAX_FILES` layers are kept (oldest used removed).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Hashable
from pathlib import Path

import numpy as np

VERSION = 1  # bump when the simplification's output changes
MAX_FILES = 16
_CHUNK_VERTICES = 100_000  # coordinates hashed per step
_OFF = ("off", "0", "none", "false", "no")


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when the cache is turned off."""
    given = os.environ.get("GEOHRA_CACHE_DIR")
    if given is not None:
        return None if given.strip().lower() in _OFF or not given.strip() else Path(given)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "geohra"


def digest(geoms: np.ndarray, params: Hashable) -> str:
    """The key of ``geoms`` with ``params``: their WKB (every coordinate, part and ring, in
    order), hashed a few geometries at a time (a fresh process pays for every new
    megabyte it touches; the county layer's WKB is 67 MB)."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((VERSION, len(geoms), params)).encode())
    ends = np.cumsum(shapely.get_num_coordinates(geoms))
    start = 0
    while start < len(geoms):  # slices of about _CHUNK_VERTICES vertices (at least one unit)
        done = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, done + _CHUNK_VERTICES, side="right")))
        for wkb in shapely.to_wkb(geoms[start:stop]):
            h.update(len(wkb).to_bytes(8, "little"))
            h.update(wkb)
        start = stop
    return h.hexdigest()


def _load(path: Path, n: int) -> np.ndarray | None:
    import shapely

    try:
        with np.load(path, allow_pickle=False) as f:
            blob, ends = f["wkb"], f["ends"]
        if ends.shape != (n,) or (n and int(ends[-1]) != blob.size):
            return None
        raw = blob.tobytes()
        starts = np.r_[0, ends[:-1]]
        out = shapely.from_wkb([raw[a:b] for a, b in zip(starts, ends, strict=True)])
        os.utime(path)  # most recently used: kept longest
        return np.asarray(out, dtype=object)
    except Exception:  # noqa: BLE001 - a damaged or foreign file is a cache miss
        return None


def _store(folder: Path, path: Path, geoms: np.ndarray) -> None:
    import tempfile

    import shapely

    try:
        folder.mkdir(parents=True, exist_ok=True)
        wkbs = shapely.to_wkb(geoms)
        ends = np.cumsum([len(w) for w in wkbs], dtype=np.int64)
        blob = np.frombuffer(b"".join(wkbs), dtype=np.uint8)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, wkb=blob, ends=ends)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(folder)
    except OSError:
        return  # read-only or full: no cache, same map


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("web-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES:]:
        try:
            old.unlink()
        except OSError:
            pass


def on_disk(
    kind: str, geoms: np.ndarray, params: Hashable, compute: Callable[[], np.ndarray | None]
) -> np.ndarray | None:
    """``compute()``'s geometries for ``geoms`` and ``params``, from the disk cache when
    they were computed before (by any process); a None result is not cached."""
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / f"{kind}-{digest(geoms, params)}.npz"
    hit = _load(path, len(geoms)) if path.exists() else None
    if hit is not None:
        return hit
    out = compute()
    if out is not None:
        _store(folder, path, np.asarray(out, dtype=object))
    return out
