#!/usr/bin/python3
"""Independent reference values for Rebel.SelfPlay's win-rate evaluation (WinRateEvaluator, LengthControlledWinRate).

For a few sets of verdicts (p_i in [0, 1], hard or soft; completion lengths of the policy and the reference;
prompt index k = i // samples) this computes
  * the raw win rate W = mean_k m_k (m_k = mean verdict of prompt k) and SE = std(m, ddof=1) / sqrt(K);
  * the length-controlled win rate in the AlpacaEval 2 manner: with d_i = len_policy_i - len_reference_i,
    s = std(d, ddof=1) and z_i = tanh(d_i / s), the coefficients (b0, b1) maximising
        sum_i p_i log sigmoid(b0 + b1 z_i) + (1 - p_i) log sigmoid(-(b0 + b1 z_i)),
    found with scipy.optimize.minimize (BFGS on the analytic gradient) and polished with scipy.optimize.root;
    LC = sigmoid(b0); the covariance is the inverse of the numerically differentiated Hessian of the negative
    log-likelihood (central differences of its gradient), SE(LC) = LC (1 - LC) sqrt(cov_00), and the 95% interval on the
    logit scale is sigmoid(b0 -+ z sqrt(cov_00)) with z = scipy.stats.norm.ppf(0.975).
Writes tests/Rebel.SelfPlay.Tests/fixtures/win_rate.json. Run with Debian's python3:
    /usr/bin/python3 tools/win_rate_fixtures.py
"""
import json
import os

import numpy as np
from scipy.optimize import minimize, root
from scipy.special import expit, log_expit
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "Rebel.SelfPlay.Tests", "fixtures", "win_rate.json")


def fit(p, d):
    z = np.tanh(d / np.std(d, ddof=1))
    x = np.stack([np.ones_like(z), z], axis=1)

    def negative(beta):
        eta = x @ beta
        value = -(p * log_expit(eta) + (1 - p) * log_expit(-eta)).sum()
        grad = -x.T @ (p - expit(eta))
        return value, grad

    res = minimize(negative, np.zeros(2), jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
    res = root(lambda b: negative(b)[1], res.x, method="hybr", options={"xtol": 1e-14})
    beta = res.x
    assert np.abs(negative(beta)[1]).max() < 1e-9, res
    h = 1e-5
    hess = np.stack([(negative(beta + h * e)[1] - negative(beta - h * e)[1]) / (2 * h) for e in np.eye(2)])
    cov = np.linalg.inv(0.5 * (hess + hess.T))
    lc = expit(beta[0])
    return {
        "length_scale": float(np.std(d, ddof=1)),
        "intercept": float(beta[0]),
        "slope": float(beta[1]),
        "intercept_se": float(np.sqrt(cov[0, 0])),
        "slope_se": float(np.sqrt(cov[1, 1])),
        "lc_win_rate": float(lc),
        "lc_standard_error": float(lc * (1 - lc) * np.sqrt(cov[0, 0])),
        "lc_interval_low": float(expit(beta[0] - norm.ppf(0.975) * np.sqrt(cov[0, 0]))),
        "lc_interval_high": float(expit(beta[0] + norm.ppf(0.975) * np.sqrt(cov[0, 0]))),
    }


def case(name, p, policy_lengths, reference_lengths, samples):
    p = np.asarray(p, dtype=float)
    d = np.asarray(policy_lengths, dtype=float) - np.asarray(reference_lengths, dtype=float)
    means = p.reshape(-1, samples).mean(axis=1)
    out = {
        "name": name,
        "samples": samples,
        "p": p.tolist(),
        "policy_lengths": [int(v) for v in policy_lengths],
        "reference_lengths": [int(v) for v in reference_lengths],
        "win_rate": float(means.mean()),
        "standard_error": float(np.std(means, ddof=1) / np.sqrt(len(means))),
    }
    out.update(fit(p, d))
    return out


def main():
    rng = np.random.default_rng(20261121)
    cases = []

    # hard verdicts (0, 1/2, 1) from a model where longer answers win more often, 60 prompts x 2 samples
    n = 120
    a = rng.integers(20, 400, n)
    b = rng.integers(20, 400, n)
    z = np.tanh((a - b) / np.std(a - b, ddof=1))
    u = rng.random(n)
    win = expit(0.4 + 1.5 * z)
    p = np.where(u < 0.1, 0.5, np.where(rng.random(n) < win, 1.0, 0.0))
    cases.append(case("hard verdicts with ties, length bias", p, a, b, 2))

    # soft verdicts (a preference model's probabilities), shorter answers favoured, 40 prompts x 1 sample
    n = 40
    a = rng.integers(5, 200, n)
    b = rng.integers(5, 200, n)
    z = np.tanh((a - b) / np.std(a - b, ddof=1))
    p = np.clip(expit(-0.3 - 0.8 * z + 0.7 * rng.standard_normal(n)), 0.0, 1.0)
    cases.append(case("soft verdicts, shortness bias", np.round(p, 6), a, b, 1))

    # a small hand-made set: 4 prompts x 3 samples, mixed hard and soft verdicts
    p = [1, 0, 0.5, 0.9, 0.2, 1, 0, 0, 0.75, 1, 0.5, 0.3]
    a = [10, 50, 30, 80, 12, 60, 5, 9, 40, 70, 33, 20]
    b = [30, 20, 30, 40, 40, 30, 25, 30, 35, 10, 33, 25]
    cases.append(case("small mixed", p, a, b, 3))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/win_rate_fixtures.py", "cases": cases}, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], c["win_rate"], c["lc_win_rate"], c["lc_standard_error"], c["slope"])


main()
