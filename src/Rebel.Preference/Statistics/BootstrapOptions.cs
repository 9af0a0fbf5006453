namespace Rebel.Preference.Statistics;

/// <summary>Settings of a nonparametric bootstrap.</summary>
public sealed record BootstrapOptions
{
    /// <summary>B, the number of resamples (default 1000; at least 2).</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>1 − α, the coverage of the percentile interval (default 0.95; strictly between 0 and 1).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Seed of the resampling generator (<c>Rebel.Tensors.Rng</c>); equal seeds give equal intervals.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public BootstrapOptions Validate()
    {
        if (Resamples < 2) throw new ArgumentOutOfRangeException(nameof(Resamples), Resamples, "the bootstrap needs at least 2 resamples");
        if (!(Confidence > 0 && Confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence level must lie strictly between 0 and 1");
        return this;
    }
}
