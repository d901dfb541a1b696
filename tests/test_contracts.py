"""Contract checks run over every public statistic (scikit-learn's estimator-checks habit).

One table, ``CASES``, lists each public statistic with a small data builder (the built-in
``health-2013`` data of the 31 provinces joined to the shipped boundaries, or a small
synthetic panel) and how to call it. Every check below is parametrised over that table,
so a new statistic gets all of them by adding one row (a test fails when a statistic is
exported without a row). The conventions checked are the ones in STYLE.md: frozen
results, ``summary()`` / ``to_frame()`` shapes and names, row order never changes the
numbers, inputs are never mutated, NaN raises unless ``nan_policy="omit"`` (which lists
what it left out in ``.omitted``), the same ``rng`` gives the same numbers, options are
keyword-only, results pickle, and the repr is one short line.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import importlib
import inspect
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import geohra
from geohra._result import Result

COL = "beds_health_care_institutions_per_10k_pop"
RATES = [
    "beds_health_care_institutions_per_10k_pop",
    "health_technical_personnel_per_10k_pop",
    "health_care_institutions_per_10k_pop",
    "health_investment_per_10k_pop",
]
PERMS = 49  # permutations / resamples: enough to exercise the random paths, fast


# ----------------------------------------------------------------------------- data


@functools.cache
def _provinces() -> pd.DataFrame:
    """The 31 provinces in 2013 (GeoDataFrame indexed by adcode) plus resource totals."""
    gdf = geohra.cross_section(
        geohra.join(geohra.load_boundaries("china-provinces"), geohra.load_demo("health-2013")),
        2013,
    )
    gdf["beds_total"] = gdf[COL] * gdf["population_10k"]
    return gdf


@functools.cache
def _graph() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Hainan is linked to its nearest neighbour (warned)
        return geohra.spatial_weights(_provinces(), kind="queen")


def provinces() -> dict:
    return {"data": _provinces().copy()}


def provinces_graph() -> dict:
    return {"data": _provinces().copy(), "graph": copy.deepcopy(_graph())}


def normalised() -> dict:
    """Two indicators of the 31 provinces scaled to [0.1, 1] (coupling systems; no unit
    at 0 in every system, where C is undefined)."""
    x = _provinces()[RATES[:2]]
    return {"data": (0.1 + 0.9 * (x - x.min()) / (x.max() - x.min())).clip(0.0, 1.0)}


def obstacle_inputs() -> dict:
    ent = geohra.entropy_weights(_provinces(), RATES)
    return {"data": ent.normalized.copy(), "weights": ent.weights.copy()}


def panel() -> dict:
    """A long panel: the 31 provinces over 5 years (the 2013 rates with seeded growth),
    one row per province and year, a RangeIndex."""
    base = _provinces()[COL]
    gen = np.random.default_rng(3)
    rows = [
        pd.DataFrame(
            {
                "adcode": base.index,
                "year": 2013 + t,
                "value": base.to_numpy() * np.exp(gen.normal(0.05 * t, 0.1, base.size)),
            }
        )
        for t in range(5)
    ]
    return {"data": pd.concat(rows, ignore_index=True)}


def panel_graph() -> dict:
    return {**panel(), "graph": copy.deepcopy(_graph())}


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One public statistic: how to build its inputs and call it.

    ``call(inputs, **options)`` runs the statistic on ``inputs`` (the dict from ``build``;
    ``inputs["data"]`` is the table whose rows are permuted / given a NaN). ``per_unit``:
    ``to_frame()`` has one row per input row. ``nan_column``: where a NaN is put. ``omitted_of(data, label)``: what ``.omitted``
    must list when row ``label`` has the NaN; ``rows_of(data, omitted)``: the input rows
    those omitted entries stand for. ``positional``: the only parameters that may
    be passed by position.
    """

    name: str
    build: Callable[[], dict]
    call: Callable[..., Any]
    per_unit: bool = True
    random: bool = False
    nan_column: str | None = COL
    omitted_of: Callable[[pd.DataFrame, Any], tuple] = lambda data, label: (label,)
    rows_of: Callable[[pd.DataFrame, tuple], np.ndarray] = lambda data, omitted: data.index.isin(
        omitted
    )
    positional: tuple = ("data", "column")

    def __str__(self) -> str:
        return self.name


