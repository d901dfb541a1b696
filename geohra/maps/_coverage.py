"""Simplify a polygon coverage by simplifying each shared border once.

``shapely.coverage_simplify`` keeps neighbours' borders identical, but on a county layer
(4.2 million vertices) it takes about 5 s. The same guarantee is had for much less by
working on *arcs* (as TopoJSON does): cut every ring where the set of its neighbours
changes, keep one copy of each border that two units share, simplify each distinct arc
once with Douglas-Peucker (endpoints kept), and put the rings back together from the
simplified arcs. Both neighbours then use the very same simplified border: no gaps, no
overlaps, by construction.

Douglas-Peucker on separate arcs does not look at the other arcs, so a simplified arc
could cross another one. The rebuilt layer is therefore checked (every polygon valid,
``shapely.coverage_is_valid``) where a border lost vertices (units whose borders all
kept theirs are the input as given, rounded); the arcs of units that fail are simplified
again with a quarter of the tolerance, down to their original vertices. If a layer still fails (it
was not a clean coverage to begin with), :func:`simplify_coverage` returns None and the
caller uses ``shapely.coverage_simplify``.

Coordinates are first rounded to the decimals the web map writes (5 by default, about
1 m; far below a tolerance of a kilometre or so) and repeated points dropped: vertices
equal at that precision are the same vertex, and the check sees the coordinates exactly
as they are written.
"""

from __future__ import annotations

import numpy as np

_MIN_SPLITS = 3  # split points per ring: a ring keeps at least a triangle
_REFINE = 4.0  # tolerance divisor for the arcs of units that came out invalid
_ATTEMPTS = 12  # rebuilds before giving up (each arc is refined at most four times)


def simplify_coverage(geoms: np.ndarray, tolerance: float, decimals: int) -> np.ndarray | None:
    """Douglas-Peucker with ``tolerance`` on each distinct border of a polygon coverage.

    ``geoms`` are Polygons or MultiPolygons (a coverage: neighbours share their border
    vertices). Coordinates are rounded to ``decimals`` first (``round(x * 10**decimals)
    / 10**decimals``, as the web map writes them). Returns the simplified geometries
    (same types, order and length): the units whose borders lost vertices, and those
    around them, checked valid and a coverage; the others as given (rounded). None when
    the layer is not a coverage that can be simplified so (non-polygonal or empty
    geometries, rings that collapse when rounded, units that stay invalid or overlapping
    with their original borders).
    """
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    scale = 10.0**decimals
    layout = _ring_layout(geoms, scale)
    if layout is None:
        return None
    key, frame, ring_start, ring_len, part_offsets, geom_offsets = layout
    pid = _point_ids(key)
    junction = _junctions(pid, ring_start, ring_len)
    arcs = _arcs(pid, junction, ring_start, ring_len)
    if arcs is None:
        return None
    unit_of_ring = np.repeat(
        np.repeat(np.arange(geom_offsets.size - 1), np.diff(geom_offsets)), np.diff(part_offsets)
    )
    lines = _arc_lines(key, frame, scale, ring_start, ring_len, arcs)
    del key, layout, pid, junction
    unit_of_arc = unit_of_ring[arcs["ring"]]
    single = shapely.get_type_id(geoms) == 3
    tol = np.full(lines.size, float(tolerance))
    simple = shapely.simplify(lines, tol, preserve_topology=False)
    # units whose borders all kept every vertex are the (rounded) input: only the others
    # (and those around them) are checked
    changed = shapely.get_num_coordinates(simple) < shapely.get_num_coordinates(lines)
    check = np.unique(unit_of_arc[changed[arcs["arc"]]])
    for _ in range(_ATTEMPTS):
        out = _rebuild(simple, arcs, ring_len.size, part_offsets, geom_offsets, single)
        bad, tree = _failing_units(out, check)
        if not bad.size:
            return out
        redo = _arcs_to_refine(bad, tree, out, simple, arcs["arc"], unit_of_arc, tol)
        if not redo.size:
            return None  # fails with its original arcs: not a clean coverage
        # a quarter of the tolerance each time, then the original arcs
        tol[redo] = np.where(tol[redo] > tolerance / _REFINE**3, tol[redo] / _REFINE, 0.0)
        simple[redo] = shapely.simplify(lines[redo], tol[redo], preserve_topology=False)
        simple[redo[tol[redo] == 0]] = lines[redo[tol[redo] == 0]]
        check = np.unique(unit_of_arc[np.isin(arcs["arc"], redo)])
    return None


