namespace Rebel.Preference.Statistics;

/// <summary>A point estimate with a confidence interval [Lower, Upper].</summary>
/// <param name="Estimate">The statistic on the full sample.</param>
/// <param name="Lower">Lower bound (the α/2 percentile of the bootstrap distribution).</param>
/// <param name="Upper">Upper bound (the 1 − α/2 percentile).</param>
public sealed record ConfidenceInterval(double Estimate, double Lower, double Upper)
{
    /// <summary>Whether <paramref name="value"/> lies in [Lower, Upper].</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}
