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
        "<p>Outputs: the input layer with the score field (and optionally the normalised indicators), "
        "and a table of direction, entropy, divergence, weight and rank per indicator.</p>"
        "<p><b>Panels</b>: with a year field (one feature per unit and year), normalisation and "
        "weights are computed per year, or once over all unit-years with <b>pool all years</b> "
        "(the panel entropy method; then scores are comparable across years).</p>"
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
            "score_field": self.parameterAsString(parameters, "SCORE_FIELD", context).strip() or "score",
            "scale": self.parameterAsDouble(parameters, "SCALE", context),
            "add_normalized": self.parameterAsBool(parameters, "ADD_NORMALIZED", context),
            "pooled": self.parameterAsBool(parameters, "POOLED", context),
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
        "<p><b>Panels</b>: with a year field (one feature per unit and year) the decomposition is "
        "computed for each year; every table then starts with the year.</p>"
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
    "geohra.spatial_weights. A unit without neighbours (an island such as Hainan) is by default "
    "linked to its nearest unit (polygon distance in an equal-area projection), with a warning; "
    "or kept isolated (no neighbours, spatial lag 0). Set a <b>seed</b> to make the permutation "
    "p-values reproducible.</p>"
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


class _LocalSpatial(_Spatial):
    layer_output = True

    def add_parameters(self):
        super().add_parameters()
        self.addParameter(
            QgsProcessingParameterNumber(
                "SIGNIFICANCE", "Significance level", QgsProcessingParameterNumber.Double,
                defaultValue=0.05, minValue=0.0, maxValue=1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "FDR", "Control the false discovery rate (Benjamini-Hochberg adjusted p-values)",
                defaultValue=False,
            )
        )

    def options(self, parameters, context):
        numeric, others, params = super().options(parameters, context)
        params["significance"] = self.parameterAsDouble(parameters, "SIGNIFICANCE", context)
        params["fdr"] = self.parameterAsBool(parameters, "FDR", context)
        return numeric, others, params


class LocalMoran(_LocalSpatial):
    op = "local_moran"
    display = "Local Moran's I (LISA)"
    tables = (("SUMMARY", "LISA cluster counts", True),)
    help_html = (
        "<p>Local Moran's I per unit (geohra.local_moran) with conditional-permutation pseudo "
        "p-values. Adds to the input layer: lisa_statistic, lisa_pvalue, lisa_quadrant "
        "(1 HH, 2 LH, 3 LL, 4 HL), lisa_cluster (High-High, Low-Low, High-Low, Low-High or Not "
        "significant at the chosen level), lisa_z (standardised value), lisa_lag (spatial lag of "
        "z) and, with FDR, lisa_pvalue_fdr (Benjamini-Hochberg; clusters are then labelled on "
        "it). Islands kept isolated get no p-value and 'Not significant'.</p>"
        + _WEIGHTS_HELP
    )

    def new_field_names(self, params):
        return ["lisa_statistic", "lisa_pvalue", "lisa_quadrant", "lisa_cluster", "lisa_z", "lisa_lag"]


class GetisOrd(_LocalSpatial):
    op = "getis_ord"
    display = "Hot spots (Getis-Ord Gi*)"
    tables = (("SUMMARY", "Hot and cold spot counts", True),)
    help_html = (
        "<p>Getis-Ord Gi* per unit (geohra.getis_ord, star=True, binary weights as in ArcGIS's "
        "hot spot analysis and esda's G_Local): gi_statistic, gi_expected, gi_variance, gi_z, "
        "gi_pvalue (two-sided normal), gi_pvalue_sim (folded permutation pseudo p-value, when "
        "permutations &gt; 0), and gi_spot (hot spot, cold spot or not significant, labelled on "
        "the p-value chosen by <b>inference</b>).</p>"
        + _WEIGHTS_HELP
    )

    def add_parameters(self):
        super().add_parameters()
        self.addParameter(
            QgsProcessingParameterEnum(
                "INFERENCE", "p-value used for the spot labels", options=INFERENCE, defaultValue=0
            )
        )

    def options(self, parameters, context):
        numeric, others, params = super().options(parameters, context)
        params["inference"] = INFERENCE[self.parameterAsEnum(parameters, "INFERENCE", context)]
        return numeric, others, params

    def new_field_names(self, params):
        return ["gi_statistic", "gi_z", "gi_pvalue", "gi_spot"]


INFERENCE = ["analytic", "permutation"]


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
    supports_year = True
    tables = (("OUTPUT", "Obstacle degree per unit", False), ("TOP", "Main obstacle factors per unit", True))
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
        self.numeric_field("NEGATIVE", "Negative indicators (less is better)", multiple=True, optional=True)
        self.addParameter(
            QgsProcessingParameterNumber("TOP", "Number of top obstacle factors", QgsProcessingParameterNumber.Integer, defaultValue=3, minValue=1)
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
            "top": self.parameterAsInt(parameters, "TOP", context),
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