def _arcs_to_refine(bad, tree, out, simple, arc, unit_of_arc, tol) -> np.ndarray:
    """Arcs to simplify again: the still simplified arcs of the failing units that cross
    themselves or another arc (and that other arc); all the still simplified arcs of a
    failing unit without such a crossing (borders that touch or overlap, a unit jumped
    over); and for a failing unit whose own arcs are all original already, those of the
    units whose boxes meet it."""
    import shapely

    failing = np.zeros(out.size, dtype=bool)
    failing[bad] = True
    own = np.unique(arc[failing[unit_of_arc]])
    own = own[tol[own] > 0]
    # crossings among these arcs (an arc crossing another unit's arc makes that unit
    # fail too, so its arcs are among them)
    arc_tree = shapely.STRtree(simple[own])
    crossed = [own[~shapely.is_simple(simple[own])]]
    pairs = arc_tree.query(simple[own], predicate="crosses")
    crossed += [own[pairs[0]], own[pairs[1]]]
    redo = np.unique(np.concatenate(crossed))
    # failing units none of whose arcs was found crossing: all their arcs
    found = np.zeros(out.size, dtype=bool)
    found[unit_of_arc[np.isin(arc, redo)]] = True
    simplified = np.zeros(out.size, dtype=bool)
    simplified[unit_of_arc[tol[arc] > 0]] = True
    whole = bad[~found[bad] & simplified[bad]]
    stuck = bad[~found[bad] & ~simplified[bad]]
    more = np.zeros(out.size, dtype=bool)
    more[whole] = True
    if stuck.size:
        more[tree.query(out[stuck])[1]] = True
    redo = np.union1d(redo, arc[more[unit_of_arc]])
    return redo[tol[redo] > 0]


# ---------------------------------------------------------------------------
# rings
# ---------------------------------------------------------------------------


def _ring_layout(geoms: np.ndarray, scale: float, chunk: int = 256):
    """Per vertex of every ring (without its closing vertex and repeated points, after
    rounding to 1 / ``scale``) a key ``(x - x0) * span + (y - y0)`` of its coordinates x
    ``scale`` (float64, exact: equal for equal points, see :func:`_points`) and the frame
    (span, x0, y0); ring starts and lengths, part and geometry offsets. None for
    non-polygonal input.

    Read a few geometries at a time and kept only as keys (one float64 per vertex): on
    a fresh virtual machine every new megabyte of memory costs milliseconds."""
    import shapely

    types = shapely.get_type_id(geoms)
    if geoms.size == 0 or not np.isin(types, (3, 6)).all() or shapely.is_empty(geoms).any():
        return None
    x0, y0, x1, y1 = np.rint(shapely.total_bounds(geoms) * scale)
    span = y1 - y0 + 1
    if (x1 - x0 + 1) * span >= 2.0**53:
        return None  # keys would not be exact in float64 (a grid far finer than a map's)
    key = np.empty(int(shapely.get_num_coordinates(geoms).sum()))
    per_geom, per_part, per_ring = [], [], []
    filled = 0
    for start in range(0, geoms.size, chunk):
        some = geoms[start : start + chunk]
        parts, which = shapely.get_parts(some, return_index=True)
        per_geom.append(np.bincount(which, minlength=some.size))
        per_part.append(1 + shapely.get_num_interior_rings(parts))
        ends = np.cumsum(shapely.get_num_coordinates(shapely.get_rings(parts))) - 1
        del parts
        xy = shapely.get_coordinates(some)  # shells and holes in the order of the parts
        np.multiply(xy, scale, out=xy)
        np.rint(xy, out=xy)
        # drop the closing vertex of each ring and every vertex equal to the next one
        keep = np.empty(len(xy), dtype=bool)
        np.any(xy[:-1] != xy[1:], axis=1, out=keep[:-1])
        keep[ends] = False
        per_ring.append(np.add.reduceat(keep, np.r_[0, ends[:-1] + 1], dtype=np.int64))
        xy = xy[keep]
        k = key[filled : filled + len(xy)]
        np.subtract(xy[:, 0], x0, out=k)
        k *= span
        k += xy[:, 1]
        k -= y0
        filled += len(xy)
    ring_len = np.concatenate(per_ring)
    if (ring_len < 3).any():
        return None  # a ring collapsed when rounded (or was degenerate)
    geom_offsets = np.r_[0, np.cumsum(np.concatenate(per_geom))]
    part_offsets = np.r_[0, np.cumsum(np.concatenate(per_part))]
    ring_start = np.r_[0, np.cumsum(ring_len)[:-1]]
    return key[:filled], (span, x0, y0), ring_start, ring_len, part_offsets, geom_offsets


