namespace Rebel.Tensors.Kernels;

/// <summary>
/// Splits the rows of a row-wise kernel into contiguous parts run on the thread pool, one part per core, when the
/// work is large enough for fork/join to pay; small inputs run on the calling thread.
/// </summary>
internal static class RowParallel
{
    /// <summary>Fewer elements touched than this per part, and a part runs on the calling thread.</summary>
    internal const long MinWorkPerPart = 16 * 1024;

    /// <summary>How many parts <see cref="For"/> uses for <paramref name="rows"/> rows of <paramref name="workPerRow"/> elements.</summary>
    public static int Parts(int rows, long workPerRow)
    {
        long parts = (long)rows * Math.Max(workPerRow, 1) / MinWorkPerPart;
        return (int)Math.Clamp(parts, 1, Math.Max(1, Math.Min(Environment.ProcessorCount, rows)));
    }

    /// <summary>Runs <c>body(part, lo, hi)</c> over row ranges covering [0, rows) in <see cref="Parts"/> parts.</summary>
    public static void For(int rows, long workPerRow, Action<int, int, int> body)
    {
        int parts = Parts(rows, workPerRow);
        if (parts <= 1)
        {
            if (rows > 0) body(0, 0, rows);
            return;
        }
        int chunk = (rows + parts - 1) / parts;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            int lo = p * chunk, hi = Math.Min(rows, lo + chunk);
            if (lo < hi) body(p, lo, hi);
        });
    }
}
