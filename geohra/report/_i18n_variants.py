"""The report's words for the formula variants a config can choose (see ``_config_variants``),
in English and Chinese: entropy normalisations and score forms, the power coupling model,
kernels and bandwidth rules, the local Moran scale and island rule, class-label styles.

Each function returns the phrase for one language; :mod:`geohra.report.i18n` assembles them
into the method paragraphs and the notes under the tables.
"""

from __future__ import annotations

#: normalisation -> (English, Chinese); fields: low, span (= high - low), sd
NORMALIZE: dict[str, tuple[str, str]] = {
    "minmax": (
        "min-max normalisation (negative indicators reversed)",
        "极差标准化（负向指标反向）",
    ),
    "shifted_minmax": (
        "shifted min-max normalisation z = {low:g} + {span:g}·(x - min)/(max - min) "
        "(negative indicators reversed)",
        "平移极差标准化（平移量 {low:g}，z = {low:g} + {span:g}×(x - min)/(max - min)，负向指标反向）",
    ),
    "proportion": (
        "raw proportions without normalisation (z = x, p = x/Σx)",
        "原始数据比重（不作标准化，z = x，p = x/Σx）",
    ),
    "zscore": (
        "Z-score standardisation z = (x - mean)/sd with the {sd} (negative indicators reversed)",
        "Z-score 标准化（z = (x - 均值)/标准差，{sd}；负向指标反向）",
    ),
    "vector": ("vector normalisation z = x/√(Σx²)", "向量归一化（z = x/√(Σx²)）"),
    "max": (
        "ratio to the maximum z = x/max (negative indicators z = min/x)",
        "极大值标准化（z = x/max，负向指标 z = min/x）",
    ),
}
#: short names (the obstacle step says which normalisation it cannot use)
SHORT: dict[str, tuple[str, str]] = {
    "proportion": ("raw proportions", "原始数据比重"),
    "zscore": ("Z-score standardisation", "Z-score 标准化"),
    "vector": ("vector normalisation", "向量归一化"),
}
SD: dict[int, tuple[str, str]] = {
    1: ("sample sd (n - 1)", "标准差分母为 n - 1"),
    0: ("population sd (n)", "标准差分母为 n"),
}
#: score -> formula (fields: scale, shift)
SCORE: dict[str, tuple[str, str]] = {
    "normalized": ("{scale}Σ w_j z_ij", "{scale}Σ w_j z_ij"),
    "shifted": ("{scale}Σ w_j (z_ij + {shift:g})", "{scale}Σ w_j (z_ij + {shift:g})"),
    "proportion": ("{scale}Σ w_j p_ij", "{scale}Σ w_j p_ij"),
    "raw": ("{scale}Σ w_j x_ij (raw values)", "{scale}Σ w_j x_ij（原始值）"),
}