def _points(key: np.ndarray, index: np.ndarray, frame: tuple[float, float, float]):
    """The points (x ``scale``) of the keys ``key[index]``; ``frame``: span, x0, y0."""
    span, x0, y0 = frame
    out = np.empty((len(index), 2))
    np.divmod(key[index], span, out=(out[:, 0], out[:, 1]))
    out += (x0, y0)
    return out


def _point_ids(key: np.ndarray) -> np.ndarray:
    """The same id (int32) for equal keys, 0 .. n_points - 1 in sorted order."""
    order = np.argsort(key)
    s = key[order]
    new = np.empty(len(s), dtype=bool)
    new[0] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    del s
    ids = np.cumsum(new, dtype=np.int32)
    ids -= 1
    pid = np.empty(len(ids), dtype=np.int32)
    pid[order] = ids
    return pid


def _junctions(pid, ring_start, ring_len) -> np.ndarray:
    """Per point id: True where rings must be cut (their neighbours differ there), plus
    enough points of rings with fewer than three cuts (chosen by id, so that every ring
    through a chosen point is cut there too)."""
    end = ring_start + ring_len - 1
    n_points = int(pid.max()) + 1
    a = np.empty_like(pid)  # the previous vertex's id (cyclic within each ring)
    a[1:] = pid[:-1]
    a[ring_start] = pid[end]
    b = np.empty_like(pid)  # the next vertex's id
    b[:-1] = pid[1:]
    b[end] = pid[ring_start]
    pair = np.minimum(a, b).astype(np.int64)
    pair *= n_points
    np.maximum(a, b, out=a)
    pair += a
    del a, b
    seen = np.empty(n_points, dtype=np.int64)
    seen[pid[::-1]] = pair[::-1]  # the pair of each point's first occurrence
    junction = np.zeros(n_points, dtype=bool)
    junction[pid[pair != seen[pid]]] = True
    del pair, seen
    cuts = np.add.reduceat(junction[pid], ring_start, dtype=np.int64)
    need = np.maximum(0, _MIN_SPLITS - cuts)
    needy = np.flatnonzero(need)
    if needy.size:
        cand = _ranges(ring_start[needy], ring_len[needy])
        ring = np.repeat(needy, ring_len[needy])
        free = ~junction[pid[cand]]
        cand, ring = cand[free], ring[free]
        order = np.lexsort((pid[cand], ring))
        cand, ring = cand[order], ring[order]
        rank = np.arange(cand.size) - np.searchsorted(ring, ring, side="left")
        junction[pid[cand[rank < need[ring]]]] = True
    return junction


# ---------------------------------------------------------------------------
# arcs
# ---------------------------------------------------------------------------


def _arcs(pid, junction, ring_start, ring_len) -> dict | None:
    """Every ring cut at its junctions: per arc occurrence (in ring order) its ring,
    local start, vertex count, distinct arc number and direction against that arc."""
    cut = np.flatnonzero(junction[pid])  # sorted: by ring, then position
    ring = np.searchsorted(ring_start, cut, side="right") - 1
    local = cut - ring_start[ring]
    nxt = np.empty_like(local)
    nxt[:-1] = local[1:]
    last = np.ones(cut.size, dtype=bool)
    last[:-1] = ring[1:] != ring[:-1]
    first_of_ring = np.searchsorted(ring, ring, side="left")
    nxt[last] = local[first_of_ring[last]] + ring_len[ring[last]]  # wraps round
    count = nxt - local + 1
    n = ring_len[ring]
    start = ring_start[ring]

    def at(offset: np.ndarray) -> np.ndarray:
        return pid[start + (local + offset) % n]

    n_points = int(pid.max()) + 1
    forward = at(np.zeros_like(local)).astype(np.int64) * n_points + at(np.ones_like(local))
    backward = at(count - 1).astype(np.int64) * n_points + at(count - 2)
    reverse = backward < forward
    key = np.where(reverse, backward, forward)
    _, rep, arc = np.unique(key, return_index=True, return_inverse=True)
    if (count != count[rep][arc]).any():
        return None  # two borders start alike but differ: not a clean coverage
    return {
        "ring": ring,
        "local": local,
        "count": count,
        "arc": arc.ravel(),
        "reverse": reverse,
        "rep": rep,
    }