def _per_year_theil(inp: dict, **kw: Any) -> Any:
    return geohra.per_year(geohra.theil, inp["data"], "value", **kw)


def _unit_year(data: pd.DataFrame, label: Any) -> tuple:
    """Panel statistics list a missing value as its (unit, year) pair."""
    return ((data.loc[label, "adcode"], data.loc[label, "year"]),)


CASES = [
    Case(
        "entropy_weights",
        provinces,
        lambda inp, **kw: geohra.entropy_weights(inp["data"], RATES, **kw),
        positional=("data", "columns"),
    ),
    Case(
        "gini",
        provinces,
        lambda inp, **kw: geohra.gini(inp["data"], COL, population="population_10k", **kw),
    ),
    Case(
        "spatial_gini",
        provinces_graph,
        lambda inp, **kw: geohra.spatial_gini(
            inp["data"], COL, graph=inp["graph"], permutations=PERMS, **kw
        ),
        random=True,
    ),
    Case(
        "agglomeration",
        provinces,
        lambda inp, **kw: geohra.agglomeration(
            inp["data"], "beds_total", population="population_10k", area="area_10k_km2", **kw
        ),
        nan_column="beds_total",
    ),
    Case(
        "theil",
        provinces,
        lambda inp, **kw: geohra.theil(
            inp["data"], "beds_total", population="population_10k", by="region3", **kw
        ),
        nan_column="beds_total",
    ),
    Case(
        "dagum_gini",
        provinces,
        lambda inp, **kw: geohra.dagum_gini(inp["data"], COL, by="region3", **kw),
    ),
    Case(
        "bootstrap_ci",
        provinces,
        lambda inp, **kw: geohra.bootstrap_ci(
            "theil", inp["data"], COL, by="region3", n_resamples=PERMS, **kw
        ),
        per_unit=False,
        random=True,
        positional=("statistic", "data", "column"),
    ),
    Case(
        "coupling_coordination",
        normalised,
        lambda inp, **kw: geohra.coupling_coordination(inp["data"], RATES[:2], **kw),
        positional=("data", "columns"),
    ),
    Case(
        "obstacle_degree",
        obstacle_inputs,
        lambda inp, **kw: geohra.obstacle_degree(inp["data"], weights=inp["weights"], **kw),
        nan_column=RATES[0],
        positional=("data", "columns"),
    ),
    Case(
        "kde",
        panel,
        lambda inp, **kw: geohra.kde(inp["data"], "value", time="year", grid_size=64, **kw),
        per_unit=False,
        nan_column="value",
    ),
    Case(
        "markov",
        panel_graph,
        lambda inp, **kw: geohra.markov(
            inp["data"], "value", time="year", unit="adcode", classes=3, graph=inp["graph"], **kw
        ),
        nan_column="value",
        # a unit with a missing year is left out entirely (the chain needs every year)
        omitted_of=lambda data, label: (data.loc[label, "adcode"],),
        rows_of=lambda data, omitted: data["adcode"].isin(omitted).to_numpy(),
    ),
    Case(
        "moran",
        provinces_graph,
        lambda inp, **kw: geohra.moran(
            inp["data"], COL, graph=inp["graph"], permutations=PERMS, **kw
        ),
        per_unit=False,
        random=True,
    ),
    Case(
        "geary",
        provinces_graph,
        lambda inp, **kw: geohra.geary(
            inp["data"], COL, graph=inp["graph"], permutations=PERMS, **kw
        ),
        per_unit=False,
        random=True,
    ),
    Case(
        "local_moran",
        provinces_graph,
        lambda inp, **kw: geohra.local_moran(
            inp["data"], COL, graph=inp["graph"], permutations=PERMS, **kw
        ),
        random=True,
    ),
    Case(
        "getis_ord",
        provinces_graph,
        lambda inp, **kw: geohra.getis_ord(
            inp["data"], COL, graph=inp["graph"], permutations=PERMS, inference="permutation", **kw
        ),
        random=True,
    ),
    Case("classify", provinces, lambda inp, **kw: geohra.classify(inp["data"], COL, k=4, **kw)),
    Case(
        "theil_pairwise",
        provinces,
        lambda inp, **kw: geohra.theil_pairwise(
            inp["data"], "beds_total", population="population_10k", by="region3", **kw
        ),
        per_unit=False,
        nan_column="beds_total",
    ),
    Case(
        "sigma_convergence",
        panel,
        lambda inp, **kw: geohra.sigma_convergence(inp["data"], "value", **kw),
        per_unit=False,
        nan_column="value",
        omitted_of=_unit_year,
    ),
    Case(
        "beta_convergence",
        panel,
        lambda inp, **kw: geohra.beta_convergence(inp["data"], "value", **kw),
        per_unit=False,
        nan_column="value",
        omitted_of=_unit_year,
    ),
    Case(
        "spatial_beta_convergence",
        panel_graph,
        lambda inp, **kw: geohra.spatial_beta_convergence(
            inp["data"], "value", graph=inp["graph"], impact_draws=200, **kw
        ),
        per_unit=False,
        random=True,
        nan_column="value",
        omitted_of=_unit_year,
    ),
    Case(
        "per_year",
        panel,
        _per_year_theil,
        per_unit=True,
        nan_column="value",
        positional=("func", "data", "args"),
    ),
]

