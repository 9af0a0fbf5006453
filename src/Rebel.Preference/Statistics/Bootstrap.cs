using Rebel.Tensors;

namespace Rebel.Preference.Statistics;

/// <summary>
/// Nonparametric bootstrap over independent units (e.g. prompts): resample the units with replacement B times,
/// recompute a vector statistic on each resample, and report per-component percentile intervals.
/// </summary>
/// <remarks>
/// For component k with bootstrap values t*_1 ≤ … ≤ t*_B (NaN values dropped) the interval is
/// [Q(α/2), Q(1 − α/2)], where Q(q) interpolates linearly between order statistics at position (B − 1)·q
/// (the usual "type 7" quantile). A component that is NaN on every resample gets a NaN interval.
/// Resampling is driven by <see cref="Rng"/> seeded with the options' seed (one uniform index per draw), so equal
/// inputs and seeds give equal intervals on every machine. Resampling whole prompts (rather than single games) keeps the games of one prompt together,
/// which is the right unit when outcomes on the same prompt are correlated.
/// </remarks>
public static class Bootstrap
{
    /// <summary>Percentile intervals of <paramref name="statistic"/> under resampling of <paramref name="units"/>.</summary>
    /// <param name="units">The independent units, at least one.</param>
    /// <param name="statistic">Maps a sample of units to a vector of fixed length; it must not keep the list it is given.</param>
    /// <param name="options">Resamples, confidence and seed; default <see cref="BootstrapOptions"/>.</param>
    /// <returns>One interval per component, with <see cref="ConfidenceInterval.Estimate"/> the statistic on all units.</returns>
    /// <exception cref="ArgumentException">No units, or the statistic's length changes between samples.</exception>
    public static ConfidenceInterval[] PercentileIntervals<T>(
        IReadOnlyList<T> units, Func<IReadOnlyList<T>, double[]> statistic, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(statistic);
        options = (options ?? new BootstrapOptions()).Validate();
        if (units.Count == 0) throw new ArgumentException("the bootstrap needs at least one unit", nameof(units));

        double[] estimate = statistic(units);
        int k = estimate.Length, n = units.Count, b = options.Resamples;
        var draws = new double[k][];
        for (int c = 0; c < k; c++) draws[c] = new double[b];

        var rng = new Rng(options.Seed);
        var sample = new T[n];
        for (int r = 0; r < b; r++)
        {
            for (int i = 0; i < n; i++) sample[i] = units[rng.NextInt(n)];
            double[] t = statistic(sample);
            if (t.Length != k)
                throw new ArgumentException($"the statistic returned {t.Length} values on resample {r} but {k} on the full sample", nameof(statistic));
            for (int c = 0; c < k; c++) draws[c][r] = t[c];
        }

        double alpha = 1 - options.Confidence;
        var result = new ConfidenceInterval[k];
        for (int c = 0; c < k; c++)
        {
            var values = draws[c].Where(v => !double.IsNaN(v)).ToArray();
            Array.Sort(values);
            result[c] = new ConfidenceInterval(estimate[c], Quantile(values, alpha / 2), Quantile(values, 1 - alpha / 2));
        }
        return result;
    }

    /// <summary>Q(q) of sorted values, linear between order statistics at (n − 1)·q; NaN when empty.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
