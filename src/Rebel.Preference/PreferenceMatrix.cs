using System.Globalization;

namespace Rebel.Preference;

/// <summary>
/// A pairwise preference over a finite set of actions: P_ij = P(i ≻ j), with P + Pᵀ = 1 (so the diagonal is ½).
/// It need not be transitive: rock-paper-scissors is the matrix with P_ij = 1 where i beats j.
/// </summary>
/// <remarks>
/// A policy π is a probability vector over the actions. The win rate of action i against π is
/// (P π)_i = P(i ≻ π) = Σ_j P_ij π_j, and the exploitability of π is max_j P(j ≻ π) − ½, which is ≥ 0 and zero
/// exactly at a minimax (von Neumann) winner (see <see cref="MinimaxWinner"/>).
/// The matrix is immutable; the constructor copies its input.
/// </remarks>
public sealed class PreferenceMatrix
{
    /// <summary>Tolerance of the skew-symmetry check |P_ij + P_ji − 1| ≤ 1e-9.</summary>
    public const double SkewTolerance = 1e-9;

    /// <summary>Tolerance on Σ_i π_i = 1 when a policy is passed in.</summary>
    public const double PolicySumTolerance = 1e-6;

    private readonly double[,] _p;

    /// <summary>Validates and copies a preference matrix.</summary>
    /// <param name="p">P_ij = P(i ≻ j): square, every entry in [0, 1], |P_ij + P_ji − 1| ≤ 1e-9 (diagonal ½).</param>
    /// <param name="actions">Action names, one per row, distinct and non-empty; default "a0", "a1", ….</param>
    /// <exception cref="ArgumentException">The matrix is empty, not square, has an entry outside [0, 1] (or NaN),
    /// violates P + Pᵀ = 1, or the names do not fit; the message names (i, j) and the values.</exception>
    public PreferenceMatrix(double[,] p, IReadOnlyList<string>? actions = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        int n = p.GetLength(0);
        if (n == 0 || p.GetLength(1) == 0)
            throw new ArgumentException($"a preference matrix needs at least one action, got {n}×{p.GetLength(1)}", nameof(p));
        if (p.GetLength(1) != n)
            throw new ArgumentException($"a preference matrix must be square, got {n}×{p.GetLength(1)}", nameof(p));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = p[i, j];
                if (!(v >= 0.0 && v <= 1.0))
                    throw new ArgumentException($"P[{i},{j}] = {Format(v)} is not a probability in [0, 1]", nameof(p));
            }
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double sum = p[i, j] + p[j, i];
                if (Math.Abs(sum - 1.0) > SkewTolerance)
                    throw new ArgumentException(i == j
                        ? $"P[{i},{i}] = {Format(p[i, i])} but the diagonal must be 1/2 (P + Pᵀ = 1)"
                        : $"P[{i},{j}] + P[{j},{i}] = {Format(p[i, j])} + {Format(p[j, i])} = {Format(sum)}, expected 1 (P + Pᵀ = 1 within {SkewTolerance:g})",
                        nameof(p));
            }
        _p = (double[,])p.Clone();
        Actions = ValidateActions(actions, n);
    }

    /// <summary>The number of actions n.</summary>
    public int Count => _p.GetLength(0);

    /// <summary>The action names, in row order.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>P(i ≻ j).</summary>
    public double this[int i, int j] => _p[i, j];

    /// <summary>A copy of the matrix as a 2-D array.</summary>
    public double[,] ToArray() => (double[,])_p.Clone();

    /// <summary>The index of the action named <paramref name="action"/>.</summary>
    /// <exception cref="KeyNotFoundException">No action has that name; the message lists the known ones.</exception>
    public int IndexOf(string action)
    {
        for (int i = 0; i < Actions.Count; i++)
            if (Actions[i] == action) return i;
        throw new KeyNotFoundException($"unknown action \"{action}\"; the actions are {string.Join(", ", Actions.Select(a => $"\"{a}\""))}");
    }

    /// <summary>Win rate of each action against the mixture π: (P π)_i = P(i ≻ π) = Σ_j P_ij π_j.</summary>
    /// <exception cref="ArgumentException">π has the wrong length, a negative or NaN entry, or does not sum to 1
    /// within <see cref="PolicySumTolerance"/>.</exception>
    public double[] WinRates(ReadOnlySpan<double> policy)
    {
        ValidatePolicy(policy);
        int n = Count;
        var rates = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += _p[i, j] * policy[j];
            rates[i] = s;
        }
        return rates;
    }

    /// <summary>
    /// Exploitability of π: max_j P(j ≻ π) − ½ = max_j (P π)_j − ½. It is ≥ 0 for every π (because
    /// πᵀ P π = ½) and zero exactly when π is a minimax winner. Rounding can make it −1e-16 or so; it is clamped at 0.
    /// </summary>
    public double Exploitability(ReadOnlySpan<double> policy)
    {
        var rates = WinRates(policy);
        return Math.Max(0.0, rates.Max() - 0.5);
    }

    private void ValidatePolicy(ReadOnlySpan<double> policy)
    {
        if (policy.Length != Count)
            throw new ArgumentException($"policy has {policy.Length} entries but the matrix has {Count} actions", nameof(policy));
        double sum = 0;
        for (int i = 0; i < policy.Length; i++)
        {
            if (!(policy[i] >= 0.0))
                throw new ArgumentException($"policy[{i}] = {Format(policy[i])} is not a non-negative probability", nameof(policy));
            sum += policy[i];
        }
        if (Math.Abs(sum - 1.0) > PolicySumTolerance)
            throw new ArgumentException($"policy sums to {Format(sum)}, expected 1 within {PolicySumTolerance:g}", nameof(policy));
    }

    private static string[] ValidateActions(IReadOnlyList<string>? actions, int n)
    {
        if (actions is null) return Enumerable.Range(0, n).Select(i => "a" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (actions.Count != n)
            throw new ArgumentException($"{actions.Count} action names for a {n}×{n} matrix", nameof(actions));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            if (string.IsNullOrEmpty(actions[i]))
                throw new ArgumentException($"action name {i} is empty", nameof(actions));
            if (!seen.Add(actions[i]))
                throw new ArgumentException($"action name \"{actions[i]}\" appears twice", nameof(actions));
        }
        return actions.ToArray();
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
