namespace Rebel.Models.Tokenization;

/// <summary>Settings of <see cref="BpeTrainer"/>. Immutable; <see cref="Validate"/> checks them together.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>
    /// Target vocabulary size V = 256 byte tokens + learned merges + special tokens. Training stops earlier (a smaller
    /// vocabulary) when no adjacent pair occurs at least <see cref="MinFrequency"/> times. Required; ≥ 256 + specials.
    /// </summary>
    public required int VocabSize { get; init; }

    /// <summary>Special tokens, given the last ids in this order (as GPT-2's <c>&lt;|endoftext|&gt;</c> = 50256).
    /// Default: <c>["&lt;|endoftext|&gt;"]</c>. Their occurrences in the corpus are not learned from.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = ["<|endoftext|>"];

    /// <summary>The end-of-sequence token, one of <see cref="SpecialTokens"/>, or null. Default <c>&lt;|endoftext|&gt;</c>.</summary>
    public string? EosToken { get; init; } = "<|endoftext|>";

    /// <summary>A pair is merged only if it occurs at least this many times in the corpus. Default 2; ≥ 1.</summary>
    public int MinFrequency { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting and its value when they are inconsistent.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(SpecialTokens);
        if (SpecialTokens.Any(string.IsNullOrEmpty))
            throw new ArgumentException("SpecialTokens must not hold an empty token.", nameof(SpecialTokens));
        if (SpecialTokens.Distinct(StringComparer.Ordinal).Count() != SpecialTokens.Count)
            throw new ArgumentException("SpecialTokens holds a token twice.", nameof(SpecialTokens));
        int minimum = 256 + SpecialTokens.Count;
        if (VocabSize < minimum)
            throw new ArgumentException(
                $"VocabSize {VocabSize} is below 256 byte tokens + {SpecialTokens.Count} special tokens = {minimum}.", nameof(VocabSize));
        if (MinFrequency < 1)
            throw new ArgumentException($"MinFrequency must be ≥ 1, got {MinFrequency}.", nameof(MinFrequency));
        if (EosToken is not null && !SpecialTokens.Contains(EosToken, StringComparer.Ordinal))
            throw new ArgumentException($"EosToken \"{EosToken}\" is not one of SpecialTokens.", nameof(EosToken));
    }
}
