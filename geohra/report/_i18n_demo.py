"""The words of ``geohra demo`` (its title, its own sections and their tables), in English and
Chinese; :mod:`geohra.report.i18n` merges them into its tables. Header keys start with ``h_``
so that they never replace the headers of the analysis steps."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "demo_title": (
        "geohra demo: equity of health resource allocation across China's provinces",
        "geohra 演示：中国各省份卫生资源配置公平性",
    ),
    "demo_intro": (
        "geohra {version}. Real provincial statistics shipped with geohra (2013 health "
        "resources, general practitioners 2012–2017, licensed (assistant) physicians 2018, "
        "statistics-bureau tables 1998–1999); every method of a typical results section, each "
        "table with its formula variant.",
        "geohra {version}。使用 geohra 自带的真实省级统计数据（2013年卫生资源、2012—2017年全科医生、"
        "2018年执业（助理）医师、1998—1999年统计年鉴表格），演示论文结果部分常用的全部方法，"
        "每个表格注明所用的计算公式。",
    ),
    "demo_health": ("Health resources 2013", "2013年卫生资源"),
    "demo_gp": ("General practitioners 2012–2017", "2012—2017年全科医生"),
    "demo_population": ("population", "人口"),
    "demo_area": ("area", "地理"),
    "demo_appendix": ("Appendix: {title}, the joined data", "附录：{title}分析数据"),
    "demo_boundaries": ("Provincial boundaries", "省级行政区划边界"),
    # physicians 2018
    "sec_physicians": (
        "Licensed (assistant) physicians 2018: population-weighted inequality and agglomeration",
        "2018年执业（助理）医师：人口加权的不平等与集聚度",
    ),
    "m_physicians": (
        "Gini weighted by population (weighted mean absolute difference / (2 × mean)); "
        "Theil T weighted by population, T = Σ (Y_i/Y) ln((Y_i/Y)/(P_i/P)), natural log; "
        "health resource agglomeration degree HRAD = resource share / area share, population "
        "agglomeration degree PAD = population share / area share.",
        "基尼系数以人口加权（加权平均绝对差/(2×均值)）；泰尔指数以人口加权，"
        "T = Σ (Y_i/Y) ln((Y_i/Y)/(P_i/P))，取自然对数；卫生资源集聚度HRAD = 资源占比/面积占比，"
        "人口集聚度PAD = 人口占比/面积占比。",
    ),
    "tab_phys_inequality": (
        "Inequality of licensed (assistant) physicians per 1,000 population, 2018",
        "2018年每千人口执业（助理）医师数的不平等",
    ),
    "r_gini_weighted": ("Gini, population-weighted", "基尼系数（人口加权）"),
    "r_gini_unweighted": ("Gini, unweighted (provinces equal)", "基尼系数（各省等权）"),
    "r_theil_total": ("Theil T (population-weighted), total", "泰尔指数（人口加权）：总体"),
    "r_theil_within": ("Theil T, within regions", "泰尔指数：区域内"),
    "r_theil_between": ("Theil T, between regions", "泰尔指数：区域间"),
    "tab_phys_theil": (
        "Theil index by region ({scheme}), 2018",
        "2018年泰尔指数的分区域构成（{scheme}）",
    ),
    "tab_phys_agglomeration": (
        "Agglomeration degrees of licensed (assistant) physicians, 2018",
        "2018年执业（助理）医师集聚度",
    ),
    "fig_physicians": (
        "Licensed (assistant) physicians per 1,000 population, 2018, natural breaks",
        "2018年每千人口执业（助理）医师数（自然断点法）",
    ),
    "map_physicians": (
        "Licensed (assistant) physicians per 1,000 population, 2018",
        "2018年每千人口执业（助理）医师数",
    ),
    "step_spatial_gini": ("Spatial Gini", "空间基尼系数"),
    "tab_spatial_gini": (
        "Spatial Gini decomposition (Rey & Smith 2013)",
        "空间基尼系数分解（Rey与Smith，2013）",
    ),
    "n_spatial_gini": (
        "{variant}",
        "Rey与Smith（2013）空间基尼系数：将有序单元对的Σ|x_i−x_j|分为邻近与非邻近两部分，"
        "权重非零即为邻近（二元），不计自身；置换检验的伪P值基于非邻近部分之和，取两侧中较小的一侧。",
    ),
    "r_sg_total": ("Gini", "基尼系数"),
    "r_sg_neighbours": ("Neighbour part", "邻近单元部分"),
    "r_sg_non_neighbours": ("Non-neighbour part", "非邻近单元部分"),
    "r_sg_share": ("Share of the non-neighbour part", "非邻近部分占比"),
    "r_sg_polarization": ("Polarization", "极化指数"),
    "r_sg_z": ("Z (non-neighbour sum)", "Z值（非邻近部分之和）"),
    "r_sg_pvalue": ("Pseudo p-value ({n} permutations)", "伪P值（{n}次置换）"),
    "r_sg_pvalue_normal": ("p-value (normal approximation)", "P值（正态近似）"),
    "islands_linked": (
        "Spatial weights: units without a neighbour were linked to the nearest unit: {pairs}.",
        "空间权重：无邻接单元已与距离最近的单元相连：{pairs}。",
    ),
    "spatial_gini_failed": ("Spatial Gini not computed: {error}", "未计算空间基尼系数：{error}"),
    # statistics-bureau tables 1998-1999
    "sec_nbs": (
        "Statistics-bureau tables 1998–1999: beds and doctors per 1,000 population",
        "1998—1999年统计年鉴表格：每千人口床位数与医生数",
    ),
    "m_nbs": (
        "Rates = yearbook count (10,000) / year-end population (10,000) × 1,000. {missing}'s 1998 "
        "health values are missing in the source and are left out of the 1998 statistics "
        "(nan_policy='omit'), not filled.",
        "比率 = 年鉴数值（万）/年末人口（万人）× 1000。{missing}1998年的卫生数据在来源中缺失，"
        "在1998年的统计中剔除，未作填补。",
    ),
    "step_nbs": ("Yearbook tables 1998–1999", "1998—1999年统计年鉴表格"),
    "tab_nbs_inequality": (
        "Inequality of beds and doctors per 1,000 population",
        "每千人口床位数与医生数的不平等",
    ),
    "tab_nbs_rates": (
        "Beds and doctors per 1,000 population (– = missing in the source)",
        "每千人口床位数与医生数（–表示来源缺失）",
    ),
    "beds_per_1000": ("Beds per 1,000 population", "每千人口床位数"),
    "doctors_per_1000": ("Doctors per 1,000 population", "每千人口医生数"),
    "rate_year": ("{rate}, {year}", "{year}年{rate}"),
    # provenance
    "sec_sources": ("Data sources and caveats", "数据来源与说明"),
    "m_sources": (
        "All numbers are transcribed from the published tables named below; nothing was invented, "
        "interpolated or corrected. Data problems found in the sources are listed, not hidden.",
        "全部数值均转录自下列已发表的表格，未作任何编造、插补或修正；来源数据中发现的问题逐条列出，不加隐藏。",
    ),
    "tab_sources": ("Built-in datasets", "内置数据集"),
    "tab_caveats": ("Caveats of the built-in datasets", "内置数据集的数据说明"),
    "tab_warnings": ("Warnings raised while reading the data", "读取数据时发出的警告"),
    "w_identical": (
        "{column}: identical values in {y0} and {y1} for every unit ({n} units) - often a copy "
        "error in the source; kept as given, one of these years is unreliable.",
        "{column}：{y0}年与{y1}年全部{n}个单元取值完全相同，通常是来源表格的誊录错误；"
        "按原值保留，其中一年的数值不可靠。",
    ),
    "w_missing": (
        "Missing values (kept as missing, never zero): {items}.",
        "缺失值（保留为缺失，不以0填补）：{items}。",
    ),
    # headers of the demo's own tables
    "h_statistic": ("Statistic", "统计量"),
    "h_value": ("Value", "数值"),
    "h_region": ("Region", "区域"),
    "h_n_units": ("Units", "单元数"),
    "h_resource_share": ("Share of physicians", "医师占比"),
    "h_population_share": ("Share of population", "人口占比"),
    "h_area_share": ("Share of area", "面积占比"),
    "h_theil": ("Theil T within the region", "区域内泰尔指数"),
    "h_weighted_theil": ("Weighted (S_g · T_g)", "加权值（S_g·T_g）"),
    "h_contribution_pct": ("Share of the total (%)", "占总体比例(%)"),
    "h_within_pct": ("Share of the within part (%)", "占区域内差异比例(%)"),
    "h_resource": ("Physicians", "医师数"),
    "h_population": ("Population (10,000)", "人口（万人）"),
    "h_area": ("Area (km²)", "面积（平方公里）"),
    "h_hrad": ("HRAD", "卫生资源集聚度HRAD"),
    "h_pad": ("PAD", "人口集聚度PAD"),
    "h_ratio": ("HRAD / PAD", "HRAD与PAD之比"),
    "h_per_capita": ("Per 10,000 population", "每万人口医师数"),
    "h_density": ("Per km²", "每平方公里医师数"),
    "h_name": ("Province", "省份"),
    "h_year": ("Year", "年份"),
    "h_indicator": ("Indicator", "指标"),
    "h_units": ("Units", "单元数"),
    "h_left_out": ("Left out", "剔除单元"),
    "h_gini": ("Gini (population-weighted)", "基尼系数（人口加权）"),
    "h_theil_t": ("Theil T", "泰尔指数"),
    "h_within": ("Within", "区域内"),
    "h_between": ("Between", "区域间"),
    "h_dataset": ("Dataset", "数据集"),
    "h_key": ("Name in geohra", "geohra 中的名称"),
    "h_file": ("File", "文件"),
    "h_years": ("Years", "年份"),
    "h_source": ("Source", "来源"),
    "h_doi": ("DOI", "DOI"),
    "h_caveats": ("Caveats", "数据说明"),
    "h_warning": ("Warning", "警告"),
}
