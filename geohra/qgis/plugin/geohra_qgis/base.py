"""The machinery shared by geohra's Processing algorithms: parameters, checks, exchange.

Each algorithm reads the chosen fields (and, for the spatial ones, the
geometries as WKB) from the input layer, checks in QGIS what QGIS can check
(``reading.py``: numeric fields, NULLs, a CRS, non-empty geometry, repeated units),
sends everything to ``python -m geohra.qgis.worker`` in a separate process (see
``runner.py``) and writes what comes back: result fields appended to a copy of the
input layer (styled with geohra's classes and colours, ``styles.py``) and/or
geometry-less tables. Only qgis and the standard library are imported.
"""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from . import styles
from .outputs import SHAPEFILE_FIELD, write_layer, write_table
from .reading import Reader, check_fields
from .runner import WorkerError, find_python, run_worker

ISLANDS = ["nearest", "keep"]
ISLANDS_LABELS = [
    "link each to its nearest unit (with a warning)",
    "keep isolated (no neighbours, spatial lag 0)",
]

# The library's Python argument names -> this provider's parameter names, so that geohra's
# messages ("Pass islands='keep' ...") reach the user in the dialog's words.
ARGUMENTS = {
    "islands": "ISLANDS",
    "kind": "CONTIGUITY",
    "k": "K",
    "scheme": "SCHEME",
    "permutations": "PERMUTATIONS",
    "rng": "SEED",
    "significance": "SIGNIFICANCE",
    "fdr": "FDR",
    "inference": "INFERENCE",
    "population": "POPULATION",
    "by": "GROUP",
    "negative": "NEGATIVE",
    "scale": "SCALE",
    "pooled": "POOLED",
    "method": "METHOD",
    "top": "TOP_N",
    "index": "INDEX",
    "base": "BASE",
    "time": "YEAR_FIELD",
    "columns": "FIELDS",
    "column": "FIELD",
}
VALUES = {"islands": dict(zip([repr(v) for v in ISLANDS], ISLANDS_LABELS))}  # noqa: B905


_COMMON_HELP = (
    "<p>The computation runs in the Python environment where the geohra library is installed "
    "(Settings &gt; Options &gt; Processing &gt; Providers &gt; geohra, or the GEOHRA_PYTHON "
    "environment variable), so the numbers are exactly the library's.</p>"
    "<p><b>Unit ID field</b> (optional): a field with one value per feature (per feature and "
    "year in a panel), e.g. an adcode; error messages and result tables name units by it. "
    "Feature ids are used when it is empty.</p>"
    "<p>Features with NULL in a chosen field stop the algorithm with a message naming them: "
    "fill them or filter those features out first.</p>"
)
_YEAR_HELP = (
    "<p><b>Year field</b> (optional): for a panel layer with one feature per unit and year. "
    "The algorithm then runs for each year separately (tables start with the year). Without "
    "it, a layer whose features repeat a unit ID or a polygon is refused, because the copies "
    "would be taken for separate units.</p>"
)


