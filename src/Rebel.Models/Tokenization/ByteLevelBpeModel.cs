using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Byte-level BPE (GPT-2, Llama 3, Qwen, SmolLM2) on Microsoft.ML.Tokenizers: text → optional NFC → optional digit
/// isolation → the family's split regex → each piece to the library's byte-level <c>BpeTokenizer</c>, whose merges run
/// by rank. With <c>ignore_merges</c> (Llama 3) a piece that is a whole vocabulary token is taken as it is first, as
/// Hugging Face does. Decoding maps each token's characters back to bytes through GPT-2's byte alphabet.
/// </summary>
internal sealed class ByteLevelBpeModel : ITokenModel
{
    /// <summary>GPT-2's pre-tokenizer pattern, which a ByteLevel pre-tokenizer with <c>use_regex</c> applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly TokenTable _table;
    private readonly Regex? _split;
    private readonly ByteLevelOptions _options;

    /// <summary>How text is prepared before BPE; mirrors the fields of <c>tokenizer.json</c> it comes from.</summary>
    /// <param name="Pattern">The split regex (Split pre-tokenizer, or GPT-2's for ByteLevel's use_regex); null: no split.</param>
    /// <param name="IsolateDigits">A Digits pre-tokenizer with individual_digits: each numeric character its own piece first.</param>
    /// <param name="Nfc">An NFC normalizer (Qwen).</param>
    /// <param name="AddPrefixSpace">ByteLevel add_prefix_space: a space before a stretch that does not start with one.</param>
    /// <param name="IgnoreMerges">BPE ignore_merges: a piece that is a vocabulary token is taken whole.</param>
    internal sealed record ByteLevelOptions(string? Pattern, bool IsolateDigits, bool Nfc, bool AddPrefixSpace, bool IgnoreMerges);

    public ByteLevelBpeModel(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<BpeMerge> merges, ByteLevelOptions options)
    {
        _options = options;
        _table = new TokenTable(vocab, (token, id) => (ByteLevelAlphabet.ToBytes(token)
            ?? throw new ArgumentException(
                $"vocabulary token \"{token}\" (id {id}) is not byte-level: it has a character outside GPT-2's byte alphabet.", nameof(vocab))).Length);
        VocabSize = _table.Size;
        for (int b = 0; b < 256; b++)
        {
            string byteToken = ByteLevelAlphabet.ByteToChar[b].ToString();
            if (!_table.Ids.ContainsKey(byteToken))
                throw new ArgumentException($"the vocabulary lacks the byte token \"{byteToken}\" (byte 0x{b:X2}).", nameof(vocab));
        }
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var m = merges[rank];
            if (!_table.Ids.ContainsKey(m.Left) || !_table.Ids.ContainsKey(m.Right) || !_table.Ids.ContainsKey(m.Merged))
                throw new ArgumentException($"merge {rank} \"{m}\": a part or its result \"{m.Merged}\" is not in the vocabulary.", nameof(merges));
        }
        _split = options.Pattern is null ? null : new Regex(options.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        _bpe = BpeTokenizer.Create(new BpeOptions(_table.Ids)
        {
            Merges = merges.Select(m => m.ToString()).ToList(),
            ByteLevel = true,
        });
    }

    public int VocabSize { get; }

    /// <summary>The options this model was built with.</summary>
    public ByteLevelOptions Options => _options;

    public NormalizedText Normalize(string section, bool atTextStart)
    {
        section = WithoutLoneSurrogates(section);
        var normalized = _options.Nfc ? NormalizedText.Nfc(section) : NormalizedText.Identity(section);
        if (!_options.AddPrefixSpace || normalized.Text.StartsWith(' ')) return normalized;
        return new NormalizedText(" " + normalized.Text,
            [0, .. normalized.OriginalStart],
            [0, .. normalized.OriginalEnd]);
    }

    public void Encode(string normalized, List<int> ids)
    {
        if (!_options.IsolateDigits)
        {
            EncodeSplit(normalized.AsSpan(), ids);
            return;
        }
        int runStart = 0;
        for (int i = 0; i < normalized.Length;)
        {
            int width = char.IsSurrogatePair(normalized, i) ? 2 : 1;
            if (IsNumeric(normalized, i))
            {
                EncodeSplit(normalized.AsSpan(runStart, i - runStart), ids);
                EncodePiece(normalized.AsSpan(i, width), ids);
                runStart = i + width;
            }
            i += width;
        }
        EncodeSplit(normalized.AsSpan(runStart), ids);
    }

    public int CoveredByteCount(int id) => _table.CoveredByteCount(id);

    public string? TokenString(int id) => _table.TokenString(id);

    public string Decode(IReadOnlyList<string> tokens, IReadOnlyList<bool> added)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (added[i])
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(tokens[i]));
                continue;
            }
            foreach (char c in tokens[i])
            {
                if (ByteLevelAlphabet.TryGetByte(c, out byte value)) bytes.Add(value);
                else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private void EncodeSplit(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty) return;
        if (_split is null)
        {
            EncodePiece(text, ids);
            return;
        }
        int end = 0;
        foreach (var match in _split.EnumerateMatches(text))
        {
            if (match.Index > end) EncodePiece(text[end..match.Index], ids);   // Isolated split keeps the gaps too
            if (match.Length > 0) EncodePiece(text.Slice(match.Index, match.Length), ids);
            end = match.Index + match.Length;
        }
        if (end < text.Length) EncodePiece(text[end..], ids);
    }

    private void EncodePiece(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_options.IgnoreMerges)
        {
            Span<byte> bytes = stackalloc byte[256];
            if (Encoding.UTF8.GetByteCount(piece) <= bytes.Length)
            {
                int count = Encoding.UTF8.GetBytes(piece, bytes);
                Span<char> mapped = stackalloc char[count];
                for (int i = 0; i < count; i++) mapped[i] = ByteLevelAlphabet.ByteToChar[bytes[i]];
                if (_table.Lookup.TryGetValue(mapped, out int whole))
                {
                    ids.Add(whole);
                    return;
                }
            }
        }
        ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
    }

    /// <summary>A lone surrogate becomes U+FFFD (one character for one), as a UTF-8 round trip would make it.</summary>
    private static string WithoutLoneSurrogates(string s)
    {
        char[]? copy = null;
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsSurrogatePair(s, i)) { i++; continue; }
            if (!char.IsSurrogate(s[i])) continue;
            copy ??= s.ToCharArray();
            copy[i] = '\uFFFD';
        }
        return copy is null ? s : new string(copy);
    }

    /// <summary>Hugging Face's Digits pre-tokenizer tests Rust's char::is_numeric: the Unicode N categories.</summary>
    private static bool IsNumeric(string s, int i) => CharUnicodeInfo.GetUnicodeCategory(s, i) is
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
