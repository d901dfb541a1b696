"""geohra's Processing algorithms: one class per analysis, declaring its parameters,
help text, worker operation and outputs (the machinery is in ``base.py``)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .base import GeohraAlgorithm
from .outputs import short_names
from .spatial_algorithms import GetisOrd, LocalMoran, Moran, SpatialGini


class EntropyIndex(GeohraAlgorithm):
    op = "entropy_index"
    display = "Entropy-weight composite index"
    group_name = "Composite indices"
    layer_output = True
    supports_year = True
    tables = (("WEIGHTS", "Indicator weights", False),)
    help_html = (
        "<p>Objective indicator weights by the entropy-weight method and a composite score per unit "
        "(geohra.entropy_weights).</p><p>Min-max normalisation per indicator (reversed for the "
        "<b>negative</b> indicators, where less is better); p_ij = z_ij / Σ_i z_ij; entropy "
        "e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0; weight w_j = (1 − e_j) / Σ_k (1 − e_k); "
        "score = scale · Σ_j w_j z_ij. A constant indicator gets weight 0 with a warning.</p>"
        "<p>Outputs: the input layer with the score field (and optionally the normalised indicators "
        "as z_&lt;field&gt;), and a table of direction, entropy, divergence, weight and rank per "
        "indicator.</p>"
        "<p><b>Panels</b>: with a year field (one feature per unit and year), normalisation and "
        "weights are computed per year, or once over all unit-years with <b>pool all years</b> "
        "(the panel entropy method; then scores are comparable across years).</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELDS", "Indicator fields", multiple=True)
        self.numeric_field(
            "NEGATIVE",
            "Negative indicators (less is better; a subset of the above)",
            multiple=True,
            optional=True,
        )
        self.addParameter(
            QgsProcessingParameterString("SCORE_FIELD", "Score field name", defaultValue="score")
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SCALE",
                "Score scale (1 gives scores in [0, 1], 100 in [0, 100])",
                QgsProcessingParameterNumber.Double,
                defaultValue=1.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "ADD_NORMALIZED",
                "Also add the normalised indicators (z_<field>)",
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "POOLED",
                "With a year field: pool all years (one normalisation and one weight set over all "
                "unit-years, so scores compare across years)",
                defaultValue=False,
            )
        )

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        negative = self.parameterAsFields(parameters, "NEGATIVE", context)
        params = {
            "fields": fields,
            "negative": negative,
            "score_field": self.parameterAsString(parameters, "SCORE_FIELD", context).strip()
            or "score",
            "scale": self.parameterAsDouble(parameters, "SCALE", context),
            "add_normalized": self.parameterAsBool(parameters, "ADD_NORMALIZED", context),
            "pooled": self.parameterAsBool(parameters, "POOLED", context),
        }
        return list(fields) + [n for n in negative if n not in fields], [], params

    def result_fields(self, params):
        if not params["add_normalized"]:
            return {"score": params["score_field"]}
        shorts = short_names([f"z_{f}" for f in params["fields"]])
        out = {"score": params["score_field"]}
        for i, field in enumerate(params["fields"]):
            out[f"{field}_norm"] = shorts[i]
        return out


SCHEMES = ["fisher_jenks", "quantiles", "equal_interval", "jenks_caspall", "maximum_breaks"]


class NaturalBreaks(GeohraAlgorithm):
    op = "natural_breaks"
    display = "Natural breaks classification"
    group_name = "Classification"
    layer_output = True
    supports_year = True
    tables = (("BREAKS", "Class breaks", False),)
    help_html = (
        "<p>Classifies one numeric field into k classes (geohra.classify). The default scheme, "
        "fisher_jenks, gives exact natural breaks (the partition minimising the within-class sum "
        "of squared deviations), deterministic and in double precision.</p>"
        "<p>Outputs: the input layer with the class number (0 for the lowest class, as geohra "
        "numbers them) and its legend label, styled with geohra's classes, labels and colours "
        "(a graduated style on the classified field with exactly these bounds; QGIS's own "
        "Graduated &gt; Natural Breaks would compute different ones), and a table with each "
        "class's bounds, count and label.</p>"
        "<p><b>Panels</b>: with a year field the breaks are computed for each year (the layer is "
        "then styled by class number, as the bounds differ between years), or once over all "
        "years with <b>one set of breaks</b>, so that classes compare across years.</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELD", "Field to classify")
        self.addParameter(
            QgsProcessingParameterEnum("SCHEME", "Scheme", options=SCHEMES, defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "K",
                "Number of classes",
                QgsProcessingParameterNumber.Integer,
                defaultValue=5,
                minValue=2,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "POOLED", "With a year field: one set of breaks over all years", defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterString("CLASS_FIELD", "Class field name", defaultValue="class")
        )
        self.addParameter(
            QgsProcessingParameterString(
                "LABEL_FIELD", "Class label field name", defaultValue="class_lbl"
            )
        )

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        params = {
            "field": field,
            "scheme": SCHEMES[self.parameterAsEnum(parameters, "SCHEME", context)],
            "k": self.parameterAsInt(parameters, "K", context),
            "class_field": self.parameterAsString(parameters, "CLASS_FIELD", context).strip()
            or "class",
            "label_field": self.parameterAsString(parameters, "LABEL_FIELD", context).strip()
            or "class_lbl",
            "pooled": self.parameterAsBool(parameters, "POOLED", context),
        }
        return [field], [], params

    def result_fields(self, params):
        return {"class": params["class_field"], "label": params["label_field"]}


class _GroupDecomposition(GeohraAlgorithm):
    group_name = "Inequality"
    supports_year = True

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
        "<p><b>Panels</b>: with a year field (one feature per unit and year) the decomposition is "
        "computed for each year; every table then starts with the year.</p>"
    )

    def add_parameters(self):
        self.add_group_parameters()
        self.numeric_field(
            "POPULATION", "Population field (optional: population-weighted Theil)", optional=True
        )
        self.addParameter(
            QgsProcessingParameterEnum("INDEX", "Index", options=["T", "L"], defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "BASE", "Logarithm base", options=["e", "2", "10"], defaultValue=0
            )
        )

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        group = self.parameterAsString(parameters, "GROUP", context)
        pop = self.parameterAsString(parameters, "POPULATION", context) or None
        base = ["e", 2, 10][self.parameterAsEnum(parameters, "BASE", context)]
        params = {
            "field": field,
            "group": group,
            "population": pop,
            "base": base,
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
        "<p><b>Panels</b>: with a year field (one feature per unit and year) the decomposition is "
        "computed for each year; every table then starts with the year.</p>"
    )

    def add_parameters(self):
        self.add_group_parameters()

    def options(self, parameters, context):
        field = self.parameterAsString(parameters, "FIELD", context)
        group = self.parameterAsString(parameters, "GROUP", context)
        return [field], [group], {"field": field, "group": group}


class CouplingCoordination(GeohraAlgorithm):
    op = "coupling_coordination"
    display = "Coupling coordination degree"
    group_name = "Composite indices"
    layer_output = True
    supports_year = True  # rows are computed one by one; the year labels a panel's rows
    help_html = (
        "<p>Coupling degree C, comprehensive development T (equal weights), coordination degree "
        "D = √(C·T) and its ten-level grade for two or more subsystem scores in [0, 1] "
        "(geohra.coupling_coordination). Method 'revised' is Wang Shujia et al. (2021); "
        "'traditional' is C = n·[Π U_i / (Σ U_i)^n]^(1/n).</p>"
        "<p>Scores outside [0, 1] are an error: normalise them first (e.g. entropy-weight scores "
        "with scale 1).</p><p>The layer is styled by grade (ten classes, red for disorder to green "
        "for coordination, as geohra's grade maps).</p><p><b>Panels</b>: each row is computed on its "
        "own; with a year field the rows of a panel (one feature per unit and year) are labelled "
        "by unit and year.</p>"
    )

    def add_parameters(self):
        self.numeric_field(
            "FIELDS", "Subsystem score fields (two or more, in [0, 1])", multiple=True
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "METHOD", "Method", options=["revised", "traditional"], defaultValue=0
            )
        )

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        method = ["revised", "traditional"][self.parameterAsEnum(parameters, "METHOD", context)]
        return list(fields), [], {"fields": fields, "method": method}

    def result_fields(self, params):
        return {n: n for n in ("C", "T", "D", "level", "grade", "grade_en", "grade_zh", "lagging")}


class ObstacleDegree(GeohraAlgorithm):
    op = "obstacle_degree"
    display = "Obstacle degree"
    group_name = "Composite indices"
    supports_year = True
    tables = (
        ("OUTPUT", "Obstacle degree per unit", False),
        ("TOP", "Main obstacle factors per unit", True),
    )
    help_html = (
        "<p>Obstacle degree of each indicator for each unit (geohra.obstacle_degree), from the "
        "entropy-weight method on the chosen indicators: O_ij = w_j (1 − z_ij) / Σ_j w_j (1 − z_ij) "
        "× 100 (%), where z are the min-max normalised indicators (reversed for negative ones) and "
        "w the entropy weights.</p><p>Outputs: a table of obstacle degrees per unit and indicator, "
        "and the top obstacle factors of each unit.</p><p><b>Panels</b>: with a year field the "
        "entropy weights are per year (or pooled over all years, as in the entropy-weight "
        "algorithm).</p>"
    )

    def add_parameters(self):
        self.numeric_field("FIELDS", "Indicator fields", multiple=True)
        self.numeric_field(
            "NEGATIVE", "Negative indicators (less is better)", multiple=True, optional=True
        )
        self.addParameter(
            # TOP_N, not TOP: TOP is the top-factors table (one name per parameter; a clash
            # made QGIS write that table to a file named after the number, e.g. 3.gpkg)
            QgsProcessingParameterNumber(
                "TOP_N",
                "Number of top obstacle factors",
                QgsProcessingParameterNumber.Integer,
                defaultValue=3,
                minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "POOLED",
                "With a year field: pool all years (one normalisation and one weight set over all "
                "unit-years, so scores compare across years)",
                defaultValue=False,
            )
        )

    def options(self, parameters, context):
        fields = self.parameterAsFields(parameters, "FIELDS", context)
        negative = self.parameterAsFields(parameters, "NEGATIVE", context)
        params = {
            "fields": fields,
            "negative": negative,
            "top": self.parameterAsInt(parameters, "TOP_N", context),
            "pooled": self.parameterAsBool(parameters, "POOLED", context),
        }
        return list(fields) + [n for n in negative if n not in fields], [], params


ALGORITHMS = (
    EntropyIndex,
    NaturalBreaks,
    Theil,
    DagumGini,
    SpatialGini,
    Moran,
    LocalMoran,
    GetisOrd,
    CouplingCoordination,
    ObstacleDegree,
)