KERNEL: dict[str, tuple[str, str]] = {
    "gaussian": ("Gaussian", "高斯核"),
    "epanechnikov": ("Epanechnikov", "Epanechnikov 核"),
    "biweight": ("biweight (quartic)", "四次核（双权核）"),
    "triangular": ("triangular", "三角核"),
    "uniform": ("uniform", "均匀核"),
}
KERNEL_SCALE: dict[str, tuple[str, str]] = {
    "sd": ("h is the kernel's standard deviation", "h 为核函数的标准差"),
    "support": ("h is the half-width of the kernel's support", "h 为核函数支撑区间的半宽"),
}
BANDWIDTH: dict[str, tuple[str, str]] = {
    "silverman": (
        "Silverman's rule of thumb h = 1.06 s n^(-1/5)",
        "Silverman 经验法则 h = 1.06 s n^(-1/5)",
    ),
    "scott": ("Scott's rule h = s n^(-1/5)", "Scott 法则 h = s n^(-1/5)"),
    "silverman_robust": (
        "Silverman's robust rule h = 0.9 min(s, IQR/1.349) n^(-1/5)",
        "Silverman 稳健法则 h = 0.9 min(s, IQR/1.349) n^(-1/5)",
    ),
    "stata": (
        "Stata kdensity's default h = 0.9 min(s, IQR/1.349) n^(-1/5)",
        "Stata 默认带宽 h = 0.9 min(s, IQR/1.349) n^(-1/5)",
    ),
    "nrd0": (
        "R's bw.nrd0 h = 0.9 min(s, IQR/1.34) n^(-1/5)",
        "R 语言 bw.nrd0 带宽 h = 0.9 min(s, IQR/1.34) n^(-1/5)",
    ),
    "nrd": (
        "R's bw.nrd h = 1.06 min(s, IQR/1.34) n^(-1/5)",
        "R 语言 bw.nrd 带宽 h = 1.06 min(s, IQR/1.34) n^(-1/5)",
    ),
    "matlab": (
        "MATLAB ksdensity's rule h = (MAD/0.6745)(4/(3n))^(1/5)",
        "MATLAB 默认带宽 h = (MAD/0.6745)(4/(3n))^(1/5)",
    ),
    "sj": (
        "Sheather-Jones solve-the-equation bandwidth (R's bw.SJ)",
        "Sheather-Jones 解方程法带宽（R 语言 bw.SJ）",
    ),
    "sj_dpi": (
        "Sheather-Jones direct plug-in bandwidth (R's bw.SJ, dpi)",
        "Sheather-Jones 直接插入法带宽（R 语言 bw.SJ，dpi）",
    ),
}
LISA_SCALE: dict[str, tuple[str, str]] = {
    "n-1": (
        "local Moran I_i = (n - 1) z_i Σ_j w_ij z_j / Σ z² (PySAL)",
        "局部莫兰指数 I_i = (n - 1) z_i Σ_j w_ij z_j / Σ z²",
    ),
    "n": (
        "local Moran I_i = n z_i Σ_j w_ij z_j / Σ z² (R spdep's default)",
        "局部莫兰指数 I_i = n z_i Σ_j w_ij z_j / Σ z²",
    ),
}
ISLANDS: dict[str | None, tuple[str, str]] = {
    None: ("islands joined to their nearest neighbour", "岛屿与最近单元相连"),
    "include": (
        "in Moran's I and LISA islands are kept without neighbours (spatial lag 0) and counted "
        "in the local Moran's mean, variance and n (PySAL; spdep adjust.x = FALSE); the spatial "
        "Markov chain and the spatial models join them to their nearest neighbour",
        "全局与局部莫兰指数中岛屿保留为无邻接单元（空间滞后为0），计算局部莫兰指数时计入均值、"
        "方差与样本数；空间马尔可夫链与空间计量模型中岛屿与最近单元相连",
    ),
    "exclude": (
        "in Moran's I and LISA islands are kept without neighbours (spatial lag 0) and left out "
        "of the local Moran's mean, variance and n (spdep adjust.x = TRUE); the spatial Markov "
        "chain and the spatial models join them to their nearest neighbour",
        "全局与局部莫兰指数中岛屿保留为无邻接单元（空间滞后为0），计算局部莫兰指数时不计入均值、"
        "方差与样本数；空间马尔可夫链与空间计量模型中岛屿与最近单元相连",
    ),
}
LABEL_STYLE: dict[str, tuple[str, str]] = {
    "range": ("lower – upper", "下限 – 上限"),
    "interval": (
        "interval notation, [lower, upper] then (lower, upper]",
        "区间记法，首类 [下限, 上限]，其后 (下限, 上限]",
    ),
    "arcgis": (
        "ArcGIS style lower - upper, each lower bound one display unit above the previous upper",
        "ArcGIS 样式“下限 - 上限”，各类下限比上一类上限高一个显示单位",
    ),
    "arcgis_tilde": (
        "ArcGIS style lower~upper, each lower bound one display unit above the previous upper",
        "ArcGIS 样式“下限~上限”，各类下限比上一类上限高一个显示单位",
    ),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def normalisation(opts, lang: str) -> str:
    """The normalisation of an :class:`IndexOptions` in words, with its parameters."""
    low, span = opts.effective_low, opts.effective_high - opts.effective_low
    sd = pick(SD[opts.effective_ddof], lang)
    return pick(NORMALIZE[opts.normalize], lang).format(low=low, span=span, sd=sd)


def proportions(opts) -> str:
    """p_ij as computed (with the shift when there is one)."""
    if opts.shift:
        return f"(z_ij + {opts.shift:g})/Σ_i (z_ij + {opts.shift:g})"
    return "z_ij/Σ_i z_ij"


def score(opts, lang: str, scale: float) -> str:
    """The index formula, e.g. ``100 Σ w_j z_ij``."""
    factor = "" if scale == 1 else f"{scale:g} "
    return pick(SCORE[opts.score], lang).format(scale=factor, shift=opts.shift)


def entropy_fields(opts, lang: str, scale: float) -> dict:
    """Fields of the index method paragraph and of the Chinese formula note."""
    shift = ""
    if opts.shift:
        comma = "，" if lang == "zh" else ", "
        shift = comma + ("比重" if lang == "zh" else "proportions ") + "p_ij = " + proportions(opts)
    return dict(
        normalize=normalisation(opts, lang),
        shift=shift,
        p=proportions(opts),
        score=score(opts, lang, scale),
    )


def coupling(method: str, k: float | None, n: int, lang: str, named: str) -> str:
    """The coupling model in words; ``named`` is the model's name for the two fixed forms."""
    if method != "power":
        return named
    form = (
        "{U1U2/[(U1+U2)/2]^2}^k" if n == 2 else f"{{Π U_i/[(Σ U_i)/{n}]^{n}}}^k"
    )  # the library's power form for n subsystems
    if lang == "zh":
        return f"幂函数模型 C = {form}，k = {k:g}"
    return f"power model C = {form} with k = {k:g}"


def kde(kernel: str, kernel_scale: str, bandwidth, lang: str) -> dict:
    """Fields of the kernel-density method paragraph and note: kernel, bandwidth."""
    if isinstance(bandwidth, str):
        bw = pick(BANDWIDTH[bandwidth], lang)
    else:
        bw = (
            f"各曲线统一带宽 h = {bandwidth:g}"
            if lang == "zh"
            else f"one bandwidth h = {bandwidth:g} for every curve"
        )
    if kernel != "gaussian":
        bw += ("；" if lang == "zh" else "; ") + pick(KERNEL_SCALE[kernel_scale], lang)
    return dict(kernel=pick(KERNEL[kernel], lang), bandwidth=bw)


def lisa(scale: str | None, islands: str | None, lang: str) -> dict:
    return dict(
        islands=pick(ISLANDS[islands], lang),
        lisa=pick(LISA_SCALE[scale or "n-1"], lang),
    )


def label_style(style: str, lang: str) -> str:
    text = pick(LABEL_STYLE[style], lang)
    return f"；类别标注：{text}" if lang == "zh" else f"; class labels: {text}"


TEXT: dict[str, tuple[str, str]] = {
    "n_kde": (
        "Kernel: {kernel}; bandwidth: {bandwidth}.",
        "核函数：{kernel}；带宽：{bandwidth}。",
    ),
    "n_lisa": ("{lisa}; {islands}.", "{lisa}；{islands}。"),
    "tab_lisa_units": (
        "Local Moran's I of each unit, mapped years",
        "制图年份各地区局部莫兰指数",
    ),
    "skip_obstacle": (
        "Skipped: the obstacle degree needs normalised values z in [0, 1] with 1 the best "
        "value, which the chosen normalisation ({name}) does not give.",
        "略：障碍度模型要求标准化值 z 位于 [0, 1] 且以 1 为最优，所选标准化方法（{name}）不满足此条件。",
    ),
}
HEADERS: dict[str, tuple[str, str]] = {
    "label": ("Label", "图例标注"),
    "local_i": ("Local I_i", "局部莫兰指数I_i"),
    "lag": ("Spatial lag", "空间滞后"),
}
