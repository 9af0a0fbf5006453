namespace Rebel.Models.Tokenization;

/// <summary>
/// Turns text into token ids and back, as Hugging Face's tokenizer for the same files does. The contract the models
/// layer relies on: every id is in <c>[0, VocabSize)</c>, and <c>Decode(Encode(text)) == text</c> for valid UTF-16 text
/// that the tokenizer's normalizer leaves unchanged (Qwen's NFC composes decomposed accents; lone surrogates come
/// back as U+FFFD).
/// </summary>
/// <remarks>
/// Special-token text (<c>&lt;|im_start|&gt;</c>, <c>&lt;s&gt;</c>, ...) is recognised by default, which is how a rendered
/// chat template becomes ids. Text written by a user must not be able to inject such tokens: encode it with
/// <c>allowSpecialTokens: false</c>, or, inside a rendered conversation, as a <see cref="TextSegment.Plain"/> segment
/// of <see cref="EncodeSegments"/>.
/// </remarks>
public interface ITokenizer
{
    /// <summary>Number of rows an embedding table needs: one more than the largest id, added tokens included.</summary>
    int VocabSize { get; }

    /// <summary>Id of the end-of-sequence token (GPT-2: <c>&lt;|endoftext|&gt;</c> = 50256), or null when there is none.</summary>
    int? EosId { get; }

    /// <summary>Id of the beginning-of-sequence token the files name (<c>bos_token</c>), or null.</summary>
    int? BosId { get; }

    /// <summary>Special tokens (content → id): matched whole in text unless disabled, skipped by <c>skipSpecialTokens</c>.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Encodes <paramref name="text"/> without adding BOS/EOS: Hugging Face's <c>encode(text, add_special_tokens=False)</c>.
    /// With <paramref name="allowSpecialTokens"/> true, special-token text becomes that token's id; with false, it is
    /// encoded as ordinary characters (Hugging Face's <c>split_special_tokens=True</c>).
    /// </summary>
    int[] Encode(string text, bool allowSpecialTokens = true);

    /// <summary>
    /// Hugging Face's <c>tokenizer.encode(text)</c> with its defaults: <see cref="Encode"/>, with the ids the
    /// tokenizer's post-processor puts around a single sequence (Llama 3.1, Mistral, Gemma: BOS first; GPT-2, Qwen: none).
    /// </summary>
    int[] EncodeAddingSpecialTokens(string text, bool allowSpecialTokens = true);

    /// <summary>
    /// Encodes text put together from pieces of different trust, such as a chat template's own markup and the users'
    /// message contents: special-token text is recognised only inside segments with
    /// <see cref="TextSegment.SpecialTokensAllowed"/>; elsewhere it is ordinary characters. Apart from that the result is
    /// exactly <c>Encode(string.Concat(texts))</c>: segments are joined before encoding, not encoded one by one. Adds no BOS/EOS.
    /// </summary>
    int[] EncodeSegments(IReadOnlyList<TextSegment> segments);

    /// <summary>
    /// Encodes like <see cref="Encode"/> and gives each token's span of <paramref name="text"/> (UTF-16 offsets; a token
    /// that covers part of a character spans the whole character; an added prefix such as SentencePiece's "▁" covers nothing).
    /// </summary>
    IReadOnlyList<TokenSpan> EncodeWithOffsets(string text, bool allowSpecialTokens = true);

    /// <summary>
    /// Decodes <paramref name="ids"/> to text, as Hugging Face's <c>decode(ids, clean_up_tokenization_spaces=False)</c>.
    /// Bytes that are not valid UTF-8 (a character cut between two ids) become U+FFFD. Throws
    /// <see cref="ArgumentOutOfRangeException"/> on an id outside the vocabulary.
    /// </summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>Writes the tokenizer's files into <paramref name="directory"/> (Hugging Face layout), each atomically.</summary>
    void Save(string directory);
}
