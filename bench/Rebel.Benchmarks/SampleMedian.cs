namespace Rebel.Benchmarks;

/// <summary>The median the benchmarks report over their repetitions.</summary>
internal static class SampleMedian
{
    /// <summary>The middle value of the sorted samples, or the mean of the two middle ones for an even count (the input is not reordered).</summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static double Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of no samples is undefined", nameof(values));
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
