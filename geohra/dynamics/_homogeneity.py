"""Bickenbach & Bode (2003) homogeneity tests of a spatial Markov chain's regimes."""

from __future__ import annotations

import numpy as np
import pandas as pd


def homogeneity(tt: np.ndarray) -> pd.Series | None:
    """Bickenbach & Bode (2003) Q and LR tests that the transition probabilities are the
    same in every lag class (regime); computed here (giddy's ``Homogeneity_Results`` gives
    the same numbers, but importing giddy costs seconds in a fresh process).

    With N_l the counts of regime l, T = Σ_l N_l, pooled P_ij = T_ij / T_i. and regime
    P_l,ij = N_l,ij / N_l,i.:
    Q = Σ_l Σ_i Σ_j N_l,i. (P_l,ij − P_ij)² / P_ij over P_ij > 0,
    LR = 2 Σ_l Σ_ij N_l,ij ln(P_l,ij / P_ij) over N_l,ij > 0,
    dof = Σ_i (b_i − 1)(a_i − 1), b_i the regimes with transitions out of class i and a_i
    the non-zero entries of row i of T; both are χ²(dof) under homogeneity.
    Regimes without any transition are left out; fewer than two regimes give None.
    """
    from scipy import stats

    nonempty = np.asarray([t for t in tt if t.sum() > 0], dtype=float)
    if len(nonempty) < 2:
        return None
    pooled = nonempty.sum(axis=0)
    rows = pooled.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(rows > 0, pooled / np.where(rows > 0, rows, 1.0), 0.0)
        n_li = nonempty.sum(axis=2, keepdims=True)  # N_l,i.
        p_l = np.where(n_li > 0, nonempty / np.where(n_li > 0, n_li, 1.0), 0.0)
        q = np.where(p > 0, n_li * (p_l - p) ** 2 / np.where(p > 0, p, 1.0), 0.0).sum()
        used = (nonempty > 0) & (p > 0)
        lr = 2.0 * np.where(used, nonempty * np.log(np.where(used, p_l / p, 1.0)), 0.0).sum()
    b = (n_li[:, :, 0] > 0).sum(axis=0)
    a = (pooled > 0).sum(axis=1)
    dof = int(((b - 1) * (a - 1)).sum())
    return pd.Series(
        {
            "Q": float(q),
            "Q_pvalue": float(stats.chi2.sf(q, dof)),
            "LR": float(lr),
            "LR_pvalue": float(stats.chi2.sf(lr, dof)),
            "dof": dof,
        },
        name="homogeneity",
    )