# public names that are not statistics (no result object to check)
NOT_STATISTICS = {
    "load_boundaries",
    "match_units",
    "province_table",
    "read_panel",
    "read_nbs",
    "join",
    "cross_section",
    "load_demo",
    "per_capita",
    "spatial_weights",
    "PerYearResult",  # the result type of per_year
    "DataQualityWarning",  # the warning class of suspicious data
}

RANDOM = [c for c in CASES if c.random]
WITH_NAN = [c for c in CASES if c.nan_column is not None]


def _takes(case: Case, name: str) -> bool:
    params = inspect.signature(getattr(geohra, case.name)).parameters.values()
    return any(p.name == name or p.kind == p.VAR_KEYWORD for p in params)


PER_UNIT = [c for c in CASES if c.per_unit]


def _run(case: Case, inputs: dict | None = None, **kw: Any) -> Any:
    inputs = case.build() if inputs is None else inputs
    if case.random:
        kw.setdefault("rng", 7)
    return case.call(inputs, **kw)


@functools.cache
def _result(name: str) -> Any:
    """One result per case, computed once for the read-only checks."""
    return _run(next(c for c in CASES if c.name == name))


def _assert_same_numbers(a: Any, b: Any, *, reorder: bool = False) -> None:
    """Same summary and (reindexed to a's rows when ``reorder``) the same to_frame."""
    pd.testing.assert_frame_equal(a.summary(), b.summary(), rtol=1e-12, atol=1e-12)
    fa, fb = a.to_frame(), b.to_frame()
    if reorder:
        assert set(fa.index) == set(fb.index)
        fb = fb.loc[fa.index]
    pd.testing.assert_frame_equal(fa, fb, rtol=1e-12, atol=1e-12)


