using Rebel.Preference.Statistics;

namespace Rebel.Preference.Tournaments;

/// <summary>
/// Everything a tournament report needs from its results, with 95% bootstrap intervals that resample prompts:
/// the win-rate matrix, Bradley–Terry ratings (Elo-scaled, anchored), the maximal lottery with Nash-averaged
/// scores, and the Condorcet structure. Matrices are jagged arrays (row player first) so they serialise as JSON.
/// </summary>
/// <param name="Players">Player names, in index order.</param>
/// <param name="Games">n_ij, games played between i and j (summed over prompts).</param>
/// <param name="WinRates">W_ij = w_ij / n_ij (ties ½); NaN for a pair that never played; ½ on the diagonal.</param>
/// <param name="WinRateIntervals">Percentile intervals of W_ij (null without bootstrap).</param>
/// <param name="Ratings">Bradley–Terry fit on the summed results.</param>
/// <param name="Elo">R_i = (400/ln 10)(θ_i − θ_anchor) + anchor rating.</param>
/// <param name="EloIntervals">Percentile intervals of R_i (null without bootstrap).</param>
/// <param name="Lottery">The maximal lottery and Nash-averaged scores (unplayed pairs counted as ties).</param>
/// <param name="LotteryIntervals">Percentile intervals of the lottery weights (null without bootstrap).</param>
/// <param name="Condorcet">Condorcet winner and 3-cycles of the summed win rates.</param>
public sealed record TournamentAnalysis(
    IReadOnlyList<string> Players,
    double[][] Games,
    double[][] WinRates,
    ConfidenceInterval[][]? WinRateIntervals,
    BradleyTerryRatings Ratings,
    double[] Elo,
    ConfidenceInterval[]? EloIntervals,
    MaximalLottery Lottery,
    ConfidenceInterval[]? LotteryIntervals,
    CondorcetAnalysis Condorcet)
{
    /// <summary>
    /// Analyses per-prompt results (one <see cref="PairwiseResults"/> per prompt, all over the same players).
    /// Point estimates use the sum over prompts; intervals resample prompts with replacement (a prompt's games stay
    /// together) and recompute win rates, ratings and lottery on each resample.
    /// </summary>
    /// <exception cref="ArgumentException">No prompts, prompts over different player sets, or a bad anchor.</exception>
    public static TournamentAnalysis Compute(IReadOnlyList<PairwiseResults> perPrompt, TournamentAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(perPrompt);
        options = (options ?? new TournamentAnalysisOptions()).Validate();
        if (perPrompt.Count == 0) throw new ArgumentException("a tournament analysis needs at least one prompt", nameof(perPrompt));
        var total = PairwiseResults.Sum(perPrompt);
        int n = total.Count;
        if (options.Anchor is int a && (uint)a >= (uint)n)
            throw new ArgumentException($"anchor {a} is not a player index in [0, {n})", nameof(options));

        var ratings = BradleyTerry.Fit(total, options.BradleyTerry);
        var lottery = MaximalLottery.Compute(total);
        var analysis = new TournamentAnalysis(
            total.Players,
            Jagged(n, (i, j) => total.Games(i, j)),
            Jagged(n, total.WinRate),
            null,
            ratings,
            ratings.Elo(options.Anchor, options.AnchorRating),
            null,
            lottery,
            null,
            CondorcetAnalysis.Analyze(total, options.MaxListedCycles));
        if (options.Bootstrap is null) return analysis;

        // one statistic vector per resample: [W (n²) | Elo (n) | lottery (n)]
        double[] Statistic(IReadOnlyList<PairwiseResults> sample)
        {
            var sum = PairwiseResults.Sum(sample);
            var v = new double[n * n + 2 * n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) v[i * n + j] = sum.WinRate(i, j);
            BradleyTerry.Fit(sum, options.BradleyTerry).Elo(options.Anchor, options.AnchorRating).CopyTo(v, n * n);
            MaximalLottery.Compute(sum).Weights.CopyTo(v, n * n + n);
            return v;
        }
        var ci = Bootstrap.PercentileIntervals(perPrompt, Statistic, options.Bootstrap);
        return analysis with
        {
            WinRateIntervals = Enumerable.Range(0, n).Select(i => ci.AsSpan(i * n, n).ToArray()).ToArray(),
            EloIntervals = ci.AsSpan(n * n, n).ToArray(),
            LotteryIntervals = ci.AsSpan(n * n + n, n).ToArray(),
        };
    }

    private static double[][] Jagged(int n, Func<int, int, double> entry) =>
        Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => entry(i, j)).ToArray()).ToArray();
}
