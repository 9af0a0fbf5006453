namespace Rebel.Preference.Tournaments;

/// <summary>
/// Majority structure of a tournament: i beats j when W_ij &gt; ½ (strictly; an exact ½ is a tie, no edge).
/// A Condorcet winner beats every other player; a Condorcet 3-cycle is i ≻ j ≻ k ≻ i.
/// </summary>
/// <param name="Winner">The Condorcet winner's index, or null when none exists.</param>
/// <param name="CycleCount">The number of distinct 3-cycles (each counted once, whatever its starting player).</param>
/// <param name="Cycles">Up to the requested cap of 3-cycles, each starting at its smallest index, in lexicographic order.</param>
public sealed record CondorcetAnalysis(int? Winner, int CycleCount, IReadOnlyList<CondorcetCycle> Cycles)
{
    /// <summary>Analyses tournament results (unplayed pairs count as ties).</summary>
    public static CondorcetAnalysis Analyze(PairwiseResults results, int maxListedCycles = 100)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Analyze(results.WinRates(unplayed: 0.5), maxListedCycles);
    }

    /// <summary>Analyses a square win-rate matrix W; lists at most <paramref name="maxListedCycles"/> cycles (O(n³) time).</summary>
    /// <exception cref="ArgumentException">W is empty or not square; the cap is negative.</exception>
    public static CondorcetAnalysis Analyze(double[,] winRates, int maxListedCycles = 100)
    {
        ArgumentNullException.ThrowIfNull(winRates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxListedCycles);
        int n = winRates.GetLength(0);
        if (n == 0 || winRates.GetLength(1) != n)
            throw new ArgumentException($"a win-rate matrix must be square and non-empty, got {n}×{winRates.GetLength(1)}", nameof(winRates));
        bool Beats(int i, int j) => winRates[i, j] > 0.5;

        int? winner = null;
        for (int i = 0; i < n && winner is null; i++)
        {
            bool all = true;
            for (int j = 0; j < n && all; j++) all = i == j || Beats(i, j);
            if (all) winner = i;
        }

        var cycles = new List<CondorcetCycle>();
        int count = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                for (int k = i + 1; k < n; k++)
                {
                    if (k == j || !Beats(i, j) || !Beats(j, k) || !Beats(k, i)) continue;
                    count++; // i is the smallest index, so each cycle is met exactly once
                    if (cycles.Count < maxListedCycles) cycles.Add(new CondorcetCycle(i, j, k));
                }
        return new CondorcetAnalysis(winner, count, cycles);
    }
}
