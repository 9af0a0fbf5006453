using System.Globalization;
using System.Text;

namespace Rebel.Models.Tokenization;

/// <summary>
/// SentencePiece-style BPE as Hugging Face's <c>tokenizer.json</c> describes it for Llama 2, Mistral and Gemma, which
/// Microsoft.ML.Tokenizers' <c>BpeTokenizer</c> cannot express (it has no byte fallback and no "▁" handling):
/// spaces become "▁" (and "▁" is put before the text where the files say so), the whole stretch is one word of
/// characters, merges apply lowest rank first (leftmost among equals), and a character outside the vocabulary
/// becomes its UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens (byte fallback). Decoding runs the file's decoder steps.
/// </summary>
internal sealed class SentencePieceBpeModel : ITokenModel
{
    /// <summary>SentencePiece's stand-in for a space, U+2581.</summary>
    public const char Metaspace = '\u2581';

    private readonly TokenTable _table;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges = new();
    private readonly int[] _byteIds = new int[256];
    private readonly int? _unkId;
    private readonly SentencePieceOptions _options;

    /// <summary>The files' choices, each named after the <c>tokenizer.json</c> field it comes from.</summary>
    /// <param name="Prepend">Put "▁" before a stretch (Prepend normalizer, SentencePiece's add_dummy_prefix, or Metaspace
    /// with prepend_scheme always or first).</param>
    /// <param name="PrependOnlyAtTextStart">Metaspace prepend_scheme "first": only before the stretch that begins the text.</param>
    /// <param name="PrependOnlyWithoutLeadingMetaspace">Metaspace: no "▁" before a stretch that already starts with one
    /// once spaces became "▁" (a leading space or "▁"). The Prepend normalizer and add_dummy_prefix put it before every
    /// non-empty stretch.</param>
    /// <param name="ByteFallback">model.byte_fallback.</param>
    /// <param name="FuseUnknown">model.fuse_unk: consecutive unknown characters become one unknown token.</param>
    /// <param name="IgnoreMerges">model.ignore_merges: a word that is a vocabulary token is taken whole.</param>
    /// <param name="Decoder">The decoder steps, in order.</param>
    internal sealed record SentencePieceOptions(
        bool Prepend, bool PrependOnlyAtTextStart, bool PrependOnlyWithoutLeadingMetaspace, bool ByteFallback, bool FuseUnknown, bool IgnoreMerges,
        IReadOnlyList<DecoderStep> Decoder);

    /// <summary>One step of a SentencePiece-style decoder.</summary>
    internal abstract record DecoderStep
    {
        public abstract List<string> Apply(List<string> tokens);
    }

    /// <summary>Replace: every occurrence of <paramref name="Pattern"/> in each token becomes <paramref name="Content"/>.</summary>
    internal sealed record ReplaceStep(string Pattern, string Content) : DecoderStep
    {
        public override List<string> Apply(List<string> tokens) => tokens.ConvertAll(t => t.Replace(Pattern, Content, StringComparison.Ordinal));
    }

    /// <summary>ByteFallback: runs of <c>&lt;0xNN&gt;</c> tokens become the text of their bytes (invalid UTF-8 → U+FFFD).</summary>
    internal sealed record ByteFallbackStep : DecoderStep
    {
        public override List<string> Apply(List<string> tokens)
        {
            var output = new List<string>(tokens.Count);
            var bytes = new List<byte>();
            foreach (var token in tokens)
            {
                if (TryParseByteToken(token, out byte b))
                {
                    bytes.Add(b);
                    continue;
                }
                if (bytes.Count > 0) output.Add(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
                output.Add(token);
            }
            if (bytes.Count > 0) output.Add(Encoding.UTF8.GetString(bytes.ToArray()));
            return output;
        }
    }

    /// <summary>Fuse: all tokens joined into one.</summary>
    internal sealed record FuseStep : DecoderStep
    {
        public override List<string> Apply(List<string> tokens) => [string.Concat(tokens)];
    }

    /// <summary>Strip: up to <paramref name="Start"/> leading and <paramref name="Stop"/> trailing <paramref name="Content"/> characters off each token.</summary>
    internal sealed record StripStep(char Content, int Start, int Stop) : DecoderStep
    {
        public override List<string> Apply(List<string> tokens) => tokens.ConvertAll(t =>
        {
            int from = 0, to = t.Length;
            while (from < Start && from < to && t[from] == Content) from++;
            for (int k = 0; k < Stop && to > from && t[to - 1] == Content; k++) to--;
            return t[from..to];
        });
    }

    /// <summary>Metaspace decoder: "▁" becomes a space, and a leading space of the first token is dropped.</summary>
    internal sealed record MetaspaceStep(bool DropFirstSpace) : DecoderStep
    {
        public override List<string> Apply(List<string> tokens)
        {
            var output = new List<string>(tokens.Count);
            for (int i = 0; i < tokens.Count; i++)
            {
                var t = tokens[i].Replace(Metaspace, ' ');
                if (i == 0 && DropFirstSpace && t.StartsWith(' ')) t = t[1..];
                output.Add(t);
            }
            return output;
        }
    }

