"""Reading the input layer for the worker, with the checks QGIS can make itself.

Every message names things as the dialog does (parameter labels, field names,
unit IDs), never by the library's Python argument names. Standard library and
qgis only.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from qgis.core import QgsFeature, QgsProcessingException, QgsWkbTypes


def is_null(value: Any) -> bool:
    if value is None:
        return True
    try:
        if value.isNull():  # QVariant NULL (PyQt5 keeps QVariant for NULL attributes)
            return True
    except AttributeError:
        pass
    return isinstance(value, float) and value != value  # NaN


def plain(value: Any) -> Any:
    """An attribute value as a JSON-able Python value."""
    if is_null(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "toString"):  # QDate, QDateTime, QTime: ISO text
        return value.toString()
    return str(value)


def _some(items, n: int = 8) -> str:
    items = list(items)
    return ", ".join(map(repr, items[:n])) + (" ..." if len(items) > n else "")


def check_fields(alg, fields, numeric: list[str], others: list[str]) -> None:
    for name in numeric + others:
        if fields.lookupField(name) < 0:
            raise QgsProcessingException(
                f"Field {name!r} is not in the input layer; its fields are {fields.names()}."
            )
    for name in numeric:
        field = fields.field(fields.lookupField(name))
        if not field.isNumeric():
            raise QgsProcessingException(
                f"Field {name!r} is not numeric (it is of type {field.typeName()}); "
                f"{alg.display} needs numbers there. Choose a numeric field, or convert this "
                'one with the Field Calculator (e.g. to_real("' + name + '")).'
            )


class Reader:
    """Collects one request from the source's features (``read``), then checks it."""

    def __init__(self, alg, source, numeric, others, id_field, year_field, feedback) -> None:
        self.alg, self.source, self.feedback = alg, source, feedback
        self.names = list(dict.fromkeys(numeric + others))
        self.numeric, self.id_field, self.year_field = numeric, id_field, year_field
        self.columns: dict[str, list] = {n: [] for n in self.names}
        self.index: list = []
        self.units: list = []
        self.geometry: list | None = [] if alg.spatial else None
        self.shapes: list = []  # a digest of each polygon, to find stacked copies of a unit
        self.nulls: dict[str, list] = {}
        self.empty: list = []
        self.features: list = []

    def label(self, what: str) -> str:
        return self.alg.label(what)

    def read(self) -> tuple[list, dict]:
        has_geometry = self.source.wkbType() != QgsWkbTypes.NoGeometry
        total = max(self.source.featureCount(), 1)
        for i, feature in enumerate(self.source.getFeatures()):
            if self.feedback.isCanceled():
                raise QgsProcessingException("Cancelled.")
            self._one(feature, has_geometry)
            if i % 500 == 0:
                self.feedback.setProgress(10.0 * i / total)
        self._check()
        request = {
            "index": self.index,
            "index_name": self.id_field or "fid",
            "time": self.year_field,
            "columns": self.columns,
            "numeric": list(self.numeric),
            "geometry": self.geometry,
        }
        return self.features, request

    def _one(self, feature, has_geometry: bool) -> None:
        self.features.append(QgsFeature(feature))
        unit = plain(feature[self.id_field]) if self.id_field else feature.id()
        if unit is None:
            raise QgsProcessingException(
                f"The {self.label('ID_FIELD')!r} ({self.id_field!r}) is NULL for feature {feature.id()}; "
                "every feature needs an ID (or leave that parameter empty to use feature ids)."
            )
        label = unit
        if self.year_field:  # (unit, year) labels: the worker makes them a two-level index
            year = plain(feature[self.year_field])
            if year is None:
                raise QgsProcessingException(
                    f"The {self.label('YEAR_FIELD')!r} ({self.year_field!r}) is NULL for feature "
                    f"{feature.id()}; every feature of a panel needs its year."
                )
            label = [unit, year]
        self.units.append(unit)
        self.index.append(label)
        for n in self.names:
            value = plain(feature[n])
            if value is None:
                self.nulls.setdefault(n, []).append(unit)
            elif isinstance(value, float) and math.isinf(value):
                raise QgsProcessingException(
                    f"Field {n!r} holds an infinite value ({value}) for feature {unit!r}; "
                    "geohra needs finite numbers. Fix or remove that value and run again."
                )
            self.columns[n].append(value)
        geom = feature.geometry() if has_geometry else None
        if geom is None or geom.isNull() or geom.isEmpty():
            self.empty.append(unit)
            self.shapes.append(None)
            if self.geometry is not None:
                self.geometry.append(None)
            return
        wkb = bytes(geom.asWkb())
        self.shapes.append(hashlib.blake2b(wkb, digest_size=16).digest())
        if self.geometry is not None:
            self.geometry.append(wkb.hex())

    # ---- checks ---------------------------------------------------------------------
    def _check(self) -> None:
        if not self.features:
            raise QgsProcessingException("The input layer has no features (or none are selected).")
        if self.nulls:
            parts = [f"{n!r}: {len(v)} feature(s) ({_some(v)})" for n, v in self.nulls.items()]
            raise QgsProcessingException(
                "NULL (missing) values in " + "; ".join(parts) + ". geohra does not guess missing "
                "values: fill them (Field Calculator) or leave those features out (select the others "
                "and tick 'Selected features only', or use 'Extract by expression') and run again."
            )
        if self.geometry is not None and self.empty:
            raise QgsProcessingException(
                f"{len(self.empty)} feature(s) have no geometry ({_some(self.empty)}); "
                f"{self.alg.display} needs every unit's polygon to find its neighbours."
            )
        self._check_repeats()

    def _panel_hint(self) -> str:
        if self.alg.supports_year:
            return (
                f"If the layer holds one feature per unit and year (a panel), choose the "
                f"{self.label('YEAR_FIELD')!r} so that {self.alg.display} runs for each year "
                "separately; otherwise "
            )
        return "Filter the layer to one feature per unit (e.g. one year), or "

    def _check_repeats(self) -> None:
        """Refuse repeated unit IDs, or stacked copies of a polygon, within a cross-section."""
        years = [lab[1] for lab in self.index] if self.year_field else [None] * len(self.index)
        seen: dict = {}
        for unit, year in zip(self.units, years):  # noqa: B905 - same length
            seen[(year, unit)] = seen.get((year, unit), 0) + 1
        repeated = {k: n for k, n in seen.items() if n > 1}
        if repeated and self.id_field:
            some = [
                (f"{u!r} in {y}" if self.year_field else repr(u)) + f" ({n} features)"
                for (y, u), n in repeated.items()
            ]
            where = (
                f" within a year of the {self.label('YEAR_FIELD')!r} ({self.year_field!r})"
                if self.year_field
                else ""
            )
            fix = (
                "each unit needs one feature per year."
                if self.year_field
                else self._panel_hint()
                + "choose a field with one value per feature (or leave it empty)."
            )
            raise QgsProcessingException(
                f"The {self.label('ID_FIELD')!r} ({self.id_field!r}) has repeated values{where}: "
                f"{', '.join(some[:5])}{' ...' if len(some) > 5 else ''}. {fix}"
            )
        if not self.alg.checks_shapes:
            return
        first: dict = {}
        copies: dict = {}  # (year, first unit with that polygon) -> number of copies
        for unit, year, shape in zip(self.units, years, self.shapes):  # noqa: B905 - same length
            if shape is None:
                continue
            key = (year, shape)
            if key in first:
                copies[(year, first[key])] = copies.get((year, first[key]), 0) + 1
            else:
                first[key] = unit
        if copies:
            who = "feature" if not self.id_field else "unit"
            some = "; ".join(
                f"{who} {u!r}"
                + (f" in {y}" if self.year_field else "")
                + f" by {n} other feature(s)"
                for (y, u), n in list(copies.items())[:5]
            )
            if self.year_field:
                fix = "each unit needs one feature per year, and units need their own polygons."
            else:
                fix = self._panel_hint() + "remove the duplicated features."
            raise QgsProcessingException(
                f"{sum(copies.values())} feature(s) repeat the polygon of another feature (the "
                f"polygon of {some}{'; ...' if len(copies) > 5 else ''}): {self.alg.display} would "
                f"treat the copies as separate units. {fix}"
            )
