namespace Rebel.Preference.Models;

/// <summary>Sizes of a <see cref="HashedFeatureEncoder"/>.</summary>
public sealed record HashedFeatureEncoderOptions
{
    /// <summary>F, the number of hash buckets of the sparse input features (default 2048).</summary>
    public int Buckets { get; init; } = 2048;

    /// <summary>D, the width of the hidden layer and of the encoded vector (default 64).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Weight of the prompt's features relative to the completion's (default 0.5; 0 ignores the prompt).</summary>
    public double PromptWeight { get; init; } = 0.5;

    /// <summary>Checks the values; returns this.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Buckets or Hidden below 1, or a negative or non-finite prompt weight.</exception>
    public HashedFeatureEncoderOptions Validate()
    {
        if (Buckets < 1) throw new ArgumentOutOfRangeException(nameof(Buckets), Buckets, "Buckets must be at least 1.");
        if (Hidden < 1) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "Hidden must be at least 1.");
        if (!(PromptWeight >= 0 && double.IsFinite(PromptWeight)))
            throw new ArgumentOutOfRangeException(nameof(PromptWeight), PromptWeight, "PromptWeight must be a finite number ≥ 0.");
        return this;
    }
}
