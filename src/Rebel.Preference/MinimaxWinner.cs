using Rebel.Preference.LinearProgramming;

namespace Rebel.Preference;

/// <summary>
/// The minimax (von Neumann) winner of a preference matrix, and more generally the row player's maximin strategy
/// of a zero-sum matrix game, computed exactly by linear programming.
/// </summary>
/// <remarks>
/// For a payoff matrix A (m×n, the row player receives A_ij) the maximin strategy solves
/// max_π min_j (πᵀA)_j over probability vectors π. With A′ = 1 + (A − min A)/(max A − min A) (entries in [1, 2],
/// so the game value v′ is positive) the classic normalisation gives the pair of linear programs
///   column player: maximize Σ_j y_j  subject to A′ y ≤ 1, y ≥ 0;
///   row player:    minimize Σ_i x_i  subject to A′ᵀ x ≥ 1, x ≥ 0,
/// whose common optimum is 1/v′; then π* = x / Σ_i x_i. The first program has a feasible origin, so one
/// simplex pass (see <c>DenseSimplex</c>) solves both: x is read off as its dual. When the maximin strategy is not
/// unique (e.g. duplicated actions) one optimal vertex is returned, deterministically.
/// For a preference matrix (P + Pᵀ = 1) the value is ½ and π* has exploitability max_j P(j ≻ π*) − ½ = 0.
/// </remarks>
public static class MinimaxWinner
{
    /// <summary>π* = argmax_π min_j (πᵀP)_j, the minimax winner of a preference matrix; its value is ½.</summary>
    public static MinimaxSolution Solve(PreferenceMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Solve(matrix.ToArray());
    }

    /// <summary>
    /// The row player's maximin strategy π* = argmax_π min_j (πᵀA)_j of a general zero-sum game with payoff A
    /// (any m×n finite matrix, e.g. an empirical win-rate matrix with ties, giving the maximal lottery), and its
    /// value min_j (π*ᵀA)_j computed from the returned policy.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is empty or holds NaN or an infinity (named by (i, j)).</exception>
    public static MinimaxSolution Solve(double[,] payoff)
    {
        ArgumentNullException.ThrowIfNull(payoff);
        int m = payoff.GetLength(0), n = payoff.GetLength(1);
        if (m == 0 || n == 0)
            throw new ArgumentException($"a payoff matrix needs at least one row and one column, got {m}×{n}", nameof(payoff));
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double v = payoff[i, j];
                if (!double.IsFinite(v))
                    throw new ArgumentException($"payoff[{i},{j}] = {v} is not a finite number", nameof(payoff));
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }

        double[] policy;
        if (hi == lo)
        {
            policy = Enumerable.Repeat(1.0 / m, m).ToArray(); // a constant game: every strategy is optimal
        }
        else
        {
            var shifted = new double[m, n];
            double scale = 1.0 / (hi - lo);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    shifted[i, j] = 1.0 + (payoff[i, j] - lo) * scale; // A′ ∈ [1, 2]

            // column player's program: max 1ᵀy, A′y ≤ 1, y ≥ 0; its dual x is the row player's scaled strategy
            var lp = DenseSimplex.Maximize(shifted, Enumerable.Repeat(1.0, m).ToArray(), Enumerable.Repeat(1.0, n).ToArray());
            policy = Normalize(lp.Dual);
        }
        return new MinimaxSolution(policy, GuaranteedValue(payoff, policy));
    }

    private static double[] Normalize(double[] x)
    {
        var p = new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            p[i] = Math.Max(0.0, x[i]); // rounding can leave −1e-17 on a non-basic dual
            sum += p[i];
        }
        if (!(sum > 0)) throw new InvalidOperationException("the simplex returned an all-zero dual; the program is degenerate beyond repair");
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    /// <summary>min_j Σ_i π_i A_ij.</summary>
    private static double GuaranteedValue(double[,] a, double[] policy)
    {
        double value = double.PositiveInfinity;
        for (int j = 0; j < a.GetLength(1); j++)
        {
            double s = 0;
            for (int i = 0; i < a.GetLength(0); i++) s += policy[i] * a[i, j];
            value = Math.Min(value, s);
        }
        return value;
    }
}
