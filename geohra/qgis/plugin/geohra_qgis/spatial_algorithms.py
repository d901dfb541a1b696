"""geohra's spatial Processing algorithms: spatial Gini, Moran's I, LISA and Gi*.

They build contiguity neighbours from the polygons (for each year of a panel
separately) and share the neighbour, island, permutation and seed parameters.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
)

from .base import ISLANDS, ISLANDS_LABELS, GeohraAlgorithm
from .reading import is_null

INFERENCE = ["analytic", "permutation"]


class _Spatial(GeohraAlgorithm):
    spatial = True
    supports_year = True
    group_name = "Spatial statistics"

    def spatial_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterEnum(
                "CONTIGUITY", "Neighbours (contiguity)", options=["queen", "rook"], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "ISLANDS",
                "Units without a contiguous neighbour (islands)",
                options=ISLANDS_LABELS,
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "PERMUTATIONS",
                "Permutations for the pseudo p-value",
                QgsProcessingParameterNumber.Integer,
                defaultValue=999,
                minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SEED",
                "Random seed (optional; set it for reproducible p-values)",
                QgsProcessingParameterNumber.Integer,
                optional=True,
                minValue=0,
            )
        )

    def spatial_options(self, parameters, context) -> dict:
        seed = parameters.get("SEED")
        no_seed = seed is None or is_null(seed) or seed == ""  # optional and left empty
        return {
            "contiguity": ["queen", "rook"][
                self.parameterAsEnum(parameters, "CONTIGUITY", context)
            ],
            "islands": ISLANDS[self.parameterAsEnum(parameters, "ISLANDS", context)],
            "permutations": self.parameterAsInt(parameters, "PERMUTATIONS", context),
            "seed": None if no_seed else self.parameterAsInt(parameters, "SEED", context),
        }

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
    "p-values reproducible.</p><p><b>Panels</b>: with a year field the neighbours and the "
    "statistic are computed for each year's features separately (tables start with the year; "
    "with a seed, every year uses that seed).</p>"
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
                "SIGNIFICANCE",
                "Significance level",
                QgsProcessingParameterNumber.Double,
                defaultValue=0.05,
                minValue=0.0,
                maxValue=1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "FDR",
                "Control the false discovery rate (Benjamini-Hochberg adjusted p-values)",
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
        "p-values. Adds to the input layer: lisa_i (the statistic), lisa_p (pseudo p-value), "
        "lisa_quad (1 HH, 2 LH, 3 LL, 4 HL), lisa_clust (High-High, Low-Low, High-Low, Low-High "
        "or Not significant at the chosen level), lisa_z (standardised value), lisa_lag (spatial "
        "lag of z) and, with FDR, lisa_p_fdr (Benjamini-Hochberg; clusters are then labelled on "
        "it). Islands kept isolated get no p-value and 'Not significant'. The layer is styled with "
        "the usual cluster colours (High-High red, Low-Low blue, Low-High light blue, High-Low "
        "pink, not significant grey), as geohra's maps.</p>" + _WEIGHTS_HELP
    )

    def result_fields(self, params):
        out = {
            "statistic": "lisa_i",
            "pvalue": "lisa_p",
            "quadrant": "lisa_quad",
            "cluster": "lisa_clust",
            "z": "lisa_z",
            "lag": "lisa_lag",
        }
        if params["fdr"]:
            out["pvalue_fdr"] = "lisa_p_fdr"
        return out


class GetisOrd(_LocalSpatial):
    op = "getis_ord"
    display = "Hot spots (Getis-Ord Gi*)"
    tables = (("SUMMARY", "Hot and cold spot counts", True),)
    help_html = (
        "<p>Getis-Ord Gi* per unit (geohra.getis_ord, star=True, binary weights as in ArcGIS's "
        "hot spot analysis and esda's G_Local): gi_stat, gi_exp (expectation), gi_var (variance), "
        "gi_z, gi_p (two-sided normal), gi_p_sim (folded permutation pseudo p-value, when "
        "permutations &gt; 0), gi_p_fdr (with FDR) and gi_spot (Hot spot, Cold spot or Not "
        "significant, labelled on the p-value chosen by <b>inference</b>). The layer is styled "
        "hot spots red, cold spots blue, not significant grey.</p>" + _WEIGHTS_HELP
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

    def result_fields(self, params):
        out = {
            "statistic": "gi_stat",
            "expected": "gi_exp",
            "variance": "gi_var",
            "z": "gi_z",
            "pvalue": "gi_p",
        }
        if params["permutations"] > 0:
            out["pvalue_sim"] = "gi_p_sim"
        if params["fdr"]:
            out["pvalue_fdr"] = "gi_p_fdr"
        out["spot"] = "gi_spot"
        return out