def _assert_unchanged(before: dict, after: dict) -> None:
    for key, old in before.items():
        new = after[key]
        if isinstance(old, pd.DataFrame):
            pd.testing.assert_frame_equal(new, old)
            assert new.attrs == old.attrs and new.columns.equals(old.columns)
        elif isinstance(old, pd.Series):
            pd.testing.assert_series_equal(new, old)
        else:  # a weights graph
            assert type(new) is type(old)
            assert new.transformation == old.transformation
            pd.testing.assert_series_equal(new.adjacency, old.adjacency)
            pd.testing.assert_index_equal(pd.Index(new.unique_ids), pd.Index(old.unique_ids))


def _nan_inputs(case: Case) -> tuple[dict, Any]:
    inputs = case.build()
    data = inputs["data"].copy()
    label = data.index[5]
    data.loc[label, case.nan_column] = np.nan
    return {**inputs, "data": data}, label


# ----------------------------------------------------------------------------- checks


def test_every_public_statistic_has_a_case():
    statistics = set(geohra._EXPORTS) - NOT_STATISTICS
    assert statistics == {c.name for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_result_is_frozen(case):
    res = _result(case.name)
    assert isinstance(res, Result)
    names = [f.name for f in dataclasses.fields(res)] if dataclasses.is_dataclass(res) else ["n"]
    for name in (names[0], "something_new"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(res, name, None)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_summary_conventions(case):
    res = _result(case.name)
    summ = res.summary()
    assert isinstance(summ, pd.DataFrame) and len(summ) >= 1
    # one word per meaning: the formula text is "variant", omitted rows are counted in
    # "n_omitted"; the old words are gone
    assert not {"method", "omitted", "statistic_name"} & set(summ.columns)
    assert "statistic_name" not in summ.index.names
    variant = summ["variant"].iloc[0] if "variant" in summ.columns else summ.attrs.get("variant")
    assert isinstance(variant, str) and len(variant) > 10
    if hasattr(res, "omitted"):  # a column (constant in multi-row summaries) or an attribute
        n_omitted = summ["n_omitted"] if "n_omitted" in summ.columns else summ.attrs["n_omitted"]
        assert (np.asarray(n_omitted) == len(res.omitted)).all()
    if len(summ) == 1:  # one row: indexed by the statistic's display name
        assert summ.index.name == "measure"
        assert isinstance(summ.index[0], str) and summ.index[0]
    if hasattr(res, "variant"):
        assert res.variant in set(summ.get("variant", [variant])) or variant.startswith(res.variant)


@pytest.mark.parametrize("case", PER_UNIT, ids=str)
def test_to_frame_is_indexed_like_the_input(case):
    inputs = case.build()
    frame = _result(case.name).to_frame()
    data = inputs["data"]
    assert frame.index.equals(data.index) and frame.index.names == data.index.names
    joined = data.join(frame.add_suffix("_result"))
    assert len(joined) == len(data)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_row_order_does_not_change_the_numbers(case):
    inputs = case.build()
    perm = np.random.default_rng(11).permutation(len(inputs["data"]))
    shuffled = {**inputs, "data": inputs["data"].iloc[perm]}
    _assert_same_numbers(_result(case.name), _run(case, shuffled), reorder=case.per_unit)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_inputs_are_not_mutated(case):
    inputs = case.build()
    before = copy.deepcopy(inputs)
    _run(case, inputs)
    _assert_unchanged(before, inputs)


@pytest.mark.parametrize("case", WITH_NAN, ids=str)
def test_nan_raises_and_omit_reports(case):
    inputs, label = _nan_inputs(case)
    with pytest.raises(ValueError, match="NaN|missing"):
        _run(case, inputs)
    if not _takes(case, "nan_policy"):
        return  # raising is all a statistic without nan_policy must do
    res = _run(case, inputs, nan_policy="omit")
    data = inputs["data"]
    if case.name == "per_year":  # one result per year: the year with the NaN lists the unit
        omitted = {year: r.omitted for year, r in res.results.items() if r.omitted}
        assert omitted == {data.loc[label, "year"]: (data.loc[label, "adcode"],)}
        frame = res.to_frame()
        assert frame.index.equals(data.index) or frame.index.equals(data.index.drop(label))
        return
    assert res.omitted == case.omitted_of(inputs["data"], label)
    assert repr(res).endswith(f"{len(res.omitted)} omitted)")  # said the same way everywhere
    if case.per_unit:
        # the input's rows in the input's order: all of them (the omitted one missing) or
        # all but the omitted ones; a join keeps every row either way
        frame = res.to_frame()
        kept = data.index[~case.rows_of(data, res.omitted)]
        assert len(kept) < len(data)
        assert frame.index.equals(data.index) or frame.index.equals(kept)
        assert data.join(frame.add_suffix("_result")).index.equals(data.index)


@pytest.mark.parametrize("case", RANDOM, ids=str)
def test_same_rng_gives_the_same_numbers(case):
    a = _run(case, rng=123)
    b = _run(case, rng=np.random.default_rng(123))
    _assert_same_numbers(a, b)
    c = _run(case, rng=124)
    assert not a.summary().equals(c.summary())  # the seed is used at all


@pytest.mark.parametrize("case", CASES, ids=str)
def test_options_are_keyword_only(case):
    func = getattr(geohra, case.name)
    params = list(inspect.signature(func).parameters.values())
    positional = [
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    assert tuple(positional) == case.positional
    others = [p for p in params if p.name not in case.positional]
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in others)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_results_pickle(case):
    res = _result(case.name)
    back = pickle.loads(pickle.dumps(res))
    assert type(back) is type(res)
    assert repr(back) == repr(res)
    _assert_same_numbers(res, back)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_repr_is_one_short_line(case):
    res = _result(case.name)
    text = repr(res)
    assert "\n" not in text and len(text) < 200
    assert text.startswith(type(res).__name__ + "(") and text.endswith(")")
    html = res._repr_html_()
    assert isinstance(html, str) and html.startswith("<div>") and "<table" in html
    assert len(html) < 20_000  # a few rows, never the whole per-unit table


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.name in {"moran", "geary", "local_moran", "getis_ord", "classify", "bootstrap_ci"}
    ],
    ids=str,
)
def test_old_method_field_warns_and_names_variant(case):
    res = _result(case.name)
    with pytest.warns(DeprecationWarning, match="variant"):
        old = res.method
    assert old == res.variant


