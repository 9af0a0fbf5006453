namespace Rebel.Preference.Tournaments;

/// <summary>
/// Classic online Elo over a sequence of games, for comparison with the order-free Bradley–Terry fit.
/// </summary>
/// <remarks>
/// For a game between i and j with score S ∈ [0, 1] for i: the expected score is
/// E = 1 / (1 + 10^{(R_j − R_i)/400}), then R_i ← R_i + K(S − E) and R_j ← R_j − K(S − E).
/// The result depends on the order of the games (unlike Bradley–Terry); the sum of ratings is conserved.
/// </remarks>
public static class OnlineElo
{
    /// <summary>Ratings of <paramref name="count"/> players after playing <paramref name="games"/> in order.</summary>
    /// <exception cref="ArgumentException">A game names a player out of range, a player against itself, or a score outside [0, 1].</exception>
    public static double[] Run(int count, IEnumerable<GameOutcome> games, OnlineEloOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(games);
        options = (options ?? new OnlineEloOptions()).Validate();
        var rating = Enumerable.Repeat(options.InitialRating, count).ToArray();
        int k = 0;
        foreach (var g in games)
        {
            PairwiseResults.Check(g, count, k++);
            double expected = 1.0 / (1.0 + Math.Pow(10.0, (rating[g.Second] - rating[g.First]) / 400.0)); // E
            double delta = options.K * (g.Score - expected);                                               // K(S − E)
            rating[g.First] += delta;
            rating[g.Second] -= delta;
        }
        return rating;
    }
}
