namespace Rebel.SelfPlay.Losses;

/// <summary>Preference labels l = P(y ≻ y′), one per pair (see <see cref="IterationSignals.Preferences"/>).</summary>
/// <param name="Preference">l per pair, shape [P]; hard labels are 0, ½ or 1.</param>
public sealed record PreferenceTargets(float[] Preference) : ILossTargets<PreferenceTargets>
{
    /// <inheritdoc/>
    public static bool NeedsRewards => false;

    /// <inheritdoc/>
    public static PreferenceTargets From(IterationSignals signals) => new(signals.Preferences);

    /// <inheritdoc/>
    public PreferenceTargets Select(int[] completions, int[] pairs) => new(pairs.Select(p => Preference[p]).ToArray());
}
