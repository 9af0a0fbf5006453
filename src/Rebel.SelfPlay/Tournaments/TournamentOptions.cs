namespace Rebel.SelfPlay.Tournaments;

/// <summary>Settings of a <see cref="Tournament"/> run.</summary>
public sealed record TournamentOptions
{
    /// <summary>n, completions per prompt per player (default 1). Sample s of player i meets sample s of player j.</summary>
    public int Samples { get; init; } = 1;

    /// <summary>
    /// The anchor player's name: null plays a full round-robin (every pair i &lt; j); a name plays every other player
    /// against the anchor only, and pins the anchor's Elo rating to <see cref="AnchorRating"/>.
    /// </summary>
    public string? Anchor { get; init; }

    /// <summary>The anchor's Elo rating (or the mean rating without an anchor); default 1000.</summary>
    public double AnchorRating { get; init; } = 1000;

    /// <summary>At most this many judge calls in flight at once (default 4).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Comparisons sent to the judge per call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the players' sampling (a player samples from stream FNV-1a(name) of it,
    /// <c>Rng.DeriveSeed(seed, hash)</c>) and of the bootstrap (stream 1).</summary>
    public ulong Seed { get; init; }

    /// <summary>B, bootstrap resamples of the prompts for the intervals (default 1000; 0 skips the intervals).</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public TournamentOptions Validate()
    {
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "at least 1 sample per prompt");
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "the concurrency must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "the batch size must be at least 1");
        if (BootstrapResamples is < 0 or 1) throw new ArgumentOutOfRangeException(nameof(BootstrapResamples), BootstrapResamples, "0 (no intervals) or at least 2");
        if (!double.IsFinite(AnchorRating)) throw new ArgumentOutOfRangeException(nameof(AnchorRating), AnchorRating, "the anchor rating must be finite");
        return this;
    }
}
