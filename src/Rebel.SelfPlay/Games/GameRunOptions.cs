namespace Rebel.SelfPlay.Games;

/// <summary>How long and in which mode a game run goes.</summary>
public sealed record GameRunOptions
{
    /// <summary>T (default 1000): the number of updates.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>S (default null = exact mode): pairs sampled per iteration in sampled mode.</summary>
    public int? Samples { get; init; }

    /// <summary>The seed (default 0): π_0's logits come from its stream 1 and sampled mode's trainer is seeded with its stream 2
    /// (<c>Rng.DeriveSeed(seed, k)</c>).</summary>
    public int Seed { get; init; }

    /// <summary>Log every this many iterations (default 0 = about 200 entries per run). Iteration 0 and the
    /// last iteration are always logged.</summary>
    public int LogEvery { get; init; }

    /// <summary>σ (default 1): π_0 has logits θ_0(a) ~ N(0, σ²) from the seed; 0 starts from the uniform policy
    /// (which already is the minimax winner of symmetric games such as rock-paper-scissors).</summary>
    public double InitialScale { get; init; } = 1;

    /// <summary>π_ref, the anchor of nash-md and ipo, and in sampled mode also where the trainer's magnet starts and what it
    /// mixes in (default uniform; see <see cref="GameReference"/>).</summary>
    public GameReference Reference { get; init; } = GameReference.Uniform;

    /// <summary>Sampled mode only: the trainer's run directory (its <c>metrics.jsonl</c> and final checkpoint), which must
    /// not hold a checkpoint yet. Null (default): a temporary folder, deleted when the run ends.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>True when <see cref="Samples"/> is set.</summary>
    public bool IsSampled => Samples.HasValue;

    /// <summary>The logging interval actually used: <see cref="LogEvery"/>, or max(1, T / 200).</summary>
    public int EffectiveLogEvery => LogEvery > 0 ? LogEvery : Math.Max(1, Iterations / 200);

    /// <summary>Returns this instance when every value is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">T &lt; 0, S &lt; 1, a negative log interval, or σ &lt; 0 / not finite.</exception>
    public GameRunOptions Validate()
    {
        if (Iterations < 0) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "--iterations must be ≥ 0.");
        if (Samples is < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "--samples must be ≥ 1.");
        if (LogEvery < 0) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, "--log-every must be ≥ 0.");
        if (!(InitialScale >= 0) || double.IsInfinity(InitialScale))
            throw new ArgumentOutOfRangeException(nameof(InitialScale), InitialScale, "--init-scale must be a finite number ≥ 0.");
        return this;
    }
}
