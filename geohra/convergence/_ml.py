"""Maximum-likelihood fixed-effects spatial panel models (Elhorst 2003, 2014).

Data arrive already demeaned (unit or two-way within transformation), stacked
year-major: rows ``0..n-1`` are the first year, as in spreg's panel models.
The log-determinant uses the eigenvalues of ``W``:
``ln|I - ρW| = Σ_i ln|1 - ρ ω_i|``; the parameter is searched on
``(1/ω_min, 1/ω_max)`` (for row-standardised weights ``ω_max = 1``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize

_TOL = 1e-10


def eigen_bounds(w: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Eigenvalues of W and the open interval where ``I - ρW`` stays invertible."""
    omega = np.linalg.eigvals(w)
    re = omega.real
    lo = 1.0 / re.min() if re.min() < 0 else -1.0
    hi = 1.0 / re.max()
    return omega, lo + 1e-9, hi - 1e-9


def _logdet(omega: np.ndarray, r: float) -> float:
    return float(np.log(np.abs(1.0 - r * omega)).sum())


def _lag_all(w: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """(I_T ⊗ W) v for a year-major stacked vector or matrix."""
    t = v.shape[0] // n
    if v.ndim == 1:
        return (v.reshape(t, n) @ w.T).reshape(-1)
    return np.einsum("ij,tjk->tik", w, v.reshape(t, n, -1)).reshape(v.shape)


def _traces(w: np.ndarray, r: float) -> tuple[np.ndarray, float, float, float]:
    n = w.shape[0]
    wa = w @ np.linalg.inv(np.eye(n) - r * w)
    return wa, float(np.trace(wa)), float(np.trace(wa @ wa)), float((wa * wa).sum())


def fit_lag(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> dict[str, Any]:
    """Spatial lag: ``y = ρ W y + X β + ε`` by concentrated ML; info-matrix variance."""
    n = w.shape[0]
    nt = y.size
    t = nt // n
    omega, lo, hi = eigen_bounds(w)
    wy = _lag_all(w, y, n)
    xtx = x.T @ x
    xtxi = np.linalg.inv(xtx)
    b0, b1 = xtxi @ (x.T @ y), xtxi @ (x.T @ wy)
    e0, e1 = y - x @ b0, wy - x @ b1

    def negll(r: float) -> float:
        e = e0 - r * e1
        return nt / 2.0 * np.log(e @ e / nt) - t * _logdet(omega, r)

    rho = float(
        optimize.minimize_scalar(
            negll, bounds=(lo, hi), method="bounded", options={"xatol": _TOL}
        ).x
    )
    beta = b0 - rho * b1
    resid = e0 - rho * e1
    sig2 = float(resid @ resid / nt)
    wa, tr1, tr2, tr3 = _traces(w, rho)
    xb = x @ beta
    wxb = _lag_all(wa, xb, n)
    k = x.shape[1]
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = xtx / sig2
    info[:k, k] = info[k, :k] = x.T @ wxb / sig2
    info[k, k] = t * (tr2 + tr3) + wxb @ wxb / sig2
    info[k, k + 1] = info[k + 1, k] = t * tr1 / sig2
    info[k + 1, k + 1] = nt / (2.0 * sig2**2)
    cov = np.linalg.inv(info)[: k + 1, : k + 1]
    ll = -nt / 2.0 * (np.log(2 * np.pi) + 1.0 + np.log(sig2)) + t * _logdet(omega, rho)
    return {
        "params": np.append(beta, rho),
        "cov": cov,
        "sigma2": sig2,
        "loglik": ll,
        "resid": resid,
        "spatial": rho,
    }


def fit_error(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> dict[str, Any]:
    """Spatial error: ``y = X β + u, u = λ W u + ε`` by concentrated ML."""
    n = w.shape[0]
    nt = y.size
    t = nt // n
    omega, lo, hi = eigen_bounds(w)
    wy, wx = _lag_all(w, y, n), _lag_all(w, x, n)

    def gls(lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ys, xs = y - lam * wy, x - lam * wx
        xsxs = xs.T @ xs
        b = np.linalg.solve(xsxs, xs.T @ ys)
        return b, ys - xs @ b, xsxs

    def negll(lam: float) -> float:
        e = gls(lam)[1]
        return nt / 2.0 * np.log(e @ e / nt) - t * _logdet(omega, lam)

    lam = float(
        optimize.minimize_scalar(
            negll, bounds=(lo, hi), method="bounded", options={"xatol": _TOL}
        ).x
    )
    beta, filtered, xsxs = gls(lam)
    sig2 = float(filtered @ filtered / nt)
    _, tr1, tr2, tr3 = _traces(w, lam)
    block = np.array([[t * (tr2 + tr3), t * tr1 / sig2], [t * tr1 / sig2, nt / (2.0 * sig2**2)]])
    k = x.shape[1]
    cov = np.zeros((k + 1, k + 1))
    cov[:k, :k] = sig2 * np.linalg.inv(xsxs)
    cov[k, k] = np.linalg.inv(block)[0, 0]
    ll = -nt / 2.0 * (np.log(2 * np.pi) + 1.0 + np.log(sig2)) + t * _logdet(omega, lam)
    return {
        "params": np.append(beta, lam),
        "cov": cov,
        "sigma2": sig2,
        "loglik": ll,
        "resid": y - x @ beta,
        "spatial": lam,
    }


class Impacts:
    """LeSage & Pace (2009) average direct, indirect and total effects of a lag-type model.

    ``S_k = (I - ρW)^-1 (β_k I + θ_k W)``: direct = tr(S_k)/n, total = 1'S_k 1/n,
    indirect = total - direct. With ``W = V diag(ω) V^-1`` the traces and sums are
    sums over the eigenvalues, so each evaluation costs O(n):
    tr((I - ρW)^-1) = Σ 1/(1 - ρω_j), tr((I - ρW)^-1 W) = Σ ω_j/(1 - ρω_j),
    1'(I - ρW)^-1 1 = Σ b_j a_j/(1 - ρω_j) with b = 1'V, a = V^-1 1.
    """

    def __init__(self, w: np.ndarray) -> None:
        self.n = w.shape[0]
        self.omega, vec = np.linalg.eig(w)
        ones = np.ones(self.n)
        self.ba = (ones @ vec) * np.linalg.solve(vec, ones)

    def __call__(self, rho: np.ndarray, beta: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Effects for arrays of draws: rho (D,), beta and theta (D, k) -> (D, k, 3)."""
        inv = 1.0 / (1.0 - rho[:, None] * self.omega[None, :])  # (D, n)
        d_a = inv.sum(axis=1).real / self.n
        d_aw = (inv * self.omega).sum(axis=1).real / self.n
        t_a = (inv * self.ba).sum(axis=1).real / self.n
        t_aw = (inv * self.ba * self.omega).sum(axis=1).real / self.n
        direct = beta * d_a[:, None] + theta * d_aw[:, None]
        total = beta * t_a[:, None] + theta * t_aw[:, None]
        return np.stack([direct, total - direct, total], axis=2)


def impacts(
    w: np.ndarray,
    params: np.ndarray,
    cov: np.ndarray,
    k: int,
    durbin: bool,
    draws: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Point effects (k, 3) at the estimates and their simulated standard errors (k, 3).

    The standard errors are the standard deviations of the effects over ``draws`` draws
    of (β, θ, ρ) from the normal with the ML covariance (LeSage & Pace 2009, ch. 4);
    draws with ρ outside the stable range are redrawn. None when ``draws`` is 0.
    """
    fn = Impacts(w)
    p = len(params) - 1

    def split(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        beta = m[:, :k]
        theta = m[:, k : 2 * k] if durbin else np.zeros_like(beta)
        return m[:, p], beta, theta

    point = fn(*split(params[None, :]))[0]
    if draws == 0:
        return point, None
    re = fn.omega.real
    lo, hi = 1.0 / re.min() if re.min() < 0 else -np.inf, 1.0 / re.max()
    sims = []
    need = draws
    while need > 0:
        m = rng.multivariate_normal(params, cov, size=need, method="eigh")
        m = m[(m[:, p] > lo) & (m[:, p] < hi)]
        sims.append(m)
        need -= len(m)
    m = np.concatenate(sims)[:draws]
    return point, fn(*split(m)).std(axis=0, ddof=1)