    public SentencePieceBpeModel(
        IReadOnlyDictionary<string, int> vocab, IReadOnlyList<BpeMerge> merges, string? unknownToken, SentencePieceOptions options)
    {
        _options = options;
        _table = new TokenTable(vocab, (token, _) => TryParseByteToken(token, out byte _) ? 1 : Encoding.UTF8.GetByteCount(token));
        VocabSize = _table.Size;
        if (unknownToken is not null)
        {
            if (!_table.Ids.TryGetValue(unknownToken, out int unk))
                throw new ArgumentException($"the unknown token \"{unknownToken}\" is not in the vocabulary.", nameof(unknownToken));
            _unkId = unk;
        }
        Array.Fill(_byteIds, -1);
        if (options.ByteFallback)
        {
            for (int b = 0; b < 256; b++)
            {
                if (!_table.Ids.TryGetValue($"<0x{b:X2}>", out _byteIds[b]))
                    throw new ArgumentException($"byte_fallback is on but the vocabulary lacks <0x{b:X2}>.", nameof(vocab));
            }
        }
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var m = merges[rank];
            if (!_table.Ids.TryGetValue(m.Left, out int left) || !_table.Ids.TryGetValue(m.Right, out int right) || !_table.Ids.TryGetValue(m.Merged, out int merged))
                throw new ArgumentException($"merge {rank} \"{m}\": a part or its result is not in the vocabulary.", nameof(merges));
            _merges.TryAdd(Key(left, right), (rank, merged));
        }
    }

    public int VocabSize { get; }

    public NormalizedText Normalize(string section, bool atTextStart)
    {
        bool prepend = _options.Prepend && (!_options.PrependOnlyAtTextStart || atTextStart)
            && !(_options.PrependOnlyWithoutLeadingMetaspace && section.Length > 0 && section[0] is ' ' or Metaspace);
        var text = new StringBuilder(section.Length + 1);
        var start = new List<int>(section.Length + 1);
        var end = new List<int>(section.Length + 1);
        if (prepend)
        {
            text.Append(Metaspace);
            start.Add(0);
            end.Add(0);
        }
        var identity = NormalizedText.Identity(section);
        for (int i = 0; i < section.Length; i++)
        {
            text.Append(section[i] == ' ' ? Metaspace : section[i]);
            start.Add(identity.OriginalStart[i]);
            end.Add(identity.OriginalEnd[i]);
        }
        return new NormalizedText(text.ToString(), [.. start], [.. end]);
    }

    public void Encode(string normalized, List<int> ids)
    {
        if (normalized.Length == 0) return;
        if (_options.IgnoreMerges && _table.Lookup.TryGetValue(normalized, out int whole))
        {
            ids.Add(whole);
            return;
        }
        // Symbols: one per character (or per byte of a character outside the vocabulary), in a linked list.
        var symbols = new List<Symbol>(normalized.Length);
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < normalized.Length;)
        {
            int width = char.IsSurrogatePair(normalized, i) ? 2 : 1;
            var ch = normalized.AsSpan(i, width);
            if (_table.Lookup.TryGetValue(ch, out int id)) symbols.Add(new Symbol(id));
            else if (_options.ByteFallback)
            {
                int count = Encoding.UTF8.GetBytes(ch, bytes);
                for (int k = 0; k < count; k++) symbols.Add(new Symbol(_byteIds[bytes[k]]));
            }
            else
            {
                int unk = _unkId ?? throw new InvalidOperationException($"character U+{char.ConvertToUtf32(normalized, i):X4} is not in the vocabulary and the tokenizer has no unknown token.");
                if (!(_options.FuseUnknown && symbols.Count > 0 && symbols[^1].Id == unk && symbols[^1].Unknown)) symbols.Add(new Symbol(unk) { Unknown = true });
            }
            i += width;
        }
        for (int i = 0; i < symbols.Count; i++)
        {
            symbols[i].Prev = i - 1;
            symbols[i].Next = i + 1 < symbols.Count ? i + 1 : -1;
        }

        // Merge the lowest-rank adjacent pair (leftmost among equals) until none has a merge: a heap of candidate
        // pairs, each checked against the current symbols when it comes out.
        var queue = new PriorityQueue<(int Pos, int Right, int Rank), (int Rank, int Pos)>();
        for (int i = 0; i + 1 < symbols.Count; i++) Push(queue, symbols, i);
        while (queue.TryDequeue(out var pair, out _))
        {
            var left = symbols[pair.Pos];
            if (left.Id < 0 || left.Next != pair.Right || symbols[pair.Right].Id < 0) continue;
            var right = symbols[pair.Right];
            if (!_merges.TryGetValue(Key(left.Id, right.Id), out var entry) || entry.Rank != pair.Rank) continue;
            left.Id = entry.Merged;
            left.Unknown = false;
            left.Next = right.Next;
            right.Id = -1;
            if (right.Next >= 0) symbols[right.Next].Prev = pair.Pos;
            if (left.Prev >= 0) Push(queue, symbols, left.Prev);
            Push(queue, symbols, pair.Pos);
        }
        for (int i = 0; i >= 0 && i < symbols.Count; i = symbols[i].Next) ids.Add(symbols[i].Id);
    }

    public int CoveredByteCount(int id) => _table.CoveredByteCount(id);

    public string? TokenString(int id) => _table.TokenString(id);

    public string Decode(IReadOnlyList<string> tokens, IReadOnlyList<bool> added)
    {
        var chain = tokens.ToList();
        foreach (var step in _options.Decoder) chain = step.Apply(chain);
        return string.Concat(chain);
    }

    private void Push(PriorityQueue<(int, int, int), (int, int)> queue, List<Symbol> symbols, int pos)
    {
        int next = symbols[pos].Next;
        if (next < 0) return;
        if (_merges.TryGetValue(Key(symbols[pos].Id, symbols[next].Id), out var entry))
            queue.Enqueue((pos, next, entry.Rank), (entry.Rank, pos));
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    internal static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }

    private sealed class Symbol(int id)
    {
        public int Id = id;
        public int Prev;
        public int Next;
        public bool Unknown;
    }
}
