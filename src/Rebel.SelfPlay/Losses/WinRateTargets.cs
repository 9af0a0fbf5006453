namespace Rebel.SelfPlay.Losses;

/// <summary>Estimated win rates against π_t, one per completion (see <see cref="IterationSignals.WinRates"/>).</summary>
/// <param name="WinRate">P̂(y_i ≻ π_t) per completion, shape [N].</param>
public sealed record WinRateTargets(float[] WinRate) : ILossTargets<WinRateTargets>
{
    /// <inheritdoc/>
    public static bool NeedsRewards => false;

    /// <inheritdoc/>
    public static WinRateTargets From(IterationSignals signals) => new(signals.WinRates);

    /// <inheritdoc/>
    public WinRateTargets Select(int[] completions, int[] pairs) => new(completions.Select(i => WinRate[i]).ToArray());
}
