namespace Rebel.SelfPlay.Losses;

/// <summary>
/// What one iteration's judge or reward said, in every form a loss's targets are built from: N completions in groups
/// (the K samples of one prompt, or the two sides of an offline pair), P pairs (y, y′) over them, and per pair or per
/// completion the values below. The trainer builds it once per iteration, after judging; nothing changes it afterwards.
/// </summary>
public sealed record IterationSignals
{
    /// <summary>Number of completions N.</summary>
    public required int Count { get; init; }

    /// <summary>Index of each pair's first completion y (into the N completions), shape [P].</summary>
    public required int[] PairA { get; init; }

    /// <summary>Index of each pair's second completion y′, shape [P].</summary>
    public required int[] PairB { get; init; }

    /// <summary>Completion indices of each group; every completion is in exactly one group.</summary>
    public required IReadOnlyList<int[]> Groups { get; init; }

    /// <summary>
    /// REBEL's regression target per pair, shape [P]: Δ = l − ½ − β·[(ln π_t/π_anchor)(y) − (ln π_t/π_anchor)(y′)] in
    /// preference mode, Δ = r̃(y) − r̃(y′) in reward mode.
    /// </summary>
    public required float[] Deltas { get; init; }

    /// <summary>l(x, y, y′) = P(y ≻ y′ | x) per pair, shape [P]: the judge's (end-of-sequence rule applied), or σ(r(y) − r(y′)) from the raw reward.</summary>
    public required float[] Preferences { get; init; }

    /// <summary>P̂(y_i ≻ π_t | x_i) per completion, shape [N]: the mean win probability over the pairs it is in (½ in none).</summary>
    public required float[] WinRates { get; init; }

    /// <summary>The penalized rewards r̃_i = r_i − β·(ln π_t − ln π_anchor)(y_i) per completion, shape [N]; null in preference mode.</summary>
    public float[]? Rewards { get; init; }
}
