namespace Rebel.Preference.Models;

/// <summary>Settings of a <see cref="TransformerCompletionEncoder"/>.</summary>
public sealed record TransformerCompletionEncoderOptions
{
    /// <summary>How the hidden states become one vector (default <see cref="TokenPooling.LastToken"/>).</summary>
    public TokenPooling Pooling { get; init; } = TokenPooling.LastToken;

    /// <summary>
    /// Most tokens fed per item; longer prompt + completion sequences keep their last tokens (the completion's end).
    /// 0 (the default) means the backbone's context length.
    /// </summary>
    public int MaxTokens { get; init; }

    /// <summary>Append the tokenizer's EOS id after the completion (default true), so the last token marks "end of answer".</summary>
    public bool AppendEos { get; init; } = true;

    /// <summary>Checks the values; returns this.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <see cref="MaxTokens"/> or an undefined pooling.</exception>
    public TransformerCompletionEncoderOptions Validate()
    {
        if (MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must be ≥ 0 (0 = the context length).");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Pooling must be LastToken or Mean.");
        return this;
    }
}
