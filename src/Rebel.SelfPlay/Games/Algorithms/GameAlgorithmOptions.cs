namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// The knobs of a game algorithm. Each algorithm has one default setting per mode (exact, sampled) that is
/// meant for every game; a command line may override single fields.
/// </summary>
public sealed record GameAlgorithmOptions
{
    /// <summary>η (default 1): the mirror-descent step size, π_{t+1} ∝ π_t·exp(η·r_t); 1/η scales the REBEL loss.</summary>
    public double Eta { get; init; } = 1;

    /// <summary>β (default 0): the prox/magnet strength of rebel-prox and rebel-optimistic (r_t − β(ln π_t − ln π_mag)),
    /// or the reference strength of nash-md (mixture exponent ηβ) and ipo (the 1/β on the target).</summary>
    public double Beta { get; init; }

    /// <summary>M (default 0 = never): the magnet is reset to the current policy, π_mag ← π_t, every M iterations.</summary>
    public int MagnetInterval { get; init; }

    /// <summary>ε (default 0): each magnet reset mixes in the uniform policy, π_mag ← (1 − ε)·π_t + ε/n (in sampled
    /// mode the trainer's magnet mixes in π_ref, uniform unless the run gives one).</summary>
    public double MagnetMixing { get; init; }

    /// <summary>G (default 3): the trainer's epochs per iteration, each one AdamW step on all of the iteration's pairs
    /// (sampled mode only).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>The trainer's AdamW learning rate on the logits (default 0.003; sampled mode only).</summary>
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Returns this instance when every value is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η ≤ 0, β &lt; 0, M &lt; 0, ε ∉ [0, 1], G &lt; 1, a learning rate ≤ 0, or a non-finite
    /// value; the message names the field, its option and its value.</exception>
    public GameAlgorithmOptions Validate()
    {
        if (!(Eta > 0) || double.IsInfinity(Eta))
            throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "η (--eta) must be a positive finite number.");
        if (!(Beta >= 0) || double.IsInfinity(Beta))
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "β (--beta) must be a finite number ≥ 0.");
        if (MagnetInterval < 0)
            throw new ArgumentOutOfRangeException(nameof(MagnetInterval), MagnetInterval, "M (--magnet-interval) must be ≥ 0 (0 = never reset).");
        if (!(MagnetMixing >= 0 && MagnetMixing <= 1))
            throw new ArgumentOutOfRangeException(nameof(MagnetMixing), MagnetMixing, "ε (--magnet-mixing) must be in [0, 1].");
        if (Epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "G (--epochs) must be ≥ 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate (--lr) must be a positive finite number.");
        return this;
    }
}
