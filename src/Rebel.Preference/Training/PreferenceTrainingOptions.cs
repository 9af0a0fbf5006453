using Rebel.Tensors;

namespace Rebel.Preference.Training;

/// <summary>Options of <see cref="PreferenceTrainer"/>.</summary>
public sealed record PreferenceTrainingOptions
{
    /// <summary>Passes over the training records (default 20).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>B, comparisons per minibatch (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>η, the AdamW learning rate (default 3e-3, constant).</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>λ, AdamW's decoupled weight decay (default 0).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Global gradient-norm clip; 0 disables (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// The run's seed (default 0): the minibatch order draws from a generator seeded with it, and
    /// <see cref="PreferenceFit"/> initializes a fresh model from its own stream of it, <see cref="InitializationSeed"/>.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The stream of <see cref="Seed"/> that <see cref="PreferenceFit"/> draws a fresh model's initial weights from
    /// (docs/randomness.md), so that the initializer and the minibatch order never draw the same sequence.
    /// </summary>
    public const ulong InitializationStream = 1;

    /// <summary>The seed a fresh model fitted with these options is initialized with: <c>Rng.DeriveSeed(Seed, InitializationStream)</c>.</summary>
    public ulong InitializationSeed() => Rng.DeriveSeed(Seed, InitializationStream);

    /// <summary>Checks the values together; returns this.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range; the message gives it.</exception>
    public PreferenceTrainingOptions Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "η (LearningRate) must be positive and finite.");
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay)))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "λ (WeightDecay) must be ≥ 0 and finite.");
        if (!(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm)))
            throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "MaxGradNorm must be ≥ 0 and finite.");
        return this;
    }
}
