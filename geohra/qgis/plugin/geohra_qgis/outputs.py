"""Writing the worker's answer: result fields appended to the input features, and tables.

Standard library and qgis only.
"""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

_QTYPES = {
    "double": QVariant.Double,
    "int": QVariant.LongLong,
    "bool": QVariant.Bool,
    "string": QVariant.String,
}


def short_names(wanted: list[str]) -> list[str]:
    """Field names of at most 10 characters (a Shapefile's limit), unique among themselves."""
    out: list[str] = []
    for name in wanted:
        short, i = name[:SHAPEFILE_FIELD], 1
        while short in out:
            i += 1
            short = name[: SHAPEFILE_FIELD - len(str(i)) - 1] + "_" + str(i)
        out.append(short)
    return out


#: Longest field name a Shapefile (dBASE) keeps; geohra's result fields fit.
SHAPEFILE_FIELD = 10


def fields_from(tab: dict, rename: dict | None = None) -> QgsFields:
    fields = QgsFields()
    rename = rename or {}
    # zip(strict=True) needs Python 3.10; QGIS 3.16-3.26 on Windows ship 3.9
    for name, kind in zip(tab["columns"], tab["types"]):  # noqa: B905 - same length by protocol
        fields.append(QgsField(rename.get(name, name), _QTYPES.get(kind, QVariant.String)))
    return fields


def write_layer(alg, parameters, context, source, features, tab, result_fields) -> str:
    unexpected = [c for c in tab["columns"] if c not in result_fields]
    missing = [c for c in result_fields if c not in tab["columns"]]
    if unexpected or missing or len(tab["rows"]) != len(features):
        raise QgsProcessingException(
            f"geohra's worker returned columns {tab['columns']} and {len(tab['rows'])} rows for "
            f"{len(features)} features, where {list(result_fields)} were expected; this is a bug, "
            "please report it."
        )
    fields = QgsFields(source.fields())
    for field in fields_from(tab, result_fields):
        fields.append(field)
    sink, dest = alg.parameterAsSink(
        parameters, alg.OUTPUT, context, fields, source.wkbType(), source.sourceCrs()
    )
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, alg.OUTPUT))
    for feature, row in zip(features, tab["rows"]):  # noqa: B905 - lengths checked above
        out = QgsFeature(fields)
        out.setGeometry(feature.geometry())
        out.setAttributes(list(feature.attributes()) + list(row))
        sink.addFeature(out, QgsFeatureSink.FastInsert)
    del sink  # closes the file, so postProcessAlgorithm can store the style in it
    return dest


def write_table(alg, parameters, context, name, tab, feedback) -> str:
    rename = {}
    if alg._to_shapefile(parameters, context, name):  # dBASE keeps 10 characters
        rename = {c: s for c, s in zip(tab["columns"], short_names(tab["columns"])) if c != s}  # noqa: B905
        if rename:
            feedback.pushInfo(
                f"{alg.label(name)}: column names shortened for dBASE: "
                + ", ".join(f"{c} -> {s}" for c, s in rename.items())
            )
    fields = fields_from(tab, rename)
    sink, dest = alg.parameterAsSink(
        parameters,
        name,
        context,
        fields,
        QgsWkbTypes.NoGeometry,
        QgsCoordinateReferenceSystem(),
    )
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    for row in tab["rows"]:
        out = QgsFeature(fields)
        out.setAttributes(list(row))
        sink.addFeature(out, QgsFeatureSink.FastInsert)
    return dest
