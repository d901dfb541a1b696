"""geohra's Processing algorithms: parameter dialogs + the exchange with the worker.

Each algorithm reads the chosen fields (and, for the spatial ones, the
geometries as WKB) from the input layer, checks in QGIS what QGIS can check
(numeric fields, NULLs, a CRS, non-empty geometry), sends everything to
``python -m geohra.qgis.worker`` in a separate process (see ``runner.py``) and
writes what comes back: result fields appended to a copy of the input layer
and/or geometry-less tables. Only qgis and the standard library are imported.
"""

from __future__ import annotations

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
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from .runner import WorkerError, find_python, run_worker

_QTYPES = {"double": QVariant.Double, "int": QVariant.LongLong, "bool": QVariant.Bool, "string": QVariant.String}

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
    for conv in ("toString",):  # QDate, QDateTime ...
        if hasattr(value, conv):
            return getattr(value, conv)()
    return str(value)


class GeohraAlgorithm(QgsProcessingAlgorithm):
    """Common machinery; subclasses declare parameters and the worker op."""

    INPUT = "INPUT"
    ID_FIELD = "ID_FIELD"
    OUTPUT = "OUTPUT"

    op: str = ""
    display: str = ""
    group_name: str = ""
    spatial: bool = False  # sends geometry, needs a CRS and polygons
    layer_output: bool = False  # OUTPUT is the input layer plus result fields
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
        return {
            "contiguity": ["queen", "rook"][self.parameterAsEnum(parameters, "CONTIGUITY", context)],
            "permutations": self.parameterAsInt(parameters, "PERMUTATIONS", context),
            "seed": None if seed is None or _is_null(seed) or seed == "" else self.parameterAsInt(parameters, "SEED", context),
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
        fields = source.fields()
        self._check_fields(fields, numeric, others + ([id_field] if id_field else []))
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

        features, request = self._read(source, numeric, others, id_field, feedback)
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

    def _read(self, source, numeric, others, id_field, feedback) -> tuple[list, dict]:
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
            index.append(label)
            for n in names:
                value = _plain(feature[n])
                if value is None:
                    nulls.setdefault(n, []).append(label)
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
        request = {"index": index, "index_name": id_field or "fid", "columns": columns, "geometry": geometry}
        return features, request

    def _fields_from(self, tab: dict) -> QgsFields:
        fields = QgsFields()
        for name, kind in zip(tab["columns"], tab["types"]):
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
        for feature, row in zip(features, tab["rows"]):
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


# ============================================================================ algorithms
class EntropyIndex(GeohraAlgorithm):
    op = "entropy_index"
    display = "Entropy-weight composite index"
    group_name = "Composite indices"
    layer_output = True
    tables = (("WEIGHTS", "Indicator weights", False),)
    help_html = (
        "<p>Objective indicator weights by the entropy-weight method and a composite score per unit "
        "(geohra.entropy_weights).</p><p>Min-max normalisation per indicator (reversed for the "
        "<b>negative</b> indicators, where less is better); p_ij = z_ij / Σ_i z_ij; entropy "
        "e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0; weight w_j = (1 − e_j) / Σ_k (1 − e_k); "
        "score = scale · Σ_j w_j z_ij. A constant indicator gets weight 0 with a warning.</p>"
        "<p>Outputs: the input layer with the score field (and optionally the normalised indicators), "
        "and a table of direction, entropy, divergence, weight and rank per indicator.</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELDS", "Indicator fields", multiple=True)
        self.numeric_field("NEGATIVE", "Negative indicators (less is better; a subset of the above)", multiple=True, optional=True)
        self.addParameter(QgsProcessingParameterString("SCORE_FIELD", "Score field name", defaultValue="score"))
        self.addParameter(
            QgsProcessingParameterNumber(
                "SCALE", "Score scale (1 gives scores in [0, 1], 100 in [0, 100])",
                QgsProcessingParameterNumber.Double, defaultValue=1.0, minValue=0.0,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean("ADD_NORMALIZED", "Also add the normalised indicators (<field>_norm)", defaultValue=False))

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        negative = self.parameterAsFields(parameters, "NEGATIVE", context)
        params = {
            "fields": fields,
            "negative": negative,
            "score_field": self.parameterAsString(parameters, "SCORE_FIELD", context).strip() or "score",
            "scale": self.parameterAsDouble(parameters, "SCALE", context),
            "add_normalized": self.parameterAsBool(parameters, "ADD_NORMALIZED", context),
        }
        return list(fields) + [n for n in negative if n not in fields], [], params

    def new_field_names(self, params):
        extra = [f"{f}_norm" for f in params["fields"]] if params["add_normalized"] else []
        return [params["score_field"]] + extra


SCHEMES = ["fisher_jenks", "quantiles", "equal_interval", "jenks_caspall", "maximum_breaks"]


class NaturalBreaks(GeohraAlgorithm):
    op = "natural_breaks"
    display = "Natural breaks classification"
    group_name = "Classification"
    layer_output = True
    tables = (("BREAKS", "Class breaks", False),)
    help_html = (
        "<p>Classifies one numeric field into k classes (geohra.classify). The default scheme, "
        "fisher_jenks, gives exact natural breaks (the partition minimising the within-class sum "
        "of squared deviations), deterministic and in double precision.</p>"
        "<p>Outputs: the input layer with the class number (as geohra numbers them) and its legend "
        "label, and a table with each class's bounds, count and label.</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELD", "Field to classify")
        self.addParameter(QgsProcessingParameterEnum("SCHEME", "Scheme", options=SCHEMES, defaultValue=0))
        self.addParameter(
            QgsProcessingParameterNumber("K", "Number of classes", QgsProcessingParameterNumber.Integer, defaultValue=5, minValue=2)
        )
        self.addParameter(QgsProcessingParameterString("CLASS_FIELD", "Class field name", defaultValue="class"))

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        params = {
            "field": field,
            "scheme": SCHEMES[self.parameterAsEnum(parameters, "SCHEME", context)],
            "k": self.parameterAsInt(parameters, "K", context),
            "class_field": self.parameterAsString(parameters, "CLASS_FIELD", context).strip() or "class",
        }
        return [field], [], params

    def new_field_names(self, params):
        return [params["class_field"], f"{params['class_field']}_label"]


class _GroupDecomposition(GeohraAlgorithm):
    group_name = "Inequality"

    def add_group_parameters(self):
        self.numeric_field("FIELD", "Resource field")
        self.any_field("GROUP", "Group field (e.g. region)")


class Theil(_GroupDecomposition):
    op = "theil"
    display = "Theil index decomposition"
    tables = (("OUTPUT", "Theil decomposition", False), ("GROUPS", "Theil by group", True))
    help_html = (
        "<p>Theil index of a resource, decomposed into within-group and between-group parts by a "
        "group field (geohra.theil). Within and between are computed independently and add up to "
        "the total.</p><p>With a <b>population</b> field the index is population-weighted: "
        "T = Σ_i (Y_i/Y) ln[(Y_i/Y)/(P_i/P)]; without it every unit weighs the same "
        "(T = Σ_i s_i ln(n s_i)). Index 'L' is the mean log deviation. 0·ln 0 = 0; negative values "
        "and fewer than two groups are errors.</p><p>Outputs: a one-row summary table (total, "
        "within, between, shares and the variant used) and a table per group.</p>"
    )

    def add_parameters(self):
        self.add_group_parameters()
        self.numeric_field("POPULATION", "Population field (optional: population-weighted Theil)", optional=True)
        self.addParameter(QgsProcessingParameterEnum("INDEX", "Index", options=["T", "L"], defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("BASE", "Logarithm base", options=["e", "2", "10"], defaultValue=0))

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        group = self.parameterAsString(parameters, "GROUP", context)
        pop = self.parameterAsString(parameters, "POPULATION", context) or None
        base = ["e", 2, 10][self.parameterAsEnum(parameters, "BASE", context)]
        params = {
            "field": field, "group": group, "population": pop, "base": base,
            "index": ["T", "L"][self.parameterAsEnum(parameters, "INDEX", context)],
        }
        return [field] + ([pop] if pop else []), [group], params


class DagumGini(_GroupDecomposition):
    op = "dagum_gini"
    display = "Dagum Gini decomposition"
    tables = (
        ("OUTPUT", "Dagum Gini decomposition", False),
        ("PAIRS", "Dagum Gini between group pairs", True),
        ("GROUPS", "Dagum Gini groups", True),
    )
    help_html = (
        "<p>Dagum (1997) decomposition of the Gini coefficient by a group field "
        "(geohra.dagum_gini): total = within + net between + transvariation; the total equals the "
        "ordinary Gini of all units. Groups are ordered by their mean, as in Dagum.</p>"
        "<p>Outputs: a summary table (total, components and their contributions) and a table per "
        "pair of groups (between-group Gini G_jh, relative economic affluence D_jh and the pair's "
        "parts of the net between and transvariation terms) and a table per group (n, mean, "
        "population and resource shares, within-group Gini G_jj).</p>"
    )

    def add_parameters(self):
        self.add_group_parameters()

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        group = self.parameterAsString(parameters, "GROUP", context)
        return [field], [group], {"field": field, "group": group}


class _Spatial(GeohraAlgorithm):
    spatial = True
    group_name = "Spatial statistics"

    def add_parameters(self):
        self.numeric_field("FIELD", "Field")
        self.spatial_parameters()

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        return [field], [], {"field": field, **self.spatial_options(parameters, context)}


_WEIGHTS_HELP = (
    "<p>Neighbours are polygons sharing an edge or corner (queen) or an edge (rook), built by "
    "geohra.spatial_weights; a unit without neighbours (an island such as Hainan) is attached to "
    "its nearest unit, with a warning. Set a <b>seed</b> to make the permutation p-value "
    "reproducible.</p>"
)


class SpatialGini(_Spatial):
    op = "spatial_gini"
    display = "Spatial Gini"
    tables = (("OUTPUT", "Spatial Gini", False),)
    help_html = (
        "<p>Rey and Smith's (2013) spatial decomposition of the Gini coefficient "
        "(geohra.spatial_gini): the Gini split into the part from pairs of neighbours and the part "
        "from non-neighbours, with a permutation p-value for the non-neighbour share.</p>"
        + _WEIGHTS_HELP
    )


class Moran(_Spatial):
    op = "moran"
    display = "Global Moran's I"
    tables = (("OUTPUT", "Moran's I", False),)
    help_html = (
        "<p>Global Moran's I of a field with row-standardised contiguity weights (geohra.moran): "
        "statistic, expectation, variance, z, analytic p-value and permutation pseudo p-value.</p>"
        + _WEIGHTS_HELP
    )


class LocalMoran(_Spatial):
    op = "local_moran"
    display = "Local Moran's I (LISA)"
    layer_output = True
    tables = ()
    help_html = (
        "<p>Local Moran's I per unit (geohra.local_moran) with conditional-permutation pseudo "
        "p-values. Adds to the input layer: lisa_statistic, lisa_pvalue, lisa_quadrant "
        "(1 HH, 2 LH, 3 LL, 4 HL), lisa_cluster (High-High, Low-Low, High-Low, Low-High or Not "
        "significant at the chosen level) and the other per-unit columns geohra reports.</p>"
        + _WEIGHTS_HELP
    )

    def add_parameters(self):
        super().add_parameters()
        self.addParameter(
            QgsProcessingParameterNumber(
                "SIGNIFICANCE", "Significance level", QgsProcessingParameterNumber.Double,
                defaultValue=0.05, minValue=0.0, maxValue=1.0,
            )
        )

    def options(self, parameters, context):
        numeric, others, params = super().options(parameters, context)
        params["significance"] = self.parameterAsDouble(parameters, "SIGNIFICANCE", context)
        return numeric, others, params

    def new_field_names(self, params):
        return ["lisa_statistic", "lisa_pvalue", "lisa_cluster"]


class CouplingCoordination(GeohraAlgorithm):
    op = "coupling_coordination"
    display = "Coupling coordination degree"
    group_name = "Composite indices"
    layer_output = True
    help_html = (
        "<p>Coupling degree C, comprehensive development T (equal weights), coordination degree "
        "D = √(C·T) and its ten-level grade for two or more subsystem scores in [0, 1] "
        "(geohra.coupling_coordination). Method 'revised' is Wang Shujia et al. (2021); "
        "'traditional' is C = n·[Π U_i / (Σ U_i)^n]^(1/n).</p>"
        "<p>Scores outside [0, 1] are an error: normalise them first (e.g. entropy-weight scores "
        "with scale 1).</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELDS", "Subsystem score fields (two or more, in [0, 1])", multiple=True)
        self.addParameter(QgsProcessingParameterEnum("METHOD", "Method", options=["revised", "traditional"], defaultValue=0))

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        method = ["revised", "traditional"][self.parameterAsEnum(parameters, "METHOD", context)]
        return list(fields), [], {"fields": fields, "method": method}

    def new_field_names(self, params):
        return ["C", "T", "D", "level", "grade", "grade_en", "grade_zh", "lagging"]


class ObstacleDegree(GeohraAlgorithm):
    op = "obstacle_degree"
    display = "Obstacle degree"
    group_name = "Composite indices"
    tables = (("OUTPUT", "Obstacle degree per unit", False), ("TOP", "Main obstacle factors per unit", True))
    help_html = (
        "<p>Obstacle degree of each indicator for each unit (geohra.obstacle_degree), from the "
        "entropy-weight method on the chosen indicators: O_ij = w_j (1 − z_ij) / Σ_j w_j (1 − z_ij) "
        "× 100 (%), where z are the min-max normalised indicators (reversed for negative ones) and "
        "w the entropy weights.</p><p>Outputs: a table of obstacle degrees per unit and indicator, "
        "and the top obstacle factors of each unit.</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELDS", "Indicator fields", multiple=True)
        self.numeric_field("NEGATIVE", "Negative indicators (less is better)", multiple=True, optional=True)
        self.addParameter(
            QgsProcessingParameterNumber("TOP", "Number of top obstacle factors", QgsProcessingParameterNumber.Integer, defaultValue=3, minValue=1)
        )

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        negative = self.parameterAsFields(parameters, "NEGATIVE", context)
        params = {"fields": fields, "negative": negative, "top": self.parameterAsInt(parameters, "TOP", context)}
        return list(fields) + [n for n in negative if n not in fields], [], params


ALGORITHMS = (
    EntropyIndex,
    NaturalBreaks,
    Theil,
    DagumGini,
    SpatialGini,
    Moran,
    LocalMoran,
    CouplingCoordination,
    ObstacleDegree,
)
