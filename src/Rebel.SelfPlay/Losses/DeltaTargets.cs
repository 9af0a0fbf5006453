namespace Rebel.SelfPlay.Losses;

/// <summary>REBEL's regression targets Δ, one per pair (see <see cref="IterationSignals.Deltas"/>).</summary>
/// <param name="Delta">Δ per pair, shape [P].</param>
public sealed record DeltaTargets(float[] Delta) : ILossTargets<DeltaTargets>
{
    /// <inheritdoc/>
    public static bool NeedsRewards => false;

    /// <inheritdoc/>
    public static DeltaTargets From(IterationSignals signals) => new(signals.Deltas);

    /// <inheritdoc/>
    public DeltaTargets Select(int[] completions, int[] pairs) => new(pairs.Select(p => Delta[p]).ToArray());
}
