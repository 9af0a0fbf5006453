namespace Rebel.Models.Tokenization;

/// <summary>
/// A BPE model's vocabulary both ways — token → id, and id → token with the number of bytes of text each token stands
/// for — shared by <see cref="ByteLevelBpeModel"/> and <see cref="SentencePieceBpeModel"/>. Ids need not be dense: the
/// size is the largest id + 1, and an unassigned id has no token.
/// </summary>
internal sealed class TokenTable
{
    private readonly string?[] _tokens;
    private readonly int[] _byteCounts;

    /// <param name="vocab">Token → id; two tokens sharing an id are refused.</param>
    /// <param name="coveredBytes">The bytes of text a token stands for, given the token and its id; it may throw an
    /// <see cref="ArgumentException"/> for a token the model cannot hold.</param>
    /// <exception cref="ArgumentException">Two tokens share an id.</exception>
    public TokenTable(IReadOnlyDictionary<string, int> vocab, Func<string, int, int> coveredBytes)
    {
        Ids = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        Lookup = Ids.GetAlternateLookup<ReadOnlySpan<char>>();
        Size = Ids.Count == 0 ? 0 : Ids.Values.Max() + 1;
        _tokens = new string?[Size];
        _byteCounts = new int[Size];
        foreach (var (token, id) in Ids)
        {
            if (_tokens[id] is { } other) throw new ArgumentException($"vocabulary tokens \"{other}\" and \"{token}\" share id {id}.", nameof(vocab));
            _tokens[id] = token;
            _byteCounts[id] = coveredBytes(token, id);
        }
    }

    /// <summary>Token → id.</summary>
    public Dictionary<string, int> Ids { get; }

    /// <summary><see cref="Ids"/> looked up by a span of characters, without a string.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    /// <summary>The largest id + 1.</summary>
    public int Size { get; }

    /// <summary>The token of <paramref name="id"/>; null for an unassigned or out-of-range id.</summary>
    public string? TokenString(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>The bytes of text <paramref name="id"/> stands for; 0 for an unassigned or out-of-range id.</summary>
    public int CoveredByteCount(int id) => (uint)id < (uint)_byteCounts.Length ? _byteCounts[id] : 0;
}
