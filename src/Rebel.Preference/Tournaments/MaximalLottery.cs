namespace Rebel.Preference.Tournaments;

/// <summary>
/// The maximal lottery of a tournament — the minimax-winner mixture of players no single player beats on
/// average — and each player's Nash-averaged score against it.
/// </summary>
/// <remarks>
/// Computed as the row player's maximin strategy (<see cref="MinimaxWinner.Solve(double[,])"/>) of the margin
/// matrix M = W − Wᵀ, where W is the empirical win-rate matrix (ties ½; never-played pairs ½, i.e. margin 0):
/// π* = argmax_π min_j (πᵀM)_j, whose value is 0 because M is skew-symmetric. When W + Wᵀ = 1 (every played
/// pair), M = 2W − 11ᵀ, so this is the same maximin strategy as that of W itself (value ½); using M keeps the
/// definition (Fishburn's majority margins) independent of that identity.
/// The Nash-averaged score of player i is its expected win rate against the lottery, s_i = Σ_j W_ij π*_j:
/// s_i = ½ for every player in the lottery's support and s_i ≤ ½ for all (up to rounding).
/// When the maximin strategy is not unique (ties in the margins) one optimal vertex is reported.
/// </remarks>
/// <param name="Players">Player names, in index order.</param>
/// <param name="Weights">π*, the lottery's probability per player.</param>
/// <param name="NashAveragedScores">s_i = Σ_j W_ij π*_j.</param>
public sealed record MaximalLottery(IReadOnlyList<string> Players, double[] Weights, double[] NashAveragedScores)
{
    /// <summary>The maximal lottery of tournament results (unplayed pairs count as ties).</summary>
    public static MaximalLottery Compute(PairwiseResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Compute(results.WinRates(unplayed: 0.5), results.Players);
    }

    /// <summary>The maximal lottery of a win-rate matrix W (square, entries in [0, 1], ideally W + Wᵀ = 1).</summary>
    /// <exception cref="ArgumentException">W is empty, not square, or has an entry outside [0, 1] (named by (i, j)).</exception>
    public static MaximalLottery Compute(double[,] winRates, IReadOnlyList<string>? players = null)
    {
        ArgumentNullException.ThrowIfNull(winRates);
        int n = winRates.GetLength(0);
        if (n == 0 || winRates.GetLength(1) != n)
            throw new ArgumentException($"a win-rate matrix must be square and non-empty, got {n}×{winRates.GetLength(1)}", nameof(winRates));
        if (players is not null && players.Count != n)
            throw new ArgumentException($"{players.Count} player names for {n} players", nameof(players));
        var margin = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (!(winRates[i, j] >= 0 && winRates[i, j] <= 1))
                    throw new ArgumentException($"winRates[{i},{j}] = {winRates[i, j]} is not a rate in [0, 1]", nameof(winRates));
                margin[i, j] = winRates[i, j] - winRates[j, i]; // M = W − Wᵀ
            }
        var weights = MinimaxWinner.Solve(margin).Policy;
        var scores = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) scores[i] += winRates[i, j] * weights[j]; // s_i = Σ_j W_ij π*_j
        var names = players ?? Enumerable.Range(0, n).Select(i => $"p{i}").ToArray();
        return new MaximalLottery(names, weights, scores);
    }
}
