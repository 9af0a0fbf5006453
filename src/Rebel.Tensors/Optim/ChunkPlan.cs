namespace Rebel.Tensors.Optim;

/// <summary>
/// Fixed split of a parameter list into chunks of at most <see cref="ChunkElements"/> elements, so element-wise
/// updates and norm partial sums can run on several cores. The split depends only on the parameter sizes, never
/// on the number of threads, so results are identical however the chunks are scheduled.
/// </summary>
internal sealed class ChunkPlan
{
    /// <summary>Elements per chunk: a multiple of every vector width, large enough to amortize scheduling.</summary>
    internal const int ChunkElements = 1 << 15;

    private readonly (int Parameter, int Start, int Length)[] _chunks;

    internal ChunkPlan(IReadOnlyList<int> sizes)
    {
        var chunks = new List<(int, int, int)>();
        for (int i = 0; i < sizes.Count; i++)
            for (int start = 0; start < sizes[i]; start += ChunkElements)
                chunks.Add((i, start, Math.Min(ChunkElements, sizes[i] - start)));
        _chunks = chunks.ToArray();
        TotalElements = sizes.Sum(s => (long)s);
    }

    /// <summary>Number of chunks.</summary>
    internal int Count => _chunks.Length;

    /// <summary>Total number of elements over all parameters.</summary>
    internal long TotalElements { get; }

    /// <summary>Chunk <paramref name="index"/>: which parameter, and the element range within it.</summary>
    internal (int Parameter, int Start, int Length) this[int index] => _chunks[index];

    /// <summary>Calls <paramref name="body"/>(chunk index) for every chunk: in parallel when there is enough work, else in order.</summary>
    internal void Run(Action<int> body)
    {
        if (TotalElements < 4L * ChunkElements || Environment.ProcessorCount == 1)
        {
            for (int c = 0; c < _chunks.Length; c++) body(c);
            return;
        }
        Parallel.For(0, _chunks.Length, body);
    }
}
