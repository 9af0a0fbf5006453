using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Byte-level BPE, identical to GPT-2's: text → special-token split → GPT-2 pre-tokenization
/// (<see cref="Gpt2PreTokenizer"/>) → UTF-8 bytes of each piece → one byte-token per byte → merges applied by rank
/// → ids. Decoding concatenates the tokens' bytes and reads them as UTF-8.
/// </summary>
/// <remarks>
/// Pieces' ids are cached (piece text → ids), which is what makes encoding fast: natural text repeats its words.
/// The cache is thread-safe and bounded; instances are safe to share between threads.
/// </remarks>
public sealed class ByteLevelBpeTokenizer : ITokenizer
{
    private const int CacheCapacity = 200_000;
    private const int LongestCachedPiece = 128;

    private readonly Dictionary<string, int> _vocab;
    private readonly BpeMerge[] _merges;
    private readonly Dictionary<string, int> _specials;
    private readonly Dictionary<int, string> _specialById;
    private readonly byte[]?[] _tokenBytes;      // id → the bytes it decodes to (null: unused id or special)
    private readonly int[] _byteIds = new int[256];
    private readonly MergeTable _mergeTable = new();
    private readonly SpecialTokenMatcher _matcher;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private int _cacheCount;

    /// <summary>
    /// Builds a tokenizer from its vocabulary (byte-level token string → id), merges (in rank order) and special
    /// tokens (content → id; a special token may also appear in <paramref name="vocab"/>, with the same id).
    /// </summary>
    /// <param name="vocab">Must hold the 256 single-character byte tokens and every merge's two parts and result.</param>
    /// <param name="merges">Merge rules, lowest rank first. A repeated pair keeps its first rank.</param>
    /// <param name="specialTokens">Special tokens, matched whole in text; null for none.</param>
    /// <param name="eosToken">Content of the end-of-sequence token (must be special), or null.</param>
    /// <param name="addPrefixSpace">Encode as if a space preceded text that does not start with one (HF
    /// <c>add_prefix_space</c>); GPT-2 uses false.</param>
    /// <exception cref="ArgumentException">The parts do not form a byte-level BPE; the message says which entry.</exception>
    public ByteLevelBpeTokenizer(
        IReadOnlyDictionary<string, int> vocab,
        IReadOnlyList<BpeMerge> merges,
        IReadOnlyDictionary<string, int>? specialTokens = null,
        string? eosToken = null,
        bool addPrefixSpace = false)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(merges);
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _merges = merges.ToArray();
        _specials = new Dictionary<string, int>(specialTokens ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        AddPrefixSpace = addPrefixSpace;

        int maxId = -1;
        foreach (var (token, id) in _vocab)
        {
            if (id < 0) throw new ArgumentException($"vocabulary token \"{token}\" has a negative id {id}.", nameof(vocab));
            maxId = Math.Max(maxId, id);
        }
        foreach (var (content, id) in _specials)
        {
            if (content.Length == 0) throw new ArgumentException("a special token has empty content.", nameof(specialTokens));
            if (id < 0) throw new ArgumentException($"special token \"{content}\" has a negative id {id}.", nameof(specialTokens));
            if (_vocab.TryGetValue(content, out int vocabId) && vocabId != id)
                throw new ArgumentException(
                    $"special token \"{content}\" has id {id} but the vocabulary gives it id {vocabId}.", nameof(specialTokens));
            maxId = Math.Max(maxId, id);
        }
        VocabSize = maxId + 1;

        _specialById = new Dictionary<int, string>();
        foreach (var (content, id) in _specials)
        {
            if (!_specialById.TryAdd(id, content))
                throw new ArgumentException($"special tokens \"{_specialById[id]}\" and \"{content}\" share id {id}.", nameof(specialTokens));
        }

        _tokenBytes = new byte[VocabSize][];
        var seen = new string?[VocabSize];
        foreach (var (token, id) in _vocab)
        {
            if (seen[id] is { } other)
                throw new ArgumentException($"vocabulary tokens \"{other}\" and \"{token}\" share id {id}.", nameof(vocab));
            seen[id] = token;
            if (_specialById.ContainsKey(id)) continue;
            _tokenBytes[id] = ByteLevelAlphabet.ToBytes(token)
                ?? throw new ArgumentException(
                    $"vocabulary token \"{token}\" (id {id}) is not byte-level: it has a character outside GPT-2's byte alphabet.",
                    nameof(vocab));
        }

        for (int b = 0; b < 256; b++)
        {
            string byteToken = ByteLevelAlphabet.ByteToChar[b].ToString();
            if (!_vocab.TryGetValue(byteToken, out _byteIds[b]))
                throw new ArgumentException($"the vocabulary lacks the byte token \"{byteToken}\" (byte 0x{b:X2}).", nameof(vocab));
        }

        for (int rank = 0; rank < _merges.Length; rank++)
        {
            var m = _merges[rank];
            if (!_vocab.TryGetValue(m.Left, out int left) || !_vocab.TryGetValue(m.Right, out int right))
                throw new ArgumentException($"merge {rank} \"{m}\": a part is not in the vocabulary.", nameof(merges));
            if (!_vocab.TryGetValue(m.Merged, out int merged))
                throw new ArgumentException($"merge {rank} \"{m}\": its result \"{m.Merged}\" is not in the vocabulary.", nameof(merges));
            _mergeTable.Add(left, right, rank, merged);
        }

        if (eosToken is not null)
        {
            if (!_specials.TryGetValue(eosToken, out int eos))
                throw new ArgumentException($"end-of-sequence token \"{eosToken}\" is not a special token.", nameof(eosToken));
            EosId = eos;
            EosToken = eosToken;
        }

        _matcher = new SpecialTokenMatcher(_specials.Keys);
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <summary>Content of the end-of-sequence token, or null.</summary>
    public string? EosToken { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens => _specials;

    /// <summary>Byte-level token string → id (special tokens included where the vocabulary lists them).</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    /// <summary>Merge rules in rank order.</summary>
    public IReadOnlyList<BpeMerge> Merges => _merges;

    /// <summary>Whether a space is put before text that does not start with one (HF <c>add_prefix_space</c>).</summary>
    public bool AddPrefixSpace { get; }

    /// <inheritdoc />
    public int[] Encode(string text, bool allowSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 4 + 4);
        ReadOnlySpan<char> rest = text;
        while (allowSpecialTokens && _matcher.TryFindNext(rest, out int index, out string content))
        {
            EncodeOrdinary(rest[..index], ids);
            ids.Add(_specials[content]);
            rest = rest[(index + content.Length)..];
        }
        EncodeOrdinary(rest, ids);
        return ids.ToArray();
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) =>
        Encoding.UTF8.GetString(DecodeBytes(ids, skipSpecialTokens));

    /// <summary>The UTF-8 bytes <paramref name="ids"/> stand for (specials as their content's UTF-8).</summary>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var buffer = new ArrayBufferWriter<byte>(ids.Length * 4 + 16);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is outside the vocabulary [0, {VocabSize}).");
            if (_tokenBytes[id] is { } bytes)
            {
                buffer.Write(bytes);
            }
            else if (_specialById.TryGetValue(id, out var content))
            {
                if (!skipSpecialTokens) buffer.Write(Encoding.UTF8.GetBytes(content));
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not assigned to any token.");
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public void Save(string directory) => TokenizerFiles.Save(this, directory);

    private void EncodeOrdinary(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty) return;
        if (AddPrefixSpace && text[0] != ' ') text = string.Concat(" ", text);
        for (int start = 0; start < text.Length;)
        {
            int end = Gpt2PreTokenizer.NextPieceEnd(text, start);
            ids.AddRange(EncodePiece(text[start..end]));
            start = end;
        }
    }

    private int[] EncodePiece(ReadOnlySpan<char> piece)
    {
        if (_cacheLookup.TryGetValue(piece, out var cached)) return cached;

        int byteCount = Encoding.UTF8.GetByteCount(piece);
        byte[]? rentedBytes = null;
        int[]? rentedIds = null;
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[byteCount] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
        Span<int> symbols = byteCount <= 256 ? stackalloc int[byteCount] : (rentedIds = ArrayPool<int>.Shared.Rent(byteCount));
        bytes = bytes[..byteCount];
        symbols = symbols[..byteCount];
        Encoding.UTF8.GetBytes(piece, bytes);                // lone surrogates become U+FFFD's bytes
        for (int i = 0; i < byteCount; i++) symbols[i] = _byteIds[bytes[i]];
        var ids = symbols[.._mergeTable.Apply(symbols)].ToArray();
        if (rentedBytes is not null) ArrayPool<byte>.Shared.Return(rentedBytes);
        if (rentedIds is not null) ArrayPool<int>.Shared.Return(rentedIds);

        if (piece.Length <= LongestCachedPiece)
        {
            if (Interlocked.Increment(ref _cacheCount) > CacheCapacity)
            {
                _cache.Clear();
                Interlocked.Exchange(ref _cacheCount, 0);
            }
            _cacheLookup.TryAdd(piece, ids);
        }
        return ids;
    }
}
