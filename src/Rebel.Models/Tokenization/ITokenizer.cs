namespace Rebel.Models.Tokenization;

/// <summary>
/// Turns text into token ids and back. The contract the models layer relies on:
/// <c>Decode(Encode(text)) == text</c> for any text that is valid UTF-16 (lone surrogates come back as U+FFFD),
/// and every id is in <c>[0, VocabSize)</c>.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of rows an embedding table needs: one more than the largest id, special tokens included.</summary>
    int VocabSize { get; }

    /// <summary>Id of the end-of-sequence token (GPT-2: <c>&lt;|endoftext|&gt;</c> = 50256), or null when there is none.</summary>
    int? EosId { get; }

    /// <summary>Special tokens (content → id). They are matched whole in text and never split by BPE.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Encodes <paramref name="text"/>. With <paramref name="allowSpecialTokens"/> true, an occurrence of a special
    /// token's content becomes that token's id; with false, it is encoded as ordinary text.
    /// </summary>
    int[] Encode(string text, bool allowSpecialTokens = true);

    /// <summary>
    /// Decodes <paramref name="ids"/> to text. Byte sequences that are not valid UTF-8 (e.g. a multi-byte character cut
    /// between two ids) become U+FFFD. Throws <see cref="ArgumentOutOfRangeException"/> on an id outside the vocabulary.
    /// </summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>Writes the tokenizer's files into <paramref name="directory"/> (Hugging Face layout), each atomically.</summary>
    void Save(string directory);
}
