using System.Buffers;
using System.Text;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Rebel's former hand-written GPT-2 encoder (special-token split → <see cref="Gpt2PreTokenizer"/> → bytes → merges
/// by rank over ids, with a piece cache), kept only as the baseline of <c>Rebel.Benchmarks tokenizer</c>: it is not on the
/// runtime path, which is <see cref="HuggingFaceTokenizer"/>.
/// </summary>
internal sealed class Gpt2BaselineEncoder
{
    private const int LongestCachedPiece = 128;

    private readonly int[] _byteIds = new int[256];
    private readonly MergeTable _mergeTable = new();
    private readonly Dictionary<string, int> _specials;
    private readonly SpecialTokenMatcher _matcher;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;

    /// <summary>Builds the encoder from a byte-level vocabulary, merges in rank order and special tokens.</summary>
    public Gpt2BaselineEncoder(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<BpeMerge> merges, IReadOnlyDictionary<string, int> specials)
    {
        for (int b = 0; b < 256; b++)
        {
            string byteToken = ByteLevelAlphabet.ByteToChar[b].ToString();
            if (!vocab.TryGetValue(byteToken, out _byteIds[b]))
                throw new ArgumentException($"the vocabulary lacks the byte token \"{byteToken}\" (byte 0x{b:X2}).", nameof(vocab));
        }
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var m = merges[rank];
            if (!vocab.TryGetValue(m.Left, out int left) || !vocab.TryGetValue(m.Right, out int right) || !vocab.TryGetValue(m.Merged, out int merged))
                throw new ArgumentException($"merge {rank} \"{m}\": a part or its result is not in the vocabulary.", nameof(merges));
            _mergeTable.Add(left, right, rank, merged);
        }
        _specials = new Dictionary<string, int>(specials, StringComparer.Ordinal);
        _matcher = new SpecialTokenMatcher(_specials.Keys);
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Encodes <paramref name="text"/>, special-token text recognised, no BOS/EOS added.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 4 + 4);
        ReadOnlySpan<char> rest = text;
        while (_matcher.TryFindNext(rest, out int index, out string content))
        {
            EncodeOrdinary(rest[..index], ids);
            ids.Add(_specials[content]);
            rest = rest[(index + content.Length)..];
        }
        EncodeOrdinary(rest, ids);
        return [.. ids];
    }

    private void EncodeOrdinary(ReadOnlySpan<char> text, List<int> ids)
    {
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
        byte[] bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        int[] symbols = ArrayPool<int>.Shared.Rent(byteCount);
        Encoding.UTF8.GetBytes(piece, bytes);
        for (int i = 0; i < byteCount; i++) symbols[i] = _byteIds[bytes[i]];
        var ids = symbols.AsSpan(0, _mergeTable.Apply(symbols.AsSpan(0, byteCount))).ToArray();
        ArrayPool<byte>.Shared.Return(bytes);
        ArrayPool<int>.Shared.Return(symbols);
        if (piece.Length <= LongestCachedPiece) _cacheLookup.TryAdd(piece, ids);
        return ids;
    }
}
