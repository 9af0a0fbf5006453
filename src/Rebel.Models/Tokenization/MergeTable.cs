namespace Rebel.Models.Tokenization;

/// <summary>BPE merges keyed by the pair of token ids: (left, right) → (rank, id of the merged token).</summary>
internal sealed class MergeTable
{
    private readonly Dictionary<long, (int Rank, int Merged)> _merges = new();

    public int Count => _merges.Count;

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Adds a merge; a pair already present keeps its earlier (lower) rank, as in GPT-2's encoder.</summary>
    public void Add(int left, int right, int rank, int merged) => _merges.TryAdd(Key(left, right), (rank, merged));

    public bool TryGet(int left, int right, out int rank, out int merged)
    {
        if (_merges.TryGetValue(Key(left, right), out var entry))
        {
            (rank, merged) = entry;
            return true;
        }
        rank = merged = 0;
        return false;
    }

    /// <summary>
    /// Applies the merges to <paramref name="symbols"/> in place and returns the new length: repeatedly take the
    /// adjacent pair of lowest rank and merge every occurrence of it, left to right without overlap, until no
    /// adjacent pair has a merge. O(n²) in the symbols of one piece, which are few.
    /// </summary>
    public int Apply(Span<int> symbols)
    {
        int length = symbols.Length;
        while (length > 1)
        {
            int bestRank = int.MaxValue, bestPos = -1, bestMerged = 0;
            for (int i = 0; i + 1 < length; i++)
            {
                if (TryGet(symbols[i], symbols[i + 1], out int rank, out int merged) && rank < bestRank)
                {
                    bestRank = rank;
                    bestPos = i;
                    bestMerged = merged;
                }
            }
            if (bestPos < 0) break;

            int left = symbols[bestPos], right = symbols[bestPos + 1];
            int write = bestPos, read = bestPos;
            while (read < length)
            {
                if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right)
                {
                    symbols[write++] = bestMerged;
                    read += 2;
                }
                else
                {
                    symbols[write++] = symbols[read++];
                }
            }
            length = write;
        }
        return length;
    }
}
