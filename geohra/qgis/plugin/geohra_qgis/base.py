"""The machinery shared by geohra's Processing algorithms: parameters, checks, exchange.

Each algorithm reads the chosen fields (and, for the spatial ones, the
geometries as WKB) from the input layer, checks in QGIS what QGIS can check
(numeric fields, NULLs, a CRS, non-empty geometry), sends everything to
``python -m geohra.qgis.worker`` in a separate process (see ``runner.py``) and
writes what comes back: result fields appended to a copy of the input layer
and/or geometry-less tables. Only qgis and the standard library are imported.
"""

from __future__ import annotations

import math
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from .runner import WorkerError, find_python, run_worker

_QTYPES = {"double": QVariant.Double, "int": QVariant.LongLong, "bool": QVariant.Bool, "string": QVariant.String}

ISLANDS = ["nearest", "keep"]
ISLANDS_LABELS = [
    "link each to its nearest unit (with a warning)",
    "keep isolated (no neighbours, spatial lag 0)",
]

_COMMON_HELP = (
    "<p>The computation runs in the Python environment where the geohra library is installed "
    "(Settings &gt; Options &gt; Processing &gt; Providers &gt; geohra, or the GEOHRA_PYTHON "
    "environment variable), so the numbers are exactly the library's.</p>"
    "<p><b>Unit ID field</b> (optional): a field with one value per feature (e.g. an adcode); "
    "error messages and result tables name units by it. Feature ids are used when it is empty.</p>"
    "<p>Features with NULL in a chosen field stop the algorithm with a message naming them: "
    "fill them or filter those features out first.</p>"
)


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    try:
        if value.isNull():  # QVariant NULL (PyQt5 keeps QVariant for NULL attributes)
            return True
    except AttributeError:
        pass
    return isinstance(value, float) and value != value  # NaN


def _plain(value: Any) -> Any:
    """An attribute value as a JSON-able Python value."""
    if _is_null(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "toString"):  # QDate, QDateTime, QTime: ISO text
        return value.toString()
    return str(value)