class GeohraAlgorithm(QgsProcessingAlgorithm):
    """Common machinery; subclasses declare parameters, the worker op and result fields."""

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

    @property
    def checks_shapes(self) -> bool:
        """Refuse stacked copies of a polygon (a panel) unless each year runs on its own."""
        return self.supports_year

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
        return self.help_html + (_YEAR_HELP if self.supports_year else "") + _COMMON_HELP

    def createInstance(self):  # noqa: N802 - QGIS API
        return type(self)()

    # ---- parameters -----------------------------------------------------------------
    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        kinds = [QgsProcessing.TypeVectorPolygon] if self.spatial else [QgsProcessing.TypeVector]
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, "Input layer", kinds))
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, "Unit ID field", parentLayerParameterName=self.INPUT, optional=True
            )
        )
        if self.supports_year:
            self.addParameter(
                QgsProcessingParameterField(
                    self.YEAR_FIELD,
                    "Year field",
                    parentLayerParameterName=self.INPUT,
                    optional=True,
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
                    name,
                    description,
                    QgsProcessing.TypeVector,
                    optional=optional,
                    createByDefault=True,
                )
            )

    def label(self, name: str) -> str:
        """The dialog's label of parameter ``name`` (for messages)."""
        definition = self.parameterDefinition(name)
        return definition.description() if definition is not None else name

    def labels(self) -> dict:
        """The library's argument names -> [dialog label, {Python value: dialog value}]."""
        out = {}
        for arg, param in ARGUMENTS.items():
            if self.parameterDefinition(param) is not None:
                out[arg] = [self.label(param), VALUES.get(arg, {})]
        return out

    def add_parameters(self) -> None:
        raise NotImplementedError

    def numeric_field(
        self, name: str, description: str, *, multiple: bool = False, optional: bool = False
    ) -> None:
        self.addParameter(
            QgsProcessingParameterField(
                name,
                description,
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Numeric,
                allowMultiple=multiple,
                optional=optional,
            )
        )

    def any_field(self, name: str, description: str) -> None:
        self.addParameter(
            QgsProcessingParameterField(
                name,
                description,
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Any,
            )
        )

    def options(self, parameters, context) -> tuple[list[str], list[str], dict]:
        """(numeric fields, other fields to send, worker params) for this run."""
        raise NotImplementedError

    def result_fields(self, params: dict) -> dict[str, str]:
        """The library's result columns -> the field names added to the layer, exactly the
        columns the worker returns for ``params`` (checked against the input's fields
        before running, and against the worker's answer after)."""
        return {}

    def style_field(self, spec: dict, fields: dict[str, str]) -> str:
        """The output field a style spec draws (a result field, or an input field)."""
        return fields.get(spec["field"], spec["field"])

    # ---- running ----------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        try:
            return self._process(parameters, context, feedback)
        except QgsProcessingException:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one message; the traceback in the debug log
            import traceback

            feedback.pushDebugInfo(traceback.format_exc())
            raise QgsProcessingException(
                f"geohra: unexpected {type(exc).__name__}: {exc}. This is a bug in geohra's "
                "QGIS plugin; please report it with the Processing log."
            ) from None

    def _process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        numeric, others, params = self.options(parameters, context)
        id_field = self.parameterAsString(parameters, self.ID_FIELD, context) or None
        year_field = None
        if self.supports_year:
            year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context) or None
        fields = source.fields()
        check_fields(self, fields, numeric, others + [f for f in (id_field, year_field) if f])
        result_fields = self.result_fields(params) if self.layer_output else {}
        self._check_result_fields(parameters, context, fields, result_fields)
        crs = source.sourceCrs()
        if self.spatial and not crs.isValid():
            raise QgsProcessingException(
                f"The input layer {source.sourceName()!r} has no coordinate reference system (CRS). "
                f"{self.display} builds spatial neighbours from the polygons, which needs one. "
                "Assign the layer's CRS (Layer Properties > Source > Assigned coordinate reference "
                "system, or the 'Assign projection' algorithm) and run again."
            )

        features, request = Reader(
            self, source, numeric, others, id_field, year_field, feedback
        ).read()
        request.update(op=self.op, params=params, labels=self.labels())
        if self.spatial:
            request["crs"] = crs.authid() or crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED)
        response = self._run(request, feedback, year_field)

        results = {}
        if self.layer_output:
            dest = write_layer(
                self, parameters, context, source, features, response["layer"], result_fields
            )
            results[self.OUTPUT] = dest
            if response.get("style"):
                self._style_later(context, dest, response["style"], result_fields)
        for name, _, _ in self.tables:
            tab = response["tables"].get(name)
            if tab is not None and parameters.get(name) is not None:
                results[name] = write_table(self, parameters, context, name, tab, feedback)
        feedback.setProgress(100)
        return results

    def _run(self, request: dict, feedback, year_field: str | None) -> dict:
        def progress(done: int, total: int) -> None:
            feedback.setProgress(10.0 + 80.0 * done / max(total, 1))
            if year_field:
                feedback.setProgressText(f"{self.display}: {done} of {total} years done")

        try:
            from .provider import python_setting

            python = find_python(python_setting())
            feedback.pushInfo(f"Running geohra in {python}")
            response = run_worker(
                request, python=python, is_canceled=feedback.isCanceled, progress=progress
            )
        except WorkerError as exc:
            # the message is the error; a traceback would only hide it (it is kept for
            # bug reports in the worker's answer, not shown)
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(f"geohra {response.get('geohra_version', '?')} computed {self.op}")
        for message in response.get("warnings", []):
            feedback.pushWarning(f"geohra: {message}")
        return response

    def _check_result_fields(
        self, parameters, context, fields: QgsFields, result_fields: dict
    ) -> None:
        names = list(result_fields.values())
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise QgsProcessingException(
                f"The output field names {repeated} are given twice; choose different names."
            )
        clash = [n for n in names if fields.lookupField(n) >= 0]
        if clash:
            raise QgsProcessingException(
                f"The input layer already has the field(s) {clash}, which {self.display} adds. "
                "Delete or rename them in the input (e.g. with 'Drop field(s)' or 'Refactor fields'), "
                "or choose other output field names where the dialog offers them, and run again."
            )
        if self.layer_output and self._to_shapefile(parameters, context):
            long = [n for n in names if len(n) > SHAPEFILE_FIELD]
            if long:
                raise QgsProcessingException(
                    f"The output is a Shapefile, whose field names keep at most {SHAPEFILE_FIELD} "
                    f"characters; {long} would be cut. Choose shorter output field names, or save "
                    "as a GeoPackage."
                )

    def _to_shapefile(self, parameters, context, name: str = "OUTPUT") -> bool:
        try:
            dest = self.parameterAsOutputLayer(parameters, name, context)
        except Exception:  # noqa: BLE001 - an unusual destination: not a Shapefile path
            return False
        return str(dest).lower().split("|")[0].endswith((".shp", ".dbf"))

    def _style_later(self, context, dest: str, spec: dict, result_fields: dict) -> None:
        field = self.style_field(spec, result_fields)
        if context.willLoadLayerOnCompletion(dest):
            context.layerToLoadOnCompletionDetails(dest).setPostProcessor(
                styles.StyleOnLoad(spec, field)
            )
        self._saved_styles = getattr(self, "_saved_styles", []) + [(dest, spec, field)]

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 - QGIS API
        """Store the style in GeoPackage outputs (the sinks are closed by now)."""
        for dest, spec, field in getattr(self, "_saved_styles", []):
            error = styles.save_in_geopackage(dest, spec, field, self.display)
            if error:
                feedback.pushWarning(f"geohra: the style was not stored in the GeoPackage: {error}")
        self._saved_styles = []
        return {}
