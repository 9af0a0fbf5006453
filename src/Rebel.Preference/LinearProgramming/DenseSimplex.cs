using System.Numerics.Tensors;

namespace Rebel.Preference.LinearProgramming;

/// <summary>
/// A dense tableau simplex for linear programs whose origin is feasible:
/// maximize cᵀy subject to A y ≤ b, y ≥ 0, with b ≥ 0 (so the slack basis starts feasible and no phase 1 is needed).
/// </summary>
/// <remarks>
/// Entering column: most negative reduced cost (Dantzig), except inside a run of more than a few consecutive
/// degenerate pivots, where Bland's rule (smallest index) is used until a pivot moves the objective. Cycling can
/// only happen within degenerate pivots and Bland's rule cannot cycle, so every run ends; between runs the
/// objective strictly increases, so no basis repeats and the method terminates. Leaving row: minimum ratio, ties broken
/// by the smallest basic-variable index (Bland). At the optimum the objective row under slack i holds the dual
/// value x_i of constraint i, so the dual program (minimize bᵀx, Aᵀx ≥ c, x ≥ 0) is solved too.
/// Meant for well-scaled data (entries of order 1); tolerances are absolute.
/// </remarks>
internal static class DenseSimplex
{
    private const double PivotTolerance = 1e-12;

    /// <summary>Consecutive degenerate pivots after which Bland's rule takes over until the objective moves again.</summary>
    private const int DegenerateRunBeforeBland = 8;

    /// <summary>An optimal primal/dual pair and the optimal objective cᵀy = bᵀx.</summary>
    internal sealed record Result(double[] Primal, double[] Dual, double Objective, int Pivots);

    /// <summary>Solves max cᵀy s.t. A y ≤ b, y ≥ 0 (b ≥ 0). Throws when the program is unbounded.</summary>
    internal static Result Maximize(double[,] a, double[] b, double[] c)
    {
        int m = a.GetLength(0), n = a.GetLength(1);
        if (b.Length != m || c.Length != n)
            throw new ArgumentException($"shapes do not match: A is {m}×{n}, b has {b.Length}, c has {c.Length}");
        for (int i = 0; i < m; i++)
            if (!(b[i] >= 0)) throw new ArgumentException($"b[{i}] = {b[i]} must be ≥ 0 (the origin must be feasible)");

        int cols = n + m + 1, rhs = n + m;
        // tableau: rows 0..m−1 are constraints [A | I | b], row m is the objective [−c | 0 | z]   (m+1, n+m+1)
        var t = new double[(m + 1) * cols];
        var basis = new int[m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) t[i * cols + j] = a[i, j];
            t[i * cols + n + i] = 1.0;
            t[i * cols + rhs] = b[i];
            basis[i] = n + i;
        }
        for (int j = 0; j < n; j++) t[m * cols + j] = -c[j];

        int degenerateRun = 0, pivots = 0, maxPivots = 100 * (m + n) + 1000;
        while (true)
        {
            // Bland's rule inside a long run of degenerate pivots (where cycling could happen), Dantzig otherwise
            int enter = ChooseEntering(t, m, cols, rhs, bland: degenerateRun >= DegenerateRunBeforeBland);
            if (enter < 0) break;
            int leave = ChooseLeaving(t, m, cols, rhs, enter, basis);
            if (leave < 0) throw new InvalidOperationException($"the linear program is unbounded (column {enter})");
            degenerateRun = t[leave * cols + rhs] <= PivotTolerance ? degenerateRun + 1 : 0;
            Pivot(t, m, cols, leave, enter);
            basis[leave] = enter;
            if (++pivots > maxPivots)
                throw new InvalidOperationException($"simplex did not terminate within {maxPivots} pivots ({m}×{n})");
        }

        var primal = new double[n];
        for (int i = 0; i < m; i++)
            if (basis[i] < n) primal[basis[i]] = t[i * cols + rhs];
        var dual = new double[m];
        for (int i = 0; i < m; i++) dual[i] = t[m * cols + n + i];
        return new Result(primal, dual, t[m * cols + rhs], pivots);
    }

    private static int ChooseEntering(double[] t, int m, int cols, int rhs, bool bland)
    {
        int best = -1;
        double bestValue = -PivotTolerance;
        for (int j = 0; j < rhs; j++)
        {
            double r = t[m * cols + j];
            if (r >= -PivotTolerance) continue;
            if (bland) return j;
            if (r < bestValue) { bestValue = r; best = j; }
        }
        return best;
    }

    private static int ChooseLeaving(double[] t, int m, int cols, int rhs, int enter, int[] basis)
    {
        int best = -1;
        double bestRatio = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            double aie = t[i * cols + enter];
            if (aie <= PivotTolerance) continue;
            double ratio = t[i * cols + rhs] / aie;
            if (ratio < bestRatio - 1e-14 || (ratio <= bestRatio + 1e-14 && best >= 0 && basis[i] < basis[best]))
            {
                if (ratio < bestRatio) bestRatio = ratio;
                best = i;
            }
        }
        return best;
    }

    private static void Pivot(double[] t, int m, int cols, int row, int col)
    {
        var pr = t.AsSpan(row * cols, cols);
        TensorPrimitives.Multiply(pr, 1.0 / pr[col], pr);
        pr[col] = 1.0;
        for (int i = 0; i <= m; i++)
        {
            if (i == row) continue;
            var ri = t.AsSpan(i * cols, cols);
            double f = ri[col];
            if (f == 0.0) continue;
            TensorPrimitives.MultiplyAdd(pr, -f, ri, ri); // row_i ← row_i − f · pivot row
            ri[col] = 0.0;
        }
    }
}
