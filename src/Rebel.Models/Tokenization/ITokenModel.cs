namespace Rebel.Models.Tokenization;

/// <summary>
/// The model half of a tokenizer: what encodes one stretch of text that holds no added token (Hugging Face's
/// normalizer + pre-tokenizer + model) and decodes token strings back (its decoder). <see cref="HuggingFaceTokenizer"/>
/// does the rest: added tokens, the post-processor's BOS/EOS, offsets.
/// </summary>
internal interface ITokenModel
{
    /// <summary>One more than the largest id of the model's vocabulary.</summary>
    int VocabSize { get; }

    /// <summary>Normalizes one stretch of text; <paramref name="atTextStart"/>: it begins the whole text.</summary>
    NormalizedText Normalize(string section, bool atTextStart);

    /// <summary>Appends the ids of a normalized stretch.</summary>
    void Encode(string normalized, List<int> ids);

    /// <summary>How many UTF-8 bytes of the normalized text token <paramref name="id"/> stands for (for offsets).</summary>
    int CoveredByteCount(int id);

    /// <summary>The vocabulary string of <paramref name="id"/>, or null when the model has no such id.</summary>
    string? TokenString(int id);

    /// <summary>Decodes token strings; <paramref name="added"/> marks those of added tokens (passed through as text).</summary>
    string Decode(IReadOnlyList<string> tokens, IReadOnlyList<bool> added);
}