# ----------------------------------------------------------------------------- exports


def _init_tree() -> ast.Module:
    return ast.parse(Path(geohra.__file__).read_text(encoding="utf-8"))


def test_lazy_exports_match_type_checking_imports():
    tree = _init_tree()
    exports = None
    checked: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "_EXPORTS":
            exports = ast.literal_eval(node.value)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                checked.update({alias.name: imp.module for alias in imp.names})
    assert exports is not None and exports == geohra._EXPORTS
    assert checked == exports


@pytest.mark.parametrize("name", sorted(geohra._EXPORTS))
def test_every_export_resolves(name):
    value = getattr(geohra, name)
    assert value is getattr(importlib.import_module(geohra._EXPORTS[name]), name)
    assert name in dir(geohra) and name in geohra.__all__


# ----------------------------------------------------------------------------- repr content


def test_repr_numbers_are_the_results_numbers():
    lisa = _result("local_moran")
    counts = lisa.summary().iloc[0]
    short = {"HH": "High-High", "LL": "Low-Low", "LH": "Low-High", "HL": "High-Low"}
    text = repr(lisa)
    for key, label in short.items():
        assert f"{key} {counts[label]}," in text
    assert f"not significant {counts['Not significant']}," in text
    theil = _result("theil").summary().iloc[0]
    text = repr(_result("theil"))
    assert f"total={theil['total']:.4f}" in text
    assert f"within {theil['within_pct']:.1f} %" in text
    assert f"between {theil['between_pct']:.1f} %" in text
    assert f"{theil['n_groups']} groups" in text
