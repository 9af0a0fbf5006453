namespace Rebel.SelfPlay.Evaluation;

/// <summary>Settings of a <see cref="WinRateEvaluator"/> run. Immutable; <see cref="Validate"/> checks them together.</summary>
public sealed record WinRateOptions
{
    /// <summary>n, completions per prompt from each side (default 1). Sample s of the policy meets sample s of the reference.</summary>
    public int Samples { get; init; } = 1;

    /// <summary>
    /// Seed of the sampling (the policy draws from a generator seeded with a mix of this seed and 1, the reference
    /// with a mix of it and 2, so the two never share a stream) and of the bootstrap. Default 0.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Sampling temperature T of policies given as <see cref="Policies.IPolicy"/> (default 1).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>At most this many new tokens per sampled completion (default 64).</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>B, bootstrap resamples of the prompts for the win rate's interval (default 1000; 0 skips the interval).</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>1 − α, the coverage of the interval (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Comparisons sent to the judge per call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>At most this many judge calls in flight at once (default 4).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value; returns this.</summary>
    public WinRateOptions Validate()
    {
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "at least 1 sample per prompt");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "the temperature must be a positive number");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "at least 1 new token");
        if (BootstrapResamples is < 0 or 1) throw new ArgumentOutOfRangeException(nameof(BootstrapResamples), BootstrapResamples, "0 (no interval) or at least 2");
        if (!(Confidence > 0 && Confidence < 1)) throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence level must lie strictly between 0 and 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "the batch size must be at least 1");
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "the concurrency must be at least 1");
        return this;
    }
}