def _arc_lines(key, frame, scale, ring_start, ring_len, arcs) -> np.ndarray:
    """One LineString per distinct arc, in that arc's own direction."""
    import shapely

    rep = arcs["rep"]
    count = arcs["count"][rep]
    ring = arcs["ring"][rep]
    rev = arcs["reverse"][rep]
    begin = np.where(rev, arcs["local"][rep] + count - 1, arcs["local"][rep])
    idx = _ranges(begin, count, np.where(rev, -1, 1))  # positions in the ring ...
    idx %= np.repeat(ring_len[ring], count)  # ... round its end ...
    idx += np.repeat(ring_start[ring], count)  # ... as vertex numbers
    points = _points(key, idx, frame)
    del idx
    points /= scale
    return shapely.linestrings(points, indices=np.repeat(np.arange(rep.size), count))


def _rebuild(simple, arcs, n_rings, part_offsets, geom_offsets, single) -> np.ndarray:
    """The geometries again, each ring made of its (simplified) arcs."""
    import shapely

    m = shapely.get_num_coordinates(simple)
    offset = np.concatenate([[0], np.cumsum(m)[:-1]])
    coords = shapely.get_coordinates(simple)
    arc, rev = arcs["arc"], arcs["reverse"]
    # each occurrence takes its arc without the last point (the next arc starts there)
    take = m[arc] - 1
    begin = np.where(rev, offset[arc] + m[arc] - 1, offset[arc])
    idx = _ranges(begin, take, np.where(rev, -1, 1))
    per_ring = np.bincount(arcs["ring"], weights=take, minlength=n_rings).astype(np.int64)
    ring_first = np.concatenate([[0], np.cumsum(per_ring)[:-1]])
    # close every ring: insert its first point after its last one
    closed = np.insert(idx, np.cumsum(per_ring), idx[ring_first])
    ring_offsets = np.concatenate([[0], np.cumsum(per_ring + 1)])
    out = shapely.from_ragged_array(
        shapely.GeometryType.MULTIPOLYGON,
        coords[closed],
        (ring_offsets, part_offsets, geom_offsets),
    )
    out[single] = shapely.get_geometry(out[single], 0)
    return out


def _failing_units(out: np.ndarray, check: np.ndarray) -> tuple[np.ndarray, object]:
    """Which of the units ``check`` (and of those whose boxes meet theirs) are invalid or
    overlap another unit; and the spatial index of ``out``."""
    import shapely

    tree = shapely.STRtree(out)
    near = np.unique(tree.query(out[check])[1])
    invalid = ~shapely.is_valid(out[near])
    ok = near[~invalid]
    edges = shapely.coverage_invalid_edges(out[ok])
    return np.union1d(near[invalid], ok[~shapely.is_empty(edges)]), tree


def _ranges(start: np.ndarray, length: np.ndarray, step: np.ndarray | int = 1) -> np.ndarray:
    """Concatenated ``start + step * arange(length)`` for every group (one array of the
    total length: the steps, reset at each group's start, summed up)."""
    length = np.asarray(length, dtype=np.int64)
    step = np.broadcast_to(np.asarray(step, dtype=np.int64), length.shape)
    start = np.asarray(start, dtype=np.int64)
    some = length > 0
    start, length, step = start[some], length[some], step[some]
    if not length.size:
        return np.empty(0, dtype=np.int64)
    out = np.repeat(step, length)
    first = np.cumsum(length) - length
    last = start + step * (length - 1)
    out[first[0]] = start[0]
    out[first[1:]] = start[1:] - last[:-1]
    return np.cumsum(out, out=out)
