"""The array fast paths of gini / theil / dagum_gini and the many-resample cores of the
bootstrap agree with the general (pandas) path and with the one-sample cores."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from geohra import bootstrap_ci, dagum_gini, gini, theil
from geohra._checks import SENTINELS, DataQualityWarning
from geohra.inequality import _resample
from geohra.inequality import bootstrap as boot_mod
from geohra.inequality._prep import _FIRST_CODE, group_codes
from geohra.inequality.dagum import dagum_core
from geohra.inequality.gini import gini_core
from geohra.inequality.theil import divergence


def _data(seed, n=120, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.lognormal(1.0, 0.7, n)
    if ties:
        y = np.round(y)  # many equal values, some zeros
    pop = rng.integers(1, 500, n).astype(float)
    labels = rng.choice(np.array(["east", "centre", "west", "north"]), n)
    return y, pop, labels


def _all_results(y, pop, labels, frame=None):
    """Every statistic on the given inputs (a DataFrame with column names when ``frame``)."""
    if frame is not None:
        y, pop, labels = "y", "pop", "region"
        call = {"data": frame, "column": "y"}
    else:
        call = {"data": y}
    out = {}
    for w in (None, pop):
        out[f"gini {w is None}"] = gini(**call, population=w)
    for index in ("T", "L"):
        out[f"theil {index}"] = theil(**call, population=pop, by=labels, index=index, base=10)
    out["theil plain"] = theil(**call, by=labels)
    out["dagum"] = dagum_gini(**call, by=labels)
    return out


def _assert_same(a, b):
    for key in a:
        ra, rb = a[key], b[key]
        if key.startswith("gini"):
            assert float(ra) == float(rb)
            pd.testing.assert_frame_equal(ra.to_frame(), rb.to_frame())
        elif key.startswith("theil"):
            assert (ra.total, ra.within, ra.between) == (rb.total, rb.within, rb.between)
            pd.testing.assert_frame_equal(ra.groups, rb.groups)
        else:
            assert (ra.total, ra.within, ra.between_net, ra.transvariation) == (
                rb.total,
                rb.within,
                rb.between_net,
                rb.transvariation,
            )
            pd.testing.assert_frame_equal(ra.between_groups, rb.between_groups)
            pd.testing.assert_frame_equal(ra.group_table, rb.group_table)
        pd.testing.assert_frame_equal(ra.to_frame(), rb.to_frame())
        pd.testing.assert_frame_equal(ra.summary(), rb.summary())


@pytest.mark.parametrize("ties", [False, True])
def test_fast_paths_equal_the_general_path(ties, monkeypatch):
    y, pop, labels = _data(3, ties=ties)
    y = y + 0.25  # positive: theil L takes logs of every share
    idx = pd.Index([f"u{i:03d}" for i in range(y.size)][::-1], name="adcode")
    frame = pd.DataFrame({"y": y, "pop": pop, "region": labels}, index=idx)
    series = (frame["y"], frame["pop"], frame["region"])
    fast = {
        "arrays": _all_results(y, pop, labels),
        "series": _all_results(*series),
        "frame": _all_results(None, None, None, frame=frame),
    }
    calls = []
    for name in ("dagum", "gini", "theil"):  # the general path: resolve + pandas checks
        mod = importlib.import_module(f"geohra.inequality.{name}")
        monkeypatch.setattr(mod, "fast_arrays", lambda *a, **k: None)
        resolve = mod.resolve
        monkeypatch.setattr(
            mod, "resolve", lambda *a, _r=resolve, **k: calls.append(1) or _r(*a, **k)
        )
    _assert_same(fast["arrays"], _all_results(y, pop, labels))
    _assert_same(fast["series"], _all_results(*series))
    _assert_same(fast["frame"], _all_results(None, None, None, frame=frame))
    assert len(calls) == 3 * 6  # every reference result went through the general path
    # integer labels give the same decomposition
    c = dagum_gini(y, by=pd.factorize(labels, sort=True)[0])
    assert c.total == fast["arrays"]["dagum"].total
    assert c.transvariation == pytest.approx(fast["arrays"]["dagum"].transvariation, rel=1e-14)


def test_array_path_leaves_bad_input_to_the_full_checks():
    y = np.array([1.0, 2.0, np.nan, 4.0])
    with pytest.raises(ValueError, match="missing value"):
        gini(y)
    assert gini(y, nan_policy="omit").omitted == (2,)
    with pytest.raises(ValueError, match="non-negative"):
        theil(np.array([1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match="nan_policy"):
        gini(np.array([1.0, 2.0]), nan_policy="drop")
    with pytest.raises(ValueError, match="zero population"):
        theil(np.array([1.0, 2.0, 3.0]), population=np.array([1.0, 0.0, 2.0]))
    with pytest.raises(ValueError, match="fewer than two groups"):
        dagum_gini(np.array([1.0, 2.0, 3.0]), by=np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="all values are zero"):
        dagum_gini(np.zeros(4), by=np.array([0, 0, 1, 1]))
    # the checks of geohra._checks still apply to plain arrays
    with pytest.raises(ValueError, match="infinite"):
        gini(np.array([1.0, np.inf, 2.0]))
    with pytest.warns(DataQualityWarning, match="missing-value codes"):
        theil(np.array([1.0, 2.0, 3.0, 4.0, 9999.0]), by=np.array([0, 0, 1, 1, 1]))
    with pytest.warns(DataQualityWarning, match="per-capita rate"):
        rate = np.array([2.0, 2.1, 1.9, 2.05, 1.95, 2.0])
        theil(rate, population=np.array([1e3, 5e4, 2e5, 8e3, 1e6, 3e4]))


def _one_sample(name, y, w, codes, k, opts):
    """The statistic of one resample by the one-sample cores (the previous bootstrap loop)."""
    if name == "gini":
        return {"gini": gini_core(y, w)}
    if name == "theil":
        s = y / y.sum()
        q = np.full(y.size, 1.0 / y.size) if w is None else w / w.sum()
        a, b = (s, q) if opts["index"] == "T" else (q, s)
        r = divergence(a, b, codes, k)
        scale = {"e": 1.0, 10: np.log(10.0)}[opts["base"]]
        return {
            "total": r["total"] / scale,
            "within": r["within"] / scale,
            "between": r["between"] / scale,
        }
    r = dagum_core(y, codes, k)
    return {c: r[c] for c in ("total", "within", "between_net", "transvariation")}


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("gini", {}),
        ("gini", {"population": "pop"}),
        ("theil", {"population": "pop", "index": "L", "base": 10}),
        ("theil", {"index": "T"}),
        ("dagum_gini", {}),
    ],
)
@pytest.mark.parametrize("ties", [False, True])
def test_batched_resamples_equal_one_sample_cores(name, kwargs, ties):
    y, pop, labels = _data(11, n=150, ties=ties)
    y = y + 0.5  # theil L needs positive values
    df = pd.DataFrame({"y": y, "pop": pop, "region": labels}).sort_values("region", kind="stable")
    df.index = pd.RangeIndex(len(df))
    codes, uniques = pd.factorize(df["region"], sort=True)
    k = len(uniques)
    res = bootstrap_ci(name, df, "y", by="region", n_resamples=40, rng=7, **kwargs)
    gen = np.random.default_rng(7)
    strata = [np.flatnonzero(codes == g) for g in range(k)]
    idx = np.concatenate(list(boot_mod._resample_indices(gen, strata, len(df), 40)))
    opts = {"index": kwargs.get("index", "T"), "base": kwargs.get("base", "e")}
    yv = df["y"].to_numpy()
    weighted = "population" in kwargs
    wv = df["pop"].to_numpy() if weighted else None
    for r, rows in enumerate(idx):
        c = None if name == "gini" else codes[rows]
        want = _one_sample(name, yv[rows], None if wv is None else wv[rows], c, k, opts)
        for comp, val in want.items():
            assert res.distribution.loc[r, comp] == pytest.approx(val, rel=1e-10, abs=1e-13)


def test_dagum_many_equals_core_on_random_multiplicities():
    rng = np.random.default_rng(5)
    for n, k in ((50, 2), (300, 5), (1000, 9)):
        y = np.sort(np.round(rng.lognormal(size=n), 1))
        codes = rng.integers(0, k, n)
        m = rng.poisson(1.0, size=(6, n)).astype(float)
        got = _resample.dagum_many(y, m, _resample.dagum_plan(codes, k))
        for r in range(6):
            rep = np.repeat(np.arange(n), m[r].astype(int))
            if np.unique(codes[rep]).size < k:
                continue
            want = dagum_core(y[rep], codes[rep], k)
            for comp in ("total", "within", "between_net", "transvariation"):
                assert got[comp][r] == pytest.approx(want[comp], rel=1e-10, abs=1e-13)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([2, 0, 1, 1, 0, 2]),  # already codes 0..k-1
        np.array([7, 3, 3, 11, 7]),  # gaps between the labels
        np.array([5, 5, 2, 9], dtype=np.uint8),
        np.array([-1, 0, 3, -1]),  # negative: np.unique
        np.array([0, 10**9, 1]),  # too sparse to count: np.unique
        np.array([1, 1, 1]),
    ],
)
def test_array_group_codes_equal_np_unique(labels):
    uniques, inverse = np.unique(labels, return_inverse=True)
    if uniques.size < 2:
        with pytest.raises(ValueError, match="fewer than two groups"):
            group_codes(labels, func="test")
        return
    codes, got = group_codes(labels, func="test")
    np.testing.assert_array_equal(codes, inverse.reshape(-1))
    np.testing.assert_array_equal(got, uniques)
    assert codes.dtype == np.intp and got.dtype == uniques.dtype


@pytest.mark.parametrize("code", [999.0, 9999.0, 99999.0, 999999.0])
def test_array_path_still_warns_on_every_positive_code(code):
    y = np.array([1.0, 2.0, 3.0, 4.0, code, code])
    with pytest.warns(DataQualityWarning, match="missing-value codes"):
        gini(y)
    assert _FIRST_CODE == min(c for c in SENTINELS if c > 0)
