"""The words of the convergence section (σ- and β-convergence), in English and Chinese;
:mod:`geohra.report.i18n` merges them into its tables."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "sec_convergence": ("Convergence", "收敛性分析"),
    "m_sigma": (
        "σ-convergence: the {measures} of {target} across units in each year, units weighted "
        "equally; the trend is the least-squares slope on the year.",
        "σ收敛：逐年计算{target}在各单元间的{measures}（各单元等权），以其对年份的最小二乘斜率判断趋势。",
    ),
    "m_beta": (
        "{kind} β-convergence: ln(y_t+s / y_t) = β ln y_t{controls} + ε with {effects}, "
        "{cov}; β < 0 means convergence, speed λ = -ln(1 + β)/s, half-life = ln 2/λ.",
        "{kind}β收敛：ln(y_t+s / y_t) = β ln y_t{controls} + ε，{effects}，{cov}；β < 0 表示收敛，"
        "收敛速度λ = -ln(1 + β)/s，半衰期 = ln 2/λ。",
    ),
    "m_beta_controls": (" + γ'X_t (X: {names})", " + γ'X_t（X：{names}）"),
    "m_spatial_beta": (
        "Spatial β-convergence: {models}, with the row-standardised queen-contiguity weights of "
        "the spatial-autocorrelation section and {effects}, by maximum likelihood (Elhorst 2014){draws}.",
        "空间β收敛：{models}，空间权重与空间自相关部分相同（Queen邻接、行标准化），{effects}，"
        "采用极大似然估计{draws}。",
    ),
    "m_draws": (
        "; standard errors of the direct, indirect and total effects from {draws} simulated "
        "parameter draws (seed {seed})",
        "；直接效应、间接效应与总效应的标准误由{draws}次参数模拟抽样得到（随机种子{seed}）",
    ),
    "k_absolute": ("Absolute", "绝对"),
    "k_conditional": ("Conditional", "条件"),
    "e_twoway": ("unit and year fixed effects", "控制个体与时间双向固定效应"),
    "e_unit": ("unit fixed effects", "控制个体固定效应"),
    "e_time": ("year fixed effects", "控制时间固定效应"),
    "e_none": ("pooled least squares (no fixed effects)", "采用混合最小二乘（无固定效应）"),
    "c_cluster": ("standard errors clustered by unit", "标准误按单元聚类稳健"),
    "c_robust": ("heteroskedasticity-robust standard errors (HC1)", "采用异方差稳健标准误（HC1）"),
    "c_unadjusted": ("classical standard errors", "采用普通标准误"),
    "mod_twoway": ("Two-way fixed effects", "双向固定效应模型"),
    "mod_unit": ("Unit fixed effects", "个体固定效应模型"),
    "mod_time": ("Year fixed effects", "时间固定效应模型"),
    "mod_none": ("Pooled least squares", "混合最小二乘模型"),
    "mod_lag": ("Spatial lag model", "空间滞后模型"),
    "mod_error": ("Spatial error model", "空间误差模型"),
    "mod_durbin": ("Spatial Durbin model", "空间杜宾模型"),
    "sig_cv": ("coefficient of variation", "变异系数"),
    "sig_sd_log": ("standard deviation of ln y", "对数标准差"),
    "sig_gini": ("Gini coefficient", "基尼系数"),
    "sig_theil": ("Theil index", "泰尔指数"),
    "term_log_initial": ("ln y (initial level)", "期初水平对数"),
    "term_rho": ("ρ (spatial lag)", "空间自回归系数ρ"),
    "term_lambda": ("λ (spatial error)", "空间误差系数λ"),
    "term_W": ("W × {name}", "W×{name}"),
    "eff_direct": ("Direct", "直接效应"),
    "eff_indirect": ("Indirect", "间接效应"),
    "eff_total": ("Total", "总效应"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "tab_sigma": ("σ-convergence: dispersion of {target} by year", "{target}的σ收敛：各年离散程度"),
    "tab_sigma_trend": ("σ-convergence: trend of each measure", "σ收敛：各离散指标的变化趋势"),
    "tab_beta": ("β-convergence of {target}: estimates by model", "{target}的β收敛估计结果"),
    "tab_beta_coef": ("β-convergence: coefficients of each model", "β收敛各模型的系数估计"),
    "tab_impacts": (
        "Spatial β-convergence: direct, indirect and total effects",
        "空间β收敛的直接效应、间接效应与总效应",
    ),
    "fig_sigma": (
        "σ-convergence of {target}: each measure relative to {year}",
        "{target}的σ收敛：各离散指标（{year}年 = 1）",
    ),
    "ax_relative": ("Relative to {year}", "相对于{year}年"),
    "ax_year": ("Year", "年份"),
    "skip_beta_years": (
        "β-convergence skipped: the growth regressions with fixed effects need three or more years.",
        "略去β收敛：含固定效应的增长回归需要三个及以上年份。",
    ),
    "skip_log": (
        "{what} skipped: ln y needs positive values, and {n} unit-year(s) of {target} are 0 or below.",
        "略去{what}：取对数需要正值，而{target}有{n}个单元-年份的取值不大于0。",
    ),
    "what_beta": ("β-convergence", "β收敛"),
    "what_sd_log": ("The standard deviation of ln y", "对数标准差"),
}

HEADERS: dict[str, tuple[str, str]] = {
    "sd_log": ("SD of ln y", "对数标准差"),
    "measure": ("Measure", "离散指标"),
    "first": ("First year", "期初值"),
    "last": ("Last year", "期末值"),
    "change_pct": ("Change (%)", "变化率(%)"),
    "slope_per_year": ("Slope per year", "年均斜率"),
    "converging": ("Falling", "是否下降"),
    "model": ("Model", "模型"),
    "term": ("Variable", "变量"),
    "effect": ("Effect", "效应"),
    "beta": ("β", "β"),
    "coef": ("Coefficient", "系数"),
    "ci_lower": ("95 % CI lower", "95%置信下限"),
    "ci_upper": ("95 % CI upper", "95%置信上限"),
    "spatial_coef": ("ρ or λ", "空间系数ρ或λ"),
    "spatial_pvalue": ("P of ρ or λ", "ρ或λ的P值"),
    "speed_pct": ("Speed (% a year)", "收敛速度(%/年)"),
    "half_life": ("Half-life (years)", "半衰期(年)"),
    "r2": ("R²", "拟合优度R²"),
    "log_likelihood": ("Log-likelihood", "对数似然值"),
    "n_obs": ("Observations", "观测数"),
}

# formula notes in Chinese (the English ones are the results' own ``variant`` text)
VARIANT_ZH: dict[str, str] = {
    "sigma": "σ收敛，各单元等权：{measures}；标准差以n为分母；趋势为离散指标对年份的最小二乘斜率",
    "beta": "{kind}β收敛：ln(y_t+s/y_t) = β ln y_t{controls} + ε；{effects}；{cov}；"
    "收敛速度 = -ln(1+β)/s，半衰期 = ln2/收敛速度（s = {step}）",
    "spatial": "{kind}空间β收敛，{model}；{effects}；极大似然估计，方差由信息矩阵得到；"
    "空间权重为Queen邻接（行标准化）；收敛速度 = -ln(1+β)/s，半衰期 = ln2/收敛速度（s = {step}）",
    "impacts": "直接效应、间接效应与总效应按LeSage和Pace（2009）由估计值计算，"
    "标准误由{draws}次参数模拟抽样得到（随机种子{seed}）",
    "impacts_point": "直接效应、间接效应与总效应按LeSage和Pace（2009）由估计值计算（未模拟标准误）",
}

SIGMA_ZH = {
    "cv": "变异系数 = 标准差/均值",
    "sd_log": "对数标准差 = ln y的标准差",
    "gini": "基尼系数 = Σ|y_i - y_j|/(2n²ȳ)",
    "theil": "泰尔指数 = (1/n) Σ (y_i/ȳ) ln(y_i/ȳ)",
}
COV_ZH = {
    "cluster": "按单元聚类稳健标准误，小样本修正G/(G-1)·(N-1)/(N-K)",
    "robust": "异方差稳健标准误（HC1）",
    "unadjusted": "普通标准误s²(X'X)⁻¹",
}
EFFECTS_ZH = {
    "twoway": "个体与时间双向固定效应",
    "unit": "个体固定效应",
    "time": "时间固定效应",
    "none": "混合最小二乘（含常数项）",
}
MODEL_ZH = {
    "lag": "空间滞后模型 g = ρWg + Xβ",
    "error": "空间误差模型 g = Xβ + u，u = λWu + ε",
    "durbin": "空间杜宾模型 g = ρWg + Xβ + WXθ",
}