class GeohraAlgorithm(QgsProcessingAlgorithm):
    """Common machinery; subclasses declare parameters and the worker op."""

    INPUT = "INPUT"
    ID_FIELD = "ID_FIELD"
    YEAR_FIELD = "YEAR_FIELD"
    OUTPUT = "OUTPUT"

    op: str = ""
    display: str = ""
    group_name: str = ""
    spatial: bool = False  # sends geometry, needs a CRS and polygons
    layer_output: bool = False  # OUTPUT is the input layer plus result fields
    supports_year: bool = False  # offers a year field for long panels (unit x year rows)
    tables: tuple[tuple[str, str, bool], ...] = ()  # (parameter, description, optional)
    help_html: str = ""

    # ---- identity -------------------------------------------------------------------
    def name(self) -> str:
        return self.op.replace("_", "")

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return self.display

    def group(self) -> str:
        return self.group_name

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return self.group_name.lower().replace(" ", "")

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return self.help_html + _COMMON_HELP

    def createInstance(self):  # noqa: N802 - QGIS API
        return type(self)()

    # ---- parameters -----------------------------------------------------------------
    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        kinds = [QgsProcessing.TypeVectorPolygon] if self.spatial else [QgsProcessing.TypeVector]
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, "Input layer", kinds))
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, "Unit ID field (optional)", parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        if self.supports_year:
            self.addParameter(
                QgsProcessingParameterField(
                    self.YEAR_FIELD,
                    "Year field (optional: a long panel with one feature per unit and year; "
                    "results per year)",
                    parentLayerParameterName=self.INPUT, optional=True,
                )
            )
        self.add_parameters()
        if self.layer_output:
            self.addParameter(
                QgsProcessingParameterFeatureSink(
                    self.OUTPUT, f"{self.display} (layer)", QgsProcessing.TypeVectorAnyGeometry
                )
            )
        for name, description, optional in self.tables:
            self.addParameter(
                QgsProcessingParameterFeatureSink(
                    name, description, QgsProcessing.TypeVector, optional=optional, createByDefault=True
                )
            )

    def add_parameters(self) -> None:
        raise NotImplementedError

    def numeric_field(self, name: str, description: str, *, multiple: bool = False, optional: bool = False) -> None:
        self.addParameter(
            QgsProcessingParameterField(
                name, description, parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Numeric, allowMultiple=multiple, optional=optional,
            )
        )

    def any_field(self, name: str, description: str) -> None:
        self.addParameter(
            QgsProcessingParameterField(
                name, description, parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Any,
            )
        )

    def spatial_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterEnum(
                "CONTIGUITY", "Neighbours (contiguity)", options=["queen", "rook"], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "ISLANDS", "Units without a contiguous neighbour (islands)",
                options=ISLANDS_LABELS, defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "PERMUTATIONS", "Permutations for the pseudo p-value",
                QgsProcessingParameterNumber.Integer, defaultValue=999, minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SEED", "Random seed (optional; set it for reproducible p-values)",
                QgsProcessingParameterNumber.Integer, optional=True, minValue=0,
            )
        )

    def spatial_options(self, parameters, context) -> dict:
        seed = parameters.get("SEED")
        no_seed = seed is None or _is_null(seed) or seed == ""  # optional and left empty
        return {
            "contiguity": ["queen", "rook"][self.parameterAsEnum(parameters, "CONTIGUITY", context)],
            "islands": ISLANDS[self.parameterAsEnum(parameters, "ISLANDS", context)],
            "permutations": self.parameterAsInt(parameters, "PERMUTATIONS", context),
            "seed": None if no_seed else self.parameterAsInt(parameters, "SEED", context),
        }

    def options(self, parameters, context) -> tuple[list[str], list[str], dict]:
        """(numeric fields, other fields to send, worker params) for this run."""
        raise NotImplementedError

    def new_field_names(self, params: dict) -> list[str]:
        """Names of the result fields added to the layer (checked against the input)."""
        return []

    # ---- running ----------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        numeric, others, params = self.options(parameters, context)
        id_field = self.parameterAsString(parameters, self.ID_FIELD, context) or None
        year_field = None
        if self.supports_year:
            year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context) or None
        fields = source.fields()
        keys = [f for f in (id_field, year_field) if f]
        self._check_fields(fields, numeric, others + keys)
        if self.layer_output:
            clash = [n for n in self.new_field_names(params) if fields.lookupField(n) >= 0]
            if clash:
                raise QgsProcessingException(
                    f"The input layer already has field(s) {clash}, which this algorithm would add. "
                    "Rename or delete them (or choose another output field name) and run again."
                )
        crs = source.sourceCrs()
        if self.spatial and not crs.isValid():
            raise QgsProcessingException(
                f"The input layer {source.sourceName()!r} has no coordinate reference system (CRS). "
                f"{self.display} builds spatial neighbours from the polygons, which needs one. "
                "Assign the layer's CRS (Layer Properties > Source > Assigned coordinate reference "
                "system, or the 'Assign projection' algorithm) and run again."
            )

        features, request = self._read(source, numeric, others, id_field, year_field, feedback)
        request.update(op=self.op, params=params)
        if self.spatial:
            request["crs"] = crs.authid() or crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED)
        try:
            from .provider import python_setting

            python = find_python(python_setting())
            feedback.pushInfo(f"Running geohra in {python}")
            response = run_worker(request, python=python, is_canceled=feedback.isCanceled)
        except WorkerError as exc:
            if exc.details:
                feedback.pushDebugInfo(exc.details)
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(f"geohra {response.get('geohra_version', '?')} computed {self.op}")
        for message in response.get("warnings", []):
            feedback.pushWarning(f"geohra: {message}")

        results = {}
        if self.layer_output:
            results[self.OUTPUT] = self._write_layer(parameters, context, source, features, response["layer"])
        for name, _, _ in self.tables:
            tab = response["tables"].get(name)
            if tab is not None and parameters.get(name) is not None:
                results[name] = self._write_table(parameters, context, name, tab)
        return results

    def _check_fields(self, fields: QgsFields, numeric: list[str], others: list[str]) -> None:
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
                    f"{self.display} needs numbers there. Choose a numeric field, or convert this "
                    "one with the Field Calculator (e.g. to_real(\"" + name + "\"))."
                )

    def _read(self, source, numeric, others, id_field, year_field, feedback) -> tuple[list, dict]:
        names = list(dict.fromkeys(numeric + others))
        columns: dict[str, list] = {n: [] for n in names}
        index: list = []
        geometry: list | None = [] if self.spatial else None
        nulls: dict[str, list] = {}
        empty: list = []
        features = []
        for feature in source.getFeatures():
            if feedback.isCanceled():
                raise QgsProcessingException("Cancelled.")
            features.append(QgsFeature(feature))
            label = _plain(feature[id_field]) if id_field else feature.id()
            if label is None:
                raise QgsProcessingException(
                    f"The unit ID field {id_field!r} is NULL for feature {feature.id()}; "
                    "every feature needs an ID (or leave the ID field empty to use feature ids)."
                )
            if year_field:
                # (unit, year) labels: the worker makes them a two-level index
                year = _plain(feature[year_field])
                if year is None:
                    raise QgsProcessingException(
                        f"The year field {year_field!r} is NULL for feature {feature.id()}; "
                        "every feature of a panel needs its year."
                    )
                label = [label, year]
            index.append(label)
            for n in names:
                value = _plain(feature[n])
                if value is None:
                    nulls.setdefault(n, []).append(label)
                elif isinstance(value, float) and math.isinf(value):
                    raise QgsProcessingException(
                        f"Field {n!r} holds an infinite value ({value}) for feature {label!r}; "
                        "geohra needs finite numbers. Fix or remove that value and run again."
                    )
                columns[n].append(value)
            if geometry is not None:
                geom = feature.geometry()
                if geom is None or geom.isNull() or geom.isEmpty():
                    empty.append(label)
                    geometry.append(None)
                else:
                    geometry.append(bytes(geom.asWkb()).hex())
        if not features:
            raise QgsProcessingException("The input layer has no features (or none are selected).")
        if nulls:
            parts = [
                f"{n!r}: {len(v)} feature(s) ({', '.join(map(repr, v[:8]))}{' ...' if len(v) > 8 else ''})"
                for n, v in nulls.items()
            ]
            raise QgsProcessingException(
                "NULL (missing) values in " + "; ".join(parts) + ". geohra does not guess missing "
                "values: fill them (Field Calculator) or leave those features out (select the others "
                "and tick 'Selected features only', or use 'Extract by expression') and run again."
            )
        if empty:
            raise QgsProcessingException(
                f"{len(empty)} feature(s) have no geometry ({', '.join(map(repr, empty[:8]))}); "
                f"{self.display} needs every unit's polygon to find its neighbours."
            )
        request = {
            "index": index,
            "index_name": id_field or "fid",
            "time": year_field,
            "columns": columns,
            "numeric": list(numeric),
            "geometry": geometry,
        }
        return features, request

    def _fields_from(self, tab: dict) -> QgsFields:
        fields = QgsFields()
        # zip(strict=True) needs Python 3.10; QGIS 3.16-3.26 on Windows ship 3.9
        for name, kind in zip(tab["columns"], tab["types"]):  # noqa: B905 - same length by protocol
            fields.append(QgsField(name, _QTYPES.get(kind, QVariant.String)))
        return fields

    def _write_layer(self, parameters, context, source, features, tab) -> str:
        fields = QgsFields(source.fields())
        for field in self._fields_from(tab):
            fields.append(field)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        if len(tab["rows"]) != len(features):
            raise QgsProcessingException(
                f"geohra's worker returned {len(tab['rows'])} rows for {len(features)} features; "
                "this is a bug, please report it."
            )
        for feature, row in zip(features, tab["rows"]):  # noqa: B905 - lengths checked above
            out = QgsFeature(fields)
            out.setGeometry(feature.geometry())
            out.setAttributes(list(feature.attributes()) + list(row))
            sink.addFeature(out, QgsFeatureSink.FastInsert)
        return dest

    def _write_table(self, parameters, context, name, tab) -> str:
        fields = self._fields_from(tab)
        sink, dest = self.parameterAsSink(
            parameters, name, context, fields, QgsWkbTypes.NoGeometry, QgsCoordinateReferenceSystem()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, name))
        for row in tab["rows"]:
            out = QgsFeature(fields)
            out.setAttributes(list(row))
            sink.addFeature(out, QgsFeatureSink.FastInsert)
        return dest
