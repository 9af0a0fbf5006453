using System.Text;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Rebel's one tokenizer runtime, a Hugging Face tokenizer as its files describe it: added tokens are cut out of the
/// text first (leftmost, longest at a position), each stretch between them goes through the model
/// (normalizer → pre-tokenizer → BPE, <see cref="ITokenModel"/>), and the post-processor's tokens go around the whole
/// when asked. Byte-level BPE families (GPT-2, Llama 3, Qwen, SmolLM2) run on Microsoft.ML.Tokenizers'
/// <c>BpeTokenizer</c>; SentencePiece-style BPE (Llama 2, Mistral, Gemma) on <see cref="SentencePieceBpeModel"/>.
/// Load one with <see cref="TokenizerFiles.Load"/>. Instances are immutable and safe to share between threads.
/// </summary>
public sealed class HuggingFaceTokenizer : ITokenizer
{
    private readonly ITokenModel _model;
    private readonly Dictionary<string, AddedToken> _added;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly SpecialTokenMatcher _matcher;
    private readonly Dictionary<string, int> _special;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly Action<string> _save;

    internal HuggingFaceTokenizer(
        ITokenModel model, IReadOnlyList<AddedToken> added, IReadOnlyList<int> prefix, IReadOnlyList<int> suffix,
        int? bosId, int? eosId, Action<string> save)
    {
        _model = model;
        _added = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        _addedById = new Dictionary<int, AddedToken>();
        foreach (var token in added)
        {
            if (token.Content.Length == 0) throw new ArgumentException($"added token {token.Id} has empty content.", nameof(added));
            if (!_added.TryAdd(token.Content, token))
                throw new ArgumentException($"added token \"{token.Content}\" appears twice.", nameof(added));
            if (!_addedById.TryAdd(token.Id, token))
                throw new ArgumentException($"added tokens \"{_addedById[token.Id].Content}\" and \"{token.Content}\" share id {token.Id}.", nameof(added));
        }
        _special = added.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        _matcher = new SpecialTokenMatcher(_added.Keys);
        _prefix = [.. prefix];
        _suffix = [.. suffix];
        BosId = bosId;
        EosId = eosId;
        _save = save;
        VocabSize = Math.Max(model.VocabSize, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>The model half: normalizer, pre-tokenizer, BPE and decoder.</summary>
    internal ITokenModel Model => _model;

    /// <summary>Every added token (special or not), by content.</summary>
    public IReadOnlyDictionary<string, AddedToken> AddedTokens => _added;

    /// <summary>Ids the post-processor puts before a single sequence (BOS for Llama 3.1, Mistral, Gemma).</summary>
    public IReadOnlyList<int> PrefixIds => _prefix;

    /// <summary>Ids the post-processor puts after a single sequence.</summary>
    public IReadOnlyList<int> SuffixIds => _suffix;

    /// <inheritdoc />
    public int[] Encode(string text, bool allowSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, allowSpecialTokens ? AllTrusted : NoneTrusted, ids, spans: null);
        return [.. ids];
    }

    /// <inheritdoc />
    public int[] EncodeAddingSpecialTokens(string text, bool allowSpecialTokens = true) =>
        [.. _prefix, .. Encode(text, allowSpecialTokens), .. _suffix];

    /// <inheritdoc />
    public int[] EncodeSegments(IReadOnlyList<TextSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var text = new StringBuilder();
        var trusted = new List<(int Start, int End)>();
        foreach (var segment in segments)
        {
            ArgumentNullException.ThrowIfNull(segment.Text, nameof(segments));
            if (segment.SpecialTokensAllowed) trusted.Add((text.Length, text.Length + segment.Text.Length));
            text.Append(segment.Text);
        }
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text.ToString(), trusted, ids, spans: null);
        return [.. ids];
    }

