#!/usr/bin/python3
"""Independent reference values for Rebel.Preference's tournament statistics.

For a few win-count matrices w (w[i][j] = games i won against j, ties counting 1/2 to each side) this computes
  * Bradley-Terry ratings theta (centred, sum 0) maximising
        sum_{i != j} w_ij log sigmoid(theta_i - theta_j) - (prior / 2) * sum_i theta_i^2
    with scipy.optimize.minimize (BFGS on the analytic gradient, then scipy.optimize.root on the gradient with the analytic Hessian; for prior = 0 theta_0 is pinned to 0,
    then the result is centred), and
  * the maximal lottery: the maximin strategy of the margin matrix M = W - W^T (W_ij = w_ij / (w_ij + w_ji)),
    by scipy.optimize.linprog:  maximise v  s.t.  (pi^T M)_j >= v for all j, sum pi = 1, pi >= 0,
  * the Nash-averaged scores s_i = sum_j W_ij pi_j.
Writes tests/Rebel.Preference.Tests/fixtures/tournament_statistics.json. Run with Debian's python3:
    /usr/bin/python3 tools/tournament_fixtures.py
"""
import json
import os

import numpy as np
from scipy.optimize import linprog, minimize, root
from scipy.special import expit, log_expit

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "Rebel.Preference.Tests", "fixtures", "tournament_statistics.json")


def bradley_terry(w, prior):
    n = w.shape[0]
    games = w + w.T

    def negative(theta):
        d = theta[:, None] - theta[None, :]
        value = -(w * log_expit(d)).sum() + 0.5 * prior * theta @ theta
        resid = w - games * expit(d)                   # w_ij - n_ij p_ij (zero diagonal since w_ii = 0)
        grad = -resid.sum(axis=1) + prior * theta
        return value, grad

    def hessian(theta):
        d = theta[:, None] - theta[None, :]
        h = games * expit(d) * expit(-d)
        return np.diag(h.sum(axis=1) + prior) - h + np.diag(np.diag(h))

    # pin theta_0 = 0 when prior = 0 (the likelihood only sees differences), then centre
    free = 1 if prior == 0 else 0

    def reduced(x):
        value, grad = negative(np.concatenate([np.zeros(free), x]))
        return value, grad[free:]

    def reduced_hessian(x):
        return hessian(np.concatenate([np.zeros(free), x]))[free:, free:]

    res = minimize(reduced, np.zeros(n - free), jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 10000})
    # the objective's rounding (~1e-14 of ~1e2) stalls minimisers near gradient 1e-7; polish by solving grad = 0
    res = root(lambda x: reduced(x)[1], res.x, jac=reduced_hessian, method="hybr", options={"xtol": 1e-14})
    theta = np.concatenate([np.zeros(free), res.x])
    theta = theta - theta.mean()
    assert np.abs(negative(theta)[1]).max() < 1e-9, res
    return theta


def maximal_lottery(win_rates):
    n = win_rates.shape[0]
    margin = win_rates - win_rates.T
    # variables (pi_0 .. pi_{n-1}, v); minimise -v
    c = np.zeros(n + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-margin.T, np.ones((n, 1))])   # v - (pi^T M)_j <= 0
    b_ub = np.zeros(n)
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, None)] * n + [(None, None)], method="highs")
    assert res.status == 0, res
    pi = np.clip(res.x[:n], 0, None)
    return pi / pi.sum(), res.x[-1]


def random_wins(rng, n, tie_share):
    w = np.zeros((n, n))
    strength = rng.normal(0, 1, n)
    for i in range(n):
        for j in range(i + 1, n):
            games = int(rng.integers(4, 41))           # unequal counts per pair
            # a transitive core plus an intransitive twist, so the lottery is mixed
            p = expit(strength[i] - strength[j] + 1.5 * np.sin(2.0 * (i - j)))
            ties = rng.binomial(games, tie_share)
            wins = rng.binomial(games - ties, p)
            w[i, j] = wins + 0.5 * ties
            w[j, i] = games - ties - wins + 0.5 * ties
    return w


def case(name, w, prior=0.0):
    w = np.asarray(w, dtype=float)
    games = w + w.T
    win_rates = np.where(games > 0, w / np.where(games > 0, games, 1), 0.5)
    np.fill_diagonal(win_rates, 0.5)
    theta = bradley_terry(w, prior)
    pi, value = maximal_lottery(win_rates)
    assert abs(value) < 1e-9, value
    return {
        "name": name,
        "prior": prior,
        "wins": w.tolist(),
        "logits": theta.tolist(),
        "lottery": pi.tolist(),
        "nash_averaged_scores": (win_rates @ pi).tolist(),
    }


def main():
    rng = np.random.default_rng(20261121)
    cases = [
        case("rock_paper_scissors", [[0, 3, 7], [7, 0, 3], [3, 7, 0]]),
        # player 0 beats everyone (by unequal margins and counts); 1, 2, 3 form a cycle among themselves
        case("condorcet_winner", [[0, 14, 9, 30.5], [6, 0, 12, 3], [3, 5, 0, 16], [9.5, 13, 4, 0]]),
        case("random_6", random_wins(rng, 6, 0.1)),
        case("random_8", random_wins(rng, 8, 0.05)),
        # player 2 wins every game: the MLE is infinite, so a prior keeps the ratings finite
        case("sweep_with_prior", [[0, 6, 0, 2], [4, 0, 0, 5], [9, 7, 0, 12], [3, 1, 0, 0]], prior=0.05),
    ]
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/tournament_fixtures.py", "cases": cases}, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], np.round(c["lottery"], 4), np.round(c["logits"], 4))


if __name__ == "__main__":
    main()