    /// <inheritdoc />
    public IReadOnlyList<TokenSpan> EncodeWithOffsets(string text, bool allowSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var spans = new List<TokenSpan>();
        EncodeInto(text, allowSpecialTokens ? AllTrusted : NoneTrusted, ids, spans);
        return spans;
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        var added = new List<bool>(ids.Length);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is outside the vocabulary [0, {VocabSize}).");
            if (_addedById.TryGetValue(id, out var token))
            {
                if (skipSpecialTokens && token.Special) continue;
                tokens.Add(token.Content);
                added.Add(true);
            }
            else
            {
                tokens.Add(_model.TokenString(id)
                    ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not assigned to any token."));
                added.Add(false);
            }
        }
        return _model.Decode(tokens, added);
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        _save(directory);
    }

    // Stand-ins for "every character may form special tokens" and "none may".
    private static readonly List<(int, int)> AllTrusted = [(0, int.MaxValue)];
    private static readonly List<(int, int)> NoneTrusted = [];

    private void EncodeInto(string text, List<(int Start, int End)> trusted, List<int> ids, List<TokenSpan>? spans)
    {
        int sectionStart = 0;
        int searchFrom = 0;
        while (searchFrom < text.Length && _matcher.TryFindNext(text.AsSpan(searchFrom), out int relative, out _))
        {
            int at = searchFrom + relative;
            var match = AcceptedAt(text, at, trusted);
            if (match is null)
            {
                searchFrom = at + 1;
                continue;
            }
            EncodeSection(text, sectionStart, at, ids, spans);
            ids.Add(match.Id);
            spans?.Add(new TokenSpan(match.Id, at, at + match.Content.Length));
            sectionStart = searchFrom = at + match.Content.Length;
        }
        EncodeSection(text, sectionStart, text.Length, ids, spans);
    }

    /// <summary>The longest added token starting at <paramref name="at"/> that may match there, or null.</summary>
    private AddedToken? AcceptedAt(string text, int at, List<(int Start, int End)> trusted)
    {
        var rest = text.AsSpan(at);
        foreach (var content in _matcher.LongestFirst)
        {
            if (!rest.StartsWith(content, StringComparison.Ordinal)) continue;
            var token = _added[content];
            if (!token.Special || trusted.Exists(r => r.Start <= at && at + content.Length <= r.End)) return token;
        }
        return null;
    }

    private void EncodeSection(string text, int start, int end, List<int> ids, List<TokenSpan>? spans)
    {
        if (end <= start) return;
        var normalized = _model.Normalize(text[start..end], atTextStart: start == 0);
        int first = ids.Count;
        _model.Encode(normalized.Text, ids);
        if (spans is null) return;

        // Token i covers the next CoveredByteCount(id) UTF-8 bytes of the normalized text; map them to characters,
        // then to the original text through the normalization's alignment.
        var charOfByte = CharIndexOfEachByte(normalized.Text);
        int b = 0;
        for (int i = first; i < ids.Count; i++)
        {
            int count = _model.CoveredByteCount(ids[i]);
            if (count == 0 || b >= charOfByte.Length)
            {
                spans.Add(new TokenSpan(ids[i], start, start));
                continue;
            }
            int firstChar = charOfByte[b];
            int lastChar = charOfByte[Math.Min(b + count, charOfByte.Length) - 1];
            int from = int.MaxValue, to = int.MinValue;
            for (int c = firstChar; c <= lastChar; c++)
            {
                if (normalized.OriginalEnd[c] == normalized.OriginalStart[c]) continue;   // inserted character
                from = Math.Min(from, normalized.OriginalStart[c]);
                to = Math.Max(to, normalized.OriginalEnd[c]);
            }
            spans.Add(from == int.MaxValue
                ? new TokenSpan(ids[i], start + normalized.OriginalStart[firstChar], start + normalized.OriginalStart[firstChar])
                : new TokenSpan(ids[i], start + from, start + to));
            b += count;
        }
    }

    private static int[] CharIndexOfEachByte(string text)
    {
        var map = new List<int>(text.Length * 2);
        Span<byte> buffer = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            int width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            int count = Encoding.UTF8.GetBytes(text.AsSpan(i, width), buffer);
            for (int k = 0; k < count; k++) map.Add(i);
            i += width - 1;
        }
        return [.. map];
    }
}
